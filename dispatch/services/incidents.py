"""Incident services: assign, hand off, annotate, close and cancel."""

from __future__ import annotations

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from dispatch import triage_bridge
from dispatch.enums import (
    AssignmentStatus,
    HandoffStatus,
    IncidentStatus,
    Priority,
    UnitStatus,
)
from dispatch.errors import (
    AgencyNotFound,
    InvalidInput,
    InvalidTransition,
    NotFound,
    UnitAlreadyAssigned,
)
from dispatch.models import Agency, Assignment, Handoff, Incident, NarrativeEntry, Unit
from dispatch.schemas import AssignmentView, HandoffView, IncidentDetail, NarrativeView
from dispatch.services.base import ServiceBase
from dispatch.services.views import assignment_view, incident_detail
from dispatch.states import check_incident_move, check_unit_move

MAX_NOTE = 4000


class IncidentServices(ServiceBase):
    """Everything that changes an incident after it exists."""

    def assign_unit(
        self,
        incident_id: int | str,
        callsign: str,
        *,
        eta_seconds: float | None = None,
        preempt: bool = False,
        reason: str | None = None,
    ) -> AssignmentView:
        """Send a unit to an incident, atomically; pre-empt only when asked."""
        with self._write() as session:
            incident = self._incident(session, incident_id)
            unit = self._unit(session, callsign)
            return self._assign(
                session,
                incident,
                unit,
                eta_seconds=eta_seconds,
                preempt=preempt,
                reason=reason,
            )

    def _assign(
        self,
        session: Session,
        incident: Incident,
        unit: Unit,
        *,
        eta_seconds: float | None,
        preempt: bool,
        reason: str | None,
    ) -> AssignmentView:
        """Assign inside the caller's transaction (single and batch assignment)."""
        self._require_open(incident)
        current = self._active_assignment(session, unit.id)
        preempted_from: int | None = None
        if current is not None:
            if current.incident_id == incident.id:
                raise UnitAlreadyAssigned(
                    f"{unit.callsign} is already on incident {incident.number}.",
                    callsign=unit.callsign,
                )
            other = session.get(Incident, current.incident_id)
            assert other is not None
            if not preempt:
                raise UnitAlreadyAssigned(
                    f"{unit.callsign} is busy on incident {other.number}.",
                    callsign=unit.callsign,
                    incident=other.number,
                )
            if Priority(other.priority).rank <= Priority(incident.priority).rank:
                raise InvalidTransition(
                    f"{unit.callsign} works a {other.priority} incident; only a more "
                    f"urgent incident may take it.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, current, unit, AssignmentStatus.CANCELLED)
            preempted_from = other.id
            self._event(
                session,
                "assignment.preempted",
                incident_id=other.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                by_incident=incident.number,
            )
            self._refresh_incident_status(session, other)
        elif not UnitStatus(unit.status).is_assignable:
            raise UnitAlreadyAssigned(
                f"{unit.callsign} is {unit.status} and cannot be assigned.",
                callsign=unit.callsign,
                status=unit.status,
            )
        now = self.clock.now()
        if (
            unit.status != UnitStatus.DISPATCHED
        ):  # a pre-empted unit may be redispatched
            check_unit_move(
                unit.callsign, UnitStatus(unit.status), UnitStatus.DISPATCHED
            )
        assignment = Assignment(
            incident_id=incident.id,
            unit_id=unit.id,
            status=AssignmentStatus.DISPATCHED,
            active=True,
            preempted_from=preempted_from,
            eta_seconds=eta_seconds,
            dispatched_at=now,
            dispatched_by=self.actor.operator,
        )
        session.add(assignment)
        unit.status = UnitStatus.DISPATCHED
        unit.status_since = now
        if incident.first_dispatched_at is None:
            incident.first_dispatched_at = now
        if incident.status != IncidentStatus.ON_SCENE:
            self._move_incident(incident, IncidentStatus.DISPATCHED)
        session.flush()
        self._event(
            session,
            "unit.assigned",
            incident_id=incident.id,
            unit_id=unit.id,
            callsign=unit.callsign,
            number=incident.number,
            eta_seconds=eta_seconds,
            preempted_from=preempted_from,
            reason=reason,
        )
        return assignment_view(assignment, unit)

    def release_unit(
        self, incident_id: int | str, callsign: str, reason: str
    ) -> AssignmentView:
        """Recall a unit from an incident before it finished (it becomes available)."""
        text = _note(reason, field="reason")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            unit = self._unit(session, callsign)
            current = self._active_assignment(session, unit.id)
            if current is None or current.incident_id != incident.id:
                raise InvalidTransition(
                    f"{unit.callsign} is not assigned to incident {incident.number}.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, current, unit, AssignmentStatus.CANCELLED)
            self._set_unit_status(unit, UnitStatus.AVAILABLE)
            self._event(
                session,
                "unit.released",
                incident_id=incident.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                reason=text,
            )
            self._refresh_incident_status(session, incident)
            return assignment_view(current, unit)

    def add_note(
        self, incident_id: int | str, text: str, *, corrects: int | None = None
    ) -> NarrativeView:
        """Append a narrative entry; a correction references the entry it corrects."""
        cleaned = _note(text, field="note")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            if corrects is not None:
                old = session.get(NarrativeEntry, corrects)
                if old is None or old.incident_id != incident.id:
                    raise NotFound(f"There is no note {corrects} on this incident.")
            entry = NarrativeEntry(
                incident_id=incident.id,
                at=self.clock.now(),
                author=self.actor.operator,
                text=cleaned,
                corrects_id=corrects,
            )
            session.add(entry)
            session.flush()
            self._event(
                session,
                "incident.noted",
                incident_id=incident.id,
                entry_id=entry.id,
                corrects=corrects,
                text=cleaned,
            )
            return NarrativeView.model_validate(entry)

    def hand_off(self, incident_id: int | str, agency_code: str) -> HandoffView:
        """Hand the incident to the agency that dispatches its own units."""
        with self._write() as session:
            incident = self._incident(session, incident_id)
            self._require_open(incident)
            if session.get(Agency, agency_code) is None:
                raise AgencyNotFound(
                    f"There is no agency {agency_code}.", field="agency_code"
                )
            waiting = session.scalars(
                select(Handoff).where(
                    Handoff.incident_id == incident.id,
                    Handoff.agency_code == agency_code,
                    Handoff.status == HandoffStatus.REQUESTED,
                )
            ).first()
            if waiting is not None:
                raise InvalidTransition(
                    f"Incident {incident.number} already waits for {agency_code} "
                    "to acknowledge."
                )
            handoff = Handoff(
                incident_id=incident.id,
                agency_code=agency_code,
                status=HandoffStatus.REQUESTED,
                requested_at=self.clock.now(),
                requested_by=self.actor.operator,
            )
            session.add(handoff)
            if incident.status == IncidentStatus.PENDING:
                self._move_incident(incident, IncidentStatus.HANDED_OFF)
            session.flush()
            self._event(
                session,
                "handoff.requested",
                incident_id=incident.id,
                handoff_id=handoff.id,
                agency=agency_code,
                number=incident.number,
            )
            return HandoffView.model_validate(handoff)

    def acknowledge_handoff(
        self, handoff_id: int, *, by: str | None = None
    ) -> HandoffView:
        """Record that the agency acknowledged the hand-off (and who said so)."""
        with self._write() as session:
            handoff = self._handoff(session, handoff_id)
            if handoff.status != HandoffStatus.REQUESTED:
                raise InvalidTransition(
                    f"Hand-off {handoff_id} is already {handoff.status}."
                )
            handoff.status = HandoffStatus.ACKNOWLEDGED
            handoff.acknowledged_at = self.clock.now()
            handoff.acknowledged_by = (by or "").strip()[:120] or None
            incident = self._incident(session, handoff.incident_id)
            if incident.status == IncidentStatus.HANDED_OFF:
                self._move_incident(incident, IncidentStatus.ACKNOWLEDGED)
            self._event(
                session,
                "handoff.acknowledged",
                incident_id=incident.id,
                handoff_id=handoff.id,
                agency=handoff.agency_code,
                by=handoff.acknowledged_by,
            )
            return HandoffView.model_validate(handoff)

    def escalate_overdue_handoffs(self) -> list[HandoffView]:
        """Mark hand-offs unacknowledged past the configured time as escalated."""
        limit = self.settings.handoff_escalation_seconds
        now = self.clock.now()
        with self._write() as session:
            waiting = session.scalars(
                select(Handoff).where(
                    Handoff.status == HandoffStatus.REQUESTED,
                    Handoff.escalated_at.is_(None),
                )
            ).all()
            escalated = []
            for handoff in waiting:
                if (now - handoff.requested_at).total_seconds() < limit:
                    continue
                handoff.escalated_at = now
                self._event(
                    session,
                    "handoff.escalated",
                    incident_id=handoff.incident_id,
                    handoff_id=handoff.id,
                    agency=handoff.agency_code,
                    waited_seconds=round((now - handoff.requested_at).total_seconds()),
                )
                escalated.append(HandoffView.model_validate(handoff))
            return escalated

    def close_incident(
        self, incident_id: int | str, disposition: str, note: str | None = None
    ) -> IncidentDetail:
        """Close with a catalogue disposition; units still working are cleared."""
        if not triage_bridge.is_disposition(disposition):
            raise InvalidInput(
                f"Unknown disposition {disposition!r}.", field="disposition"
            )
        text = _note(note, field="note") if note else None
        with self._write() as session:
            incident = self._incident(session, incident_id)
            self._require_open(incident)
            self._clear_all(session, incident, AssignmentStatus.CLEARED)
            self._move_incident(incident, IncidentStatus.CLOSED)
            incident.disposition = disposition
            incident.closed_at = self.clock.now()
            if text:
                session.add(
                    NarrativeEntry(
                        incident_id=incident.id,
                        at=incident.closed_at,
                        author=self.actor.operator,
                        text=text,
                    )
                )
            self._event(
                session,
                "incident.closed",
                incident_id=incident.id,
                number=incident.number,
                disposition=disposition,
                note=text,
            )
            session.flush()
            return incident_detail(session, incident)

    def cancel_incident(self, incident_id: int | str, reason: str) -> IncidentDetail:
        """Cancel an incident (a reason is required); its units are released."""
        text = _note(reason, field="reason")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            self._require_open(incident)
            self._clear_all(session, incident, AssignmentStatus.CANCELLED)
            self._move_incident(incident, IncidentStatus.CANCELLED)
            incident.cancel_reason = text
            incident.closed_at = self.clock.now()
            self._event(
                session,
                "incident.cancelled",
                incident_id=incident.id,
                number=incident.number,
                reason=text,
            )
            session.flush()
            return incident_detail(session, incident)

    # -- helpers -----------------------------------------------------------------

    def _handoff(self, session: Session, handoff_id: int) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"There is no hand-off {handoff_id}.")
        return handoff

    @staticmethod
    def _require_open(incident: Incident) -> None:
        if not IncidentStatus(incident.status).is_open:
            raise InvalidTransition(
                f"Incident {incident.number} is {incident.status}.",
                number=incident.number,
            )

    @staticmethod
    def _move_incident(incident: Incident, new: IncidentStatus) -> None:
        current = IncidentStatus(incident.status)
        if current != new:
            check_incident_move(incident.number, current, new)
            incident.status = new

    def _set_unit_status(self, unit: Unit, new: UnitStatus) -> None:
        current = UnitStatus(unit.status)
        if current != new:
            check_unit_move(unit.callsign, current, new)
            unit.status = new
            unit.status_since = self.clock.now()

    @staticmethod
    def _active_assignment(session: Session, unit_id: int) -> Assignment | None:
        return session.scalars(
            select(Assignment).where(
                Assignment.unit_id == unit_id, Assignment.active == true()
            )
        ).one_or_none()

    def _finish_assignment(
        self,
        session: Session,
        assignment: Assignment,
        unit: Unit,
        end: AssignmentStatus,
    ) -> None:
        now = self.clock.now()
        assignment.status = end
        assignment.active = False
        if end == AssignmentStatus.CLEARED:
            assignment.cleared_at = now
        else:
            assignment.cancelled_at = now
        session.flush()

    def _clear_all(
        self, session: Session, incident: Incident, end: AssignmentStatus
    ) -> None:
        rows = session.execute(
            select(Assignment, Unit)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.incident_id == incident.id, Assignment.active == true())
        ).all()
        for assignment, unit in rows:
            status = UnitStatus(unit.status)
            if status in (UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL):
                raise InvalidTransition(
                    f"{unit.callsign} is still {status.value}; "
                    "clear it before closing.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, assignment, unit, end)
            back = (
                UnitStatus.RETURNING
                if status == UnitStatus.ON_SCENE
                else UnitStatus.AVAILABLE
            )
            self._set_unit_status(unit, back)
            self._event(
                session,
                "unit.cleared",
                incident_id=incident.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                status=back.value,
            )

    def _refresh_incident_status(self, session: Session, incident: Incident) -> None:
        """After a unit leaves: back to pending when no unit works it any more."""
        if not IncidentStatus(incident.status).is_open:
            return
        active = session.scalars(
            select(Assignment.status).where(
                Assignment.incident_id == incident.id, Assignment.active == true()
            )
        ).all()
        if not active and incident.status in (
            IncidentStatus.DISPATCHED,
            IncidentStatus.ON_SCENE,
        ):
            incident.status = IncidentStatus.PENDING


def _note(text: str | None, *, field: str) -> str:
    cleaned = "".join(
        ch for ch in (text or "") if ch.isprintable() or ch in "\n\t"
    ).strip()
    if not cleaned:
        raise InvalidInput(f"The {field} must not be empty.", field=field)
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(
            f"The {field} is longer than {MAX_NOTE} characters.", field=field
        )
    return cleaned
