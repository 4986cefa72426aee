"""Queue order (strict total order, bounded ageing) and incident timers."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.enums import Determinant, IncidentStatus, Priority
from dispatch.priority import (
    QueueItem,
    QueueRules,
    TimerState,
    TimerTargets,
    incident_timers,
    is_promoted,
    order_queue,
    queue_key,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TARGET = {Priority.P1: 60.0, Priority.P2: 90.0, Priority.P3: 300.0, Priority.P4: 900.0}
RULES = QueueRules({Priority.P3: 1800.0, Priority.P4: 3600.0})


def item(
    incident_id: int,
    priority: Priority,
    waited_s: float,
    status: IncidentStatus = IncidentStatus.PENDING,
    target: float | None = None,
) -> QueueItem:
    received = NOW - timedelta(seconds=waited_s)
    return QueueItem(
        incident_id=incident_id,
        priority=priority,
        received_at=received,
        created_at=received + timedelta(seconds=min(30.0, waited_s)),
        dispatch_target_s=target or TARGET[priority],
        status=status,
    )


def ids(items: list[QueueItem]) -> list[int]:
    return [i.incident_id for i in items]


def test_priorities_come_in_order() -> None:
    queue = [
        item(1, Priority.P4, 10),
        item(2, Priority.P2, 10),
        item(3, Priority.P1, 0),
    ]
    assert ids(order_queue(queue, NOW, RULES)) == [3, 2, 1]


def test_within_a_priority_the_most_overdue_comes_first() -> None:
    queue = [
        item(1, Priority.P3, 100),
        item(2, Priority.P3, 900),
        item(3, Priority.P3, 400),
    ]
    assert ids(order_queue(queue, NOW, RULES)) == [2, 3, 1]


def test_overdue_ratio_compares_different_targets() -> None:
    # Same priority, different targets (per type): 2x target beats 1.5x target.
    a = item(1, Priority.P2, 300, target=200)
    b = item(2, Priority.P2, 400, target=100)
    assert ids(order_queue([a, b], NOW, RULES)) == [2, 1]


def test_long_overdue_p3_rises_above_p2_but_never_above_p1() -> None:
    p3_old = item(1, Priority.P3, 300 + 1800 + 1)  # promoted: ratio 7
    p2_new = item(2, Priority.P2, 30)
    p1_new = item(3, Priority.P1, 0)
    assert is_promoted(p3_old, NOW, RULES)
    assert ids(order_queue([p2_new, p3_old, p1_new], NOW, RULES)) == [3, 1, 2]


def test_promotion_needs_the_full_delay_past_target() -> None:
    p3 = item(1, Priority.P3, 300 + 1799)
    p2 = item(2, Priority.P2, 30)
    assert not is_promoted(p3, NOW, RULES)
    assert ids(order_queue([p3, p2], NOW, RULES)) == [2, 1]


def test_p4_rises_at_most_one_band() -> None:
    p4 = item(1, Priority.P4, 10 * 3600)
    p2 = item(2, Priority.P2, 0)
    p3 = item(3, Priority.P3, 0)
    assert queue_key(p4, NOW, RULES).band == 3
    assert ids(order_queue([p4, p2, p3], NOW, RULES)) == [2, 1, 3]


def test_p2_is_never_promoted_even_if_data_says_so() -> None:
    rules = QueueRules({Priority.P2: 1.0, Priority.P3: 1.0})
    p2 = item(1, Priority.P2, 10_000)
    p1 = item(2, Priority.P1, 0)
    assert not is_promoted(p2, NOW, rules)
    assert ids(order_queue([p2, p1], NOW, rules)) == [2, 1]


def test_ties_break_by_age_then_id() -> None:
    a = item(5, Priority.P2, 45, target=90)
    b = item(4, Priority.P2, 45, target=90)
    assert ids(order_queue([a, b], NOW, RULES)) == [4, 5]


def test_incidents_being_worked_come_after_waiting_ones() -> None:
    working = item(1, Priority.P1, 500, status=IncidentStatus.DISPATCHED)
    waiting = item(2, Priority.P4, 0, status=IncidentStatus.HANDED_OFF)
    closed = item(3, Priority.P1, 500, status=IncidentStatus.CLOSED)
    assert ids(order_queue([closed, working, waiting], NOW, RULES)) == [2, 1, 3]


def test_default_rules_come_from_the_catalogue() -> None:
    rules = QueueRules.from_catalogue()
    assert rules.promote_after_s[Priority.P3] == 1800
    assert rules.promote_after_s[Priority.P1] is None
    assert ids(
        order_queue([item(1, Priority.P3, 0), item(2, Priority.P1, 0)], NOW)
    ) == [2, 1]


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        QueueItem(1, Priority.P1, datetime(2026, 1, 1), NOW, 60.0)  # noqa: DTZ001 - on purpose
    with pytest.raises(ValueError, match="timezone-aware"):
        queue_key(item(1, Priority.P1, 0), datetime(2026, 1, 1))  # noqa: DTZ001 - on purpose


# --- properties ----------------------------------------------------------------------

statuses = st.sampled_from(list(IncidentStatus))
priorities = st.sampled_from(list(Priority))


@st.composite
def queues(draw: st.DrawFn) -> list[QueueItem]:
    n = draw(st.integers(min_value=0, max_value=25))
    id_list = draw(
        st.lists(st.integers(0, 10_000), min_size=n, max_size=n, unique=True)
    )
    out = []
    for incident_id in id_list:
        out.append(
            item(
                incident_id,
                draw(priorities),
                draw(st.floats(min_value=0, max_value=20_000, allow_nan=False)),
                draw(statuses),
                draw(st.sampled_from([None, 30.0, 120.0, 600.0])),
            )
        )
    return out


@settings(max_examples=100, deadline=None)
@given(queues())
def test_queue_order_is_a_strict_total_order(queue: list[QueueItem]) -> None:
    keys = [queue_key(i, NOW, RULES) for i in queue]
    for a in keys:
        for b in keys:
            if a is b:
                continue
            assert a != b  # ids are unique, so no two keys tie
            assert (a < b) != (b < a)  # antisymmetric and total
            for c in keys[:8]:
                if a < b and b < c:
                    assert a < c  # transitive


@settings(max_examples=100, deadline=None)
@given(queues(), st.randoms(use_true_random=False))
def test_queue_order_is_deterministic(
    queue: list[QueueItem], rnd: random.Random
) -> None:
    shuffled = list(queue)
    rnd.shuffle(shuffled)
    assert ids(order_queue(queue, NOW, RULES)) == ids(order_queue(shuffled, NOW, RULES))


@settings(max_examples=100, deadline=None)
@given(queues())
def test_a_waiting_p1_is_never_below_a_waiting_p2(queue: list[QueueItem]) -> None:
    ordered = order_queue(queue, NOW, RULES)
    waiting = [i for i in ordered if i.status.is_open and i.status not in _WORKING]
    seen_lower = False
    for i in waiting:
        if i.priority is not Priority.P1:
            seen_lower = True
        else:
            assert not seen_lower, "a P1 sits below a lower priority"


_WORKING = {IncidentStatus.DISPATCHED, IncidentStatus.ON_SCENE}


@settings(max_examples=100, deadline=None)
@given(queues(), st.data())
def test_waiting_longer_never_moves_an_incident_down(
    queue: list[QueueItem], data: st.DataObject
) -> None:
    if not queue:
        return
    index = data.draw(st.integers(0, len(queue) - 1))
    extra = data.draw(st.floats(min_value=0.001, max_value=50_000, allow_nan=False))
    before = ids(order_queue(queue, NOW, RULES)).index(queue[index].incident_id)
    older = queue[index]
    aged = QueueItem(
        older.incident_id,
        older.priority,
        older.received_at - timedelta(seconds=extra),
        older.created_at,
        older.dispatch_target_s,
        older.status,
    )
    changed = [*queue[:index], aged, *queue[index + 1 :]]
    after = ids(order_queue(changed, NOW, RULES)).index(older.incident_id)
    assert after <= before


# --- timers --------------------------------------------------------------------------

TARGETS = TimerTargets(answer_s=15, dispatch_s=60, travel_s=480, on_scene_s=600)


def test_running_timers_turn_warning_then_overdue() -> None:
    received = NOW - timedelta(seconds=50)
    timers = incident_timers(
        now=NOW, received_at=received, created_at=received + timedelta(seconds=20),
        targets=TARGETS,
    )  # fmt: skip
    assert timers.to_first_assigned.state is TimerState.WARNING  # 50 >= 0.8 * 60
    assert timers.to_first_assigned.running
    assert timers.to_first_assigned.remaining_s == pytest.approx(10)
    assert timers.travel.elapsed_s is None
    assert timers.travel.state is TimerState.OK
    later = incident_timers(
        now=NOW + timedelta(seconds=30), received_at=received,
        created_at=received + timedelta(seconds=20), targets=TARGETS,
    )  # fmt: skip
    assert later.to_first_assigned.state is TimerState.OVERDUE
    assert later.worst is TimerState.OVERDUE
    assert later.since_created.elapsed_s == pytest.approx(60)
    assert later.since_received.target_s is None


def test_finished_timers_are_judged_on_their_duration() -> None:
    received = NOW - timedelta(seconds=900)
    timers = incident_timers(
        now=NOW,
        received_at=received,
        created_at=received + timedelta(seconds=20),
        rang_at=received,
        answered_at=received + timedelta(seconds=20),
        first_assigned_at=received + timedelta(seconds=55),
        first_on_scene_at=received + timedelta(seconds=700),
        targets=TARGETS,
    )
    assert timers.answer.state is TimerState.OVERDUE  # 20 s > 15 s
    assert timers.to_first_assigned.state is TimerState.OK  # 55 s: met, not "warning"
    assert not timers.to_first_assigned.running
    assert timers.travel.elapsed_s == pytest.approx(645)
    assert timers.travel.state is TimerState.OVERDUE
    assert timers.to_first_on_scene.state is TimerState.OVERDUE
    assert len(timers.all()) == 6


def test_answer_timer_without_a_ring_is_not_measured() -> None:
    received = NOW - timedelta(seconds=900)
    timers = incident_timers(
        now=NOW, received_at=received, created_at=received, targets=TARGETS,
        answered_at=received,
    )  # fmt: skip
    assert timers.answer.elapsed_s is None
    assert timers.answer.state is TimerState.OK
    ringing = incident_timers(
        now=NOW, received_at=received, created_at=received, targets=TARGETS,
        rang_at=NOW - timedelta(seconds=13),
    )  # fmt: skip
    assert ringing.answer.running
    assert ringing.answer.state is TimerState.WARNING  # 13 s >= 0.8 * 15 s


def test_closing_without_units_stops_the_clocks_without_judging() -> None:
    received = NOW - timedelta(seconds=900)
    timers = incident_timers(
        now=NOW, received_at=received, created_at=received, targets=TARGETS,
        closed_at=received + timedelta(seconds=100),
    )  # fmt: skip
    assert timers.to_first_assigned.elapsed_s == pytest.approx(100)
    assert timers.to_first_assigned.target_s is None
    assert timers.to_first_assigned.state is TimerState.OK
    assert timers.since_received.elapsed_s == pytest.approx(100)


def test_timer_targets_from_the_catalogue() -> None:
    p1 = TimerTargets.for_priority(Priority.P1)
    assert (p1.answer_s, p1.dispatch_s) == (15, 60)
    p2 = TimerTargets.for_priority(Priority.P2)
    assert p2.dispatch_s == 90
    drown = TimerTargets.for_priority(
        Priority.P1, type_code="WATER-DROWN", determinant=Determinant.DELTA
    )
    assert drown.on_scene_s == 1800
