"""Code mappings for exports: local codes → APCO / NENA EIDO registry values.

The incident catalogue (:mod:`dispatch.catalogue`) owns these mappings. This
module reads them from there and adds what the catalogue does not hold (EIDO
resource types of unit types, agency types). Only registry *values* appear
here, never NENA/APCO description texts.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.catalogue import get_catalogue
from dispatch.enums import Determinant, IncidentStatus, Priority, UnitStatus

#: APCO ANS 1.111.2 "event cancelled" code, for incidents cancelled with a reason.
CANCELLED_DISPOSITION = "10"

#: Local priority → EIDO ``incidentCommonPriorityNumber`` (0..10, 10 highest),
#: used only when the incident's catalogue level is unknown.
COMMON_PRIORITY = {Priority.P1: 10, Priority.P2: 7, Priority.P3: 4, Priority.P4: 1}

#: Local unit type → EIDO-EmergencyResourceType-Common value and resource
#: attributes (EIDO-ResourceAttribute) every unit of the type has.
RESOURCE_TYPES: dict[str, tuple[str, tuple[str, ...]]] = {
    "AMBULANCE": ("GroundBLSAmbulance", ("EMT",)),
    "HEARSE": ("MedicalTransportVehicle", ()),
    "FIRE_ENGINE": ("StructureFireEngineType1", ("Firefighter",)),
    "WATER_TANKER": ("FireWaterTender", ("Firefighter",)),
    "RESCUE": ("LightRescue", ("ExtricationEquipmentBasic",)),
    "POLICE_PATROL": ("PatrolUnit", ()),
    "BPBD_RESPONSE": ("LightRescue", ()),
    "SATPOL_PATROL": ("CivilServiceOfficer", ()),
}
_DEFAULT_RESOURCE = ("ResponderCrewTransport", ())


def resource_type(unit_type: str) -> tuple[str, tuple[str, ...]]:
    """EIDO resource type and attributes of a local unit type."""
    return RESOURCE_TYPES.get(unit_type.upper(), _DEFAULT_RESOURCE)


def agency_type(kind: str, service: str | None) -> str:
    """IANA ``urn:emergency:service:responder`` sub-service of an agency.

    The region pack says what each agency is (``agencies.csv``, ``service``);
    without it the centre's own agency is ``psap`` and any other ``other``.
    """
    if service:
        return service
    return "psap" if kind == "operator" else "other"


@dataclass(frozen=True)
class EidoUnitStatus:
    """Primary and secondary EIDO unit status values."""

    primary: str
    secondary: tuple[str, ...]


def apco_incident_type(type_code: str) -> str:
    """APCO ANS 2.103.2 common incident type of a local type code."""
    cat = get_catalogue()
    if type_code in cat:
        return str(cat.incident_type(type_code).apco)
    return "NONEMERG"  # NENA's own code for a type the registry does not cover


def apco_disposition(code: str) -> str | None:
    """APCO ANS 1.111.2 common disposition code ("01".."45"), if known."""
    try:
        return str(get_catalogue().apco_disposition(code))
    except LookupError:
        return None


def eido_unit_status(status: str) -> EidoUnitStatus:
    """EIDO primary/secondary unit status of a local unit status."""
    mapped = get_catalogue().eido_unit_status(UnitStatus(status))
    return EidoUnitStatus(str(mapped.primary), tuple(mapped.secondary))


def eido_incident_status(status: str) -> tuple[str, ...]:
    """EIDO incident status values of a local incident status."""
    return tuple(get_catalogue().eido_incident_status(IncidentStatus(status)))


def common_priority(
    priority: str, type_code: str | None = None, determinant: str | None = None
) -> int | None:
    """EIDO common priority (0..10): the catalogue level's, else by priority band."""
    cat = get_catalogue()
    if type_code is not None and type_code in cat and determinant in set(Determinant):
        level = cat.incident_type(type_code).levels.get(Determinant(determinant))
        if level is not None:
            return int(level.eido_priority)
    try:
        return COMMON_PRIORITY[Priority(priority)]
    except ValueError:
        return None


def eido_assignment_end(status: str) -> EidoUnitStatus:
    """EIDO status of a unit that left the incident (cleared or recalled)."""
    if status == "cancelled":
        return EidoUnitStatus("Available", ("AssignmentCancelled",))
    return EidoUnitStatus("Available", ("Cleared",))
