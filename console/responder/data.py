"""What the responder view reads, gathered off the UI thread in one go.

:func:`load_snapshot` asks the services for the unit, its active assignment and
the incident, and looks up the nearest landmark in the region pack.
:func:`concerns` decides whether journal events matter to this unit, so the
follower reloads only when something relevant happened.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from dispatch.answers import AnswerLine, answer_lines
from dispatch.enums import AssignmentStatus, UnitStatus
from dispatch.schemas import AssignmentView, EventView, IncidentDetail, UnitView

if TYPE_CHECKING:
    from dispatch.services import DispatchService

#: Farther than this, "near X" helps nobody find the place.
LANDMARK_MAX_M = 1500.0


@dataclass(frozen=True)
class Landmark:
    """The landmark nearest the incident and how far it is."""

    name: str
    metres: float


@dataclass(frozen=True)
class ResponderSnapshot:
    """Everything the responder screen shows, read at one moment."""

    unit: UnitView
    assignment: AssignmentView | None = None
    incident: IncidentDetail | None = None
    landmark: Landmark | None = None
    type_name: str | None = None
    answers: tuple[AnswerLine, ...] = ()
    """The caller's key-question answers, in words (people trapped: yes)."""

    @property
    def unacknowledged(self) -> bool:
        """True while the unit has not confirmed its assignment."""
        return (
            self.assignment is not None
            and self.assignment.status == AssignmentStatus.DISPATCHED
        )

    @property
    def shown_status(self) -> str:
        """The status to show: "acknowledged" is an assignment state, not a unit one."""
        if (
            self.assignment is not None
            and self.assignment.status == AssignmentStatus.ACKNOWLEDGED
            and self.unit.status == UnitStatus.DISPATCHED
        ):
            return "acknowledged"
        return str(self.unit.status)


def load_snapshot(
    services: DispatchService, callsign: str, language: str = "id"
) -> ResponderSnapshot:
    """Read the unit, its assignment and the incident (call from a thread)."""
    unit = services.unit(callsign)
    current = services.current_assignment(callsign)
    if current is None:
        return ResponderSnapshot(unit=unit)
    assignment, incident = current
    return ResponderSnapshot(
        unit=unit,
        assignment=assignment,
        incident=incident,
        landmark=nearest_landmark(services, incident.lat, incident.lon),
        type_name=type_name(incident.type_code, language),
        answers=tuple(answer_lines(incident.type_code, incident.answers, language)),
    )


def concerns(
    events: Iterable[EventView], unit_id: int, incident_id: int | None
) -> bool:
    """True when any event is about this unit or the incident it works."""
    for event in events:
        if event.unit_id == unit_id:
            return True
        if incident_id is not None and event.incident_id == incident_id:
            return True
    return False


def nearest_landmark(
    services: DispatchService, lat: float | None, lon: float | None
) -> Landmark | None:
    """The region pack's landmark nearest the point, if one is close enough."""
    if lat is None or lon is None:
        return None
    landmarks: Any = services.pack.landmarks
    from geodata.distance import distance_m

    best: Landmark | None = None
    for mark in landmarks:
        metres = distance_m(lat, lon, mark.lat, mark.lon)
        if metres <= LANDMARK_MAX_M and (best is None or metres < best.metres):
            best = Landmark(mark.name, metres)
    return best


def type_name(code: str, language: str = "id") -> str:
    """The catalogue's name for an incident type (the engine accepts no other code)."""
    from dispatch import catalogue

    return catalogue.incident_type(code).name.get(language)


def format_distance(metres: float) -> str:
    """``80 m`` / ``1.2 km``, rounded to what a driver can use."""
    if metres < 1000:
        return f"{int(math.ceil(metres / 10.0) * 10)} m"
    return f"{metres / 1000:.1f} km"
