"""What the screens read, and the shift's start, sign-on and handover.

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatch.access import Action
from dispatch.schemas import (
    AssignmentView,
    CarryOverView,
    DuplicateView,
    EventView,
    IncidentDetail,
    IncidentSummary,
    QueueRow,
    ShiftView,
    SignOnView,
    UnitView,
)

if TYPE_CHECKING:
    from dispatch.reports.handover import HandoverReport

from dispatch.services.guard import FacadeCore, guarded


class QueryActions(FacadeCore):
    """What the screens read, and the shift's start, sign-on and handover."""

    # -- queries -----------------------------------------------------------------

    @guarded(Action.QUEUE_READ)
    def queue(self) -> list[QueueRow]:
        """Open incidents in the engine's dispatch order, with live timers."""
        return self._queries.queue()

    @guarded(Action.CALL_DUPLICATES)
    def duplicate_candidates(
        self,
        *,
        lat: float | None,
        lon: float | None,
        type_code: str | None = None,
        caller_number: str | None = None,
        received_at: datetime | None = None,
        limit: int = 5,
    ) -> list[DuplicateView]:
        """Open incidents a new call may duplicate, best first."""
        return self._queries.duplicate_candidates(
            lat=lat,
            lon=lon,
            type_code=type_code,
            caller_number=caller_number,
            received_at=received_at,
            limit=limit,
        )

    @guarded(Action.INCIDENT_LIST)
    def open_incidents(self) -> list[IncidentSummary]:
        """Every open incident with its active units, oldest first."""
        return self._queries.open_incidents()

    @guarded(Action.INCIDENT_READ)
    def incident(self, incident_id: int | str) -> IncidentDetail:
        """One incident with its assignments, narrative, hand-offs and calls."""
        return self._queries.incident(incident_id)

    @guarded(Action.INCIDENT_HISTORY)
    def incident_history(self, incident_id: int | str) -> list[EventView]:
        """Every journal event about one incident, oldest first."""
        return self._queries.incident_history(incident_id)

    @guarded(Action.UNIT_LIST)
    def units(self) -> list[UnitView]:
        """The unit board: every unit with the incident it works, by callsign."""
        return self._queries.units()

    @guarded(Action.UNIT_READ)
    def unit(self, callsign: str) -> UnitView:
        """One unit."""
        return self._queries.unit(callsign)

    @guarded(Action.ASSIGNMENT_READ)
    def current_assignment(
        self, callsign: str
    ) -> tuple[AssignmentView, IncidentDetail] | None:
        """The unit's active assignment and its incident (the responder view)."""
        return self._queries.current_assignment(callsign)

    @guarded(Action.JOURNAL_FOLLOW)
    def events_after(self, after_id: int, limit: int = 500) -> list[EventView]:
        """Journal events after ``after_id``: what terminals follow to stay current."""
        return self._queries.events_after(after_id, limit)

    @guarded(Action.JOURNAL_HEAD)
    def last_event_id(self) -> int:
        """Id of the newest journal event."""
        return self._queries.last_event_id()

    # -- shifts (actions shift.open, shift.sign_on, shift.close) -----------------

    @guarded(Action.SHIFT_OPEN)
    def open_shift(self) -> ShiftView:
        """Store the shift running now unless stored already (idempotent)."""
        return self._shifts.open_shift()

    @guarded(Action.SHIFT_SIGN_ON)
    def sign_on_shift(
        self, *, role: str | None = None, session_id: int | None = None
    ) -> SignOnView:
        """Sign this operator on to the current shift at this terminal."""
        return self._shifts.sign_on_shift(role=role, session_id=session_id)

    @guarded(Action.SHIFT_SIGN_ON)
    def carry_sign_on(self) -> SignOnView | None:
        """At the change-over, carry this terminal's operator into the new shift."""
        return self._shifts.carry_sign_on()

    @guarded(Action.SHIFT_SIGN_ON)
    def sign_off_shift(self) -> list[str]:
        """Sign off whoever is signed on at this terminal."""
        return self._shifts.sign_off_shift()

    @guarded(Action.SHIFT_CLOSE)
    def close_shift(self) -> CarryOverView:
        """Hand the open shift over: store its report, journal the digest."""
        return self._shifts.close_shift()

    @guarded(Action.REPORT_READ)
    def handover_preview(self) -> CarryOverView:
        """What closing the shift now would carry into the next one."""
        return self._shifts.handover_preview()

    @guarded(Action.SHIFT_READ)
    def current_shift(self) -> ShiftView | None:
        """The stored shift running now, with who is signed on where."""
        return self._shifts.current_shift()

    @guarded(Action.SHIFT_READ)
    def shift_starting_at(self, start: datetime) -> ShiftView | None:
        """The stored shift starting at ``start``, if any."""
        return self._shifts.shift_starting_at(start)

    @guarded(Action.REPORT_READ)
    def stored_handover(self, start: datetime) -> HandoverReport | None:
        """The handover report stored when that shift was closed, if it was."""
        return self._shifts.stored_handover(start)
