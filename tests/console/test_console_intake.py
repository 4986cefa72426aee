"""Pilot tests of call intake, keys only: from the first key to units assigned."""

from __future__ import annotations

from typing import Any

from textual.widgets import Input

from console.screens.board import BoardScreen
from console.screens.intake import IntakeScreen
from console.widgets.field_error import FieldError
from dispatch.enums import CallOutcome, IncidentStatus
from dispatch.services import DispatchService
from tests.console.conftest import settle


async def type_text(pilot: Any, text: str) -> int:
    """Type text key by key; returns the number of key presses."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)
    return len(keys)


class KeyCounter:
    """Counts key presses sent to the app (the figure the issue asks for)."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot
        self.count = 0

    async def press(self, *keys: str) -> None:
        self.count += len(keys)
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        self.count += await type_text(self.pilot, text)


async def test_p1_call_from_first_key_to_units_assigned(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        keys = KeyCounter(pilot)
        await keys.press("f2")  # new call
        await settle(app, pilot)
        await keys.type("081234567890")
        await keys.press("enter")  # number → name
        await keys.press("enter")  # name left empty → location
        await keys.type("makam bung karno")
        await settle(app, pilot)
        await keys.press("enter")  # pick the landmark → type
        await settle(app, pilot)
        await keys.type("kebakaran")
        await keys.press("enter")  # FIRE-HOUSE → key questions
        await keys.press("y", "n", "n", "n")  # trapped? spreading? injured? out?
        await keys.press("f6")  # create incident
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.call is None  # the form is ready for the next call
        await keys.press("f3")  # board, the new incident selected
        await settle(app, pilot)
        assert isinstance(app.screen, BoardScreen)
        await keys.press("a")  # accept the recommendation
        await settle(app, pilot)
        incidents = services.open_incidents()
        assert len(incidents) == 1
        incident = incidents[0]
        assert incident.type_code == "FIRE-HOUSE"
        assert incident.priority == "P1"
        assert incident.place_name == "Makam Bung Karno"
        assert incident.kelurahan == "Bendogerit"
        assert incident.status == IncidentStatus.DISPATCHED
        assert incident.units  # units assigned
        assert incident.caller_number == "+6281234567890"
        print(f"\nkey presses from new call to units assigned: {keys.count}")
        assert keys.count == 49  # 37 typed characters + 12 keys


async def test_prank_call_in_one_key(make_app: Any, services: DispatchService) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        call_id = app.screen.call.id
        await pilot.press("f10")
        await settle(app, pilot)
        assert services.call(call_id).outcome == CallOutcome.PRANK
        assert app.screen.call is None


async def test_flagged_number_shows_its_history(
    make_app: Any, services: DispatchService
) -> None:
    for outcome in ("prank", "prank", "silent"):
        call = services.open_call({"caller_number": "0813 3000 1111"})
        services.close_call(call.id, outcome)
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await type_text(pilot, "081330001111")
        await pilot.press("enter")
        await settle(app, pilot)
        flag = str(app.screen.query_one("#caller-flag").render())
        assert "2× prank" in flag
        assert "1× silent" in flag


async def test_bad_number_is_answered_at_its_field(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await type_text(pilot, "12ab")
        await pilot.press("enter")
        await settle(app, pilot)
        error = app.screen.query_one("#number-error", FieldError)
        assert error.shown
        assert "12ab" in str(error.render())
        assert app.screen.focused is app.screen.query_one("#number", Input)


async def test_create_without_location_shows_field_errors(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("f6")
        await settle(app, pilot)
        assert app.screen.query_one("#location-error", FieldError).shown
        assert app.screen.query_one("#type-error", FieldError).shown
        assert services.open_incidents() == []


async def test_attach_duplicate(make_app: Any, services: DispatchService) -> None:
    first = services.open_call({"caller_number": "081211112222"})
    existing = services.create_incident(
        first.id,
        location={
            "text": "pasar legi",
            "lat": -8.099021,
            "lon": 112.1583137,
            "place_name": "Pasar Legi Kota Blitar",
        },
        classification={"type_code": "FIRE-MARKET", "answers": {}},
    )
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        call_id = app.screen.call.id
        await pilot.press("enter", "enter")
        await type_text(pilot, "pasar legi")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert [d.incident_id for d in app.screen.duplicates][:1] == [existing.id]
        await pilot.press("f7")
        await settle(app, pilot)
        call = services.call(call_id)
        assert call.outcome == CallOutcome.DUPLICATE
        assert call.incident_id == existing.id


async def test_refer_water_supply_complaint_to_the_water_utility(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        call_id = app.screen.call.id
        await pilot.press("enter", "enter", "tab")
        await type_text(pilot, "air pdam mati")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f8")  # agency and channel proposed from the type
        await settle(app, pilot)
        await type_text(pilot, "ULPIM-2026-0042")
        await pilot.press("enter")
        await settle(app, pilot)
        call = services.call(call_id)
        assert call.outcome == CallOutcome.REFERRAL
        assert call.type_code == "WATER-SUPPLY"
        events = services.events_after(0, limit=1000)
        referred = [e for e in events if e.kind == "call.referred"]
        assert referred[-1].payload["agency"] == "PDAM"
        assert referred[-1].payload["reference"] == "ULPIM-2026-0042"


async def test_draft_is_offered_back_after_a_crash(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await type_text(pilot, "081234567890")
        await pilot.press("enter")
        await type_text(pilot, "Siti")
        app.screen.save_now()
        await settle(app, pilot)
        call_id = app.screen.call.id
    # A new console on the same terminal: the open call comes back.
    again = make_app()
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(again, pilot)
        await pilot.press("enter")  # resume
        await settle(again, pilot)
        intake = again.intake()
        assert intake.call is not None
        assert intake.call.id == call_id
        assert intake.query_one("#name", Input).value == "Siti"


async def test_quitting_with_an_open_call_asks_first(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("ctrl+q")
        await settle(app, pilot)
        assert app.is_running
        assert type(app.screen).__name__ == "ConfirmDialog"
        await pilot.press("escape")
        await settle(app, pilot)
        assert isinstance(app.screen, IntakeScreen)
        assert app.screen.call is not None


async def test_language_switches_at_run_time(make_app: Any) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        assert "panggilan baru" in str(app.screen.query_one("#call-status").render())
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert "new call" in str(app.screen.query_one("#call-status").render())


async def test_typing_right_after_f2_is_kept_while_the_call_opens(
    make_app: Any, services: DispatchService
) -> None:
    """F2 on a busy desk: the engine takes a moment to open the call.

    The operator types the number and presses Enter at once; the number must
    stay, Enter must move to the name, and a second F2 must not open a second
    call (and reset the form) behind the operator's back.
    """
    import threading

    release = threading.Event()
    open_call = services.open_call
    opened: list[Any] = []

    def slow_open_call(data: Any) -> Any:
        release.wait(5)
        call = open_call(data)
        opened.append(call)
        return call

    services.open_call = slow_open_call  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await pilot.pause()
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.call is None  # still opening
        for ch in "081234567890":
            await pilot.press(ch)
        await pilot.press("enter")
        await pilot.press("f2")
        for ch in "Siti":
            await pilot.press(ch)
        release.set()
        await settle(app, pilot)
        assert len(opened) == 1
        assert intake.call is not None
        assert intake.call.id == opened[0].id
        assert intake.query_one("#number", Input).value == "081234567890"
        assert intake.query_one("#name", Input).value == "Siti"
        assert intake.query_one("#name", Input).has_focus
