"""Pilot tests of the board's smaller items, the surge key, help and footer fit."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.widgets import DataTable, Footer, OptionList, Static
from textual.widgets._footer import FooterKey

from console.help_keys import BUILTIN_TEXTS
from console.i18n import translate
from console.screens.board import BoardScreen
from console.screens.supervisor import SupervisorScreen
from console.screens.supervisor_surge import SurgeDialog
from console.widgets.unit_board import UnitBoard
from dispatch.catalogue import incident_type
from dispatch.clock import FixedClock
from dispatch.enums import IncidentStatus
from dispatch.services import DispatchService
from tests.console.conftest import settle


def _incident(
    services: DispatchService,
    code: str = "MED-SICK",
    answers: dict[str, str] | None = None,
    where: tuple[float, float] = (-8.0985, 112.1686),
) -> Any:
    call = services.open_call({"caller_number": "081234500000"})
    return services.create_incident(
        call.id,
        location={"text": "alun", "lat": where[0], "lon": where[1], "place_name": "X"},
        classification={"type_code": code, "answers": answers or {}},
    )


def _plain(renderable: Any, width: int = 120) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def _board(app: Any, pilot: Any) -> BoardScreen:
    await pilot.press("f3")
    await settle(app, pilot)
    await pilot.pause(0.2)  # the detail pane loads once the cursor rests
    await settle(app, pilot)
    assert isinstance(app.screen, BoardScreen)
    return app.screen


async def test_board_shows_key_question_answers_in_words(
    services: DispatchService, make_app: Any
) -> None:
    _incident(services, "TRAFFIC-INJ", {"serious": "y", "all_walking": "n"})
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        board = await _board(app, pilot)
        body = _plain(board.query_one("#detail", Static).content, 150)
        assert "=y" not in body
        assert "serious" not in body
        questions = {q.id: q.text.id for q in incident_type("TRAFFIC-INJ").questions}
        assert f"{questions['serious']} Ya" in body
        assert f"{questions['all_walking']} Tidak" in body


async def test_unit_statuses_are_never_cut_in_indonesian(
    services: DispatchService, make_app: Any
) -> None:
    incident = _incident(services)
    services.assign_unit(incident.id, "AMB-02")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        board = await _board(app, pilot)
        units = board.query_one(UnitBoard)
        row = units.order.index("AMB-02")
        shown = "".join(s.text for s in units.render_line(row + 1)._segments)
        assert "DITUGASKAN" in shown


async def test_add_unit_picker_lists_etas_soonest_first(
    services: DispatchService, make_app: Any
) -> None:
    incident = _incident(services)
    etas = services.unit_etas(incident.id)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await _board(app, pilot)
        await pilot.press("d")
        await settle(app, pilot)
        options = app.screen.query_one(OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(3)]
        assert all("ETA " in p for p in prompts)
        free = sorted(
            (eta, c)
            for c, eta in etas.items()
            if {u.callsign: u for u in services.units()}[c].status.is_assignable
        )
        assert prompts[0].startswith(free[0][1])


async def test_busy_als_ambulances_show_a_stated_substitute(
    services: DispatchService, make_app: Any
) -> None:
    for callsign in ("AMB-01", "AMB-04"):  # the two ALS ambulances
        services.report_status(callsign, "out_of_service")
    _incident(services, "MED-CHEST", {})
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        board = await _board(app, pilot)
        body = _plain(board.query_one("#detail", Static).content, 100)
        assert "SUBSTITUTE: every ALS unit is busy; sends a BLS unit" in body
        assert translate("board.no-recommendation", "en") not in body
        assert "Missing" not in body


async def test_surge_key_lists_the_plan_then_commits_it(
    tmp_path: Path, clock: FixedClock, services: DispatchService, make_app: Any
) -> None:
    urgent = _incident(services, "MED-UNCON")
    tree = _incident(services, "TREE", {"blocking": "y"}, where=(-8.0943, 112.1619))
    plan = services.surge_plan()
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        await pilot.press("s")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, SurgeDialog)
        listed = _plain(dialog.query_one("#surge-table", Static).content, 88)
        for line in plan.lines:
            assert line.number in listed
            assert line.callsign in listed
        # Nothing is committed while the dialog is open.
        assert services.incident(urgent.id).status == IncidentStatus.PENDING
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.last_surge is not None
        assert screen.last_surge.assigned_count == len(plan.lines)
    for incident in (urgent, tree):
        planned = {c.callsign for c in plan.lines if c.incident_id == incident.id}
        assert set(services.incident(incident.id).units) == planned


async def test_surge_escape_assigns_nothing(
    services: DispatchService, make_app: Any
) -> None:
    urgent = _incident(services, "MED-UNCON")
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("s")
        await settle(app, pilot)
        assert isinstance(app.screen, SurgeDialog)
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisorScreen)
    assert services.incident(urgent.id).units == ()


@pytest.mark.parametrize("key", ["f3", "f4"])
async def test_help_is_indonesian_and_escape_closes_it(
    services: DispatchService, make_app: Any, key: str
) -> None:
    _incident(services)
    app = make_app()
    english = {pair[1] for pair in BUILTIN_TEXTS.values()} - {
        pair[0] for pair in BUILTIN_TEXTS.values()
    }
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press(key)
        await settle(app, pilot)
        await pilot.press("f1")
        await settle(app, pilot)
        assert app.screen.query("HelpPanel")
        shown = [
            binding.description
            for _node, bindings in app.screen._binding_chain
            for items in bindings.key_to_bindings.values()
            for binding in items
            if binding.description and not binding.system
        ]
        assert shown
        assert not set(shown) & english, set(shown) & english
        await pilot.press("escape")
        await settle(app, pilot)
        assert not app.screen.query("HelpPanel")


@pytest.mark.parametrize("key", ["f2", "f3", "f4", "f5"])
@pytest.mark.parametrize("language", ["id", "en"])
async def test_footer_fits_80_columns(
    services: DispatchService, make_app: Any, key: str, language: str
) -> None:
    app = make_app(language=language)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(key)
        await settle(app, pilot)
        footer = app.screen.query_one(Footer)
        keys = [k for k in footer.query(FooterKey) if k.display]
        assert keys
        right = max(k.region.right for k in keys)
        assert right <= 80, [(k.key, k.region) for k in keys]
        if key == "f2":
            shown = {k.key for k in keys}
            assert {"f6", "f9", "f10", "f11", "f12"} <= shown


async def test_supervisor_queue_statuses_are_never_cut(
    services: DispatchService, make_app: Any
) -> None:
    first = _incident(services)
    _incident(services)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.press("f4", "2")
        await settle(app, pilot)
        services.assign_unit(first.id, "AMB-02")  # DIKERAHKAN arrives later
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        queue = app.screen.query_one("#queue", DataTable)
        row = [r.key.value for r in queue.ordered_rows].index(str(first.id))
        shown = "".join(s.text for s in queue.render_line(row + 1)._segments)
        assert "DIKERAHKAN" in shown
