"""The roads layer: GeoJSON lines → an undirected :class:`RoadGraph`.

Positions shared by two lines (to the micro-degree) become one node, so lines
that meet at a junction connect. Edge lengths are haversine metres, computed
for all edges at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from geodata.distance import EARTH_RADIUS_M
from geodata.packs.layers.parts import PackParts
from geodata.packs.models import RoadGraph
from geodata.packs.reading import PackError, read_geojson

__all__ = ["edge_lengths_m", "load_roads"]


class _GraphBuilder:
    """Nodes keyed by rounded position, edges with their class index."""

    def __init__(self) -> None:
        self.index: dict[tuple[int, int], int] = {}
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.us: list[int] = []
        self.vs: list[int] = []
        self.cls: list[int] = []

    def node(self, c: Any) -> int:
        key = (round(c[0] * 1e6), round(c[1] * 1e6))
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.lat)
            self.lat.append(float(c[1]))
            self.lon.append(float(c[0]))
        return i

    def line(self, coords: Any, cls: int) -> None:
        prev = self.node(coords[0])
        for c in coords[1:]:
            n = self.node(c)
            if n != prev:
                self.us.append(prev)
                self.vs.append(n)
                self.cls.append(cls)
            prev = n


def _line_parts(geom: dict[str, Any]) -> list[Any] | None:
    """The lines of a (Multi)LineString; ``None`` for any other geometry."""
    if geom.get("type") == "LineString":
        return [geom.get("coordinates") or []]
    if geom.get("type") == "MultiLineString":
        return list(geom.get("coordinates") or [])
    return None


def edge_lengths_m(
    lat: npt.NDArray[np.float64],
    lon: npt.NDArray[np.float64],
    u: npt.NDArray[np.int32],
    v: npt.NDArray[np.int32],
) -> npt.NDArray[np.float64]:
    """Haversine length of every edge ``u[i]–v[i]`` (vectorised)."""
    la1, lo1, la2, lo2 = (np.radians(a) for a in (lat[u], lon[u], lat[v], lon[v]))
    h = (
        np.sin((la2 - la1) / 2) ** 2
        + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    )
    out: npt.NDArray[np.float64] = (
        2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    )
    return out


def load_roads(path: Path, parts: PackParts) -> None:
    """``roads.geojson``: every feature's ``class`` must have a speed in travel."""
    assert parts.travel is not None  # the travel layer is always loaded first
    classes = tuple(parts.travel.road_speed_kmh)
    class_index = {c: i for i, c in enumerate(classes)}
    feats, lines = read_geojson(path)
    graph = _GraphBuilder()
    for i, feat in enumerate(feats):
        cname = (feat.get("properties") or {}).get("class")
        if cname not in class_index:
            raise PackError(
                f"{path}, line {lines[i]}: road class {cname!r} has no speed in "
                f"travel.toml (known: {', '.join(classes)})"
            )
        # line numbers are counted only for an error (lines[i] scans the text)
        parts_ = _line_parts(feat.get("geometry") or {})
        if parts_ is None:
            raise PackError(f"{path}, line {lines[i]}: expected (Multi)LineString")
        try:
            for part in parts_:
                graph.line(part, class_index[cname])
        except (TypeError, IndexError, ValueError):
            raise PackError(f"{path}, line {lines[i]}: bad line coordinates") from None
    if not graph.us:
        raise PackError(f"{path}: road layer without edges")
    node_lat = np.asarray(graph.lat, dtype=np.float64)
    node_lon = np.asarray(graph.lon, dtype=np.float64)
    u = np.asarray(graph.us, dtype=np.int32)
    v = np.asarray(graph.vs, dtype=np.int32)
    parts.road_graph = RoadGraph(
        node_lat=node_lat,
        node_lon=node_lon,
        edge_u=u,
        edge_v=v,
        edge_length_m=edge_lengths_m(node_lat, node_lon, u, v),
        edge_class=np.asarray(graph.cls, dtype=np.int16),
        class_names=classes,
    )
