"""Call services: the call's one outcome.

An incident created from the call, the call attached to an incident, a
referral, or a one-key outcome (information, prank, silent, abandoned). The
steps before it are :mod:`dispatch.services.call_intake`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

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
from dispatch.referral_details import clean_details
from dispatch.schemas import (
    CallView,
    ClassifyInput,
    IncidentDetail,
    LocationInput,
    NarrativeView,
    ReferralInput,
    ReferralView,
)
from dispatch.services.base import locks_rows
from dispatch.services.call_intake import CallIntake, validated
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


#: The day's highest incident number in text order (built once, with its
#: cache key): the number order while serials have four digits.
_LATEST_NUMBER = select(func.max(Incident.number)).where(
    Incident.number >= bindparam("low"), Incident.number < bindparam("high")
)
#: The day's highest incident number when serials may have five digits or more.
_LONGEST_NUMBER = (
    select(Incident.number)
    .where(Incident.number >= bindparam("low"), Incident.number < bindparam("high"))
    .order_by(func.length(Incident.number).desc(), Incident.number.desc())
    .limit(1)
)
_FOUR_DIGITS = 9999
#: PostgreSQL: desks making incidents at the same moment take numbers one at
#: a time (a transaction-scoped advisory lock, released at commit); without
#: it two of them read the same highest number and one loses at the unique
#: index again and again under load. SQLite's writers are one at a time anyway.
_NUMBERING_LOCK = select(func.pg_advisory_xact_lock(0x112_1CD))


def _serial(number: str | None) -> int:
    """The serial of ``112-YYYYMMDD-NNNN`` (0 for no number yet)."""
    return int(number.rsplit("-", 1)[1]) if number else 0


class CallService(CallIntake):
    """Open, locate, classify and end calls (the ending steps are here)."""

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
            validated(ClassifyInput, classification)
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
        request: ReferralInput = validated(ReferralInput, data or {})
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
        if locks_rows(session):  # PostgreSQL: creations overlap
            session.execute(_NUMBERING_LOCK)
        # A range, not LIKE: it walks the unique index instead of every incident.
        latest = session.scalar(
            _LATEST_NUMBER, {"low": prefix, "high": f"112-{local:%Y%m%d}."}
        )
        serial = _serial(latest)
        if serial >= _FOUR_DIGITS:
            # Past 9999 the text order is not the number order ("…-9999" sorts
            # after "…-10000"): the longest number of the day is the highest.
            # A province center passes 9,999 incidents on a flood day.
            serial = _serial(
                session.scalar(
                    _LONGEST_NUMBER, {"low": prefix, "high": f"112-{local:%Y%m%d}."}
                )
            )
        return f"{prefix}{serial + 1:04d}"
