"""The handover report's content: what the next shift inherits, as data.

:func:`build_handover` gathers the open incidents (with their state and what
is pending), hand-offs still waiting for an agency, referrals not resolved,
units out of service, the shift's
:class:`~dispatch.reports.figures.ShiftFigures` and the notable events of the
window. Rendering (rich, Markdown, HTML, PDF) lives in
:mod:`dispatch.reports.render` and :mod:`dispatch.reports.pdf`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.enums import HandoffStatus, ReferralStatus, UnitStatus
from dispatch.models import Assignment, Event, Handoff, Incident, Referral, Unit
from dispatch.reports.figures import (
    OPEN_STATUSES,
    ShiftFigures,
    shift_figures,
    timer_overdue,
)
from dispatch.reports.followup import (
    FollowUpTargets,
    HandoffAgencyRow,
    ReferralFollowUpRow,
    handoffs_by_agency,
    referrals_by,
)
from dispatch.reports.shiftlog import summarise
from dispatch.reports.targets import Targets, load_targets
from dispatch.reports.window import ShiftWindow
from dispatch.witness import Checkpoint

#: Event kinds that always make the "notable events" list.
NOTABLE_KINDS = frozenset(
    {
        "incident.cancelled",
        "assignment.preempted",
        "handoff.escalated",
        "unit.released",
    }
)
MAX_NOTABLE = 60


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class OpenIncidentLine(_Frozen):
    """One incident the next shift inherits."""

    number: str
    type_code: str
    priority: str
    status: str
    kelurahan: str | None
    received_at: datetime
    age_s: float
    units: tuple[str, ...]
    pending: str
    overdue: bool


class HandoffLine(_Frozen):
    """A hand-off the agency has not acknowledged yet."""

    number: str
    agency: str
    requested_at: datetime
    waited_s: float
    escalated: bool
    escalation_level: int = 0
    overdue: bool = False


class ReferralLine(_Frozen):
    """A referral the agency has not resolved yet (carried into the next shift)."""

    referral_id: int
    agency: str
    channel: str
    reference: str | None
    status: str
    sent_at: datetime
    waited_s: float


class UnitLine(_Frozen):
    """A unit that is out of service (or off duty)."""

    callsign: str
    name: str
    agency: str
    status: str
    since: datetime


class NotableLine(_Frozen):
    """A notable event of the shift."""

    event_id: int
    at: datetime
    actor: str
    kind: str
    text: str


class HandoverReport(_Frozen):
    """Everything the handover report shows, ready to render."""

    title: str
    window_label: str
    generated_at: datetime
    figures: ShiftFigures
    open_incidents: tuple[OpenIncidentLine, ...]
    handoffs: tuple[HandoffLine, ...]
    units_out: tuple[UnitLine, ...]
    notable: tuple[NotableLine, ...]
    referrals: tuple[ReferralLine, ...] = ()
    shift_id: int | None = None
    """The stored shift this report closed (``None`` for a report on demand)."""
    handed_over_by: str | None = None
    """The supervisor who closed the shift, when this is the stored report."""
    handoffs_by_agency: tuple[HandoffAgencyRow, ...] = ()
    """Hand-offs of the window per agency: time to acknowledge, escalations."""
    referrals_by_agency: tuple[ReferralFollowUpRow, ...] = ()
    """Referrals of the window per agency: acknowledged, resolved, open, overdue."""
    referrals_by_sector: tuple[ReferralFollowUpRow, ...] = ()
    """The same per public-service sector."""
    checkpoint: Checkpoint | None = None
    """The journal's head, signed when the report was made (``None`` only for
    an in-memory database, which has no witness). A copy kept with the report
    anchors the journal even if the witness file is lost or cut short."""


def _pending(status: str, units: list[tuple[str, str]], waiting: list[str]) -> str:
    parts: list[str] = []
    if waiting:
        parts.append("waiting for " + ", ".join(waiting) + " to acknowledge")
    if not units:
        parts.append("no unit assigned")
    else:
        steps = {s for _, s in units}
        if steps & {"dispatched"}:
            parts.append("unit not yet acknowledged")
        if steps & {"acknowledged", "en_route"} and status != "on_scene":
            parts.append("units on the way")
        if steps & {"on_scene", "transporting", "at_hospital"}:
            parts.append("units working; close with a disposition when done")
    return "; ".join(parts) or "close with a disposition"


def build_handover(
    session: Session,
    window: ShiftWindow,
    *,
    as_of: datetime | None = None,
    targets: Targets | None = None,
    title: str = "Handover report",
    handoff_overdue_s: int | None = None,
    followup_targets: FollowUpTargets | None = None,
) -> HandoverReport:
    """Gather the handover report of ``window`` as at ``as_of``.

    A waiting hand-off is marked overdue once it has waited
    ``handoff_overdue_s`` (without it: once it has escalated). Referrals count
    as overdue past ``followup_targets`` (the console passes the pack's).
    """
    goals = targets or load_targets()
    figures = shift_figures(
        session,
        window,
        as_of=as_of,
        targets=goals,
        handoff_overdue_s=handoff_overdue_s,
    )
    now = figures.as_of

    incidents = session.scalars(
        select(Incident)
        .where(Incident.status.in_(OPEN_STATUSES))
        .order_by(Incident.priority, Incident.call_received_at)
    ).all()
    ids = [i.id for i in incidents]
    units_by_incident: dict[int, list[tuple[str, str]]] = defaultdict(list)
    waiting_by_incident: dict[int, list[str]] = defaultdict(list)
    if ids:
        for incident_id, callsign, status in session.execute(
            select(Assignment.incident_id, Unit.callsign, Assignment.status)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.active, Assignment.incident_id.in_(ids))
            .order_by(Assignment.id)
        ).all():
            units_by_incident[incident_id].append((callsign, status))
    handoff_rows = session.execute(
        select(Handoff, Incident.number)
        .join(Incident, Incident.id == Handoff.incident_id)
        .where(Handoff.status == HandoffStatus.REQUESTED)
        .order_by(Handoff.requested_at)
    ).all()
    handoffs = []
    for handoff, number in handoff_rows:
        waiting_by_incident[handoff.incident_id].append(handoff.agency_code)
        waited = (now - ensure_utc(handoff.requested_at)).total_seconds()
        handoffs.append(
            HandoffLine(
                number=number,
                agency=handoff.agency_code,
                requested_at=handoff.requested_at,
                waited_s=waited,
                escalated=handoff.escalated_at is not None,
                escalation_level=handoff.escalation_level,
                overdue=(
                    waited >= handoff_overdue_s
                    if handoff_overdue_s is not None
                    else handoff.escalation_level > 0
                ),
            )
        )
    open_lines = tuple(
        OpenIncidentLine(
            number=i.number,
            type_code=i.type_code,
            priority=i.priority,
            status=i.status,
            kelurahan=i.kelurahan,
            received_at=i.call_received_at,
            age_s=(now - ensure_utc(i.call_received_at)).total_seconds(),
            units=tuple(c for c, _ in units_by_incident[i.id]),
            pending=_pending(
                i.status, units_by_incident[i.id], waiting_by_incident[i.id]
            ),
            overdue=timer_overdue(
                i.priority,
                i.call_received_at,
                i.first_dispatched_at,
                i.first_on_scene_at,
                now=now,
                targets=goals,
            ),
        )
        for i in incidents
    )
    units_out = tuple(
        UnitLine(
            callsign=u.callsign,
            name=u.name,
            agency=u.agency_code,
            status=u.status,
            since=u.status_since,
        )
        for u in session.scalars(
            select(Unit)
            .where(Unit.status == UnitStatus.OUT_OF_SERVICE)
            .order_by(Unit.callsign)
        )
    )
    follow = followup_targets or FollowUpTargets()
    by_agency, by_sector = referrals_by(
        session, window.start, window.end, follow, now=now
    )
    return HandoverReport(
        title=title,
        window_label=window.label,
        generated_at=now,
        figures=figures,
        open_incidents=open_lines,
        handoffs=tuple(handoffs),
        units_out=units_out,
        notable=notable_events(session, window),
        referrals=open_referrals(session, now),
        handoffs_by_agency=handoffs_by_agency(
            session, window.start, window.end, follow
        ),
        referrals_by_agency=by_agency,
        referrals_by_sector=by_sector,
    )


def open_referrals(session: Session, now: datetime) -> tuple[ReferralLine, ...]:
    """Referrals sent or acknowledged but not resolved: the next shift follows up."""
    rows = session.scalars(
        select(Referral)
        .where(Referral.status != ReferralStatus.RESOLVED)
        .order_by(Referral.sent_at, Referral.id)
    )
    return tuple(
        ReferralLine(
            referral_id=r.id,
            agency=r.agency_code,
            channel=r.channel,
            reference=r.reference_number,
            status=r.status,
            sent_at=r.sent_at,
            waited_s=(now - ensure_utc(r.sent_at)).total_seconds(),
        )
        for r in rows
    )


def notable_events(session: Session, window: ShiftWindow) -> tuple[NotableLine, ...]:
    """P1 incidents, cancellations, pre-emptions, escalations, units going out."""
    query = (
        select(Event, Incident.number)
        .outerjoin(Incident, Incident.id == Event.incident_id)
        .where(Event.at >= window.start, Event.at < window.end)
        .where(
            Event.kind.in_(
                [*NOTABLE_KINDS, "incident.created", "unit.status", "incident.noted"]
            )
        )
        .order_by(Event.id)
    )
    lines: list[NotableLine] = []
    for event, number in session.execute(query).all():
        payload = event.payload
        keep = (
            event.kind in NOTABLE_KINDS
            or (event.kind == "incident.created" and payload.get("priority") == "P1")
            or (
                event.kind == "unit.status"
                and payload.get("status") == UnitStatus.OUT_OF_SERVICE
            )
            or (event.kind == "incident.noted" and payload.get("corrects"))
        )
        if not keep:
            continue
        lines.append(
            NotableLine(
                event_id=event.id,
                at=event.at,
                actor=event.actor,
                kind=event.kind,
                text=summarise(event.kind, payload, number, event.call_id),
            )
        )
        if len(lines) >= MAX_NOTABLE:
            break
    return tuple(lines)
