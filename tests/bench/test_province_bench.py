"""Province-scale benchmarks (issue #12): what an operator waits for when the
centre covers a province rather than one city.

The pack is the synthetic province ``siaga pack province`` makes from Blitar
(4x2 tiles: 104 stations, 2,944 units, about 300,000 gazetteer entries),
generated once per run into a temporary folder (about 2 s; never committed).
Targets (issue #12): geocode p95 < 10 ms, ``recommend()`` < 10 ms, board
key press → frame p95 < 50 ms; batch assignment of the whole queue has none.
Figures are reported (``extra_info``, ``siaga bench``), never asserted.

Run: ``.venv/bin/python -m pytest tests/bench/test_province_bench.py
--benchmark-enable -s -p no:cacheprovider``.
"""

from __future__ import annotations

import asyncio
import csv
import itertools
import random
import statistics
import time
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from dispatch.batch import assign_batch
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend import RecommendRequest, UnitCandidate, UnitPool, recommend
from geodata.geocoder import OfflineGeocoder
from geodata.packbuild.province import ProvincePlan
from geodata.packbuild.province_names import tile_names
from geodata.packs import RegionPack
from geodata.travel import default_travel_model
from tests.bench.test_console_bench import _measure_board, _ms, smoke_presses
from tests.bench.test_engine_bench import make_requests
from tests.bench.test_geodata_bench import DATA, PHRASE_FILES

pytestmark = pytest.mark.slow  # a 300,000-entry index is built per run

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
PLAN = ProvincePlan()
BATCH_INCIDENTS = 500
BOARD_INCIDENTS = 2_000


@pytest.fixture
def province(province_pack: RegionPack) -> RegionPack:
    return province_pack


@pytest.fixture
def geocoder(province_geocoder: OfflineGeocoder) -> OfflineGeocoder:
    return province_geocoder


PHRASES = 120  # a fixed sample of caller phrases and pack names


def _phrases(province: RegionPack) -> list[str]:
    """Blitar's caller phrases said in a random tile, and names from the pack.

    Half are caller phrases with a tile's town name appended (how a caller
    in a province says where), half are names of the pack (landmarks, small
    places, streets, kelurahan), lower-cased; a fixed sample of ``PHRASES``.
    """
    rng = random.Random(12)
    towns = tile_names(PLAN.cols * PLAN.rows)
    said: list[str] = []
    for name in PHRASE_FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            said += [f"{r['phrase']} {rng.choice(towns)}" for r in csv.DictReader(fh)]
    names = [lm.name for lm in rng.sample(province.landmarks, PHRASES // 4)]
    names += [st.name for st in rng.sample(province.streets, PHRASES // 8)]
    names += [k.name for k in rng.sample(province.kelurahan, PHRASES // 8)]
    return rng.sample(said, PHRASES // 2) + [n.lower() for n in names]


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


def test_bench_province_geocode(
    benchmark: BenchmarkFixture, geocoder: OfflineGeocoder, province: RegionPack
) -> None:
    """One round = every phrase once (cold); then a warm pass is timed per query."""
    phrases = _phrases(province)

    def run() -> None:
        for q in phrases:
            geocoder.lookup(q)

    benchmark.pedantic(run, rounds=1, iterations=1)
    warm: list[float] = []
    cpu: list[float] = []
    for q in phrases:
        t, c = time.perf_counter(), time.thread_time()
        geocoder.lookup(q)
        cpu.append((time.thread_time() - c) * 1000)
        warm.append((time.perf_counter() - t) * 1000)
    median, p95 = _percentiles(warm)
    cpu_median, cpu_p95 = _percentiles(cpu)
    benchmark.extra_info.update(
        queries=len(phrases),
        entries=len(geocoder.gazetteer.entries),
        warm_median_ms=round(median, 3),
        warm_p95_ms=round(p95, 3),
        cpu_median_ms=round(cpu_median, 3),
        cpu_p95_ms=round(cpu_p95, 3),
    )
    print(
        f"\nprovince geocode, {len(phrases)} phrases, "
        f"{len(geocoder.gazetteer.entries):,} entries: warm median {median:.2f} ms, "
        f"p95 {p95:.2f} ms; CPU median {cpu_median:.2f} ms, p95 {cpu_p95:.2f} ms"
    )


def _units(pack: RegionPack) -> list[UnitCandidate]:
    """The roster at its stations; a province-day mix of busy and idle units."""
    rng = random.Random(3)
    stations = {s.id: s for s in pack.stations}
    out: list[UnitCandidate] = []
    for u in pack.units:
        st = stations[u.station_id]
        status = rng.choices(
            [UnitStatus.AVAILABLE, UnitStatus.RETURNING, UnitStatus.EN_ROUTE,
             UnitStatus.ON_SCENE, UnitStatus.OUT_OF_SERVICE],
            weights=[60, 10, 15, 10, 5],
        )[0]  # fmt: skip
        busy = status in (UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE)
        out.append(
            UnitCandidate(
                callsign=u.callsign,
                agency=u.agency,
                unit_type=u.unit_type,
                capabilities=frozenset(u.capabilities),
                station_id=u.station_id,
                lat=st.lat
                + rng.uniform(-0.01, 0.01) * (status != UnitStatus.AVAILABLE),
                lon=st.lon
                + rng.uniform(-0.01, 0.01) * (status != UnitStatus.AVAILABLE),
                status=status,
                assignment_priority=rng.choice(list(Priority)) if busy else None,
                assignment_incident_id=100_000 + len(out) if busy else None,
            )
        )
    return out


def _requests(pack: RegionPack, n: int) -> list[RecommendRequest]:
    """Triaged incidents at kelurahan centres all over the province."""
    rng = random.Random(4)
    out = []
    for i, r in enumerate(make_requests(n, seed=5)):
        k = rng.choice(pack.kelurahan)
        lat = k.centroid_lat + rng.uniform(-0.003, 0.003)
        lon = k.centroid_lon + rng.uniform(-0.003, 0.003)
        out.append(RecommendRequest(i + 1, lat, lon, r.priority, r.slots))
    return out


def test_bench_province_recommend(
    benchmark: BenchmarkFixture, province: RegionPack
) -> None:
    """One ``recommend()`` on a prepared pool of the 2,944 units, road model."""
    travel = default_travel_model(province)
    pool = UnitPool(_units(province))
    requests = itertools.cycle(_requests(province, 200))
    benchmark.extra_info["per"] = (
        f"one recommend() call, {len(province.units):,} units, road-graph ETAs, "
        "200 incidents cycled (shortest-path trees cached after the first pass)"
    )
    result = benchmark(lambda: recommend(next(requests), pool, travel, NOW))
    assert result.incident_id >= 1


def test_bench_province_batch(
    benchmark: BenchmarkFixture, province: RegionPack
) -> None:
    """The whole queue (500 incidents) against 2,944 units, cold road trees."""
    units = _units(province)
    requests = _requests(province, BATCH_INCIDENTS)

    def run() -> None:
        # a fresh model: every incident's shortest-path tree is computed anew
        from geodata.travel import RoadNetworkTravelModel

        travel = RoadNetworkTravelModel(province, cache_size=BATCH_INCIDENTS)
        result["assigned"] = assign_batch(requests, units, travel, NOW)

    result: dict[str, Sequence[object]] = {}
    benchmark.pedantic(run, rounds=2, iterations=1)
    benchmark.extra_info["per"] = (
        f"assign_batch, {BATCH_INCIDENTS} incidents x {len(units):,} units, "
        "road-graph ETAs with no cached trees"
    )
    assert result["assigned"]


def test_bench_province_board_keypress(benchmark: BenchmarkFixture) -> None:
    """Board key press → frame with 2,000 open incidents and 3,000 units."""
    result: dict[str, dict[str, list[float]]] = {}
    presses = smoke_presses(benchmark)

    def run() -> None:
        result["samples"] = asyncio.run(_measure_board(BOARD_INCIDENTS, presses, 3_000))

    benchmark.pedantic(run, rounds=1, iterations=1)
    benchmark.extra_info["per"] = (
        f"one key press on the queue ({BOARD_INCIDENTS:,} incidents, 3,000 units)"
    )
    for name, samples in result["samples"].items():
        for label, share in (("median", 0.5), ("p95", 0.95), ("max", 1.0)):
            benchmark.extra_info[f"{name}_{label}_ms"] = _ms(samples, share)
    info = benchmark.extra_info
    print(
        f"\nprovince board: open {info['open_median_ms']} ms; frame median "
        f"{info['frame_median_ms']} ms, p95 {info['frame_p95_ms']} ms; pane p95 "
        f"{info['pane_p95_ms']} ms"
    )
