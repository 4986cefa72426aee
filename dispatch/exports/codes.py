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
