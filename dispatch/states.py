"""State machines for incidents, units and assignments.

Each machine is a table of allowed moves; :func:`check_unit_move` and friends
raise :class:`~dispatch.errors.InvalidTransition` with a message an operator
can act on. Services call these before they change anything.
"""

from __future__ import annotations

from collections.abc import Mapping

from dispatch.enums import AssignmentStatus, IncidentStatus, UnitStatus
from dispatch.errors import InvalidTransition

U = UnitStatus
I = IncidentStatus  # noqa: E741 - a table reads better with one-letter aliases
A = AssignmentStatus

UNIT_MOVES: Mapping[UnitStatus, frozenset[UnitStatus]] = {
    U.AVAILABLE: frozenset({U.DISPATCHED, U.OUT_OF_SERVICE, U.OFF_DUTY}),
    U.DISPATCHED: frozenset({U.EN_ROUTE, U.ON_SCENE, U.AVAILABLE, U.OUT_OF_SERVICE}),
    U.EN_ROUTE: frozenset({U.ON_SCENE, U.AVAILABLE, U.DISPATCHED, U.OUT_OF_SERVICE}),
    U.ON_SCENE: frozenset({U.TRANSPORTING, U.RETURNING, U.AVAILABLE, U.DISPATCHED}),
    U.TRANSPORTING: frozenset({U.AT_HOSPITAL, U.RETURNING, U.AVAILABLE}),
    U.AT_HOSPITAL: frozenset({U.RETURNING, U.AVAILABLE}),
    U.RETURNING: frozenset({U.AVAILABLE, U.DISPATCHED, U.OUT_OF_SERVICE}),
    U.OUT_OF_SERVICE: frozenset({U.AVAILABLE, U.OFF_DUTY}),
    U.OFF_DUTY: frozenset({U.AVAILABLE, U.OUT_OF_SERVICE}),
}
"""Unit status moves. DISPATCHED from a committed status is a pre-emption."""

INCIDENT_MOVES: Mapping[IncidentStatus, frozenset[IncidentStatus]] = {
    I.PENDING: frozenset({I.HANDED_OFF, I.DISPATCHED, I.CLOSED, I.CANCELLED}),
    I.HANDED_OFF: frozenset(
        {I.ACKNOWLEDGED, I.PENDING, I.DISPATCHED, I.CLOSED, I.CANCELLED}
    ),
    I.ACKNOWLEDGED: frozenset({I.DISPATCHED, I.PENDING, I.CLOSED, I.CANCELLED}),
    I.DISPATCHED: frozenset({I.ON_SCENE, I.PENDING, I.CLOSED, I.CANCELLED}),
    I.ON_SCENE: frozenset({I.DISPATCHED, I.PENDING, I.CLOSED, I.CANCELLED}),
    I.CLOSED: frozenset(),
    I.CANCELLED: frozenset(),
}
"""Incident moves; closed and cancelled incidents are final."""

ASSIGNMENT_MOVES: Mapping[AssignmentStatus, frozenset[AssignmentStatus]] = {
    A.DISPATCHED: frozenset(
        {A.ACKNOWLEDGED, A.EN_ROUTE, A.ON_SCENE, A.CLEARED, A.CANCELLED}
    ),
    A.ACKNOWLEDGED: frozenset({A.EN_ROUTE, A.ON_SCENE, A.CLEARED, A.CANCELLED}),
    A.EN_ROUTE: frozenset({A.ON_SCENE, A.CLEARED, A.CANCELLED}),
    A.ON_SCENE: frozenset({A.TRANSPORTING, A.CLEARED, A.CANCELLED}),
    A.TRANSPORTING: frozenset({A.AT_HOSPITAL, A.CLEARED}),
    A.AT_HOSPITAL: frozenset({A.CLEARED}),
    A.CLEARED: frozenset(),
    A.CANCELLED: frozenset(),
}
"""Assignment moves, driven by the unit's status reports."""

UNIT_TO_ASSIGNMENT: Mapping[UnitStatus, AssignmentStatus] = {
    U.EN_ROUTE: A.EN_ROUTE,
    U.ON_SCENE: A.ON_SCENE,
    U.TRANSPORTING: A.TRANSPORTING,
    U.AT_HOSPITAL: A.AT_HOSPITAL,
    U.RETURNING: A.CLEARED,
    U.AVAILABLE: A.CLEARED,
    U.OUT_OF_SERVICE: A.CANCELLED,
}
"""What a unit's status report means for its active assignment."""


def check_unit_move(callsign: str, current: UnitStatus, new: UnitStatus) -> None:
    """Raise unless a unit may go from ``current`` to ``new``."""
    if new not in UNIT_MOVES[current]:
        raise InvalidTransition(
            f"{callsign} cannot go from {current.value} to {new.value}",
            callsign=callsign,
            current=current.value,
            new=new.value,
        )


def check_incident_move(
    number: str, current: IncidentStatus, new: IncidentStatus
) -> None:
    """Raise unless an incident may go from ``current`` to ``new``."""
    if new not in INCIDENT_MOVES[current]:
        raise InvalidTransition(
            f"incident {number} is {current.value} and cannot become {new.value}",
            number=number,
            current=current.value,
            new=new.value,
        )


def check_assignment_move(
    callsign: str, current: AssignmentStatus, new: AssignmentStatus
) -> None:
    """Raise unless an assignment may go from ``current`` to ``new``."""
    if new not in ASSIGNMENT_MOVES[current]:
        raise InvalidTransition(
            f"{callsign}'s assignment is {current.value} and cannot become {new.value}",
            callsign=callsign,
            current=current.value,
            new=new.value,
        )
