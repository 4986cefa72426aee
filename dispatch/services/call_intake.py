"""Call intake: the steps before a call's outcome.

Picking up, the caller's number and history, the place, the incident type,
notes and the crash-recovery draft. How a call ends (an incident, an
attachment, a referral, a one-key outcome) is :mod:`dispatch.services.calls`.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select

from dispatch import triage_bridge
from dispatch.enums import CallOutcome, CallState
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Call, CallDraft
from dispatch.phone import normalise_number
from dispatch.schemas import (
    CallerHistory,
    CallOpenInput,
    CallView,
    ClassifyInput,
    LocationInput,
)
from dispatch.services.base import ServiceBase
from dispatch.services.rings import waiting_ring


def validated(model: type[Any], data: Any) -> Any:
    """Turn a pydantic error into InvalidInput naming the first bad field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from exc


class CallIntake(ServiceBase):
    """Open, identify, locate, classify and annotate calls."""

    def open_call(self, data: CallOpenInput | dict[str, Any] | None = None) -> CallView:
        """Start a call: the call taker has picked up.

        On a terminal whose phone line is ringing (the ring feed said so), the
        call takes that ring: the caller's number comes from the phone system
        unless one was typed, and the ring time makes the answer interval a
        measurement. Without a ring the answer interval is not measured.
        """
        request: CallOpenInput = validated(CallOpenInput, data or {})
        number = normalise_number(request.caller_number)
        now = self.clock.now()
        if request.rang_at is not None and request.rang_at.tzinfo is None:
            raise InvalidInput("rang_at must carry a time zone", field="rang_at")
        with self._write() as session:
            ring = (
                waiting_ring(
                    session, self.actor.terminal, now, self.settings.ring_take_seconds
                )
                if request.take_ring
                else None
            )
            rang = ring.rang_at if ring else request.rang_at
            rang = min(rang, now) if rang is not None else None
            answered = now
            if ring is not None and ring.answered_at is not None:
                answered = min(ring.answered_at, now)
            raw = request.caller_number
            if number is None and ring is not None:
                number, raw = ring.caller_number, ring.caller_number_raw
            call = Call(
                rang_at=rang,
                received_at=rang or now,
                answered_at=answered,
                ring_line=ring.line if ring else None,
                state=CallState.OPEN,
                operator=self.actor.operator,
                terminal=self.actor.terminal,
                caller_number=number,
                caller_number_raw=raw,
                caller_name=request.caller_name,
                answers={},
            )
            session.add(call)
            session.flush()
            if ring is not None:
                ring.call_id = call.id
            self._event(
                session,
                "call.opened",
                call_id=call.id,
                caller_number=number,
                received_at=call.received_at,
                rang_at=call.rang_at,
                answered_at=call.answered_at,
                line=call.ring_line,
            )
            return CallView.model_validate(call)

    def update_caller(
        self, call_id: int, *, caller_number: str | None, caller_name: str | None
    ) -> CallView:
        """Correct the caller's number or name while the call is open."""
        number = normalise_number(caller_number)
        name = validated(CallOpenInput, {"caller_name": caller_name}).caller_name
        with self._write() as session:
            call = self._open_call(session, call_id)
            call.caller_number = number
            call.caller_number_raw = caller_number
            call.caller_name = name
            self._event(
                session, "call.caller_updated", call_id=call.id, caller_number=number
            )
            return CallView.model_validate(call)

    def caller_history(self, number: str | None) -> CallerHistory | None:
        """Earlier calls from a number, for prank/silent flagging at intake."""
        e164 = normalise_number(number)
        if e164 is None:
            return None
        with self._read() as session:
            rows = session.execute(
                select(Call.outcome, func.count(), func.max(Call.received_at))
                .where(Call.caller_number == e164)
                .group_by(Call.outcome)
            ).all()
        counts = {outcome: count for outcome, count, _ in rows}
        last = max(
            (latest for _, _, latest in rows if latest is not None), default=None
        )
        return CallerHistory(
            number=e164,
            calls=sum(counts.values()),
            prank=counts.get(CallOutcome.PRANK, 0),
            silent=counts.get(CallOutcome.SILENT, 0),
            abandoned=counts.get(CallOutcome.ABANDONED, 0),
            incidents=counts.get(CallOutcome.INCIDENT, 0)
            + counts.get(CallOutcome.DUPLICATE, 0),
            last_call_at=last,
        )

    def record_location(
        self,
        call_id: int,
        location: LocationInput | dict[str, Any],
        *,
        allow_outside_area: bool = False,
    ) -> CallView:
        """Store the place the call taker picked for this call."""
        place = self._checked_place(location, allow_outside_area=allow_outside_area)
        with self._write() as session:
            call = self._open_call(session, call_id)
            self._apply_location(session, call, place)
            return CallView.model_validate(call)

    def classify_call(
        self, call_id: int, data: ClassifyInput | dict[str, Any]
    ) -> CallView:
        """Set the incident type and key-question answers; triage sets the priority."""
        request: ClassifyInput = validated(ClassifyInput, data)
        result = triage_bridge.classify(request.type_code, request.answers)
        with self._write() as session:
            call = self._open_call(session, call_id)
            self._apply_classification(session, call, result, request.answers)
            return CallView.model_validate(call)

    def _checked_place(
        self, location: LocationInput | dict[str, Any], *, allow_outside_area: bool
    ) -> LocationInput:
        place: LocationInput = validated(LocationInput, location)
        if not allow_outside_area and not self.pack.point_in_service_area(
            place.lat, place.lon
        ):
            raise InvalidInput(
                "That place is outside the service area; refer the caller to the "
                "112 center responsible for it.",
                field="location",
            )
        return place

    def _apply_location(self, session: Any, call: Call, place: LocationInput) -> None:
        if call.located_at is None:
            call.located_at = self.clock.now()
        call.location_text = place.text
        call.lat, call.lon = place.lat, place.lon
        call.place_name = place.place_name
        call.kelurahan_code = place.kelurahan_code
        call.kelurahan = place.kelurahan
        call.kecamatan = place.kecamatan
        call.location_relation = place.relation
        call.location_confidence = place.confidence
        self._event(
            session,
            "call.located",
            call_id=call.id,
            lat=place.lat,
            lon=place.lon,
            place=place.place_name,
            kelurahan=place.kelurahan,
            text=place.text,
        )

    def _apply_classification(
        self,
        session: Any,
        call: Call,
        result: triage_bridge.Classification,
        answers: dict[str, str],
    ) -> None:
        if call.classified_at is None:
            call.classified_at = self.clock.now()
        call.type_code = result.type_code
        call.determinant = result.determinant
        call.priority = result.priority
        call.answers = dict(answers)
        self._event(
            session,
            "call.classified",
            call_id=call.id,
            type_code=result.type_code,
            determinant=result.determinant,
            priority=result.priority,
            answers=dict(answers),
        )

    def add_call_note(self, call_id: int, text: str) -> CallView:
        """Append free notes to an open call."""
        cleaned = validated(LocationInput, {"text": text, "lat": 0, "lon": 0}).text
        with self._write() as session:
            call = self._open_call(session, call_id)
            call.notes = f"{call.notes}\n{cleaned}" if call.notes else cleaned
            self._event(session, "call.noted", call_id=call.id, text=cleaned)
            return CallView.model_validate(call)

    def call(self, call_id: int) -> CallView:
        """One call."""
        with self._read() as session:
            return CallView.model_validate(self._call(session, call_id))

    # -- drafts (crash recovery) ---------------------------------------------

    def save_draft(self, call_id: int, data: dict[str, Any]) -> None:
        """Keep what the call taker typed so far (not journaled: scratch state)."""
        with self._write() as session:
            self._open_call(session, call_id)
            draft = session.get(CallDraft, call_id)
            if draft is None:
                draft = CallDraft(call_id=call_id, terminal=self.actor.terminal)
                session.add(draft)
            draft.saved_at = self.clock.now()
            draft.data = dict(data)

    def open_drafts(
        self, terminal: str | None = None
    ) -> list[tuple[CallView, dict[str, Any]]]:
        """Calls still open on a terminal, with their drafts, oldest first."""
        where = terminal or self.actor.terminal
        with self._read() as session:
            calls = session.scalars(
                select(Call)
                .where(Call.state == CallState.OPEN, Call.terminal == where)
                .order_by(Call.id)
            ).all()
            result = []
            for call in calls:
                draft = session.get(CallDraft, call.id)
                result.append(
                    (CallView.model_validate(call), dict(draft.data) if draft else {})
                )
            return result

    # -- helpers ---------------------------------------------------------------

    def _open_call(self, session: Any, call_id: int) -> Call:
        call = self._call(session, call_id)
        if call.state != CallState.OPEN:
            raise InvalidTransition(
                f"Call {call_id} already ended as {call.outcome}.", call_id=call_id
            )
        return call
