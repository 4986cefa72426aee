"""Replication statistics: means with 95 % intervals, and paired differences.

Each replication gives one value of a figure per policy (its late fraction,
mean response …). Across ``n`` independent replications the figure's mean
has the Student-t interval ``mean ± t(0.975, n−1) · s / √n``. Because every
policy of a replication met the same calls and service times (common random
numbers), the difference between two policies is best judged **paired**:
the interval of the mean of the per-replication differences, which is much
narrower than comparing two separate intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Interval", "mean_interval", "paired_difference"]


@dataclass(frozen=True, slots=True)
class Interval:
    """A mean and its two-sided 95 % confidence interval."""

    mean: float
    low: float
    high: float
    n: int

    @property
    def half_width(self) -> float:
        """Half the interval's width."""
        return (self.high - self.low) / 2

    def as_dict(self, digits: int = 4) -> dict[str, float | int | None]:
        """JSON form: mean, ci_low, ci_high, n (None where undefined: strict JSON)."""
        return {
            "mean": _finite(self.mean, digits),
            "ci_low": _finite(self.low, digits),
            "ci_high": _finite(self.high, digits),
            "n": self.n,
        }


def _finite(value: float, digits: int) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def mean_interval(values: Sequence[float], level: float = 0.95) -> Interval:
    """Mean of ``values`` with its Student-t confidence interval."""
    from scipy.stats import t as student_t

    data = np.asarray(values, dtype=np.float64)
    data = data[np.isfinite(data)]
    n = len(data)
    if n == 0:
        return Interval(math.nan, math.nan, math.nan, 0)
    mean = float(data.mean())
    if n == 1:
        return Interval(mean, math.nan, math.nan, 1)
    half = (
        float(student_t.ppf(0.5 + level / 2, n - 1))
        * float(data.std(ddof=1))
        / math.sqrt(n)
    )
    return Interval(mean, mean - half, mean + half, n)


def paired_difference(
    treated: Sequence[float], baseline: Sequence[float], level: float = 0.95
) -> Interval:
    """Mean of ``treated[i] − baseline[i]`` with its confidence interval."""
    a = np.asarray(treated, dtype=np.float64)
    b = np.asarray(baseline, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError("paired samples must have the same length")
    return mean_interval((a - b).tolist(), level)
