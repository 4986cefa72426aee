"""Hand-off services: hand off to an agency, acknowledge, escalate.

An incident goes to the agency that dispatches its own units; its
acknowledgement (who, by radio, phone or WhatsApp, when) is recorded and
timed against the agency's target from the region pack; an unacknowledged
one escalates to every desk, then to the supervisor — each step exactly once
whoever runs the duty.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, update
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.enums import AckMeans, EscalationLevel, HandoffStatus, IncidentStatus
from dispatch.errors import AgencyNotFound, InvalidInput, InvalidTransition, NotFound
from dispatch.models import Agency, Handoff, HandoffEscalation, Incident
from dispatch.schemas import EscalationView, HandoffView, WaitingHandoffView
from dispatch.services.lifecycle import LifecycleSteps

_OPEN = tuple(s.value for s in IncidentStatus if s.is_open)


class HandoffService(LifecycleSteps):
    """Hand-offs to agencies, their acknowledgement and escalation."""

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
        self,
        handoff_id: int,
        *,
        by: str | None = None,
        via: AckMeans | str | None = None,
        at: datetime | None = None,
    ) -> HandoffView:
        """Record that the agency acknowledged the hand-off: who, how and when.

        ``at`` is when the agency answered (now when not given); it may not
        lie in the future or before the request.
        """
        means = _means(via)
        now = self.clock.now()
        when = now if at is None else _aware(at)
        if when > now:
            raise InvalidInput("The acknowledgement time is in the future.", field="at")
        with self._write() as session:
            handoff = self._handoff(session, handoff_id)
            if handoff.status != HandoffStatus.REQUESTED:
                raise InvalidTransition(
                    f"Hand-off {handoff_id} is already {handoff.status}."
                )
            if when < ensure_utc(handoff.requested_at):
                raise InvalidInput(
                    "The acknowledgement time is before the hand-off was requested.",
                    field="at",
                )
            handoff.status = HandoffStatus.ACKNOWLEDGED
            handoff.acknowledged_at = when
            handoff.acknowledged_by = (by or "").strip()[:120] or None
            handoff.acknowledged_via = means
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
                via=means,
                at=when,
                waited_seconds=round(
                    (when - ensure_utc(handoff.requested_at)).total_seconds()
                ),
            )
            return HandoffView.model_validate(handoff)

    def ack_target_s(self, agency_code: str) -> int:
        """Seconds the agency has to acknowledge: the pack's, else the setting."""
        agency = self.pack.agency_by_code.get(agency_code)
        target = agency.handoff_ack_target_s if agency is not None else None
        return target or self.settings.handoff_escalation_seconds

    def waiting_handoffs(self) -> list[WaitingHandoffView]:
        """Hand-offs of open incidents still waiting for their agency, longest first."""
        now = self.clock.now()
        with self._read() as session:
            rows = session.execute(
                select(Handoff, Incident.number)
                .join(Incident, Incident.id == Handoff.incident_id)
                .where(
                    Handoff.status == HandoffStatus.REQUESTED,
                    Incident.status.in_(_OPEN),
                )
                .order_by(Handoff.requested_at, Handoff.id)
            ).all()
            views = []
            for handoff, number in rows:
                target = self.ack_target_s(handoff.agency_code)
                waited = (now - ensure_utc(handoff.requested_at)).total_seconds()
                views.append(
                    WaitingHandoffView(
                        handoff=HandoffView.model_validate(handoff),
                        incident_number=number,
                        agency_name=self._agency_name(handoff.agency_code),
                        target_s=target,
                        waited_s=waited,
                        overdue=waited >= target,
                    )
                )
            return views

    def escalate_overdue_handoffs(self) -> list[EscalationView]:
        """Escalate every waiting hand-off whose next level is due; once each.

        Level 1 (the desk alarm) is due when the agency's acknowledgement
        target has passed, level 2 (the supervisor) at twice the target. A
        cheap read finds what is due; only then a write takes each step with
        a conditional update (``escalation_level`` must still be the level
        below), backed by the unique (hand-off, level) key of
        ``handoff_escalations`` — so desks and watchers running this at the
        same moment take each step exactly once between them.
        """
        now = self.clock.now()
        due = self._due_escalations(now)
        if not due:
            return []
        taken: list[EscalationView] = []
        with self._write() as session:
            for row, level in due:
                for step in range(row.escalation_level + 1, level + 1):
                    view = self._take_step(session, row, EscalationLevel(step), now)
                    if view is None:
                        break
                    taken.append(view)
        return taken

    # -- helpers -----------------------------------------------------------------

    def _due_escalations(self, now: datetime) -> list[tuple[Any, int]]:
        with self._read() as session:
            rows = session.execute(
                select(
                    Handoff.id,
                    Handoff.incident_id,
                    Handoff.agency_code,
                    Handoff.requested_at,
                    Handoff.escalation_level,
                    Incident.number,
                )
                .join(Incident, Incident.id == Handoff.incident_id)
                .where(
                    Handoff.status == HandoffStatus.REQUESTED,
                    Handoff.escalation_level < max(EscalationLevel),
                    Handoff.requested_at <= now - timedelta(seconds=self._min_target()),
                    Incident.status.in_(_OPEN),
                )
            ).all()
        due = []
        for row in rows:
            waited = (now - ensure_utc(row.requested_at)).total_seconds()
            level = min(int(waited // self.ack_target_s(row.agency_code)), 2)
            if level > row.escalation_level:
                due.append((row, level))
        return due

    def _take_step(
        self, session: Session, row: Any, level: EscalationLevel, now: datetime
    ) -> EscalationView | None:
        target = self.ack_target_s(row.agency_code)
        requested = ensure_utc(row.requested_at)
        won = cast(
            CursorResult[Any],
            session.execute(
                update(Handoff)
                .where(
                    Handoff.id == row.id,
                    Handoff.status == HandoffStatus.REQUESTED,
                    Handoff.escalation_level == level - 1,
                )
                .values(
                    escalation_level=level,
                    escalated_at=func.coalesce(Handoff.escalated_at, now),
                )
                .execution_options(synchronize_session=False)
            ),
        )
        if won.rowcount != 1:
            return None  # another desk took this step first, or it was acknowledged
        session.add(
            HandoffEscalation(
                handoff_id=row.id,
                level=level,
                at=now,
                due_at=requested + timedelta(seconds=target * level),
                actor=self.actor.operator,
                terminal=self.actor.terminal,
            )
        )
        session.flush()
        waited = (now - requested).total_seconds()
        self._event(
            session,
            "handoff.escalated",
            incident_id=row.incident_id,
            handoff_id=row.id,
            agency=row.agency_code,
            number=row.number,
            level=int(level),
            to="supervisor" if level == EscalationLevel.SUPERVISOR else "desk",
            waited_seconds=round(waited),
            target_seconds=target,
        )
        return EscalationView(
            handoff_id=row.id,
            incident_id=row.incident_id,
            incident_number=row.number,
            agency_code=row.agency_code,
            agency_name=self._agency_name(row.agency_code),
            level=level,
            waited_s=waited,
        )

    def _min_target(self) -> int:
        """The shortest target of any agency: nothing younger can be due."""
        targets = [a.handoff_ack_target_s for a in self.pack.agencies]
        return min(
            [t for t in targets if t] + [self.settings.handoff_escalation_seconds]
        )

    def _agency_name(self, code: str) -> str:
        agency = self.pack.agency_by_code.get(code)
        return agency.short_name if agency is not None else code

    def _handoff(self, session: Session, handoff_id: int) -> Handoff:
        handoff = session.get(Handoff, handoff_id)
        if handoff is None:
            raise NotFound(f"There is no hand-off {handoff_id}.")
        return handoff


def _means(via: AckMeans | str | None) -> AckMeans | None:
    if via is None or via == "":
        return None
    try:
        return AckMeans(via)
    except ValueError as exc:
        choices = ", ".join(m.value for m in AckMeans)
        raise InvalidInput(
            f"Unknown means {via!r}; choose one of {choices}.", field="via"
        ) from exc


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None:
        raise InvalidInput("The acknowledgement time needs a time zone.", field="at")
    return ensure_utc(at)
