"""Killing the leader of a real Patroni cluster while desks write (issue 12).

Starts ``scripts/cluster`` (three PostgreSQL nodes, Patroni, etcd, synchronous
replication) on loopback, lets four desks open calls through the service API,
then SIGKILLs the leader's Patroni and PostgreSQL together. The desks must
go on by themselves within 15 s on the new leader; every acknowledged call
must be there exactly once, a call whose commit broke at most once, and the
journal must verify on the new leader.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, func, select

from dispatch.db import make_engine, read_session
from dispatch.models import Call
from dispatch.testing import make_services, seed_database
from tests.patroni import DeskLoad, PatroniCluster, missing_tools

pytestmark = pytest.mark.slow

DESKS = 4
#: The issue's promise: desks go on within this many seconds of the kill.
CONTINUE_WITHIN = 15.0


@pytest.fixture(scope="module")
def cluster() -> Iterator[PatroniCluster]:
    """The cluster for this module (a failure in CI when the tools are missing)."""
    reason = missing_tools()
    if reason:
        if os.environ.get("SIAGA_REQUIRE_POSTGRES"):
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = PatroniCluster()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def cluster_engine(cluster: PatroniCluster) -> Iterator[Engine]:
    engine = make_engine(cluster.url)
    seed_database(engine)
    yield engine
    engine.dispose()


def _copies(engine: Engine, names: list[str]) -> dict[str, int]:
    with read_session(engine) as session:
        rows = session.execute(
            select(Call.caller_name, func.count())
            .where(Call.caller_name.in_(names))
            .group_by(Call.caller_name)
        ).all()
    return {str(name): int(count) for name, count in rows}


def test_desks_survive_a_killed_leader(
    cluster: PatroniCluster, cluster_engine: Engine
) -> None:
    desks = [
        make_services(cluster_engine, seed=False, terminal=f"desk-{n}")
        for n in range(DESKS)
    ]
    load = DeskLoad(desks)
    load.start()
    try:
        time.sleep(2.0)
        before = len(load.acknowledged)
        killed = cluster.kill_leader()
        killed_at = time.monotonic()
        deadline = killed_at + CONTINUE_WITHIN + 10
        while time.monotonic() < deadline:
            if len(load.acknowledged_since(killed_at)) == DESKS:
                break
            time.sleep(0.2)
        time.sleep(1.0)
    finally:
        load.stop()

    assert before > 0, "the desks wrote nothing before the kill"
    resumed = load.acknowledged_since(killed_at)
    assert sorted(resumed) == list(range(DESKS)), f"desks that never resumed: {resumed}"
    slowest = max(resumed.values()) - killed_at
    assert slowest < CONTINUE_WITHIN, f"a desk resumed only after {slowest:.1f} s"
    new_leader = cluster.leader()
    assert new_leader is not None
    assert new_leader != killed

    acknowledged = list(load.acknowledged)
    copies = _copies(cluster_engine, acknowledged + load.in_doubt)
    lost = [name for name in acknowledged if copies.get(name, 0) == 0]
    doubled = [name for name, count in copies.items() if count > 1]
    assert not lost, f"acknowledged calls lost: {lost}"
    assert not doubled, f"calls saved twice: {doubled}"
    assert not load.failed, f"calls refused after the retry: {load.failed}"

    report = desks[0].verify_journal()
    assert report.ok, report.problem
    assert report.checked >= len(acknowledged)
