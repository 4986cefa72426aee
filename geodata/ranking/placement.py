"""Where an answer is: offsets from a landmark, and points on named streets.

* "200 meter utara alun-alun": the landmark moved 200 m on bearing 0° with
  geopy's ``distance.destination`` (:func:`offset_point`);
* "jl. kenanga dekat masjid X": the known point of the street nearest the
  landmark (:func:`nearest_on_street`);
* only a street, or two: a representative point of it, its point inside the
  kelurahan named, or the crossing of the two (:func:`street_point`,
  :func:`crossing`).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from geopy.distance import distance as geopy_distance
from geopy.point import Point

from geodata.distance import distances_m
from geodata.packs import RegionPack

__all__ = ["BEARINGS", "crossing", "nearest_on_street", "offset_point", "street_point"]

#: Canonical compass relations (the lexicon maps lor/kidul/wetan/kulon here).
BEARINGS = {"utara": 0.0, "timur": 90.0, "selatan": 180.0, "barat": 270.0}

Points = npt.NDArray[np.float64]


def offset_point(
    lat: float, lon: float, bearing: float, metres: float
) -> tuple[float, float]:
    """The point ``metres`` from (lat, lon) on ``bearing`` degrees (geodesic)."""
    dest = geopy_distance(meters=metres).destination(Point(lat, lon), bearing=bearing)
    return float(dest.latitude), float(dest.longitude)


def nearest_on_street(
    pts: Points, lat: float, lon: float
) -> tuple[float, float, float]:
    """The street's known point nearest (lat, lon), and how far it is (m)."""
    d = distances_m(pts[:, 0], pts[:, 1], lat, lon)
    i = int(np.argmin(d))
    return float(pts[i, 0]), float(pts[i, 1]), float(d[i])


def street_point(
    pack: RegionPack,
    pts: Points,
    centre: tuple[float, float],
    kelurahan_code: str | None,
) -> tuple[float, float, bool]:
    """A street's point to answer with, and whether it lies in the kelurahan named.

    Without a kelurahan it is the street's medoid ``centre``; with one, the
    street's point inside (or within 100 m of) that kelurahan nearest its
    centroid, else the street's point nearest that centroid.
    """
    if kelurahan_code is None:
        return centre[0], centre[1], False
    kel = pack.kelurahan_by_code[kelurahan_code]
    d = distances_m(pts[:, 0], pts[:, 1], kel.centroid_lat, kel.centroid_lon)
    inside = [
        i
        for i, (a, b) in enumerate(pts)
        if pack.distance_to_kelurahan_m(kelurahan_code, float(a), float(b)) <= 100
    ]
    pick = min(inside, key=lambda i: d[i]) if inside else int(np.argmin(d))
    return float(pts[pick, 0]), float(pts[pick, 1]), bool(inside)


def spread_m(pts: Points, lat: float, lon: float) -> float:
    """How far the street's known points reach from (lat, lon)."""
    return float(distances_m(pts[:, 0], pts[:, 1], lat, lon).max())


def crossing(a: Points, b: Points) -> tuple[float, float, float]:
    """Midpoint of the closest pair of known points of two streets, and their gap."""
    best = (math.inf, 0, 0)
    for i, (lat, lon) in enumerate(a):
        d = distances_m(b[:, 0], b[:, 1], lat, lon)
        j = int(np.argmin(d))
        if d[j] < best[0]:
            best = (float(d[j]), i, j)
    gap, i, j = best
    return float((a[i, 0] + b[j, 0]) / 2), float((a[i, 1] + b[j, 1]) / 2), gap
