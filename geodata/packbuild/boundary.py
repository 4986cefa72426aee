"""The boundary a pack is built for: GeoJSON polygons, one per area.

A boundary file is a GeoJSON FeatureCollection (or one Feature, or a bare
Polygon/MultiPolygon). Each feature is one kelurahan of the city; its
``name`` property names it, ``code`` and ``kecamatan`` are optional. A file
with a single unnamed polygon makes one area named after the pack.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["Area", "Boundary", "PackBuildError", "read_boundary", "slug"]


class PackBuildError(ValueError):
    """A pack cannot be built; the message names the input file and the problem."""


def slug(text: str) -> str:
    """Lower-case ASCII identifier (``Jl. Merdeka`` → ``jl-merdeka``)."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s or "x"


@dataclass(frozen=True)
class Area:
    """One area of the boundary (a kelurahan of the pack)."""

    code: str
    name: str
    kecamatan: str
    #: Rings of ``[lon, lat]`` positions as arrays, outer ring first.
    rings: tuple[npt.NDArray[np.float64], ...]

    def contains(self, lon: float, lat: float) -> bool:
        """Whether the point lies inside the outer ring and outside every hole."""
        inside = [_in_ring(r, lon, lat) for r in self.rings]
        return inside[0] and not any(inside[1:])

    @property
    def centroid(self) -> tuple[float, float]:
        """Mean position of the outer ring, ``(lat, lon)``."""
        outer = self.rings[0][:-1] if len(self.rings[0]) > 1 else self.rings[0]
        return float(outer[:, 1].mean()), float(outer[:, 0].mean())


def _in_ring(ring: npt.NDArray[np.float64], lon: float, lat: float) -> bool:
    x, y = ring[:, 0], ring[:, 1]
    x2, y2 = np.roll(x, -1), np.roll(y, -1)
    crosses = (y > lat) != (y2 > lat)
    with np.errstate(divide="ignore", invalid="ignore"):
        xi = x + (lat - y) * (x2 - x) / (y2 - y)
    return bool(np.count_nonzero(crosses & (lon < xi)) % 2)


@dataclass(frozen=True)
class Boundary:
    """All areas of the city and their joint bounding box."""

    areas: tuple[Area, ...]
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float

    def area_at(self, lon: float, lat: float) -> Area | None:
        """The area containing the point, or ``None`` outside the city."""
        if not (
            self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat
        ):
            return None
        for area in self.areas:
            if area.contains(lon, lat):
                return area
        return None


def _features(doc: Any, path: Path) -> list[dict[str, Any]]:
    kind = doc.get("type") if isinstance(doc, dict) else None
    if kind == "FeatureCollection" and isinstance(doc.get("features"), list):
        return list(doc["features"])
    if kind == "Feature":
        return [doc]
    if kind in ("Polygon", "MultiPolygon"):
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise PackBuildError(
        f"{path}: expected a GeoJSON FeatureCollection, Feature or (Multi)Polygon"
    )


def _outer_rings(geom: dict[str, Any], where: str) -> list[Any]:
    if geom.get("type") == "Polygon":
        return list(geom.get("coordinates") or [])
    if geom.get("type") == "MultiPolygon":
        polys = geom.get("coordinates") or []
        return list(max(polys, key=lambda p: len(p[0]))) if polys else []
    raise PackBuildError(f"{where}: geometry must be a Polygon or MultiPolygon")


def _area(feat: dict[str, Any], i: int, default_name: str, path: Path) -> Area:
    where = f"{path}: feature {i + 1}"
    props = feat.get("properties") or {}
    try:
        rings = tuple(
            np.asarray(r, dtype=np.float64)[:, :2]
            for r in _outer_rings(feat.get("geometry") or {}, where)
        )
    except (TypeError, ValueError, IndexError):
        raise PackBuildError(f"{where}: bad coordinates") from None
    if not rings or any(len(r) < 4 for r in rings):
        raise PackBuildError(f"{where}: a ring needs at least 4 positions")
    outer = rings[0]
    if not (np.all(np.abs(outer[:, 1]) <= 90) and np.all(np.abs(outer[:, 0]) <= 180)):
        raise PackBuildError(f"{where}: position out of range (order is [lon, lat])")
    name = str(props.get("name") or default_name)
    return Area(
        code=str(props.get("code") or f"{i + 1:02d}"),
        name=name,
        kecamatan=str(props.get("kecamatan") or default_name),
        rings=rings,
    )


def read_boundary(path: Path, default_name: str) -> Boundary:
    """Read and check the boundary file; areas without a name get ``default_name``."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PackBuildError(f"{path}: boundary file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise PackBuildError(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise PackBuildError(
            f"{path}, line {exc.lineno}: invalid JSON: {exc.msg}"
        ) from None
    feats = _features(doc, path)
    if not feats:
        raise PackBuildError(f"{path}: no boundary polygon")
    areas = tuple(_area(f, i, default_name, path) for i, f in enumerate(feats))
    codes = [a.code for a in areas]
    if len(set(codes)) != len(codes):
        raise PackBuildError(f"{path}: two features share a code")
    allpts = np.concatenate([a.rings[0] for a in areas])
    return Boundary(
        areas=areas,
        min_lon=float(allpts[:, 0].min()),
        min_lat=float(allpts[:, 1].min()),
        max_lon=float(allpts[:, 0].max()),
        max_lat=float(allpts[:, 1].max()),
    )
