"""Reading an OpenStreetMap extract with pyosmium: places, streets, roads.

One pass over the file (node locations kept in memory, as pyosmium's
``locations=True`` does) collects, inside the boundary:

* **places** — nodes and closed ways tagged ``amenity``, ``shop``,
  ``tourism``, ``leisure``, ``office``, ``healthcare``, ``historic``,
  ``railway=station`` or ``public_transport=station`` that have a ``name``
  (a closed way stands at the mean of its nodes);
* **highways** — every ``highway=*`` way of a road class that vehicles or
  people use, with its node positions and its ``name`` if it has one.

Relations (multipolygon buildings, route relations) are not read.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.packbuild.boundary import Boundary, PackBuildError

__all__ = ["OsmExtract", "OsmHighway", "OsmPlace", "read_osm"]

#: Tag keys whose values make a named object a landmark (key → category).
PLACE_KEYS = (
    "amenity",
    "shop",
    "tourism",
    "leisure",
    "office",
    "healthcare",
    "historic",
    "railway",
    "public_transport",
)
_RAIL_VALUES = {"station", "halt"}

#: OSM ``highway`` value → road class of the pack (speeds in travel.toml).
HIGHWAY_CLASS = {
    "motorway": "arterial",
    "trunk": "arterial",
    "primary": "arterial",
    "secondary": "collector",
    "tertiary": "collector",
    "motorway_link": "arterial",
    "trunk_link": "arterial",
    "primary_link": "arterial",
    "secondary_link": "collector",
    "tertiary_link": "collector",
    "unclassified": "local",
    "residential": "local",
    "living_street": "local",
    "service": "other",
    "track": "other",
    "road": "other",
    "path": "path",
    "footway": "path",
    "pedestrian": "path",
    "cycleway": "path",
    "steps": "path",
}


@dataclass(frozen=True)
class OsmPlace:
    """A named place: where, what (category = tag key, kind = tag value)."""

    osm_id: str
    name: str
    category: str
    kind: str
    lat: float
    lon: float
    tags: dict[str, str]


@dataclass(frozen=True)
class OsmHighway:
    """A highway way: class, name (may be empty), ``(lat, lon)`` positions."""

    osm_id: str
    name: str
    road_class: str
    points: tuple[tuple[float, float], ...]


@dataclass
class OsmExtract:
    """What one pass over the file found inside the boundary."""

    places: list[OsmPlace] = field(default_factory=list)
    highways: list[OsmHighway] = field(default_factory=list)


def _place_tag(tags: dict[str, str]) -> tuple[str, str] | None:
    for key in PLACE_KEYS:
        value = tags.get(key)
        if not value:
            continue
        if key in ("railway", "public_transport") and value not in _RAIL_VALUES:
            continue
        return key, value
    return None


def _way_points(way: Any) -> list[tuple[float, float]]:
    pts = []
    for n in way.nodes:
        if n.location.valid():
            pts.append((n.location.lat, n.location.lon))
    return pts


class _Collector:
    """Turns pyosmium objects into :class:`OsmPlace`/:class:`OsmHighway`."""

    def __init__(self, boundary: Boundary) -> None:
        self.boundary = boundary
        self.out = OsmExtract()

    def _inside(self, lat: float, lon: float) -> bool:
        return self.boundary.area_at(lon, lat) is not None

    def node(self, n: Any) -> None:
        tags = {t.k: t.v for t in n.tags}
        place = _place_tag(tags)
        if place is None or not tags.get("name") or not n.location.valid():
            return
        lat, lon = n.location.lat, n.location.lon
        if self._inside(lat, lon):
            self.out.places.append(
                OsmPlace(f"n{n.id}", tags["name"], *place, lat, lon, tags)
            )

    def way(self, w: Any) -> None:
        tags = {t.k: t.v for t in w.tags}
        road_class = HIGHWAY_CLASS.get(tags.get("highway", ""))
        pts = _way_points(w)
        if len(pts) < 2:
            return
        if road_class is not None:
            self._highway(w.id, tags, road_class, pts)
            return
        place = _place_tag(tags)
        if place is not None and tags.get("name") and pts[0] == pts[-1]:
            ring = pts[:-1]
            lat = sum(p[0] for p in ring) / len(ring)
            lon = sum(p[1] for p in ring) / len(ring)
            if self._inside(lat, lon):
                self.out.places.append(
                    OsmPlace(f"w{w.id}", tags["name"], *place, lat, lon, tags)
                )

    def _highway(
        self,
        way_id: int,
        tags: dict[str, str],
        road_class: str,
        pts: list[tuple[float, float]],
    ) -> None:
        if any(self._inside(lat, lon) for lat, lon in pts):
            self.out.highways.append(
                OsmHighway(f"w{way_id}", tags.get("name", ""), road_class, tuple(pts))
            )


def read_osm(path: Path, boundary: Boundary) -> OsmExtract:
    """Read the extract; a missing or unreadable file is a :class:`PackBuildError`."""
    try:
        import osmium
    except ImportError:  # pragma: no cover - depends on the installation
        raise PackBuildError(
            "the pack builder needs pyosmium: pip install 'siaga112[packbuild]'"
        ) from None
    if not path.is_file():
        raise PackBuildError(f"{path}: OSM file not found")
    collector = _Collector(boundary)
    handler = osmium.make_simple_handler(node=collector.node, way=collector.way)
    try:
        handler.apply_file(str(path), locations=True)
    except (RuntimeError, ValueError, OSError) as exc:
        raise PackBuildError(f"{path}: not a readable OSM file ({exc})") from None
    return collector.out
