"""The Utrecht benchmark pack: counts, call model, demand raster, travel."""

from __future__ import annotations

from collections import Counter

import numpy as np

from geodata.packs.benchmark import is_benchmark_pack, load_benchmark_pack


def test_utrecht_loads_with_the_published_counts():
    pack = load_benchmark_pack("utrecht")
    assert len(pack.ambulances) == 19
    assert len(pack.stations) == 18
    assert len(pack.hospitals) == 9
    per_station = Counter(s for _, s in pack.ambulances)
    assert per_station["1"] == 2
    assert per_station["10"] == 2
    assert "7" not in per_station
    calls = pack.calls
    assert calls.rate_per_hour == 6.3
    assert calls.high_priority_share == 0.67
    assert calls.dispatch_delay_min == 3.0
    assert calls.on_scene_mean_min == 12.0
    assert calls.transport_probability == 0.8
    assert (calls.handover_weibull_shape, calls.handover_weibull_scale_min) == (
        1.5,
        18.0,
    )
    assert (pack.targets.high_min, pack.targets.low_min) == (15.0, 30.0)
    assert (pack.folder / "LICENSE-JEMSS.txt").is_file()
    assert (pack.folder / "ATTRIBUTION.md").is_file()


def test_calls_fall_inside_the_raster_and_follow_its_weights():
    pack = load_benchmark_pack("utrecht")
    pts = pack.demand.sample(np.random.default_rng(3), 20_000)
    assert pts[:, 0].min() > 51.92
    assert pts[:, 0].max() < 52.31
    assert pts[:, 1].min() > 4.79
    assert pts[:, 1].max() < 5.63
    points, share = pack.demand.zone_points()
    assert len(points) == 217
    assert abs(share.sum() - 1) < 1e-9
    # The city of Utrecht (PC4 35xx) is the densest part: its share of the
    # sampled calls matches the raster's share of it.
    utrecht_city = np.array([z.startswith("35") for z in sorted(set(pack.demand.zone))])
    lat_box = (
        (pts[:, 0] > 52.05)
        & (pts[:, 0] < 52.13)
        & (pts[:, 1] > 5.03)
        & (pts[:, 1] < 5.17)
    )
    assert share[utrecht_city].sum() > 0.2
    assert lat_box.mean() > 0.2


def test_region_packs_are_not_benchmark_packs():
    assert is_benchmark_pack("utrecht")
    assert not is_benchmark_pack("blitar")
