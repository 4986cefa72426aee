"""Tune the engine's coverage rule on the Utrecht *validation* seeds.

Usage: python scripts/tune_utrecht.py [REPS] [DAYS]

Runs closest-idle and the engine with each tuning of a small grid on the
validation seed set (never the test set the docs report) and prints, per
tuning, the late-fraction and mean-response ratios to closest-idle. Pick the
tuning with the lowest late ratio whose mean ratio stays <= 1.10, and write
it into CoverageTuning's defaults (dispatch/simulator/replicate.py).
"""

from __future__ import annotations

import itertools
import sys

from dispatch.simulator.replicate import (
    CoverageTuning,
    ReplicationConfig,
    run_replications,
)


def main() -> None:
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    days = float(sys.argv[2]) if len(sys.argv) > 2 else 14.0
    grid = itertools.product(
        (60.0, 120.0, 240.0), (300.0, 900.0), (30.0, 120.0), (0.3,)
    )
    for high, low, per_point, busy in grid:
        tuning = CoverageTuning(high, low, per_point, busy)
        doc = run_replications(
            ReplicationConfig(
                pack="utrecht",
                days=days,
                replications=reps,
                policies=("closest-idle", "engine"),
                seed_set="validate",
                tuning=tuning,
            )
        )
        paired = doc["paired"]["engine - closest-idle"]
        print(  # noqa: T201 - a script's report
            f"slack_high {high:5.0f} slack_low {low:5.0f} s/pt {per_point:5.0f} "
            f"q {busy:.2f}: late ratio {paired['late_fraction']['ratio_of_means']:.3f} "
            f"high-late ratio {paired['late_high_fraction']['ratio_of_means']:.3f} "
            f"mean ratio {paired['mean_response_min']['ratio_of_means']:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
