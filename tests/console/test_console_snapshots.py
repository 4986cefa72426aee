"""SVG snapshots of the intake and board screens at 80×24 and 160×48, in both languages.

Deterministic by construction: a fixed clock, seeded incidents, no cursor
blink, no journal following. Update with ``--snapshot-update`` after
reviewing the HTML report.
"""

from __future__ import annotations

from typing import Any

import pytest
from textual.widgets import Input

from dispatch.services import DispatchService
from tests.console.conftest import settle

SIZES = [(80, 24), (160, 48)]
LANGS = ["id", "en"]


def _seed(services: DispatchService) -> None:
    places = [
        ("Makam Bung Karno", -8.0851231, 112.176071, "FIRE-HOUSE"),
        ("Pasar Legi Kota Blitar", -8.099021, 112.1583137, "MED-SICK"),
        ("Alun-alun Kota Blitar", -8.0985, 112.1686, "TRAFFIC-INJ"),
    ]
    for n, (name, lat, lon, code) in enumerate(places):
        call = services.open_call({"caller_number": f"08123450000{n}"})
        incident = services.create_incident(
            call.id,
            location={"text": name.lower(), "lat": lat, "lon": lon, "place_name": name},
            classification={"type_code": code, "answers": {}},
        )
        if n == 0:
            services.accept_recommendation(incident.id)


async def _quiet(app: Any, pilot: Any) -> None:
    for widget in app.screen.query(Input):
        widget.cursor_blink = False
    app.clear_notifications()
    await settle(app, pilot)


@pytest.mark.snapshot
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
@pytest.mark.parametrize("lang", LANGS)
def test_intake_snapshot(
    snap_compare: Any,
    make_app: Any,
    services: DispatchService,
    size: tuple[int, int],
    lang: str,
) -> None:
    _seed(services)
    app = make_app(language=lang)

    async def run_before(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press(*"081234567890", "enter", "enter")
        await pilot.press(*["space" if c == " " else c for c in "makam bung karno"])
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press(*"kebakaran", "enter", "y")
        await _quiet(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.snapshot
@pytest.mark.parametrize("size", SIZES, ids=["80x24", "160x48"])
@pytest.mark.parametrize("lang", LANGS)
def test_board_snapshot(
    snap_compare: Any,
    make_app: Any,
    services: DispatchService,
    size: tuple[int, int],
    lang: str,
) -> None:
    _seed(services)
    app = make_app(language=lang)

    async def run_before(pilot: Any) -> None:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("down")
        await _quiet(app, pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)
