"""Rings from the phone system: F2 takes them, answer times become measurements."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.enums import CallOutcome, Role
from dispatch.errors import InvalidInput
from dispatch.reports import shift_figures_for, shift_window
from dispatch.ringfeed import ring_feed_principal
from dispatch.services import DispatchService
from dispatch.services.rings import RingNotFound
from dispatch.testing import ALUN_ALUN, principal_for, seed_database

LINES = {"201": "desk-1", "202": "desk-2"}


@pytest.fixture
def desk(engine: Engine, clock: FixedClock) -> DispatchService:
    pack = seed_database(engine, clock=clock)
    settings = EngineSettings(database_url=str(engine.url), ring_lines=LINES)
    principal = principal_for(Role.SUPERVISOR, operator="ani", terminal="desk-1")
    return DispatchService(
        engine, settings=settings, clock=clock, principal=principal, pack=pack
    )


@pytest.fixture
def feed(desk: DispatchService) -> DispatchService:
    return desk.as_principal(ring_feed_principal("pbx"))


def test_f2_takes_the_ring_on_its_line(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    rang = clock.now()
    feed.ring_started("201", "0812-3456-7890", rang)
    clock.advance(12)
    call = desk.open_call({})
    assert call.caller_number == "+6281234567890"
    assert call.rang_at == rang
    assert call.ring_line == "201"
    assert call.answer_s == pytest.approx(12)
    # The ring is taken: a second F2 opens a call without one.
    second = desk.open_call({})
    assert second.rang_at is None
    assert second.answer_s is None
    assert second.received_at == second.answered_at


def test_a_typed_number_beats_the_phone_systems(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", "081111111111", clock.now())
    call = desk.open_call({"caller_number": "082222222222"})
    assert call.caller_number == "+6282222222222"
    assert call.rang_at is not None


def test_another_terminals_ring_is_not_taken(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("202", "081234567890", clock.now())
    call = desk.open_call({})
    assert call.rang_at is None
    assert call.caller_number is None
    other = desk.as_actor("budi", "desk-2").open_call({})
    assert other.caller_number == "+6281234567890"


def test_a_stale_ring_is_not_taken(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", "081234567890", clock.now())
    clock.advance(desk.settings.ring_take_seconds + 1)
    assert desk.open_call({}).rang_at is None


def test_opting_out_leaves_the_ring_waiting(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", "081234567890", clock.now())
    assert desk.open_call({"take_ring": False}).rang_at is None
    assert desk.open_call({}).rang_at is not None


def test_the_handset_answer_is_the_answer_time(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    rang = clock.now()
    feed.ring_started("201", None, rang)
    clock.advance(30)
    call = desk.open_call({})  # F2 30 s after the ring ...
    feed.ring_answered("201", rang + timedelta(seconds=7))  # ... handset at 7 s
    assert desk.call(call.id).answer_s == pytest.approx(7)
    # A handset answer before F2 is used when F2 comes later; call waiting:
    # the new ring's answer is not taken for the call still on the line.
    feed.ring_started("201", None, clock.now())
    feed.ring_answered("201", clock.now() + timedelta(seconds=4))
    clock.advance(20)
    assert desk.open_call({}).answer_s == pytest.approx(4)
    assert desk.call(call.id).answer_s == pytest.approx(7)


def test_an_unanswered_ring_that_ends_is_an_abandoned_call(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    rang = clock.now()
    feed.ring_started("201", "081234567890", rang)
    clock.advance(20)
    feed.ring_ended("201", clock.now())
    assert desk.open_call({}).rang_at is None  # nothing left to take
    fig = shift_figures_for(desk, shift_window(clock.now(), desk.settings))
    assert fig.calls_by_outcome[CallOutcome.ABANDONED] == 1
    assert fig.answer.count == 0  # rang, never answered: no answer time


def test_a_ring_answered_on_the_handset_can_still_be_taken(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", "081234567890", clock.now())
    feed.ring_answered("201", clock.now() + timedelta(seconds=3))
    feed.ring_ended("201", clock.now() + timedelta(seconds=40))
    clock.advance(45)
    call = desk.open_call({})
    assert call.answer_s == pytest.approx(3)


def test_times_are_checked(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    with pytest.raises(InvalidInput, match="future"):
        feed.ring_started("201", None, clock.now() + timedelta(minutes=5))
    feed.ring_started("201", None, clock.now())
    with pytest.raises(InvalidInput, match="before it rang"):
        feed.ring_answered("201", clock.now() - timedelta(seconds=1))
    with pytest.raises(RingNotFound):
        feed.ring_ended("999", clock.now())
    with pytest.raises(InvalidInput):
        feed.ring_started("201", "not a number", clock.now())


def test_every_time_point_is_stamped_when_it_happens(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", None, clock.now())
    clock.advance(5)
    call = desk.open_call({})
    clock.advance(20)
    desk.record_location(call.id, {"text": "alun-alun", **ALUN_ALUN})
    clock.advance(15)
    desk.classify_call(call.id, {"type_code": "MED-UNCON", "answers": {}})
    clock.advance(10)
    desk.record_location(call.id, {"text": "alun-alun", **ALUN_ALUN})  # again
    incident = desk.create_incident(call.id)
    done = desk.call(call.id)
    assert done.rang_at is not None
    assert done.answered_at is not None
    assert done.located_at is not None
    assert done.classified_at is not None
    assert done.ended_at is not None
    assert (done.answered_at - done.rang_at).total_seconds() == 5
    assert (done.located_at - done.answered_at).total_seconds() == 20
    assert (done.classified_at - done.located_at).total_seconds() == 15
    assert (done.ended_at - done.classified_at).total_seconds() == 10
    assert incident.first_dispatched_at is None


def test_reports_count_calls_without_a_ring_as_not_measured(
    desk: DispatchService, feed: DispatchService, clock: FixedClock
) -> None:
    feed.ring_started("201", None, clock.now())
    clock.advance(9)
    desk.close_call(desk.open_call({}).id, "information")
    desk.close_call(desk.open_call({}).id, "prank")  # no ring
    fig = shift_figures_for(desk, shift_window(clock.now(), desk.settings))
    assert fig.answer.count == 1
    assert fig.answer.median_s == pytest.approx(9)
    assert fig.answer.unmeasured == 1
    assert not fig.answer.not_measured
