"""The core dispatch sequence: open call → create incident → assign unit."""

from __future__ import annotations

import itertools

import pytest

from dispatch.clock import FixedClock
from dispatch.testing import ALUN_ALUN, DEFAULT_START, make_services
from tests.dispatch.conftest import P1_TYPE


@pytest.fixture
def bench_services(engine):
    clock = FixedClock(DEFAULT_START)
    services = make_services(engine, clock=clock)
    return services, clock


def test_open_create_assign(benchmark, bench_services, db_url):
    services, clock = bench_services
    ambulances = [u.callsign for u in services.units() if u.unit_type == "AMBULANCE"]
    cycle = itertools.cycle(ambulances)
    location = {"text": "alun-alun", **ALUN_ALUN}

    def sequence():
        clock.advance(1)
        callsign = next(cycle)
        call = services.open_call({"caller_number": "081234567890"})
        incident = services.create_incident(
            call.id, location=location, classification=P1_TYPE
        )
        services.assign_unit(incident.id, callsign)
        return incident, callsign

    def release(result):
        _incident, callsign = result
        services.report_status(callsign, "available")

    results = []

    def measured():
        results.append(sequence())

    def setup():
        while results:
            release(results.pop())

    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark.pedantic(measured, setup=setup, rounds=60, iterations=1, warmup_rounds=3)
    assert results or services.open_incidents()
