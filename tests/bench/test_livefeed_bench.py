"""Desk-to-desk delay with 32 desks attached: NOTIFY on PostgreSQL, the poll on SQLite.

One desk opens a call; 32 other desks follow the journal the way the console
does (:class:`console.follow.JournalWake` without the screen: wait on the
desk's :class:`~dispatch.livefeed.JournalSignal`, then ask ``events_after``).
One round is timed from the moment the writing desk starts its action until
the last of the 32 desks has read the new event, so it includes the write
itself. On SQLite the desks poll once a second (the console's default
``follow_seconds``), on PostgreSQL they wake on the journal's NOTIFY.

Run: ``.venv/bin/python -m pytest tests/bench/test_livefeed_bench.py
--benchmark-enable -p no:cacheprovider``
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from dispatch.services import DispatchService
from dispatch.stress.followers import FollowingDesks
from dispatch.testing import make_services

DESKS = 32
#: The console's default poll interval (console/config.py ``follow_seconds``).
POLL_SECONDS = 1.0


@pytest.fixture
def desks(engine: Engine) -> Iterator[tuple[DispatchService, FollowingDesks]]:
    writer = make_services(engine)
    followers = FollowingDesks(
        make_services(engine, seed=False, terminal="desk-follow"), DESKS, POLL_SECONDS
    )
    followers.start(writer.last_event_id())
    time.sleep(POLL_SECONDS)  # every desk is following
    yield writer, followers
    followers.stop()


def test_desk_to_desk_delay_32_desks(benchmark, desks, db_url):
    writer, followers = desks
    pauses = random.Random(12)
    state = {"before": 0, "all_seen": 0, "rounds": 0}

    live = followers.live

    def setup():
        # The change comes at any moment, not in step with the desks' polls
        # (notified desks have no phase to fall in step with).
        if not live:
            time.sleep(pauses.uniform(0, POLL_SECONDS))
        state["before"] = writer.last_event_id()

    def one_change():
        state["rounds"] += 1
        writer.open_call({"caller_name": "desk-to-desk", "take_ring": False})
        if followers.wait_all_past(state["before"]):
            state["all_seen"] += 1

    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark.extra_info["desks"] = DESKS
    benchmark.extra_info["wakes_on"] = (
        "NOTIFY" if live else f"poll every {POLL_SECONDS} s"
    )
    benchmark.pedantic(one_change, setup=setup, rounds=20, iterations=1)
    assert state["rounds"] > 0
    assert state["all_seen"] == state["rounds"], "a change never reached all desks"
