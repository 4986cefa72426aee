"""The dispatch queue order and the incident timers, as pure functions.

Queue order
-----------
Incidents waiting for units are ordered by a key with five parts, compared in
turn, which makes a strict total order (the incident id breaks every tie):

1. **group** — waiting for units (pending, handed off, acknowledged) first,
   then incidents already being worked (dispatched, on scene), then closed.
2. **band** — the priority rank (P1 = 1 … P4 = 4), except that a P3 or P4
   that has waited ``promote_after_s`` (catalogue ``targets.toml``) *past* its
   dispatch target is promoted one band. Promotion crosses at most one level
   and never reaches band 1, so **a P1 is never below a P2** or anything else.
3. **urgency** — within a band, the larger ``waited / dispatch target`` comes
   first: the incident furthest past its own target rises.
4. **age** — then the earlier call received first.
5. **incident id** — then the lower id.

Timers
------
:func:`incident_timers` measures, for one incident, the answer time, the
age since the call and since the incident was created, call processing
(call received → first unit assigned, the NFPA 1225 measure), travel (first
unit assigned → on scene) and the whole response (call received → first unit
on scene), each against its target with a state ``ok`` / ``warning`` /
``overdue``. Targets come from the catalogue (``targets.toml``, per type and
level where the data says so); see docs/engine.md for the sources.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import cache
from typing import NamedTuple

from dispatch.catalogue import Catalogue, get_catalogue
from dispatch.enums import Determinant, IncidentStatus, Priority

__all__ = [
    "IncidentTimers",
    "QueueItem",
    "QueueKey",
    "QueueRules",
    "Timer",
    "TimerState",
    "TimerTargets",
    "incident_timers",
    "is_promoted",
    "order_queue",
    "queue_key",
]

_WAITING = frozenset(
    {IncidentStatus.PENDING, IncidentStatus.HANDED_OFF, IncidentStatus.ACKNOWLEDGED}
)
_WORKING = frozenset({IncidentStatus.DISPATCHED, IncidentStatus.ON_SCENE})


def _require_aware(name: str, value: datetime) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (UTC), got {value!r}")


@dataclass(frozen=True, slots=True)
class QueueItem:
    """What the queue needs to know about one incident."""

    incident_id: int
    priority: Priority
    received_at: datetime
    """When the (first) call of the incident was received; aware UTC."""
    created_at: datetime
    """When the incident was created; aware UTC."""
    dispatch_target_s: float
    """Target seconds from call received to first unit assigned."""
    status: IncidentStatus = IncidentStatus.PENDING

    def __post_init__(self) -> None:
        _require_aware("received_at", self.received_at)
        _require_aware("created_at", self.created_at)
        if self.dispatch_target_s <= 0:
            raise ValueError("dispatch_target_s must be positive")


@dataclass(frozen=True, slots=True)
class QueueRules:
    """Queue ageing rules: seconds past target before promotion, per priority.

    ``None`` (or absent) means never promoted. P1 and P2 are never promoted
    whatever the data says: band 1 belongs to P1 alone.
    """

    promote_after_s: Mapping[Priority, float | None] = field(default_factory=dict)

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue | None = None) -> QueueRules:
        """The rules in the catalogue's ``targets.toml``."""
        cat = catalogue or get_catalogue()
        return cls({p: t.promote_after_s for p, t in cat.priority_targets.items()})


class QueueKey(NamedTuple):
    """Sort key of a queue item; smaller comes first (see module docstring)."""

    group: int
    band: int
    urgency: float
    """Minus waited / target, so the most overdue sorts first."""
    received: float
    """POSIX timestamp of the call."""
    incident_id: int


@cache
def _default_rules() -> QueueRules:
    return QueueRules.from_catalogue()


def _rules(rules: QueueRules | None) -> QueueRules:
    return rules if rules is not None else _default_rules()


def _waited_s(item: QueueItem, now: datetime) -> float:
    return max(0.0, (now - item.received_at).total_seconds())


def is_promoted(
    item: QueueItem, now: datetime, rules: QueueRules | None = None
) -> bool:
    """True when ageing lifts the item one band above its priority."""
    if item.priority.rank < 3:
        return False
    after = _rules(rules).promote_after_s.get(item.priority)
    if after is None:
        return False
    return _waited_s(item, now) - item.dispatch_target_s >= after


def queue_key(
    item: QueueItem, now: datetime, rules: QueueRules | None = None
) -> QueueKey:
    """The item's sort key at ``now`` (aware UTC)."""
    _require_aware("now", now)
    if item.status in _WAITING:
        group = 0
    elif item.status in _WORKING:
        group = 1
    else:
        group = 2
    band = item.priority.rank
    if group == 0 and is_promoted(item, now, rules):
        band = max(2, band - 1)
    waited = _waited_s(item, now)
    return QueueKey(
        group=group,
        band=band,
        urgency=-(waited / item.dispatch_target_s),
        received=item.received_at.timestamp(),
        incident_id=item.incident_id,
    )


def order_queue(
    items: Iterable[QueueItem], now: datetime, rules: QueueRules | None = None
) -> list[QueueItem]:
    """The items in dispatch order at ``now`` (first = dispatch next)."""
    resolved = _rules(rules)
    return sorted(items, key=lambda item: queue_key(item, now, resolved))


# --- timers ---------------------------------------------------------------------


class TimerState(StrEnum):
    """How a timer stands against its target."""

    OK = "ok"
    WARNING = "warning"
    """Running and past ``warning_fraction`` of its target."""
    OVERDUE = "overdue"
    """Past its target (running), or finished after it (missed)."""


@dataclass(frozen=True, slots=True)
class Timer:
    """One measured interval, running or finished."""

    name: str
    started_at: datetime | None
    ended_at: datetime | None
    """When it stopped; None while running (or not started)."""
    elapsed_s: float | None
    """None when the interval has not started yet."""
    target_s: float | None
    """None for informational timers without a target."""
    state: TimerState

    @property
    def running(self) -> bool:
        """True while started and not yet stopped."""
        return self.started_at is not None and self.ended_at is None

    @property
    def remaining_s(self) -> float | None:
        """Seconds left to the target (negative when past it); None if n/a."""
        if self.target_s is None or self.elapsed_s is None:
            return None
        return self.target_s - self.elapsed_s


@dataclass(frozen=True, slots=True)
class TimerTargets:
    """Targets (seconds) of one incident's timers."""

    answer_s: float
    dispatch_s: float
    travel_s: float
    on_scene_s: float
    warning_fraction: float = 0.8

    @classmethod
    def for_priority(
        cls,
        priority: Priority,
        *,
        type_code: str | None = None,
        determinant: Determinant | None = None,
        catalogue: Catalogue | None = None,
    ) -> TimerTargets:
        """Targets of a priority; of a type's level when both are given."""
        cat = catalogue or get_catalogue()
        base = cat.targets(priority)
        travel, on_scene = base.travel_target_s, base.on_scene_target_s
        if type_code is not None and determinant is not None:
            level = cat.level_targets(type_code, determinant)
            travel, on_scene = level.travel_target_s, level.on_scene_target_s
        return cls(
            answer_s=cat.answer_target_s,
            dispatch_s=base.dispatch_target_s,
            travel_s=travel,
            on_scene_s=on_scene,
            warning_fraction=cat.warning_fraction,
        )


@dataclass(frozen=True, slots=True)
class IncidentTimers:
    """All timers of one incident at one moment."""

    answer: Timer
    """Call received → answered (NENA 15 s)."""
    since_received: Timer
    """Age of the call (informational; stops when the incident closes)."""
    since_created: Timer
    """Age of the incident (informational; stops when it closes)."""
    to_first_assigned: Timer
    """Call processing: call received → first unit assigned (NFPA 1225)."""
    travel: Timer
    """First unit assigned → first unit on scene."""
    to_first_on_scene: Timer
    """Response: call received → first unit on scene."""

    def all(self) -> tuple[Timer, ...]:
        """Every timer, in display order."""
        return (
            self.answer,
            self.since_received,
            self.since_created,
            self.to_first_assigned,
            self.travel,
            self.to_first_on_scene,
        )

    @property
    def worst(self) -> TimerState:
        """The worst state of any timer (for one colour + label per row)."""
        states = {t.state for t in self.all()}
        for state in (TimerState.OVERDUE, TimerState.WARNING):
            if state in states:
                return state
        return TimerState.OK


def _timer(
    name: str,
    start: datetime | None,
    end: datetime | None,
    now: datetime,
    target: float | None,
    warning_fraction: float,
) -> Timer:
    if start is None:
        return Timer(name, None, None, None, target, TimerState.OK)
    stop = end if end is not None else now
    elapsed = max(0.0, (stop - start).total_seconds())
    state = TimerState.OK
    if target is not None:
        if elapsed > target:
            state = TimerState.OVERDUE
        elif end is None and elapsed >= warning_fraction * target:
            state = TimerState.WARNING
    return Timer(name, start, end, elapsed, target, state)


def incident_timers(
    *,
    now: datetime,
    received_at: datetime,
    created_at: datetime,
    targets: TimerTargets,
    rang_at: datetime | None = None,
    answered_at: datetime | None = None,
    first_assigned_at: datetime | None = None,
    first_on_scene_at: datetime | None = None,
    closed_at: datetime | None = None,
) -> IncidentTimers:
    """Every timer of one incident at ``now`` (all datetimes aware UTC).

    The answer timer runs from the ring signal (``rang_at``) to the answer;
    without a ring signal it is not measured (``elapsed_s`` is ``None``),
    never zero.
    """
    for label, value in (
        ("now", now),
        ("rang_at", rang_at),
        ("received_at", received_at),
        ("created_at", created_at),
        ("answered_at", answered_at),
        ("first_assigned_at", first_assigned_at),
        ("first_on_scene_at", first_on_scene_at),
        ("closed_at", closed_at),
    ):
        if value is not None:
            _require_aware(label, value)
    wf = targets.warning_fraction
    return IncidentTimers(
        answer=_timer("answer", rang_at, answered_at, now, targets.answer_s, wf),
        since_received=_timer("since_received", received_at, closed_at, now, None, wf),
        since_created=_timer("since_created", created_at, closed_at, now, None, wf),
        to_first_assigned=_timer(
            "to_first_assigned",
            received_at,
            first_assigned_at or closed_at,
            now,
            targets.dispatch_s if first_assigned_at or not closed_at else None,
            wf,
        ),
        travel=_timer(
            "travel",
            first_assigned_at,
            first_on_scene_at or (closed_at if first_assigned_at else None),
            now,
            targets.travel_s if first_on_scene_at or not closed_at else None,
            wf,
        ),
        to_first_on_scene=_timer(
            "to_first_on_scene",
            received_at,
            first_on_scene_at or closed_at,
            now,
            targets.on_scene_s if first_on_scene_at or not closed_at else None,
            wf,
        ),
    )
