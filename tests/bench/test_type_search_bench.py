"""Type-search benchmarks (pytest-benchmark; no timed assertions).

Run::

    .venv/bin/python -m pytest tests/bench/test_type_search_bench.py -s

Target (issue 9): p95 under 5 ms per query, for whole caller sentences and
for every keystroke while one is typed.
"""

from __future__ import annotations

import statistics
import time
import tomllib
from pathlib import Path

import pytest
from pytest_benchmark.fixture import BenchmarkFixture

from dispatch.catalogue import Catalogue, get_catalogue, load_catalogue

DATA = Path(__file__).parent.parent / "dispatch" / "data"


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    out: list[str] = []
    for name in ("dev", "holdout"):
        with (DATA / f"caller_sentences_{name}.toml").open("rb") as fh:
            out.extend(row["text"] for row in tomllib.load(fh)["sentence"])
    return out


@pytest.fixture(scope="module")
def keystrokes(sentences: list[str]) -> list[str]:
    """Every prefix of every 8th sentence: what the search sees while typing."""
    out: list[str] = []
    for text in sentences[::8]:
        out.extend(text[:i] for i in range(1, len(text) + 1))
    return out


def _figures(cat: Catalogue, queries: list[str]) -> dict[str, float]:
    wall: list[float] = []
    cpu: list[float] = []  # thread CPU time: immune to other processes
    for q in queries:
        t, c = time.perf_counter(), time.thread_time()
        cat.search(q, limit=8)
        cpu.append((time.thread_time() - c) * 1000)
        wall.append((time.perf_counter() - t) * 1000)
    wall.sort()
    cpu.sort()
    at95 = int(0.95 * (len(queries) - 1))
    return {
        "queries": len(queries),
        "median_ms": round(statistics.median(wall), 3),
        "p95_ms": round(wall[at95], 3),
        "max_ms": round(wall[-1], 3),
        "cpu_median_ms": round(statistics.median(cpu), 3),
        "cpu_p95_ms": round(cpu[at95], 3),
    }


@pytest.mark.parametrize("kind", ["sentences", "keystrokes"])
def test_bench_type_search(
    benchmark: BenchmarkFixture, kind: str, request: pytest.FixtureRequest
) -> None:
    """One round = every query of the set once; percentiles per query after."""
    queries: list[str] = request.getfixturevalue(kind)
    cat = get_catalogue()

    def run() -> None:
        for q in queries:
            cat.search(q, limit=8)

    benchmark(run)
    figures = _figures(cat, queries)
    benchmark.extra_info.update(figures)
    print(
        f"\ntype search, {kind} ({figures['queries']}): median "
        f"{figures['median_ms']} ms, p95 {figures['p95_ms']} ms, max "
        f"{figures['max_ms']} ms; CPU median {figures['cpu_median_ms']} ms, "
        f"p95 {figures['cpu_p95_ms']} ms"
    )


def test_bench_type_search_one_sentence(benchmark: BenchmarkFixture) -> None:
    cat = get_catalogue()
    hits = benchmark(cat.search, "tolong pak, ada tabrakan motor, gak ada korban", 8)
    assert hits[0].code == "TRAFFIC-NOINJ"


def test_bench_catalogue_load(benchmark: BenchmarkFixture) -> None:
    """Loading, validating and indexing the catalogue (once per process)."""
    cat = benchmark(load_catalogue)
    assert len(cat) > 40
