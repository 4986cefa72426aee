"""Replications and policy comparison in one call, on all cores.

``run_replications(ReplicationConfig(...))`` runs ``replications`` independent
replications; in each, every compared policy meets the **same** calls and
service-time draws (common random numbers), the first ``warmup_days`` are
dropped, and the figures below are measured. Replications run in worker
processes (one per core by default). The result is a JSON-ready document:
per policy the mean of each figure with its 95 % interval, and per policy
after the first the paired difference to the first (the baseline).

Two kinds of pack:

* a **benchmark pack** (``geodata/packs/utrecht``): the in-memory fast path
  (:mod:`dispatch.simulator.fast`), whose dispatch decisions are the engine's
  own functions;
* a **region pack** (``blitar``): the real services path
  (:func:`dispatch.simulator.simulate`), one in-memory database per policy
  and replication.

Seeds: replication *r* of seed set ``s`` uses seed ``SEED_SETS[s] + r``; the
sets are disjoint, so the engine is tuned on ``validate`` and reported on
``test`` (``train`` is free for exploration).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from dispatch.coverage import CoverageModel, CoverageRule
from dispatch.enums import Priority
from dispatch.recommend import RecommendConfig
from dispatch.simulator.stats import mean_interval, paired_difference

__all__ = [
    "FIGURES",
    "SEED_SETS",
    "CoverageTuning",
    "ReplicationConfig",
    "benchmark_config",
    "run_replications",
]

SEED_SETS = {"train": 100_000, "validate": 200_000, "test": 300_000}
"""First seed of each disjoint set of replications."""

FIGURES = (
    "late_fraction",
    "late_high_fraction",
    "mean_response_min",
    "p90_response_min",
    "p95_response_min",
    "busy_fraction",
)
"""Per-replication figures, in the order they are printed."""


@dataclass(frozen=True)
class CoverageTuning:
    """The engine's coverage rule on a benchmark pack (tuned on ``validate``).

    Chosen by ``scripts/tune_utrecht.py 6 14`` (6 validation replications of
    14 days, grid in the script): the lowest late fraction whose mean
    response stayed within 1.10 × closest-idle's (docs/simulator.md).
    """

    slack_high_s: float = 240.0
    """A high-priority call may get a unit up to this much slower than the fastest."""
    slack_low_s: float = 900.0
    """Likewise for a low-priority call (its target is twice as long)."""
    seconds_per_point: float = 120.0
    """ETA seconds one percentage point of coverage kept is worth."""
    busy_fraction: float = 0.3
    """MEXCLP's q; the instance's units are committed about 22 % of the time
    and away (incl. the drive home) about 30 %."""


@dataclass(frozen=True)
class ReplicationConfig:
    """What to replicate (see the module docstring)."""

    pack: str
    days: float
    replications: int
    policies: tuple[str, ...]
    warmup_days: float = 1.0
    seed_set: str = "test"
    workers: int | None = None
    rate_scale: float = 1.0
    """Region packs only: multiplies the profile's call rate."""
    tuning: CoverageTuning = field(default_factory=CoverageTuning)

    def __post_init__(self) -> None:
        if self.seed_set not in SEED_SETS:
            raise ValueError(f"seed set must be one of {', '.join(SEED_SETS)}")
        if self.replications < 2:
            raise ValueError("at least 2 replications are needed for an interval")
        if self.days <= 0 or self.warmup_days < 0:
            raise ValueError("days must be positive and the warm-up not negative")
        if len(set(self.policies)) != len(self.policies) or not self.policies:
            raise ValueError("name each policy once")


def benchmark_config(pack: Any, policy: str, tuning: CoverageTuning) -> RecommendConfig:
    """The recommender configuration a policy uses on a benchmark pack."""
    if policy not in ("engine", "engine-dmexclp"):
        return RecommendConfig()
    points, weights = pack.demand.zone_points()
    cover = (pack.targets.high_min - pack.calls.dispatch_delay_min) * 60.0
    model = CoverageModel(points, weights, cover, tuning.busy_fraction)
    rule = CoverageRule(
        model,
        {Priority.P1: tuning.slack_high_s, Priority.P3: tuning.slack_low_s},
        tuning.seconds_per_point,
    )
    return RecommendConfig(coverage=rule)


def _figures(
    response: np.ndarray, late: np.ndarray, high: np.ndarray, busy: float
) -> dict[str, float]:
    reached = response[np.isfinite(response)] / 60.0
    return {
        "late_fraction": float(late.mean()) if len(late) else float("nan"),
        "late_high_fraction": float(late[high].mean()) if high.any() else float("nan"),
        "mean_response_min": float(reached.mean()) if len(reached) else float("nan"),
        "p90_response_min": float(np.percentile(reached, 90))
        if len(reached)
        else float("nan"),
        "p95_response_min": float(np.percentile(reached, 95))
        if len(reached)
        else float("nan"),
        "busy_fraction": busy,
        "calls": float(len(late)),
    }


def _benchmark_rep(args: tuple[ReplicationConfig, int]) -> dict[str, dict[str, float]]:
    from dispatch.simulator.fast import generate_benchmark_calls, run_benchmark
    from geodata.packs.benchmark import load_benchmark_pack

    cfg, seed = args
    pack = load_benchmark_pack(cfg.pack)
    start = cfg.warmup_days * 86400.0
    end = start + cfg.days * 86400.0
    calls = generate_benchmark_calls(pack, seed, end / 3600.0)
    keep = calls.arrival >= start
    targets = np.where(calls.high, pack.targets.high_min, pack.targets.low_min) * 60
    out = {}
    for policy in cfg.policies:
        run = run_benchmark(
            pack,
            calls,
            policy,
            benchmark_config(pack, policy, cfg.tuning),
            (start, end),
        )
        response = run.response[keep]
        late = ~(response <= targets[keep])
        out[policy] = _figures(
            response, late, calls.high[keep], run.busy_s / (run.units * run.window_s)
        )
        out[policy]["preemptions"] = float(run.preemptions)
    return out


def _region_rep(args: tuple[ReplicationConfig, int]) -> dict[str, dict[str, float]]:
    from dispatch.simulator import SimulationConfig, simulate

    cfg, seed = args
    start = cfg.warmup_days * 86400.0
    hours = (cfg.warmup_days + cfg.days) * 24.0
    out = {}
    for policy in cfg.policies:
        result = simulate(
            SimulationConfig(
                seed=seed,
                hours=hours,
                rate_scale=cfg.rate_scale,
                policy=policy,
                region_pack=cfg.pack,
            )
        )
        incidents = [
            i for i in result.incidents if start <= i.received_s < hours * 3600
        ]
        response = np.array(
            [np.nan if i.response_s is None else i.response_s for i in incidents]
        )
        late = ~(response <= np.array([i.target_s for i in incidents]))
        high = np.array([i.priority is Priority.P1 for i in incidents], dtype=bool)
        amb = [u for u in result.units if u.unit_type == "AMBULANCE"]
        busy = sum(u.busy_s for u in amb) / max(1, len(amb)) / (hours * 3600)
        out[policy] = _figures(response, late, high, busy)
        out[policy]["preemptions"] = float(result.preemptions)
        result.engine.dispose()
    return out


def run_replications(cfg: ReplicationConfig) -> dict[str, Any]:
    """Run the replications and summarise them (see the module docstring)."""
    from geodata.packs.benchmark import is_benchmark_pack

    benchmark = is_benchmark_pack(cfg.pack)
    work = _benchmark_rep if benchmark else _region_rep
    seeds = [SEED_SETS[cfg.seed_set] + r for r in range(cfg.replications)]
    jobs = [(cfg, s) for s in seeds]
    workers = min(cfg.workers or os.cpu_count() or 1, len(jobs))
    if workers <= 1:
        reps = [work(j) for j in jobs]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            reps = list(pool.map(work, jobs))
    return summarise(cfg, reps, seeds, "fast path" if benchmark else "services")


def summarise(
    cfg: ReplicationConfig,
    reps: Sequence[dict[str, dict[str, float]]],
    seeds: Sequence[int],
    path: str,
) -> dict[str, Any]:
    """The JSON document: config, per-policy intervals, paired differences."""
    base = cfg.policies[0]
    names = (*FIGURES, "preemptions", "calls")
    policies = {
        p: {f: mean_interval([r[p][f] for r in reps]).as_dict() for f in names}
        for p in cfg.policies
    }
    paired = {}
    for p in cfg.policies[1:]:
        rows = {}
        for f in FIGURES:
            diff = paired_difference(
                [r[p][f] for r in reps], [r[base][f] for r in reps]
            )
            a, b = policies[p][f]["mean"], policies[base][f]["mean"]
            ratio = a / b if a is not None and b else None
            rows[f] = {
                **diff.as_dict(),
                "ratio_of_means": None if ratio is None else round(ratio, 4),
            }
        paired[f"{p} - {base}"] = rows
    return {
        "schema": 1,
        "config": {**asdict(cfg), "seeds": [seeds[0], seeds[-1]], "path": path},
        "policies": policies,
        "paired": paired,
    }
