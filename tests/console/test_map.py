"""Pilot tests of the map screen and the RegionMap widget (keys only)."""

from __future__ import annotations

from pathlib import Path

from console.screens.map import MapScreen
from console.widgets.map_draw import ZOOM_LEVELS, rasterise
from console.widgets.map_labels import LabelPlacer
from console.widgets.region_map import RegionMap
from dispatch.services import DispatchService
from tests.console.ops_seed import (
    ALUN_ALUN,
    SANANWETAN,
    OpsHost,
    make_services,
    new_incident,
    settle,
)


def _labels(region_map: RegionMap, kind: str) -> dict[str, str]:
    return {
        label.key: label.text for label in region_map.labels() if label.kind == kind
    }


async def test_zoom_and_pan_move_the_viewport(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    app = OpsHost(services, MapScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        region_map = app.screen.query_one(RegionMap)
        home_zoom = region_map.zoom
        south, west, north, east = region_map.viewport
        box = services.pack.bbox
        assert south <= box.min_lat + 0.01  # the whole region fits at first
        assert north >= box.max_lat - 0.01
        await pilot.press("plus")
        await settle(app, pilot)
        assert region_map.zoom == home_zoom + 1
        s2, w2, n2, e2 = region_map.viewport
        assert (e2 - w2) < (east - west) * 0.6
        assert (n2 - s2) < (north - south) * 0.6
        await pilot.press("right", "l")
        await settle(app, pilot)
        s3, w3, n3, e3 = region_map.viewport
        assert w3 > w2
        assert e3 > e2
        assert s3 == s2
        await pilot.press("k")
        await settle(app, pilot)
        assert region_map.viewport[2] > n3
        await pilot.press("minus", "minus")
        await settle(app, pilot)
        assert region_map.zoom == max(0, home_zoom - 1)  # stops at the widest
        await pilot.press("0")
        await settle(app, pilot)
        assert region_map.zoom == home_zoom
        status = str(app.screen.query_one("#map-status").render())
        assert f"Zoom {home_zoom}" in status


async def test_units_and_incidents_appear_with_text_labels(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    medical = new_incident(services, units=("AMB-01",))
    fire = new_incident(services, kind="fire", at=SANANWETAN, number="081300001111")
    app = OpsHost(services, MapScreen(), language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        region_map = app.screen.query_one(RegionMap)
        incidents = _labels(region_map, "incident")
        assert incidents[medical.number].startswith(str(medical.priority))
        assert incidents[fire.number].startswith(str(fire.priority))
        units = _labels(region_map, "unit")
        assert units["AMB-01"] == "!AMB-01"  # dispatched: text, not colour alone
        named = [text for text in units.values() if len(text) > 1]
        assert len(named) >= 10  # room for callsigns at this size
        assert _labels(region_map, "station")
        # n centres on the most urgent open incident.
        await pilot.press("n")
        await settle(app, pilot)
        south, west, north, east = region_map.viewport
        lat, lon = ALUN_ALUN if medical.priority <= fire.priority else SANANWETAN
        assert south < lat < north
        assert west < lon < east


async def test_map_follows_the_journal(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    dispatcher = DispatchService(
        services.engine, settings=services.settings, clock=services.clock
    ).as_actor("dispatcher-2", "desk-2")
    app = OpsHost(services, MapScreen())
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        region_map = app.screen.query_one(RegionMap)
        assert not _labels(region_map, "incident")
        incident = new_incident(dispatcher, units=("AMB-02",))
        app.follower.poll()  # what the one-second interval does
        await settle(app, pilot)
        assert incident.number in _labels(region_map, "incident")
        assert _labels(region_map, "unit")["AMB-02"] == "!AMB-02"


async def test_focus_centres_on_a_place(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    app = OpsHost(services, MapScreen())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        region_map = app.screen.query_one(RegionMap)
        region_map.focus(-8.1200, 112.1500, zoom=5)
        await settle(app, pilot)
        south, west, north, east = region_map.viewport
        assert region_map.zoom == 5
        assert south < -8.1200 < north
        assert west < 112.1500 < east
        assert region_map.has_focus


def test_rasterise_draws_a_closed_outline() -> None:
    square = [(0.0, 0.0), (40.0, 0.0), (40.0, 40.0), (0.0, 40.0)]
    cells = rasterise([square], mpd=ZOOM_LEVELS[-1])
    # 20 × 20 dots: 11 cells wide (2 dots each), 6 rows (4 dots each).
    assert sorted(cells) == [0, 1, 2, 3, 4, 5]
    assert max(max(row) for row in cells.values()) == 10
    assert cells[2] == {0: cells[2][0], 10: cells[2][10]}  # only the sides inside


def test_crowded_labels_never_share_a_cell() -> None:
    """Ten incidents and ten units on one spot, over a kelurahan name."""
    placer = LabelPlacer(40, 12)
    for n in range(10):
        placer.place("incident", f"I{n}", (f"P1 FIRE-HOUSE{n}", "P1"), 10, 6)
    for n in range(10):
        placer.place("unit", f"U{n}", (f"→AMB-0{n}", "→"), 10, 6)
    placer.place("kelurahan", "K", ("Sukorejo",), 8, 6, required=False)
    placer.place("station", "S", ("⌂",), 10, 6, required=False)
    seen: dict[tuple[int, int], str] = {}
    for label in placer.placed:
        for cell in label.cells():
            assert cell not in seen, (label, seen[cell])
            seen[cell] = label.key
    keys = {label.key for label in placer.placed}
    assert {f"I{n}" for n in range(10)} <= keys  # every incident is on the map
    assert {f"U{n}" for n in range(10)} <= keys
    assert placer.crowded == 0
    assert all(0 <= label.row < 12 for label in placer.placed)


async def test_map_labels_do_not_overlap_on_screen(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    for _ in range(6):
        new_incident(services)
    host = OpsHost(services, MapScreen())
    async with host.run_test(size=(80, 24)) as pilot:
        await settle(host, pilot)
        region_map = host.screen.query_one(RegionMap)
        seen: set[tuple[int, int]] = set()
        for label in region_map.labels():
            cells = {c for c in label.cells() if 0 <= c[1] < 80}
            assert not cells & seen, label
            seen |= cells
        assert len(_labels(region_map, "incident")) == 6
