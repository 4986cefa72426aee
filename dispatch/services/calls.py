"""Call services: from the ring to the call's one outcome."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import bindparam, delete, func, select

from dispatch import triage_bridge
from dispatch.enums import (
    CallOutcome,
    CallState,
    IncidentStatus,
    ReferralChannel,
    ReferralStatus,
)
from dispatch.errors import AgencyNotFound, InvalidInput, InvalidTransition
from dispatch.models import Agency, Call, CallDraft, Incident, NarrativeEntry, Referral
from dispatch.phone import normalise_number
from dispatch.referral_details import clean_details
from dispatch.schemas import (
    CallerHistory,
    CallOpenInput,
    CallView,
    ClassifyInput,
    IncidentDetail,
    LocationInput,
    NarrativeView,
    ReferralInput,
    ReferralView,
)
from dispatch.services.base import ServiceBase
from dispatch.services.rings import waiting_ring
from dispatch.services.views import incident_columns

#: Outcomes a call taker gives directly, without creating or attaching anything.
DIRECT_OUTCOMES = frozenset(
    {
        CallOutcome.INFORMATION,
        CallOutcome.PRANK,
        CallOutcome.SILENT,
        CallOutcome.ABANDONED,
    }
)


def _validated(model: type[Any], data: Any) -> Any:
    """Turn a pydantic error into InvalidInput naming the first bad field."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        field = ".".join(str(part) for part in first["loc"]) or None
        raise InvalidInput(f"{field}: {first['msg']}", field=field) from exc


#: The day's highest incident number (built once, with its cache key).
_LATEST_NUMBER = select(func.max(Incident.number)).where(
    Incident.number >= bindparam("low"), Incident.number < bindparam("high")
)


class CallService(ServiceBase):
    """Open, locate, classify and end calls."""

    def open_call(self, data: CallOpenInput | dict[str, Any] | None = None) -> CallView:
        """Start a call: the call taker has picked up.

        On a terminal whose phone line is ringing (the ring feed said so), the
        call takes that ring: the caller's number comes from the phone system
        unless one was typed, and the ring time makes the answer interval a
        measurement. Without a ring the answer interval is not measured.
        """
        request: CallOpenInput = _validated(CallOpenInput, data or {})
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
        name = _validated(CallOpenInput, {"caller_name": caller_name}).caller_name
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
        request: ClassifyInput = _validated(ClassifyInput, data)
        result = triage_bridge.classify(request.type_code, request.answers)
        with self._write() as session:
            call = self._open_call(session, call_id)
            self._apply_classification(session, call, result, request.answers)
            return CallView.model_validate(call)

    def _checked_place(
        self, location: LocationInput | dict[str, Any], *, allow_outside_area: bool
    ) -> LocationInput:
        place: LocationInput = _validated(LocationInput, location)
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
        cleaned = _validated(LocationInput, {"text": text, "lat": 0, "lon": 0}).text
        with self._write() as session:
            call = self._open_call(session, call_id)
            call.notes = f"{call.notes}\n{cleaned}" if call.notes else cleaned
            self._event(session, "call.noted", call_id=call.id, text=cleaned)
            return CallView.model_validate(call)

    def create_incident(
        self,
        call_id: int,
        *,
        location: LocationInput | dict[str, Any] | None = None,
        classification: ClassifyInput | dict[str, Any] | None = None,
        allow_outside_area: bool = False,
    ) -> IncidentDetail:
        """Make a new incident from a located, classified emergency call.

        The location and classification may come along (one transaction for the
        intake form's "create incident" key) or have been recorded before.
        """
        place = (
            self._checked_place(location, allow_outside_area=allow_outside_area)
            if location is not None
            else None
        )
        request: ClassifyInput | None = (
            _validated(ClassifyInput, classification)
            if classification is not None
            else None
        )
        result = (
            triage_bridge.classify(request.type_code, request.answers)
            if request
            else None
        )
        with self._write() as session:
            call = self._open_call(session, call_id)
            if place is not None:
                self._apply_location(session, call, place)
            if result is not None and request is not None:
                self._apply_classification(session, call, result, request.answers)
            if (
                call.type_code is None
                or call.priority is None
                or call.determinant is None
            ):
                raise InvalidInput("Choose the incident type first.", field="type_code")
            if not triage_bridge.is_emergency(call.type_code):
                raise InvalidInput(
                    "This type is not an emergency: refer the call instead.",
                    field="type_code",
                )
            if call.lat is None or call.lon is None:
                raise InvalidInput(
                    "Pick a location before creating the incident.", field="location"
                )
            now = self.clock.now()
            incident = Incident(
                number=self._next_number(session, now),
                type_code=call.type_code,
                determinant=call.determinant,
                priority=call.priority,
                status=IncidentStatus.PENDING,
                call_received_at=call.received_at,
                created_at=now,
                location_text=call.location_text,
                place_name=call.place_name,
                lat=call.lat,
                lon=call.lon,
                kelurahan_code=call.kelurahan_code,
                kelurahan=call.kelurahan,
                kecamatan=call.kecamatan,
                caller_number=call.caller_number,
                caller_name=call.caller_name,
                answers=dict(call.answers),
                created_by=self.actor.operator,
            )
            session.add(incident)
            session.flush()
            notes = []
            if call.notes:
                notes.append(
                    NarrativeEntry(
                        incident_id=incident.id,
                        at=now,
                        author=self.actor.operator,
                        text=call.notes,
                    )
                )
                session.add_all(notes)
            self._end_call(session, call, CallOutcome.INCIDENT, incident_id=incident.id)
            self._event(
                session,
                "incident.created",
                incident_id=incident.id,
                call_id=call.id,
                number=incident.number,
                type_code=incident.type_code,
                determinant=incident.determinant,
                priority=incident.priority,
                lat=incident.lat,
                lon=incident.lon,
                kelurahan=incident.kelurahan,
            )
            session.flush()
            # A new incident has no units or hand-offs yet: no need to query for them.
            return IncidentDetail.model_validate(
                {
                    **incident_columns(incident),
                    "call_ids": (call.id,),
                    "narrative": tuple(NarrativeView.model_validate(n) for n in notes),
                }
            )

    def attach_to_incident(self, call_id: int, incident_id: int | str) -> CallView:
        """End the call as a duplicate of an open incident."""
        with self._write() as session:
            call = self._open_call(session, call_id)
            incident = self._incident(session, incident_id)
            if not IncidentStatus(incident.status).is_open:
                raise InvalidTransition(
                    f"Incident {incident.number} is already {incident.status}; "
                    "create a new one.",
                    number=incident.number,
                )
            note = f"Duplicate call {call.id}"
            if call.caller_number:
                note += f" from {call.caller_number}"
            if call.notes:
                note += f": {call.notes}"
            session.add(
                NarrativeEntry(
                    incident_id=incident.id,
                    at=self.clock.now(),
                    author=self.actor.operator,
                    text=note,
                )
            )
            self._end_call(
                session, call, CallOutcome.DUPLICATE, incident_id=incident.id
            )
            self._event(
                session,
                "call.attached",
                incident_id=incident.id,
                call_id=call.id,
                number=incident.number,
            )
            return CallView.model_validate(call)

    def refer_call(
        self, call_id: int, data: ReferralInput | dict[str, Any] | None = None
    ) -> ReferralView:
        """End a non-emergency call with a referral to the responsible agency."""
        request: ReferralInput = _validated(ReferralInput, data or {})
        with self._write() as session:
            call = self._open_call(session, call_id)
            default = triage_bridge.referral_default(call.type_code)
            agency_code = request.agency_code or (
                default.agency_code if default else None
            )
            if agency_code is None:
                raise InvalidInput(
                    "Choose the agency to refer to.", field="agency_code"
                )
            if session.get(Agency, agency_code) is None:
                raise AgencyNotFound(
                    f"There is no agency {agency_code}.", field="agency_code"
                )
            channel = request.channel or (
                default.channel if default else self._preferred_channel(agency_code)
            )
            details = clean_details(call.type_code, request.details)
            referral = Referral(
                call_id=call.id,
                agency_code=agency_code,
                channel=channel,
                reference_number=request.reference_number,
                sector=request.sector or (default.sector if default else None),
                callback_requested=request.callback,
                details=details,
                type_code=call.type_code,
                status=ReferralStatus.SENT,
                sent_at=self.clock.now(),
            )
            session.add(referral)
            session.flush()
            self._end_call(session, call, CallOutcome.REFERRAL)
            self._event(
                session,
                "call.referred",
                call_id=call.id,
                referral_id=referral.id,
                agency=agency_code,
                channel=channel,
                reference=request.reference_number,
                sector=referral.sector,
                type_code=call.type_code,
                details=sorted(details),
            )
            return ReferralView.model_validate(referral)

    def _preferred_channel(self, agency_code: str) -> ReferralChannel:
        """The first channel the pack lists for the agency (else SP4N-LAPOR!)."""
        agency = self.pack.agency_by_code.get(agency_code)
        if agency is not None and agency.channels:
            return ReferralChannel(agency.channels[0])
        return ReferralChannel.SP4N_LAPOR

    def close_call(
        self, call_id: int, outcome: CallOutcome | str, note: str | None = None
    ) -> CallView:
        """End a call as information given, prank, silent or abandoned."""
        try:
            result = CallOutcome(outcome)
        except ValueError as exc:
            raise InvalidInput(
                f"Unknown call outcome {outcome!r}.", field="outcome"
            ) from exc
        if result not in DIRECT_OUTCOMES:
            raise InvalidInput(
                f"A call ends as {result.value} through its own action, "
                "not close_call.",
                field="outcome",
            )
        with self._write() as session:
            call = self._open_call(session, call_id)
            cleaned = note.strip()[:4000] if note else None
            if cleaned:
                call.notes = f"{call.notes}\n{cleaned}" if call.notes else cleaned
            self._end_call(session, call, result)
            self._event(
                session,
                "call.closed",
                call_id=call.id,
                outcome=result.value,
                note=cleaned,
            )
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

    def _end_call(
        self,
        session: Any,
        call: Call,
        outcome: CallOutcome,
        *,
        incident_id: int | None = None,
    ) -> None:
        call.state = CallState.CLOSED
        call.outcome = outcome
        call.ended_at = self.clock.now()
        call.incident_id = incident_id
        # One statement whether or not a draft was saved (no look-up first).
        session.execute(
            delete(CallDraft)
            .where(CallDraft.call_id == call.id)
            .execution_options(synchronize_session=False)
        )

    def _next_number(self, session: Any, now: datetime) -> str:
        local = now.astimezone(self.settings.zone)
        prefix = f"112-{local:%Y%m%d}-"
        # A range, not LIKE: it walks the unique index instead of every incident.
        latest = session.scalar(
            _LATEST_NUMBER, {"low": prefix, "high": f"112-{local:%Y%m%d}."}
        )
        serial = int(latest.rsplit("-", 1)[1]) + 1 if latest else 1
        return f"{prefix}{serial:04d}"
