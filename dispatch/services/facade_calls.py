"""Calls and the ring feed: the intake's actions.

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from dispatch.access import Action
from dispatch.enums import (
    CallOutcome,
)
from dispatch.schemas import (
    CallerHistory,
    CallOpenInput,
    CallView,
    ClassifyInput,
    IncidentDetail,
    LocationInput,
    ReferralInput,
    ReferralView,
)

if TYPE_CHECKING:
    pass

from dispatch.services.guard import FacadeCore, guarded


class CallActions(FacadeCore):
    """Calls and the ring feed: the intake's actions."""

    # -- calls -------------------------------------------------------------------

    @guarded(Action.CALL_OPEN)
    def open_call(
        self,
        data: CallOpenInput | dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> CallView:
        """Start a call: the call taker has picked up (takes a ring on its line)."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_OPEN.value,
            CallView,
            lambda: self._calls.open_call(data),
        )

    # -- the ring feed -------------------------------------------------------------

    @guarded(Action.RING_RING)
    def ring_started(self, line: str, number: str | None, at: datetime) -> int:
        """The phone system says a call rings on ``line``."""
        return self._rings.ring_started(line, number, at)

    @guarded(Action.RING_ANSWERED)
    def ring_answered(self, line: str, at: datetime) -> int:
        """The phone system says the handset on ``line`` was picked up."""
        return self._rings.ring_answered(line, at)

    @guarded(Action.RING_ENDED)
    def ring_ended(self, line: str, at: datetime) -> int:
        """The phone system says the call on ``line`` ended."""
        return self._rings.ring_ended(line, at)

    @guarded(Action.CALL_UPDATE_CALLER)
    def update_caller(
        self,
        call_id: int,
        *,
        caller_number: str | None,
        caller_name: str | None,
        idempotency_key: str | None = None,
    ) -> CallView:
        """Correct the caller's number or name while the call is open."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_UPDATE_CALLER.value,
            CallView,
            lambda: self._calls.update_caller(
                call_id, caller_number=caller_number, caller_name=caller_name
            ),
        )

    @guarded(Action.CALL_CALLER_HISTORY)
    def caller_history(self, number: str | None) -> CallerHistory | None:
        """Earlier calls from a number, for prank/silent flagging at intake."""
        return self._calls.caller_history(number)

    @guarded(Action.CALL_LOCATE)
    def record_location(
        self,
        call_id: int,
        location: LocationInput | dict[str, Any],
        *,
        allow_outside_area: bool = False,
        idempotency_key: str | None = None,
    ) -> CallView:
        """Store the place the call taker picked for this call."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_LOCATE.value,
            CallView,
            lambda: self._calls.record_location(
                call_id, location, allow_outside_area=allow_outside_area
            ),
        )

    @guarded(Action.CALL_CLASSIFY)
    def classify_call(
        self,
        call_id: int,
        data: ClassifyInput | dict[str, Any],
        *,
        idempotency_key: str | None = None,
    ) -> CallView:
        """Set the incident type and key-question answers; triage sets the priority."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_CLASSIFY.value,
            CallView,
            lambda: self._calls.classify_call(call_id, data),
        )

    @guarded(Action.CALL_NOTE)
    def add_call_note(
        self, call_id: int, text: str, *, idempotency_key: str | None = None
    ) -> CallView:
        """Append free notes to an open call."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_NOTE.value,
            CallView,
            lambda: self._calls.add_call_note(call_id, text),
        )

    @guarded(Action.INCIDENT_CREATE)
    def create_incident(
        self,
        call_id: int,
        *,
        location: LocationInput | dict[str, Any] | None = None,
        classification: ClassifyInput | dict[str, Any] | None = None,
        allow_outside_area: bool = False,
        idempotency_key: str | None = None,
    ) -> IncidentDetail:
        """Make a new incident from a located, classified emergency call."""
        return self._uow.run(
            idempotency_key,
            Action.INCIDENT_CREATE.value,
            IncidentDetail,
            lambda: self._calls.create_incident(
                call_id,
                location=location,
                classification=classification,
                allow_outside_area=allow_outside_area,
            ),
        )

    @guarded(Action.CALL_ATTACH)
    def attach_to_incident(
        self,
        call_id: int,
        incident_id: int | str,
        *,
        idempotency_key: str | None = None,
    ) -> CallView:
        """End the call as a duplicate of an open incident."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_ATTACH.value,
            CallView,
            lambda: self._calls.attach_to_incident(call_id, incident_id),
        )

    @guarded(Action.CALL_REFER)
    def refer_call(
        self,
        call_id: int,
        data: ReferralInput | dict[str, Any] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> ReferralView:
        """End a non-emergency call with a referral to the responsible agency."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_REFER.value,
            ReferralView,
            lambda: self._calls.refer_call(call_id, data),
        )

    @guarded(Action.CALL_CLOSE)
    def close_call(
        self,
        call_id: int,
        outcome: CallOutcome | str,
        note: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> CallView:
        """End a call as information given, prank, silent or abandoned."""
        return self._uow.run(
            idempotency_key,
            Action.CALL_CLOSE.value,
            CallView,
            lambda: self._calls.close_call(call_id, outcome, note),
        )

    @guarded(Action.CALL_READ)
    def call(self, call_id: int) -> CallView:
        """One call."""
        return self._calls.call(call_id)

    @guarded(Action.CALL_SAVE_DRAFT)
    def save_draft(self, call_id: int, data: dict[str, Any]) -> None:
        """Keep what the call taker typed so far (not journaled: scratch state)."""
        self._calls.save_draft(call_id, data)

    @guarded(Action.CALL_DRAFTS)
    def open_drafts(
        self, terminal: str | None = None
    ) -> list[tuple[CallView, dict[str, Any]]]:
        """Calls still open on a terminal, with their drafts, oldest first."""
        return self._calls.open_drafts(terminal)
