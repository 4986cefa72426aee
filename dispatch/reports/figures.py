"""The shift's figures as pure data (for the supervisor screen and the reports).

:func:`shift_figures` reads the calls, incidents, units and hand-offs tables
and returns a frozen :class:`ShiftFigures`: calls by outcome, prank and
silent shares, incidents by type and priority, answer times against the NENA
target, answer-to-dispatch and call-to-on-scene times per priority against
the region's targets, and the state at ``as_of`` (units busy, open incidents,
unacknowledged hand-offs, overdue timers).

Medians are the usual middle value (mean of the two middle ones for an even
count); the 90th percentile is the nearest-rank value.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.enums import (
    CallOutcome,
    HandoffStatus,
    IncidentStatus,
    Priority,
    UnitStatus,
)
from dispatch.models import Call, Handoff, Incident, Referral, Unit
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
    overdue_timers: int
    targets_source: str

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


def duration_stats(values: Iterable[float], target_s: int | None) -> DurationStats:
    """Summarise durations in seconds against an optional target."""
    data = [float(v) for v in values]
    return DurationStats(
        count=len(data),
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
    """
    goals = targets or load_targets()
    now = ensure_utc(as_of) if as_of else min(window.end, _utcnow())
    start, end = window.start, window.end

    calls = session.execute(
        select(Call.outcome, Call.received_at, Call.answered_at).where(
            Call.received_at >= start, Call.received_at < end
        )
    ).all()
    outcomes: Counter[str] = Counter(outcome or NO_OUTCOME for outcome, _, _ in calls)
    answer_times = [s for _, rec, ans in calls if (s := _seconds(ans, rec)) is not None]

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
    rows = []
    for priority in Priority:
        mine = [r for r in incidents if r[1] == priority.value]
        goal = goals.for_priority(priority.value)
        rows.append(
            PriorityFigures(
                priority=priority.value,
                incidents=len(mine),
                answer_to_dispatch=duration_stats(
                    (
                        s
                        for r in mine
                        if (s := _seconds(r[3], r[5] or r[2])) is not None
                    ),
                    goal.dispatch_s if goal else None,
                ),
                call_to_on_scene=duration_stats(
                    (s for r in mine if (s := _seconds(r[4], r[2])) is not None),
                    goal.on_scene_s if goal else None,
                ),
            )
        )

    referrals = session.execute(
        select(func.count(), func.count(Referral.acknowledged_at)).where(
            Referral.sent_at >= start, Referral.sent_at < end
        )
    ).one()

    unit_counts = dict(
        session.execute(select(Unit.status, func.count()).group_by(Unit.status)).all()
    )
    open_rows = session.execute(
        select(
            Incident.priority,
            Incident.call_received_at,
            Incident.first_dispatched_at,
            Incident.first_on_scene_at,
        ).where(Incident.status.in_(OPEN_STATUSES))
    ).all()
    overdue = sum(1 for row in open_rows if timer_overdue(*row, now=now, targets=goals))
    waiting = session.scalar(
        select(func.count()).where(Handoff.status == HandoffStatus.REQUESTED)
    )

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
        units_total=sum(unit_counts.values()),
        units_busy=sum(n for s, n in unit_counts.items() if s in BUSY_STATUSES),
        units_out_of_service=unit_counts.get(UnitStatus.OUT_OF_SERVICE.value, 0),
        open_incidents=len(open_rows),
        unacknowledged_handoffs=int(waiting or 0),
        overdue_timers=overdue,
        targets_source=goals.source,
    )


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
