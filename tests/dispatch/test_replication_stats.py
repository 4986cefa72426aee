"""Confidence intervals of replication figures, against hand-computed cases."""

from __future__ import annotations

import math

import pytest

from dispatch.simulator.stats import mean_interval, paired_difference


def test_t_interval_of_a_known_sample():
    # mean 3, s = sqrt(2.5), t(0.975, 4) = 2.7764451 -> half 1.963243
    iv = mean_interval([1, 2, 3, 4, 5])
    assert iv.mean == 3.0
    assert iv.n == 5
    assert iv.half_width == pytest.approx(2.7764451 * math.sqrt(2.5) / math.sqrt(5))
    assert iv.low == pytest.approx(1.036757, abs=1e-6)


def test_paired_difference_removes_the_shared_noise():
    base = [10.0, 20.0, 30.0, 40.0]
    treated = [11.0, 21.5, 30.5, 41.0]  # differences 1, 1.5, 0.5, 1
    iv = paired_difference(treated, base)
    assert iv.mean == pytest.approx(1.0)
    # s of (1, 1.5, .5, 1) = sqrt(1/6); t(0.975, 3) = 3.1824463
    assert iv.half_width == pytest.approx(3.1824463 * math.sqrt(1 / 6) / 2)
    unpaired = mean_interval(treated).half_width + mean_interval(base).half_width
    assert iv.half_width < unpaired / 10


def test_one_value_has_no_interval_and_mismatched_pairs_fail():
    assert math.isnan(mean_interval([2.0]).low)
    with pytest.raises(ValueError, match="same length"):
        paired_difference([1.0, 2.0], [1.0])
