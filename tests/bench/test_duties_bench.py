"""The background duties with 1,000 hand-offs waiting (no timed assertions).

Every open desk runs the duties every ``duty_interval_seconds`` (5 s), so the
common case — nothing due — must stay cheap: one indexed read, no write lock.
The worst case is a burst: all 1,000 hand-offs due in one tick.

Run: ``./scripts/test tests/bench/test_duties_bench.py --benchmark-enable``
"""

from __future__ import annotations

from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture
from sqlalchemy import Engine, delete, insert, update

from dispatch.clock import FixedClock
from dispatch.db import write_session
from dispatch.enums import HandoffStatus, IncidentStatus
from dispatch.models import Handoff, HandoffEscalation, Incident
from dispatch.services import DispatchService
from dispatch.testing import DEFAULT_START, make_services

WAITING = 1000
AGENCIES = ("DAMKAR", "PSC119", "POLRES", "BPBD", "PMI")


@pytest.fixture
def waiting(engine: Engine) -> tuple[DispatchService, FixedClock]:
    clock = FixedClock(DEFAULT_START)
    services = make_services(engine, clock=clock)
    now = clock.now()
    with write_session(engine) as session:
        session.execute(
            insert(Incident),
            [
                {
                    "number": f"112-BENCH-{i:05d}",
                    "type_code": "FIRE-HOUSE",
                    "determinant": "DELTA",
                    "priority": "P1",
                    "status": IncidentStatus.HANDED_OFF,
                    "call_received_at": now,
                    "created_at": now,
                    "answers": {},
                    "created_by": "bench",
                }
                for i in range(WAITING)
            ],
        )
        session.flush()
        ids = [i.id for i in session.query(Incident.id).order_by(Incident.id)]
        session.execute(
            insert(Handoff),
            [
                {
                    "incident_id": incident_id,
                    "agency_code": AGENCIES[n % len(AGENCIES)],
                    "status": HandoffStatus.REQUESTED,
                    "requested_at": now,
                    "requested_by": "bench",
                }
                for n, incident_id in enumerate(ids)
            ],
        )
    return services, clock


def _reset(services: DispatchService) -> None:
    with write_session(services.engine) as session:
        session.execute(delete(HandoffEscalation))
        session.execute(update(Handoff).values(escalation_level=0, escalated_at=None))


def test_duties_tick_with_nothing_due(
    benchmark: BenchmarkFixture,
    waiting: tuple[DispatchService, FixedClock],
    db_url: str,
) -> None:
    services, clock = waiting
    clock.advance(30)  # every target in the pack is at least 60 s
    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark.extra_info["waiting_handoffs"] = WAITING
    report = benchmark(services.run_duties)
    assert report.escalations == ()
    assert len(services.waiting_handoffs()) == WAITING


def test_duties_tick_with_all_due(
    benchmark: Any,  # pytest-benchmark's pedantic() is untyped
    waiting: tuple[DispatchService, FixedClock],
    db_url: str,
) -> None:
    services, clock = waiting
    clock.advance(125)  # past 2 x 60 s for Damkar and PSC 119, 1 level for others
    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark.extra_info["waiting_handoffs"] = WAITING
    report = benchmark.pedantic(
        services.run_duties, setup=lambda: _reset(services), rounds=3, iterations=1
    )
    # Damkar and PSC 119 (60 s): both levels; POLRES (90 s), BPBD, PMI (120 s): one.
    assert len(report.escalations) == WAITING // 5 * (2 + 2 + 1 + 1 + 1)
