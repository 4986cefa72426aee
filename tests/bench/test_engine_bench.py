"""Benchmarks of the dispatch engine's pure logic (no timed assertions).

Targets (docs/engine.md): ``recommend()`` with 300 units and 50 pending
incidents, median < 2 ms per call; one batch step of 200 incidents x 300
units < 100 ms; catalogue search per keystroke well under a millisecond.

Run: ``python -m pytest tests/bench/test_engine_bench.py --benchmark-only``
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import ClassVar

import numpy as np
import pytest
from numpy.typing import NDArray
from pytest_benchmark.fixture import BenchmarkFixture

from dispatch.batch import assign_batch
from dispatch.catalogue import get_catalogue
from dispatch.duplicates import DuplicateQuery, OpenIncidentRef, find_duplicates
from dispatch.enums import IncidentStatus, Priority, UnitStatus
from dispatch.priority import QueueItem, order_queue
from dispatch.recommend import (
    RecommendRequest,
    TravelModel,
    UnitCandidate,
    UnitPool,
    recommend,
)
from dispatch.triage import triage

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
# Kota Blitar and surroundings (lat, lon box).
LAT0, LAT1, LON0, LON1 = -8.14, -8.06, 112.12, 112.21

FLEET = [
    ("AMBULANCE", {"ALS", "BLS", "PATIENT_TRANSPORT"}, "PSC119", 40),
    ("AMBULANCE", {"BLS", "PATIENT_TRANSPORT"}, "PMI", 50),
    ("HEARSE", set(), "PMI", 10),
    ("FIRE_ENGINE", {"PUMP", "WATER", "RESCUE_TOOLS"}, "DAMKAR", 40),
    ("FIRE_ENGINE", {"PUMP", "LADDER"}, "DAMKAR", 10),
    ("WATER_TANKER", {"WATER"}, "DAMKAR", 20),
    ("RESCUE", {"RESCUE_TOOLS", "EXTRICATION", "CHAINSAW", "BOAT", "ANIMAL_HANDLING"},
     "DAMKAR", 30),
    ("POLICE_PATROL", {"ARMED", "TRAFFIC"}, "POLRES", 60),
    ("BPBD_RESPONSE", {"EVACUATION", "LOGISTICS", "BOAT", "CHAINSAW"}, "BPBD", 20),
    ("SATPOL_PATROL", set(), "SATPOLPP", 20),
]  # fmt: skip


class FakeVectorTravel:
    """Geodesic-like vectorised model: circuity 1.3, 40 km/h, turnout by type."""

    turnout: ClassVar[dict[str, float]] = {
        "FIRE_ENGINE": 90.0,
        "WATER_TANKER": 90.0,
        "AMBULANCE": 60.0,
    }

    def eta(
        self,
        origin: tuple[float, float],
        dest: tuple[float, float],
        unit_type: str,
        when: datetime | None = None,
    ) -> float:
        return float(self.eta_many(np.array([origin]), dest, [unit_type], when)[0])

    def eta_many(
        self,
        origins: NDArray[np.float64],
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> NDArray[np.float64]:
        dlat = (origins[:, 0] - dest[0]) * 111_195.0
        dlon = (origins[:, 1] - dest[1]) * 111_195.0 * np.cos(np.radians(dest[0]))
        turnout = np.fromiter((self.turnout.get(t, 60.0) for t in unit_types), float)
        out = turnout + np.hypot(dlat, dlon) * 1.3 / 11.1
        return np.asarray(out, dtype=np.float64)


def make_units(n: int, seed: int = 1) -> list[UnitCandidate]:
    rnd = random.Random(seed)
    kinds = [k for k in FLEET for _ in range(k[3])]
    units = []
    for i in range(n):
        unit_type, caps, agency, _ = kinds[i % len(kinds)]
        status = rnd.choices(
            [UnitStatus.AVAILABLE, UnitStatus.RETURNING, UnitStatus.EN_ROUTE,
             UnitStatus.ON_SCENE, UnitStatus.OUT_OF_SERVICE],
            weights=[60, 10, 15, 10, 5],
        )[0]  # fmt: skip
        busy = status in (UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE)
        units.append(
            UnitCandidate(
                callsign=f"{unit_type[:3]}-{i:03d}",
                agency=agency,
                unit_type=unit_type,
                capabilities=frozenset(caps),
                station_id=f"ST-{i % 25:02d}",
                lat=rnd.uniform(LAT0, LAT1),
                lon=rnd.uniform(LON0, LON1),
                status=status,
                assignment_priority=rnd.choice(list(Priority)) if busy else None,
                assignment_incident_id=10_000 + i if busy else None,
            )
        )
    return units


def make_requests(n: int, seed: int = 2) -> list[RecommendRequest]:
    rnd = random.Random(seed)
    emergency = [t for t in get_catalogue() if t.is_emergency]
    out = []
    for i in range(n):
        itype = rnd.choice(emergency)
        answers = {
            q.id: rnd.choice([o.key for o in q.options]) for q in itype.questions
        }
        result = triage(itype.code, answers)
        out.append(
            RecommendRequest(
                incident_id=i + 1,
                lat=rnd.uniform(LAT0, LAT1),
                lon=rnd.uniform(LON0, LON1),
                priority=result.priority,
                slots=result.plan,
            )
        )
    return out


def _real_travel_model() -> TravelModel | None:
    try:
        from geodata.packs import load_pack
        from geodata.travel import default_travel_model

        model: TravelModel = default_travel_model(load_pack())
    except Exception:  # geodata's model is optional here
        return None
    return model


MODELS: list[tuple[str, Callable[[], TravelModel | None]]] = [
    ("fake", FakeVectorTravel),
    ("geodata", _real_travel_model),
]


@pytest.fixture(params=[m[0] for m in MODELS])
def travel(request: pytest.FixtureRequest) -> TravelModel:
    model = dict(MODELS)[request.param]()
    if model is None:
        pytest.skip("geodata.travel.default_travel_model is not importable")
    return model


def test_bench_recommend_300_units_50_incidents_pool(
    benchmark: BenchmarkFixture, travel: TravelModel
) -> None:
    pool = UnitPool(make_units(300))
    requests = itertools.cycle(make_requests(50))
    benchmark.extra_info["per"] = "one recommend() call, prepared UnitPool"
    result = benchmark(lambda: recommend(next(requests), pool, travel, NOW))
    assert result.incident_id >= 1


def test_bench_recommend_300_units_from_list(
    benchmark: BenchmarkFixture, travel: TravelModel
) -> None:
    units = make_units(300)
    requests = itertools.cycle(make_requests(50))
    benchmark.extra_info["per"] = (
        "one recommend() call, unit list (pool built each call)"
    )
    result = benchmark(lambda: recommend(next(requests), units, travel, NOW))
    assert result.incident_id >= 1


def test_bench_batch_200_incidents_300_units(
    benchmark: BenchmarkFixture, travel: TravelModel
) -> None:
    units = make_units(300)
    requests = make_requests(200)
    result = benchmark(lambda: assign_batch(requests, units, travel, NOW))
    callsigns = [a.callsign for a in result]
    assert len(callsigns) == len(set(callsigns))


def test_bench_catalogue_search_keystroke(benchmark: BenchmarkFixture) -> None:
    cat = get_catalogue()
    words = itertools.cycle(
        ["k", "kb", "kba", "kbak", "kbakaran r", "kbakaran rumah", "laka"]
    )
    benchmark(lambda: cat.search(next(words)))


def test_bench_order_queue_200(benchmark: BenchmarkFixture) -> None:
    rnd = random.Random(3)
    items = [
        QueueItem(
            i,
            rnd.choice(list(Priority)),
            NOW - timedelta(seconds=rnd.uniform(0, 7200)),
            NOW - timedelta(seconds=rnd.uniform(0, 60)),
            rnd.choice([60.0, 90.0, 300.0, 900.0]),
            rnd.choice([IncidentStatus.PENDING, IncidentStatus.DISPATCHED]),
        )
        for i in range(200)
    ]
    benchmark(lambda: order_queue(items, NOW))


def test_bench_find_duplicates_100_open(benchmark: BenchmarkFixture) -> None:
    rnd = random.Random(4)
    codes = [t.code for t in get_catalogue() if t.is_emergency]
    incidents = [
        OpenIncidentRef(
            i, f"112-{i}", rnd.choice(codes), rnd.uniform(LAT0, LAT1),
            rnd.uniform(LON0, LON1), NOW - timedelta(seconds=rnd.uniform(0, 7200)),
        )
        for i in range(100)
    ]  # fmt: skip
    q = DuplicateQuery(-8.1, 112.17, "FIRE-HOUSE", "+628123", NOW)
    benchmark(lambda: find_duplicates(q, incidents, NOW))
