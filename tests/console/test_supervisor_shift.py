"""Pilot tests: the supervisor sees who is signed on where, and closes the shift."""

from __future__ import annotations

import hashlib
import io
from pathlib import Path

from rich.console import Console
from sqlalchemy import select

from console.screens.dialogs import ConfirmDialog
from console.screens.supervisor import SupervisorScreen
from dispatch.enums import Role
from dispatch.models import Event, Shift
from dispatch.services import DispatchService
from dispatch.testing import principal_for, run_read
from tests.console.ops_seed import OpsHost, make_services, new_incident, settle


def plain(widget: object, width: int = 160) -> str:
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)  # type: ignore[attr-defined]
    return console.export_text()


def closed_events(services: DispatchService) -> list[Event]:
    return run_read(
        services,
        lambda s: list(s.scalars(select(Event).where(Event.kind == "shift.closed"))),
    )


async def test_shift_tab_lists_who_is_signed_on_at_which_terminal(
    tmp_path: Path,
) -> None:
    services = make_services(tmp_path)
    services.as_actor("ani", "desk-1").sign_on_shift(role="call_taker")
    services.as_actor("budi", "desk-2").sign_on_shift(role="dispatcher")
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        shown = plain(screen.query_one("#shift-panel"))
        shift = services.current_shift()
        assert shift is not None
        assert f"Shift {shift.id}:" in shown
        assert "running" in shown
        rows = [line.split() for line in shown.splitlines()]
        assert rows_with(rows, "desk-1")[:3] == ["desk-1", "ani", "call_taker"]
        assert rows_with(rows, "desk-2")[:3] == ["desk-2", "budi", "dispatcher"]


def rows_with(rows: list[list[str]], first: str) -> list[str]:
    return next(row for row in rows if row and row[0] == first)


async def test_close_shift_confirms_what_is_carried_then_stores_the_report(
    tmp_path: Path,
) -> None:
    services = make_services(tmp_path)
    services.open_shift()
    incident = new_incident(services, units=())
    supervisor = services.as_actor("sari", "sup-1")
    app = OpsHost(supervisor, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, ConfirmDialog)
        assert "1 open incidents:" in dialog.text
        assert incident.number in dialog.text
        await pilot.press("escape")  # not yet: nothing is closed
        await settle(app, pilot)
        assert closed_events(services) == []
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisorScreen)
        (event,) = closed_events(services)
        assert event.actor == "sari"
        assert event.payload["carried_incidents"] == [incident.number]
        stored = run_read(services, lambda s: s.get(Shift, event.payload["shift_id"]))
        assert stored is not None
        assert stored.closed_by == "sari"
        assert stored.report is not None
        digest = hashlib.sha256(stored.report.encode("utf-8")).hexdigest()
        assert event.payload["report_sha256"] == digest
        shown = plain(app.screen.query_one("#shift-panel"))
        assert "handed over" in shown
        assert digest[:16] in shown


async def test_a_dispatcher_cannot_close_the_shift(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    services.open_shift()
    dispatcher = services.as_principal(principal_for(Role.DISPATCHER, operator="dina"))
    app = OpsHost(dispatcher, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("h")
        await settle(app, pilot)
        assert isinstance(app.screen, SupervisorScreen)  # no confirmation offered
        notes = [n.message for n in app._notifications]
        assert "Only a supervisor closes the shift." in notes
    assert closed_events(services) == []
