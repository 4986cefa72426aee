"""`siaga bench`: run the benchmark suite and report one table against the targets.

The benchmarks themselves live in ``tests/bench`` (pytest-benchmark); what
each row means and its target live in ``tests/bench/targets.toml``. This
module runs pytest on them with timing enabled, reads pytest-benchmark's JSON
and turns it into rows: operation, size, median, p95, target, met or not. The
README's benchmark table is printed by ``siaga bench --markdown``, so the
figures there come from this one command rather than from memory.

It needs a source checkout (the benchmarks are not installed with the
package); run elsewhere, it says so.
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Options that make ``--quick`` fit in about a minute: few, short rounds.
QUICK_OPTIONS = (
    "--benchmark-max-time=0.2",
    "--benchmark-min-rounds=3",
    "--benchmark-warmup=off",
)


class BenchError(Exception):
    """The benchmarks could not be run or read (the message says why)."""


@dataclass(frozen=True)
class Target:
    """One row of ``targets.toml``."""

    bench: str
    what: str
    size: str
    unit: str
    median: str = "stats"
    p95: str = "stats"
    target: float | None = None
    target_on: str = "median"
    higher: bool = False
    quick: bool = False

    @property
    def node_id(self) -> str:
        """The pytest node id, relative to the repository."""
        return f"tests/bench/{self.bench}"


@dataclass(frozen=True)
class Row:
    """A measured row of the table."""

    target: Target
    median: float | None
    p95: float | None
    rounds: int = 0

    @property
    def met(self) -> bool | None:
        """Whether the target is met; None without a target or a figure."""
        goal = self.target.target
        value = self.p95 if self.target.target_on == "p95" else self.median
        if goal is None or value is None:
            return None
        return value >= goal if self.target.higher else value <= goal


@dataclass
class Report:
    """The rows and the machine they were measured on."""

    rows: list[Row]
    machine: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """Plain data for ``--json``."""
        return {
            "machine": self.machine,
            "rows": [
                {
                    "bench": r.target.bench,
                    "what": r.target.what,
                    "size": r.target.size,
                    "unit": r.target.unit,
                    "median": r.median,
                    "p95": r.p95,
                    "rounds": r.rounds,
                    "target": r.target.target,
                    "target_on": r.target.target_on,
                    "higher_is_better": r.target.higher,
                    "met": r.met,
                }
                for r in self.rows
            ],
        }


def repository_root(start: Path | None = None) -> Path:
    """The source checkout holding ``tests/bench``, or a clear error."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (start, Path.cwd(), here):
        if candidate is not None and (candidate / "tests/bench/targets.toml").is_file():
            return candidate
    raise BenchError(
        "siaga bench runs from a source checkout: tests/bench/targets.toml "
        "was not found here or beside the installed package"
    )


def load_targets(path: Path) -> list[Target]:
    """Read ``targets.toml``; a bad row is an error naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise BenchError(f"{path.name}: {exc}") from exc
    targets = []
    for number, raw in enumerate(data.get("row", []), start=1):
        try:
            targets.append(Target(**raw))
        except TypeError as exc:
            raise BenchError(f"{path.name}, row {number}: {exc}") from exc
        if targets[-1].target_on not in ("median", "p95"):
            raise BenchError(f"{path.name}, row {number}: target_on is median or p95")
    if not targets:
        raise BenchError(f"{path.name}: no [[row]] entries")
    return targets


def pytest_command(targets: list[Target], json_path: Path, *, quick: bool) -> list[str]:
    """The pytest command measuring ``targets`` (all of tests/bench if full)."""
    chosen = [t.node_id for t in targets if t.quick] if quick else ["tests/bench"]
    command = [
        sys.executable,
        "-m",
        "pytest",
        *chosen,
        "-q",
        "-p",
        "no:cacheprovider",
        "-p",
        "no:randomly",
        "--benchmark-enable",
        f"--benchmark-json={json_path}",
    ]
    if quick:
        command.extend(QUICK_OPTIONS)
    return command


def run_benchmarks(
    root: Path, targets: list[Target], json_path: Path, *, quick: bool
) -> None:
    """Run pytest; a failing benchmark is an error with pytest's last lines."""
    command = pytest_command(targets, json_path, quick=quick)
    done = subprocess.run(
        command, cwd=root, capture_output=True, text=True, check=False
    )
    if done.returncode != 0 or not json_path.is_file():
        tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
        raise BenchError(
            f"the benchmarks failed (pytest exit {done.returncode}):\n{tail}"
        )


def _percentile(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(share * len(ordered)) - 1)]


_SCALE = {"ms": 1000.0, "s": 1.0}


def _figure(
    source: str, entry: dict[str, Any], target: Target, p95: bool
) -> float | None:
    """One figure of a benchmark entry, in the row's unit."""
    if source.startswith("extra:"):
        value = entry.get("extra_info", {}).get(source.removeprefix("extra:"))
        return float(value) if isinstance(value, int | float) else None
    stats = entry.get("stats", {})
    scale = _SCALE.get(target.unit)
    if scale is None:  # a rate needs its figure from extra_info
        return None
    if p95:
        data = [float(x) for x in stats.get("data", [])]
        seconds = _percentile(data, 0.95)
    else:
        seconds = stats.get("median")
    return None if seconds is None else float(seconds) * scale


def build_rows(
    targets: list[Target], results: dict[str, Any], *, quick: bool
) -> list[Row]:
    """Match pytest-benchmark's JSON to the targets (rows not run are left out)."""
    by_node = {b["fullname"]: b for b in results.get("benchmarks", [])}
    rows = []
    for target in targets:
        if quick and not target.quick:
            continue
        entry = by_node.get(target.node_id)
        if entry is None:
            rows.append(Row(target, None, None))
            continue
        rows.append(
            Row(
                target,
                median=_figure(target.median, entry, target, p95=False),
                p95=_figure(target.p95, entry, target, p95=True),
                rounds=int(entry.get("stats", {}).get("rounds", 0)),
            )
        )
    return rows


def describe_machine(results: dict[str, Any]) -> dict[str, Any]:
    """What the figures were measured on: CPU, cores, memory, load, Python."""
    info = results.get("machine_info", {})
    cpu = info.get("cpu", {}) if isinstance(info.get("cpu"), dict) else {}
    memory_gib = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory_gib = round(pages / 2**30, 1)
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpu": cpu.get("brand_raw") or platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "memory_gib": memory_gib,
        "load_average_1min": round(os.getloadavg()[0], 2),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "when": results.get("datetime"),
    }


def measure(*, quick: bool, workdir: Path, root: Path | None = None) -> Report:
    """Run the benchmarks and return the report."""
    root = repository_root(root)
    targets = load_targets(root / "tests/bench/targets.toml")
    json_path = workdir / "benchmarks.json"
    run_benchmarks(root, targets, json_path, quick=quick)
    results = json.loads(json_path.read_text(encoding="utf-8"))
    return Report(build_rows(targets, results, quick=quick), describe_machine(results))


def fmt(value: float | None, unit: str) -> str:
    """A figure in its unit, with sensible precision."""
    if value is None:
        return "—"
    if unit == "events/s":
        return f"{value:,.0f}"
    if unit == "s":
        return f"{value:.2f} s"
    return f"{value:.3g} ms" if value < 10 else f"{value:.1f} ms"


def verdict(row: Row) -> str:
    """Whether met: "met", "NOT met", "—" (no target) or "not run"."""
    if row.median is None and row.p95 is None:
        return "not run"
    if row.met is None:
        return "—"
    return "met" if row.met else "NOT met"


def target_text(target: Target) -> str:
    """The target as a person would say it."""
    if target.target is None:
        return "—"
    sign = "≥" if target.higher else "<"
    return f"{target.target_on} {sign} {fmt(target.target, target.unit)}"


def markdown(report: Report) -> str:
    """The README's benchmark table."""
    lines = [
        "| operation | size | median | p95 | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for row in report.rows:
        unit = row.target.unit
        lines.append(
            f"| {row.target.what} | {row.target.size} | {fmt(row.median, unit)} "
            f"| {fmt(row.p95, unit)} | {target_text(row.target)} | {verdict(row)} |"
        )
    m = report.machine
    lines.append("")
    lines.append(
        f"Measured by `siaga bench` on {m.get('cpu')}, {m.get('cores')} cores, "
        f"{m.get('memory_gib')} GiB, load average {m.get('load_average_1min')} "
        f"at the end, Python {m.get('python')}."
    )
    return "\n".join(lines)
