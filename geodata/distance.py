"""Distances on the WGS84 ellipsoid: fast vectorised helpers and precise geodesics.

Ranking hundreds of units per keystroke cannot afford geopy's geodesic (about
0.1 ms a call), so :func:`distances_m` computes haversine distances for whole
numpy arrays at once; inside one city (< 20 km) the haversine error against the
ellipsoid is below 0.7 % (worst north-south near the equator), far below
what travel-time ranking needs. Use :func:`geodesic_m` where precision matters.
All functions take ``(lat, lon)`` in decimal degrees, in that order.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
from geopy.distance import geodesic

__all__ = [
    "EARTH_RADIUS_M",
    "BBox",
    "distance_m",
    "distances_m",
    "geodesic_m",
    "local_xy",
]

#: Mean Earth radius (IUGG), metres.
EARTH_RADIUS_M = 6_371_008.8

FloatArray = npt.NDArray[np.float64]


def distances_m(
    lat: npt.ArrayLike, lon: npt.ArrayLike, lat0: float, lon0: float
) -> FloatArray:
    """Haversine distances in metres from every ``(lat[i], lon[i])`` to one point."""
    la = np.radians(np.asarray(lat, dtype=np.float64))
    lo = np.radians(np.asarray(lon, dtype=np.float64))
    la0 = math.radians(lat0)
    dlat = la - la0
    dlon = lo - math.radians(lon0)
    a = np.sin(dlat * 0.5) ** 2 + np.cos(la) * math.cos(la0) * np.sin(dlon * 0.5) ** 2
    out: FloatArray = 2.0 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
    return out


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Haversine distance in metres between two points (scalar, no numpy)."""
    p1 = math.radians(lat1)
    p2 = math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def geodesic_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Ellipsoidal (WGS84) distance in metres via :func:`geopy.distance.geodesic`."""
    return float(geodesic((lat1, lon1), (lat2, lon2)).meters)


def local_xy(
    lat: npt.ArrayLike, lon: npt.ArrayLike, lat0: float, lon0: float
) -> FloatArray:
    """Project points to a local equirectangular plane in metres around a centre.

    Returns an ``(n, 2)`` array of ``(x east, y north)``; good to well under
    0.1 % across a city, and what the k-d trees in this package index.
    """
    la = np.asarray(lat, dtype=np.float64)
    lo = np.asarray(lon, dtype=np.float64)
    k = math.pi / 180.0 * EARTH_RADIUS_M
    x = (lo - lon0) * k * math.cos(math.radians(lat0))
    y = (la - lat0) * k
    return np.column_stack([x, y])


class BBox:
    """A latitude/longitude box, the cheap prefilter before exact geometry."""

    __slots__ = ("max_lat", "max_lon", "min_lat", "min_lon")

    def __init__(
        self, min_lat: float, min_lon: float, max_lat: float, max_lon: float
    ) -> None:
        self.min_lat = min_lat
        self.min_lon = min_lon
        self.max_lat = max_lat
        self.max_lon = max_lon

    def contains(self, lat: float, lon: float, margin_m: float = 0.0) -> bool:
        """Whether the point lies inside the box grown by ``margin_m`` metres."""
        dlat = margin_m / 111_195.0
        dlon = dlat / max(0.01, math.cos(math.radians(lat)))
        return (
            self.min_lat - dlat <= lat <= self.max_lat + dlat
            and self.min_lon - dlon <= lon <= self.max_lon + dlon
        )

    def __repr__(self) -> str:
        return f"BBox({self.min_lat}, {self.min_lon}, {self.max_lat}, {self.max_lon})"


class BoxGrid:
    """Which of many boxes may hold a point: a uniform grid over their extent.

    Each cell lists the boxes that overlap it, so a point lookup checks a
    handful of boxes instead of all of them (a province has hundreds of
    kelurahan, and the simulator places hundreds of thousands of points).
    """

    def __init__(self, boxes: list[BBox], cells: int = 64) -> None:
        """Index ``boxes`` (their positions in the list are what lookups return)."""
        self.cells = cells
        self.min_lat = min((b.min_lat for b in boxes), default=0.0)
        self.min_lon = min((b.min_lon for b in boxes), default=0.0)
        span_lat = max((b.max_lat for b in boxes), default=1.0) - self.min_lat
        span_lon = max((b.max_lon for b in boxes), default=1.0) - self.min_lon
        self.step_lat = max(span_lat, 1e-9) / cells
        self.step_lon = max(span_lon, 1e-9) / cells
        self.grid: dict[tuple[int, int], list[int]] = {}
        for i, b in enumerate(boxes):
            r0, c0 = self._cell(b.min_lat, b.min_lon)
            r1, c1 = self._cell(b.max_lat, b.max_lon)
            for r in range(r0, r1 + 1):
                for c in range(c0, c1 + 1):
                    self.grid.setdefault((r, c), []).append(i)

    def _cell(self, lat: float, lon: float) -> tuple[int, int]:
        row = int((lat - self.min_lat) / self.step_lat)
        col = int((lon - self.min_lon) / self.step_lon)
        return min(max(row, 0), self.cells - 1), min(max(col, 0), self.cells - 1)

    def candidates(self, lat: float, lon: float) -> list[int]:
        """Boxes that may contain the point, in index order (none off the grid)."""
        row = (lat - self.min_lat) / self.step_lat
        col = (lon - self.min_lon) / self.step_lon
        if not (0 <= row <= self.cells and 0 <= col <= self.cells):
            return []
        return self.grid.get(self._cell(lat, lon), [])
