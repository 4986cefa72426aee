"""The shift's figures as pure data (for the supervisor screen and the reports).

:func:`shift_figures` reads the calls, incidents, units and hand-offs tables
and returns a frozen :class:`ShiftFigures`: calls by outcome, prank and
silent shares, incidents by type and priority, answer times against the NENA
target (measured only for calls with a ring signal: a call without one counts
as *not measured*, never as answered at once), answer-to-dispatch and
call-to-on-scene times per priority against the region's targets, and the
state at ``as_of`` (units busy, open incidents, unacknowledged hand-offs,
overdue timers).

Medians are the usual middle value (mean of the two middle ones for an even
count); the 90th percentile is the nearest-rank value.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import Row, and_, func, select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.enums import (
    CallOutcome,
    HandoffStatus,
    IncidentStatus,
    Priority,
    UnitStatus,
)
from dispatch.models import Call, Handoff, HandoffEscalation, Incident, Referral, Unit
from dispatch.reports.targets import Targets, load_targets
from dispatch.reports.window import ShiftWindow

OPEN_STATUSES = tuple(s.value for s in IncidentStatus if s.is_open)
BUSY_STATUSES = tuple(s.value for s in UnitStatus if s.is_committed)
#: Key used in ``calls_by_outcome`` for calls still in progress.
NO_OUTCOME = "open"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DurationStats(_Frozen):
    """Count, median and 90th percentile of durations (seconds) vs a target."""

    count: int
    median_s: float | None
    p90_s: float | None
    target_s: int | None
    within_target: int
    """How many were at or under the target (0 when there is no target)."""
    unmeasured: int = 0
    """How many could not be measured (e.g. answer time of a call with no ring)."""

    @property
    def not_measured(self) -> bool:
        """True when there were items but none could be measured."""
        return self.count == 0 and self.unmeasured > 0

    @property
    def share_within(self) -> float | None:
        """Fraction within target (``None`` without data or target)."""
        if not self.count or self.target_s is None:
            return None
        return self.within_target / self.count


class PriorityFigures(_Frozen):
    """Incidents of one priority and how fast they were served."""

    priority: str
    incidents: int
    answer_to_dispatch: DurationStats
    call_to_on_scene: DurationStats


class HourOutcomes(_Frozen):
    """Calls received in one local hour of the day, by outcome."""

    hour: int
    """Local hour of the day, 0-23 (a period report adds its days together)."""
    outcomes: dict[str, int]


def calls_per_hour(
    received: Iterable[tuple[datetime, str]], zone: str
) -> tuple[HourOutcomes, ...]:
    """Count ``(received_at, outcome)`` pairs per local hour, all 24 hours.

    Every hour is present (zero where nothing came in) so a chart's axis is
    the whole day and a quiet hour shows as quiet, not as missing.
    """
    tz = ZoneInfo(zone)
    counts: dict[int, Counter[str]] = {h: Counter() for h in range(24)}
    for at, outcome in received:
        counts[ensure_utc(at).astimezone(tz).hour][outcome] += 1
    return tuple(
        HourOutcomes(hour=h, outcomes=dict(sorted(c.items())))
        for h, c in counts.items()
    )


class ShiftFigures(_Frozen):
    """Everything a supervisor counts at handover, for one window."""

    window_start: datetime
    window_end: datetime
    zone: str
    as_of: datetime
    calls_total: int
    calls_by_outcome: dict[str, int]
    prank_share: float | None
    silent_share: float | None
    incidents_total: int
    incidents_by_type: dict[str, int]
    incidents_by_priority: dict[str, int]
    answer: DurationStats
    by_priority: tuple[PriorityFigures, ...]
    referrals_total: int
    referrals_acknowledged: int
    units_total: int
    units_busy: int
    units_out_of_service: int
    open_incidents: int
    unacknowledged_handoffs: int
    overdue_handoffs: int = 0
    """Unacknowledged hand-offs waiting longer than ``handoff_overdue_s`` (or,
    without it, already escalated)."""
    handoff_escalations: int = 0
    """Escalation steps taken in the window (desk alarms and supervisor calls)."""
    overdue_timers: int
    targets_source: str
    calls_by_hour: tuple[HourOutcomes, ...] = ()
    """Calls per local hour of the day by outcome (the first chart)."""

    def priority(self, priority: str) -> PriorityFigures:
        """The figures of one priority (``KeyError`` if unknown)."""
        for row in self.by_priority:
            if row.priority == priority:
                return row
        raise KeyError(priority)


def percentile(values: Sequence[float], fraction: float) -> float | None:
    """Nearest-rank percentile (``fraction`` in 0..1) of unsorted values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return float(ordered[rank - 1])


def duration_stats(
    values: Iterable[float | None], target_s: int | None
) -> DurationStats:
    """Summarise durations in seconds against an optional target.

    ``None`` values are items whose duration could not be measured: they are
    counted as ``unmeasured`` and stay out of every statistic.
    """
    given = list(values)
    data = [float(v) for v in given if v is not None]
    return DurationStats(
        count=len(data),
        unmeasured=len(given) - len(data),
        median_s=float(statistics.median(data)) if data else None,
        p90_s=percentile(data, 0.9),
        target_s=target_s,
        within_target=sum(1 for v in data if v <= target_s) if target_s else 0,
    )


def _seconds(later: datetime | None, earlier: datetime | None) -> float | None:
    if later is None or earlier is None:
        return None
    return (ensure_utc(later) - ensure_utc(earlier)).total_seconds()


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def shift_figures(
    session: Session,
    window: ShiftWindow,
    *,
    as_of: datetime | None = None,
    targets: Targets | None = None,
    handoff_overdue_s: int | None = None,
) -> ShiftFigures:
    """Compute the figures of ``window``; state figures are as at ``as_of``.

    ``as_of`` defaults to the end of the window or now, whichever is earlier.
    ``handoff_overdue_s`` is how long an agency may take to acknowledge before
    a waiting hand-off counts as overdue (the console passes the engine's
    ``handoff_escalation_seconds``); without it the escalated ones count.
    """
    goals = targets or load_targets()
    now = ensure_utc(as_of) if as_of else min(window.end, _utcnow())
    start, end = window.start, window.end

    calls = session.execute(
        select(Call.outcome, Call.rang_at, Call.answered_at, Call.received_at).where(
            Call.received_at >= start, Call.received_at < end
        )
    ).all()
    outcomes: Counter[str] = Counter(outcome or NO_OUTCOME for outcome, *_ in calls)
    # Ring to answer, for every answered call; None (not measured) without a ring.
    answer_times = [_seconds(ans, rang) for _, rang, ans, _ in calls if ans is not None]

    incidents = session.execute(
        select(
            Incident.type_code,
            Incident.priority,
            Incident.call_received_at,
            Incident.first_dispatched_at,
            Incident.first_on_scene_at,
            Call.answered_at,
        )
        .outerjoin(
            Call,
            and_(Call.incident_id == Incident.id, Call.outcome == CallOutcome.INCIDENT),
        )
        .where(Incident.created_at >= start, Incident.created_at < end)
    ).all()
    by_type: Counter[str] = Counter(row[0] for row in incidents)
    by_priority: Counter[str] = Counter(row[1] for row in incidents)
    rows = [_priority_figures(priority, incidents, goals) for priority in Priority]

    referrals = session.execute(
        select(func.count(), func.count(Referral.acknowledged_at)).where(
            Referral.sent_at >= start, Referral.sent_at < end
        )
    ).one()

    open_rows = session.execute(
        select(
            Incident.priority,
            Incident.call_received_at,
            Incident.first_dispatched_at,
            Incident.first_on_scene_at,
        ).where(Incident.status.in_(OPEN_STATUSES))
    ).all()
    overdue = sum(1 for row in open_rows if timer_overdue(*row, now=now, targets=goals))

    total = len(calls)
    return ShiftFigures(
        window_start=start,
        window_end=end,
        zone=window.zone,
        as_of=now,
        calls_total=total,
        calls_by_outcome=dict(sorted(outcomes.items())),
        prank_share=_share(outcomes[CallOutcome.PRANK], total),
        silent_share=_share(outcomes[CallOutcome.SILENT], total),
        incidents_total=len(incidents),
        incidents_by_type=dict(sorted(by_type.items())),
        incidents_by_priority=dict(sorted(by_priority.items())),
        answer=duration_stats(answer_times, goals.answer_s),
        by_priority=tuple(rows),
        referrals_total=int(referrals[0]),
        referrals_acknowledged=int(referrals[1]),
        **_unit_counts(session),
        open_incidents=len(open_rows),
        **_handoff_counts(session, window, now, handoff_overdue_s),
        overdue_timers=overdue,
        targets_source=goals.source,
        calls_by_hour=calls_per_hour(
            ((received, outcome or NO_OUTCOME) for outcome, _, _, received in calls),
            window.zone,
        ),
    )


def _priority_figures(
    priority: Priority,
    incidents: Sequence[
        Row[str, str, datetime, datetime | None, datetime | None, datetime | None]
    ],
    goals: Targets,
) -> PriorityFigures:
    """Answer-to-dispatch and call-to-on-scene figures of one priority.

    Rows are (type, priority, call received, first dispatched, first on
    scene, answered); dispatch counts from the answer, or from the call when
    the answer time is unknown.
    """
    mine = [r for r in incidents if r[1] == priority.value]
    goal = goals.for_priority(priority.value)
    return PriorityFigures(
        priority=priority.value,
        incidents=len(mine),
        answer_to_dispatch=duration_stats(
            (s for r in mine if (s := _seconds(r[3], r[5] or r[2])) is not None),
            goal.dispatch_s if goal else None,
        ),
        call_to_on_scene=duration_stats(
            (s for r in mine if (s := _seconds(r[4], r[2])) is not None),
            goal.on_scene_s if goal else None,
        ),
    )


def _unit_counts(session: Session) -> dict[str, int]:
    """The board now: all units, busy ones and those out of service."""
    unit_counts = dict(
        session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all()
    )
    return {
        "units_total": sum(unit_counts.values()),
        "units_busy": sum(n for s, n in unit_counts.items() if s in BUSY_STATUSES),
        "units_out_of_service": unit_counts.get(UnitStatus.OUT_OF_SERVICE.value, 0),
    }


def _handoff_counts(
    session: Session,
    window: ShiftWindow,
    now: datetime,
    handoff_overdue_s: int | None,
) -> dict[str, int]:
    """Hand-offs waiting and overdue now, and escalations inside the window.

    Overdue means past the acknowledgement limit, or escalated when no
    limit is given.
    """
    waiting = session.scalar(
        select(func.count()).where(Handoff.status == HandoffStatus.REQUESTED)
    )
    late = select(func.count()).where(Handoff.status == HandoffStatus.REQUESTED)
    if handoff_overdue_s is not None:
        late = late.where(
            Handoff.requested_at <= now - timedelta(seconds=handoff_overdue_s)
        )
    else:
        late = late.where(Handoff.escalation_level > 0)
    overdue_handoffs = session.scalar(late)
    escalations = session.scalar(
        select(func.count()).where(
            HandoffEscalation.at >= window.start, HandoffEscalation.at < window.end
        )
    )
    return {
        "unacknowledged_handoffs": int(waiting or 0),
        "overdue_handoffs": int(overdue_handoffs or 0),
        "handoff_escalations": int(escalations or 0),
    }


def timer_overdue(
    priority: str,
    received: datetime,
    dispatched: datetime | None,
    on_scene: datetime | None,
    *,
    now: datetime,
    targets: Targets,
) -> bool:
    """True when an open incident is past its dispatch or on-scene target."""
    goal = targets.for_priority(priority)
    if goal is None:
        return False
    waited = _seconds(now, received) or 0.0
    if dispatched is None:
        return waited > goal.dispatch_s
    if on_scene is None:
        return waited > goal.on_scene_s
    return False


def _utcnow() -> datetime:
    from dispatch.clock import SystemClock

    return SystemClock().now()
