"""Pilot tests of the board's dialogs: close, cancel, note, unit status."""

from __future__ import annotations

from typing import Any

from console.i18n import _
from console.screens.board import BoardScreen
from console.screens.dialogs import PickDialog, ReasonDialog
from console.widgets.unit_board import UnitBoard
from dispatch.enums import IncidentStatus, UnitStatus
from dispatch.services import DispatchService
from tests.console.conftest import settle
from tests.console.test_console_board import _incident


async def _type(pilot: Any, text: str) -> None:
    for ch in text:
        await pilot.press("space" if ch == " " else ch)


async def _open_board(app: Any, pilot: Any) -> BoardScreen:
    await pilot.press("f3")
    await settle(app, pilot)
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def test_close_asks_for_a_disposition_and_a_note(
    make_app: Any, services: DispatchService
) -> None:
    incident = _incident(services, "Pasar Legi", -8.099021, 112.1583137)
    services.assign_unit(incident.id, "AMB-01")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_board(app, pilot)
        code = app.dispositions()[0][0]
        await pilot.press("c")
        await settle(app, pilot)
        assert isinstance(app.screen, PickDialog)
        await _type(pilot, code)
        await pilot.press("enter")  # to the note field
        await pilot.press("enter")  # an empty note is refused at its field
        await settle(app, pilot)
        assert isinstance(app.screen, PickDialog)
        assert services.incident(incident.id).status.is_open
        await _type(pilot, "selesai ditangani")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        closed = services.incident(incident.id)
        assert closed.status == IncidentStatus.CLOSED
        assert closed.disposition == code


async def test_cancel_asks_for_a_reason(
    make_app: Any, services: DispatchService
) -> None:
    incident = _incident(services, "Stasiun Blitar", -8.1006, 112.1637)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_board(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        await _type(pilot, "panggilan ganda")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        cancelled = services.incident(incident.id)
        assert cancelled.status == IncidentStatus.CANCELLED
        assert cancelled.cancel_reason == "panggilan ganda"


async def test_escape_leaves_the_incident_as_it_was(
    make_app: Any, services: DispatchService
) -> None:
    incident = _incident(services, "Stasiun Blitar", -8.1006, 112.1637)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_board(app, pilot)
        await pilot.press("x")
        await settle(app, pilot)
        await _type(pilot, "salah")
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert services.incident(incident.id).status.is_open


async def test_note_is_added_to_the_narrative(
    make_app: Any, services: DispatchService
) -> None:
    incident = _incident(services, "Alun-alun Blitar", -8.0985, 112.1686)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_board(app, pilot)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ReasonDialog)
        await _type(pilot, "penelepon menunggu di depan")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        notes = [n.text for n in services.incident(incident.id).narrative]
        assert "penelepon menunggu di depan" in notes


async def test_unit_status_is_recorded_from_the_unit_board(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        board = await _open_board(app, pilot)
        await pilot.press("u")
        await settle(app, pilot)
        units = board.query_one(UnitBoard)
        callsign = units.selected_callsign
        assert callsign is not None
        assert services.unit(callsign).status == UnitStatus.AVAILABLE
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, PickDialog)
        await _type(pilot, _("unit.out_of_service"))
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        assert services.unit(callsign).status == UnitStatus.OUT_OF_SERVICE


async def test_a_close_typed_in_one_burst_lands_in_its_fields(
    make_app: Any, services: DispatchService
) -> None:
    """'c', a filter, Enter, a note, Enter arriving together, before the dialog exists.

    The filter must be applied before Enter reads the list (a stale list would
    close with the first disposition), and the note must land in the note
    field that Enter moved to, not in the filter.
    """
    from tests.console.keyburst import burst, drained, text_keys

    incident = _incident(services, "Pasar Legi", -8.099021, 112.1583137)
    services.assign_unit(incident.id, "AMB-01")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _open_board(app, pilot)
        labels = [f"{code} {name}".casefold() for code, name in app.dispositions()]
        code = next(
            c
            for c, _name in reversed(app.dispositions())
            if next(lab for lab in labels if c.casefold() in lab).startswith(
                c.casefold() + " "
            )
        )
        assert code != app.dispositions()[0][0]
        burst(app, ["c", *text_keys(code), "enter", *text_keys("dua korban"), "enter"])
        await drained(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        closed = services.incident(incident.id)
        assert closed.status == IncidentStatus.CLOSED
        assert closed.disposition == code
        assert any("dua korban" in line.text for line in closed.narrative)
