"""The grid that finds a point's kelurahan checks what a full scan would."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.distance import BBox, BoxGrid
from geodata.packs import RegionPack


def _scan(pack: RegionPack, lat: float, lon: float) -> str | None:
    """Every polygon in order: what ``kelurahan_at`` answered before the grid."""
    for k in pack.kelurahan:
        rings = k.polygon
        if (
            rings
            and _inside(rings[0], lat, lon)
            and not any(_inside(h, lat, lon) for h in rings[1:])
        ):
            return k.code
    return None


def _inside(ring: object, lat: float, lon: float) -> bool:
    pts = list(ring)  # type: ignore[call-overload]
    inside = False
    j = len(pts) - 1
    for i in range(len(pts)):
        (ai, oi), (aj, oj) = pts[i], pts[j]
        if (oi > lon) != (oj > lon) and lat < (aj - ai) * (lon - oi) / (oj - oi) + ai:
            inside = not inside
        j = i
    return inside


@settings(max_examples=400, deadline=None)
@given(u=st.floats(-0.1, 1.1), v=st.floats(-0.1, 1.1))
def test_a_point_gets_the_kelurahan_a_full_scan_finds(
    pack: RegionPack, u: float, v: float
) -> None:
    box = pack.bbox
    lat = box.min_lat + u * (box.max_lat - box.min_lat)
    lon = box.min_lon + v * (box.max_lon - box.min_lon)
    found = pack.kelurahan_at(lat, lon)
    assert (found.code if found else None) == _scan(pack, lat, lon)


def test_the_grid_lists_every_box_that_holds_a_point() -> None:
    boxes = [BBox(0, 0, 1, 1), BBox(0.5, 0.5, 2, 2), BBox(1.9, 0, 2, 0.1)]
    grid = BoxGrid(boxes, cells=8)
    assert grid.candidates(0.75, 0.75) == [0, 1]
    assert grid.candidates(1.95, 0.05) == [2]
    assert grid.candidates(2.0, 2.0) == [1]  # the far edge is on the grid
    assert grid.candidates(-0.5, 0.5) == []  # off the grid: no box
    assert BoxGrid([]).candidates(0.0, 0.0) == []
