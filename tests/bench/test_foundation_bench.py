"""The core dispatch sequence: open call → create incident → assign unit.

Timed as the service layer does it for a desk (docs/durability.md): plain,
with an idempotency key per action (what the console sends), and on SQLite
with each ``synchronous`` setting so the cost of durability is on record.
"""

from __future__ import annotations

import itertools
import uuid
from pathlib import Path
from typing import Any

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine
from dispatch.models import Base
from dispatch.services import DispatchService
from dispatch.testing import ALUN_ALUN, DEFAULT_START, make_services
from tests.dispatch.conftest import P1_TYPE


@pytest.fixture
def bench_services(engine):
    clock = FixedClock(DEFAULT_START)
    services = make_services(engine, clock=clock)
    return services, clock


def _run_sequence(
    benchmark: BenchmarkFixture,
    services: DispatchService,
    clock: FixedClock,
    *,
    keyed: bool,
) -> None:
    ambulances = [u.callsign for u in services.units() if u.unit_type == "AMBULANCE"]
    cycle = itertools.cycle(ambulances)
    location = {"text": "alun-alun", **ALUN_ALUN}

    def key() -> dict[str, Any]:
        return {"idempotency_key": str(uuid.uuid4())} if keyed else {}

    def sequence() -> tuple[object, str]:
        clock.advance(1)
        callsign = next(cycle)
        call = services.open_call({"caller_number": "081234567890"}, **key())
        incident = services.create_incident(
            call.id, location=location, classification=P1_TYPE, **key()
        )
        services.assign_unit(incident.id, callsign, **key())
        return incident, callsign

    def release(result: tuple[object, str]) -> None:
        _incident, callsign = result
        services.report_status(callsign, "available")

    results: list[tuple[object, str]] = []

    def measured() -> None:
        results.append(sequence())

    def setup() -> None:
        while results:
            release(results.pop())

    benchmark.pedantic(measured, setup=setup, rounds=60, iterations=1, warmup_rounds=3)
    assert results or services.open_incidents()


def test_open_create_assign(benchmark, bench_services, db_url):
    services, clock = bench_services
    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    _run_sequence(benchmark, services, clock, keyed=False)


def test_open_create_assign_keyed(benchmark, bench_services, db_url):
    """The same with an idempotency key per action, as the console sends them."""
    services, clock = bench_services
    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    _run_sequence(benchmark, services, clock, keyed=True)


@pytest.mark.parametrize("synchronous", ["FULL", "NORMAL"])
def test_open_create_assign_sqlite_synchronous(
    benchmark: BenchmarkFixture, tmp_path: Path, synchronous: str
) -> None:
    """SQLite in WAL mode: FULL (the default, survives a power cut) vs NORMAL."""
    url = f"sqlite:///{tmp_path / 'siaga.db'}"
    settings = EngineSettings(database_url=url, sqlite_synchronous=synchronous)
    engine = make_engine(url, settings=settings)
    Base.metadata.create_all(engine)
    clock = FixedClock(DEFAULT_START)
    seeded = make_services(engine, clock=clock)
    services = DispatchService(
        engine,
        settings=settings,
        clock=clock,
        principal=seeded.principal,
        pack=seeded.pack,
    )
    benchmark.extra_info["synchronous"] = synchronous
    try:
        _run_sequence(benchmark, services, clock, keyed=True)
    finally:
        engine.dispose()
