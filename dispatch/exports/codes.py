"""Code mappings for exports: local codes → APCO / NENA EIDO registry values.

The incident catalogue (:mod:`dispatch.catalogue`) owns these mappings. This
module asks it first and falls back to a small interim table for codes it does
not know (the interim types and close codes of :mod:`dispatch.triage_bridge`),
so an export never fails because a mapping is still being written. Only
registry *values* appear here, never NENA/APCO description texts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from dispatch.enums import IncidentStatus, Priority, UnitStatus

#: APCO ANS 1.111.2 "event cancelled" code, for incidents cancelled with a reason.
CANCELLED_DISPOSITION = "10"

#: Local priority → EIDO ``incidentCommonPriorityNumber`` (0..10, 10 highest).
COMMON_PRIORITY = {Priority.P1: 10, Priority.P2: 7, Priority.P3: 4, Priority.P4: 1}

_INTERIM_TYPES = {
    "MED": "SICK",
    "FIRE-HOUSE": "FSTRU",
    "TRAFFIC": "MVAINJY",
    "TREE": "HAZ",
    "WATER": "NONEMERG",
}
_INTERIM_DISPOSITIONS = {
    "RESOLVED": "18",
    "TRANSPORTED": "45",
    "FALSE_ALARM": "17",
    "GONE_ON_ARRIVAL": "14",
}
_UNIT_STATUS = {
    UnitStatus.AVAILABLE: ("Available", ("InService",)),
    UnitStatus.DISPATCHED: ("NotAvailable", ("Dispatched",)),
    UnitStatus.EN_ROUTE: ("NotAvailable", ("EnRoute",)),
    UnitStatus.ON_SCENE: ("NotAvailable", ("OnScene",)),
    UnitStatus.TRANSPORTING: ("NotAvailable", ("Transporting", "Hospital")),
    UnitStatus.AT_HOSPITAL: ("NotAvailable", ("Hospital",)),
    UnitStatus.RETURNING: ("Available", ("EnRoute", "Station")),
    UnitStatus.OUT_OF_SERVICE: ("NotAvailable", ("OutofService",)),
    UnitStatus.OFF_DUTY: ("NotAvailable", ("OffDuty",)),
}
_INCIDENT_STATUS = {
    IncidentStatus.PENDING: ("Active",),
    IncidentStatus.HANDED_OFF: ("Active",),
    IncidentStatus.ACKNOWLEDGED: ("Active",),
    IncidentStatus.DISPATCHED: ("Active", "ResourcesAssigned"),
    IncidentStatus.ON_SCENE: ("Active", "ResourcesOnscene"),
    IncidentStatus.CLOSED: ("Closed",),
    IncidentStatus.CANCELLED: ("Cancelled",),
}


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

#: Agency kind / code → IANA ``urn:emergency:service:responder`` sub-service
#: (without the prefix), for ``agencyType``.
AGENCY_TYPES = {
    "DISKOMINFOTIK": "psap",
    "DAMKAR": "fire",
    "PSC119": "ems",
    "RSUD": "ems",
    "PMI": "ems",
    "POLRES": "police",
    "BPBD": "other",
    "BASARNAS": "other",
}


def resource_type(unit_type: str) -> tuple[str, tuple[str, ...]]:
    """EIDO resource type and attributes of a local unit type."""
    return RESOURCE_TYPES.get(unit_type.upper(), _DEFAULT_RESOURCE)


def agency_type(code: str, kind: str) -> str:
    """Responder sub-service of an agency (``other`` when none fits)."""
    if code in AGENCY_TYPES:
        return AGENCY_TYPES[code]
    return "psap" if kind == "operator" else "other"


@dataclass(frozen=True)
class EidoUnitStatus:
    """Primary and secondary EIDO unit status values."""

    primary: str
    secondary: tuple[str, ...]


@cache
def _catalogue() -> Any | None:
    try:
        from dispatch.catalogue import get_catalogue

        return get_catalogue()
    except Exception:
        return None


def apco_incident_type(type_code: str) -> str:
    """APCO ANS 2.103.2 common incident type of a local type code."""
    cat = _catalogue()
    if cat is not None and type_code in cat:
        return str(cat.incident_type(type_code).apco)
    return _INTERIM_TYPES.get(type_code, "NONEMERG")


def apco_disposition(code: str) -> str | None:
    """APCO ANS 1.111.2 common disposition code ("01".."45"), if known."""
    cat = _catalogue()
    if cat is not None:
        try:
            return str(cat.apco_disposition(code))
        except LookupError:
            pass
    return _INTERIM_DISPOSITIONS.get(code)


def eido_unit_status(status: str) -> EidoUnitStatus:
    """EIDO primary/secondary unit status of a local unit status."""
    cat = _catalogue()
    if cat is not None:
        mapped = cat.eido_unit_status(UnitStatus(status))
        return EidoUnitStatus(str(mapped.primary), tuple(mapped.secondary))
    primary, secondary = _UNIT_STATUS[UnitStatus(status)]
    return EidoUnitStatus(primary, secondary)


def eido_incident_status(status: str) -> tuple[str, ...]:
    """EIDO incident status values of a local incident status."""
    cat = _catalogue()
    if cat is not None:
        return tuple(cat.eido_incident_status(IncidentStatus(status)))
    return _INCIDENT_STATUS[IncidentStatus(status)]


def common_priority(priority: str) -> int | None:
    """EIDO common priority (0..10) of a local priority."""
    try:
        return COMMON_PRIORITY[Priority(priority)]
    except ValueError:
        return None


def eido_assignment_end(status: str) -> EidoUnitStatus:
    """EIDO status of a unit that left the incident (cleared or recalled)."""
    if status == "cancelled":
        return EidoUnitStatus("Available", ("AssignmentCancelled",))
    return EidoUnitStatus("Available", ("Cleared",))
