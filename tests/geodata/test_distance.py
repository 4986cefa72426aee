"""Vectorised distances agree with geopy's geodesic within a city."""

from __future__ import annotations

import numpy as np

from geodata.distance import BBox, distance_m, distances_m, geodesic_m, local_xy


def test_haversine_vs_geodesic() -> None:
    rng = np.random.default_rng(7)
    lat = rng.uniform(-8.14, -8.05, 50)
    lon = rng.uniform(112.13, 112.21, 50)
    d = distances_m(lat, lon, -8.0985, 112.1652)
    for i in range(50):
        g = geodesic_m(float(lat[i]), float(lon[i]), -8.0985, 112.1652)
        assert abs(d[i] - g) <= max(0.5, 0.007 * g)
        assert (
            abs(distance_m(float(lat[i]), float(lon[i]), -8.0985, 112.1652) - d[i])
            < 1e-6
        )


def test_known_distance_and_order() -> None:
    # Stasiun Blitar -> Alun-alun, about 0.5 km; (lat, lon) order everywhere
    d = distance_m(-8.10134, 112.16280, -8.09816, 112.16518)
    assert 400 < d < 500
    xy = local_xy([-8.0985], [112.1752], -8.0985, 112.1652)
    assert xy[0, 0] > 1000
    assert abs(xy[0, 1]) < 1e-6


def test_bbox() -> None:
    box = BBox(-8.1357, 112.1321, -8.0558, 112.2005)
    assert box.contains(-8.0985, 112.1652)
    assert not box.contains(-8.2, 112.1652)
    assert box.contains(-8.1360, 112.1652, margin_m=100)
