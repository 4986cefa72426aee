"""Pilot tests of the dispatch board: live updates between two consoles, keyed rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from console.screens.board import BoardScreen
from console.widgets.incident_table import IncidentTable
from dispatch.clock import FixedClock
from dispatch.services import DispatchService
from tests.console.conftest import make_services, settle


def _incident(
    services: DispatchService, text: str, lat: float, lon: float, code: str = "MED-SICK"
) -> Any:
    call = services.open_call({"caller_number": "081234500000"})
    return services.create_incident(
        call.id,
        location={"text": text, "lat": lat, "lon": lon, "place_name": text},
        classification={"type_code": code, "answers": {}},
    )


async def test_two_consoles_see_each_others_changes(
    tmp_path: Path, clock: FixedClock, make_app: Any
) -> None:
    desk1 = make_services(tmp_path, clock, terminal="desk-1")
    desk2 = make_services(tmp_path, clock, terminal="desk-2")
    first = _incident(desk1, "Alun-alun Blitar", -8.0985, 112.1686, "FIRE-HOUSE")
    second = _incident(desk1, "Stasiun Blitar", -8.1006, 112.1637)
    app1 = make_app(svc=desk1, follow=True, follow_seconds=0.3)
    app2 = make_app(svc=desk2, follow=True, follow_seconds=0.3)
    async with (
        app1.run_test(size=(160, 48)) as pilot1,
        app2.run_test(size=(160, 48)) as pilot2,
    ):
        for app, pilot in ((app1, pilot1), (app2, pilot2)):
            await pilot.press("f3")
            await settle(app, pilot)
            assert isinstance(app.screen, BoardScreen)
        table2 = app2.screen.query_one(IncidentTable)
        assert table2.order == [first.id, second.id]  # P1 before P2
        await pilot2.press("down")  # desk 2 looks at the second incident
        await settle(app2, pilot2)
        assert table2.selected_id == second.id
        # Desk 1 creates a new P1 incident and assigns a unit to the first one.
        third = _incident(desk1, "RSUD Mardi Waluyo", -8.0943, 112.1619, "FIRE-HOUSE")
        desk1.assign_unit(first.id, "DMK-01")
        await pilot2.pause(0.8)
        await settle(app2, pilot2)
        assert set(table2.order) == {first.id, second.id, third.id}
        assert table2.selected_id == second.id  # the cursor stayed on the same incident
        assert "DMK-01" in table2.rows_by_id[first.id].units
        # Desk 2 adds a unit by keys; desk 1 sees it.
        await pilot2.press("d")
        await settle(app2, pilot2)
        for ch in "AMB-02":
            await pilot2.press(ch)
        await pilot2.press("enter")
        await settle(app2, pilot2)
        assert "AMB-02" in desk1.incident(second.id).units
        await pilot1.pause(0.8)
        await settle(app1, pilot1)
        table1 = app1.screen.query_one(IncidentTable)
        assert "AMB-02" in table1.rows_by_id[second.id].units


async def test_board_hands_off_to_an_agency(
    make_app: Any, services: DispatchService
) -> None:
    incident = _incident(services, "Pasar Legi", -8.099021, 112.1583137, "FIRE-MARKET")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        for ch in "DAMKAR":
            await pilot.press(ch)
        await pilot.press("enter")
        await settle(app, pilot)
        detail = services.incident(incident.id)
        assert [h.agency_code for h in detail.handoffs] == ["DAMKAR"]


async def test_one_journal_advance_reaches_the_board_once(
    make_app: Any, services: DispatchService, monkeypatch: Any
) -> None:
    """The app hands each screen a copy; a copy must not bubble back to the app.

    It did: the app handed it out again, forever, and the board stopped
    answering as soon as another terminal wrote an event.
    """
    from console.messages import JournalAdvanced

    handled: list[JournalAdvanced] = []
    original = BoardScreen.on_journal_advanced

    def counting(self: BoardScreen, message: JournalAdvanced) -> None:
        handled.append(message)
        original(self, message)

    monkeypatch.setattr(BoardScreen, "on_journal_advanced", counting)
    app = make_app(follow=False)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        incident = _incident(services, "Stasiun Blitar", -8.1006, 112.1637)
        events = services.events_after(0)
        app.post_message(JournalAdvanced(events, events[-1].id))
        await settle(app, pilot)
        await pilot.pause(0.3)
        await settle(app, pilot)
        assert len(handled) == 1
        assert incident.id in app.screen.query_one(IncidentTable).rows_by_id
