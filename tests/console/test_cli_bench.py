"""`siaga bench`: targets read, rows built from pytest-benchmark's JSON, quick run."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from console import benchmarks
from console.benchmarks import BenchError, Target, build_rows, load_targets, verdict

ROOT = Path(__file__).resolve().parents[2]
TARGETS = ROOT / "tests/bench/targets.toml"


def _entry(
    node: str, data: list[float], extra: dict[str, Any] | None = None
) -> dict[str, Any]:
    ordered = sorted(data)
    return {
        "fullname": f"tests/bench/{node}",
        "stats": {
            "median": ordered[len(ordered) // 2],
            "data": data,
            "rounds": len(data),
        },
        "extra_info": extra or {},
    }


def test_rows_take_median_and_p95_in_the_row_unit_and_judge_the_target() -> None:
    timed = Target("a.py::t", "op", "n", "ms", target=5.0, target_on="median")
    tail = Target("b.py::t", "op", "n", "ms", target=5.0, target_on="p95")
    extra = Target(
        "c.py::t",
        "op",
        "n",
        "ms",
        median="extra:m",
        p95="extra:p",
        target=50.0,
        target_on="p95",
    )
    rate = Target(
        "d.py::t", "op", "n", "events/s", median="extra:r", target=150000.0, higher=True
    )
    missing = Target("e.py::t", "op", "n", "ms", target=1.0)
    data = [0.001 * i for i in range(1, 21)]  # 1..20 ms
    results = {
        "benchmarks": [
            _entry("a.py::t", data),
            _entry("b.py::t", data),
            _entry("c.py::t", [1.0], {"m": 12.0, "p": 61.0}),
            _entry("d.py::t", [1.0], {"r": 160000}),
        ]
    }
    rows = build_rows([timed, tail, extra, rate, missing], results, quick=False)
    a, b, c, d, e = rows
    assert a.median == pytest.approx(11.0)  # 11 ms: the middle of 20 sorted values
    assert a.p95 == pytest.approx(19.0)  # the 19th of 20
    assert verdict(a) == "NOT met"
    assert verdict(b) == "NOT met"
    assert b.p95 == pytest.approx(19.0)
    assert (c.median, c.p95, verdict(c)) == (12.0, 61.0, "NOT met")
    assert d.median == 160000
    assert d.p95 is None
    assert verdict(d) == "met"
    assert verdict(e) == "not run"
    loose = Target("a.py::t", "op", "n", "ms", target=20.0, target_on="p95")
    assert verdict(build_rows([loose], results, quick=False)[0]) == "met"


def test_quick_leaves_out_rows_not_marked_quick() -> None:
    quick = Target("a.py::t", "op", "n", "ms", quick=True)
    slow = Target("b.py::t", "op", "n", "ms")
    rows = build_rows([quick, slow], {"benchmarks": []}, quick=True)
    assert [r.target for r in rows] == [quick]


def test_a_bad_row_in_targets_is_named(tmp_path: Path) -> None:
    path = tmp_path / "targets.toml"
    path.write_text(
        '[[row]]\nbench = "x.py::t"\nwhat = "w"\nsize = "s"\nunit = "ms"\n'
        '[[row]]\nbench = "y.py::t"\nwhat = "w"\nsize = "s"\nunit = "ms"\nspeed = 1\n'
    )
    with pytest.raises(BenchError, match="row 2"):
        load_targets(path)
    path.write_text("[[row]\n")
    with pytest.raises(BenchError, match=r"targets\.toml"):
        load_targets(path)


def test_every_target_names_an_existing_benchmark() -> None:
    """A renamed benchmark must not silently drop out of the table."""
    for target in load_targets(TARGETS):
        file, _sep, test = target.bench.partition("::")
        name = re.sub(r"\[.*\]$", "", test)
        source = (ROOT / "tests/bench" / file).read_text(encoding="utf-8")
        assert f"def {name}(" in source, target.bench


def test_outside_a_checkout_it_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(
        benchmarks, "__file__", str(tmp_path / "console" / "benchmarks.py")
    )
    with pytest.raises(BenchError, match="source checkout"):
        benchmarks.repository_root()


def test_siaga_bench_quick_measures_every_quick_row() -> None:
    """The command CI runs: every quick row measured, the table complete."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    done = subprocess.run(
        [sys.executable, "-m", "console", "bench", "--quick", "--json"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    quick = [t.bench for t in load_targets(TARGETS) if t.quick]
    assert [row["bench"] for row in report["rows"]] == quick
    for row in report["rows"]:
        assert row["median"] is not None, row
        assert row["median"] > 0, row
        assert row["met"] in (True, False, None)
    assert report["machine"]["cores"] == os.cpu_count()
