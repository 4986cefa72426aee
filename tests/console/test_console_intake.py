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
from tests.console.keyburst import burst, drained, text_keys


async def type_text(pilot: Any, text: str) -> int:
    """Type text key by key; returns the number of key presses."""
    keys = ["space" if ch == " " else ch for ch in text]
    await pilot.press(*keys)
    return len(keys)


def _fire_at_pasar_legi(services: DispatchService) -> Any:
    """An open market fire at Pasar Legi: what a new call there may duplicate."""
    first = services.open_call({"caller_number": "081211112222"})
    return services.create_incident(
        first.id,
        location={
            "text": "pasar legi",
            "lat": -8.099021,
            "lon": 112.1583137,
            "place_name": "Pasar Legi Kota Blitar",
        },
        classification={"type_code": "FIRE-MARKET", "answers": {}},
    )


class KeyCounter:
    """Presses keys through the pilot; the app's key queue counts what arrived."""

    def __init__(self, pilot: Any) -> None:
        self.pilot = pilot

    async def press(self, *keys: str) -> None:
        await self.pilot.press(*keys)

    async def type(self, text: str) -> None:
        await type_text(self.pilot, text)


async def test_p1_call_from_first_key_to_units_assigned(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        keys = KeyCounter(pilot)
        received_before = app.typeahead.received
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
        # Measured where the keys arrive: the app's key queue counts every
        # key the terminal sent it, whichever screen took it.
        received = app.typeahead.received - received_before
        print(f"\nkey presses from new call to units assigned: {received}")
        assert received == 49  # 37 typed characters + 12 keys


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
    existing = _fire_at_pasar_legi(services)
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
    # A new console on the same terminal: the open call is offered in the
    # banner (no dialog), and Ctrl+R puts it back on the form.
    again = make_app()
    async with again.run_test(size=(160, 48)) as pilot:
        await settle(again, pilot)
        intake = again.intake()
        assert again.screen is intake  # nothing opened over the form
        banner = intake.query_one("#drafts")
        assert banner.display
        assert f"#{call_id}" in str(banner.render())
        await pilot.press("ctrl+r")  # resume
        await settle(again, pilot)
        assert intake.call is not None
        assert intake.call.id == call_id
        assert intake.query_one("#name", Input).value == "Siti"
        assert intake.focused is intake.query_one("#number", Input)
        assert not banner.display


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

    def slow_open_call(data: Any, **kwargs: Any) -> Any:
        release.wait(60)  # set by the test; long enough for a loaded machine
        call = open_call(data, **kwargs)
        opened.append(call)
        return call

    services.open_call = slow_open_call  # type: ignore[method-assign,assignment]
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


async def test_no_dialog_opens_while_typing_when_drafts_are_found(
    make_app: Any, services: DispatchService
) -> None:
    """Drafts found at start-up come as a banner; typing goes on into the form."""
    import threading

    left_open = services.open_call({"caller_number": "081200001111"})
    services.save_draft(left_open.id, {"number": "081200001111", "name": "Lama"})
    release = threading.Event()
    open_drafts = services.open_drafts

    def slow_open_drafts(terminal: str | None = None) -> Any:
        release.wait(5)  # the drafts are found while the operator types
        return open_drafts(terminal)

    services.open_drafts = slow_open_drafts  # type: ignore[method-assign]
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        burst(app, ["f2", *text_keys("0812345")])
        await pilot.pause()
        release.set()
        await drained(app, pilot)
        burst(app, [*text_keys("67890"), "tab", *text_keys("Baru")])
        await drained(app, pilot)
        intake = app.intake()
        assert app.screen is intake
        assert len(app.screen_stack) == 1
        assert intake.query_one("#drafts").display
        assert intake.query_one("#number", Input).value == "081234567890"
        assert intake.query_one("#name", Input).value == "Baru"
        assert intake.focused is intake.query_one("#name", Input)
        assert intake.call is not None
        assert intake.call.id != left_open.id


async def test_one_key_close_right_after_typing_keeps_the_number(
    make_app: Any, services: DispatchService
) -> None:
    """F2, the number and F10 in one burst: the call is saved as prank with it."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *text_keys("081234567890"), "f10"])
        await drained(app, pilot)
        first = services.open_drafts()  # nothing left open
        assert first == []
        calls = [
            e for e in services.events_after(0, limit=1000) if e.kind == "call.closed"
        ]
        call_id = calls[-1].call_id
        assert call_id is not None
        call = services.call(call_id)
        assert call.outcome == CallOutcome.PRANK
        assert call.caller_number == "+6281234567890"


async def test_a_bad_number_stops_a_one_key_close_at_its_field(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *text_keys("12ab"), "f10"])
        await drained(app, pilot)
        intake = app.intake()
        assert intake.call is not None  # not closed: nothing half-saved
        call_id = intake.call.id
        assert services.call(call_id).outcome is None
        assert intake.query_one("#number-error", FieldError).shown
        burst(app, ["backspace", "backspace", *text_keys("3456789012"), "f10"])
        await drained(app, pilot)
        assert services.call(call_id).outcome == CallOutcome.PRANK
        assert services.call(call_id).caller_number == "+62123456789012"


async def test_prank_flag_shows_for_a_number_just_closed_as_prank(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        for _ in range(2):
            burst(app, ["f2", *text_keys("081330001111"), "enter", "f10"])
            await drained(app, pilot)
        burst(app, ["f2", *text_keys("081330001111"), "enter"])
        await drained(app, pilot)
        flag = str(app.intake().query_one("#caller-flag").render())
        assert "2× prank" in flag


async def test_without_a_ring_the_answer_time_is_not_measured(
    make_app: Any, services: DispatchService
) -> None:
    """A call opened at answer has no ring: the timer must not claim 00:00."""
    from textual.widgets import Static

    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *text_keys("081234567890")])
        await drained(app, pilot)
        intake = app.intake()
        assert intake.call is not None
        assert intake.call.answer_s is None
        status = str(intake.query_one("#call-status", Static).render())
        assert "not measured" in status
        assert "00:00/00:15" not in status


async def test_what_the_caller_said_pre_answers_the_key_questions(
    make_app: Any, services: DispatchService
) -> None:
    """'pingsan' picks MED-UNCON with "unresponsive" already answered yes."""
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *text_keys("081234567890"), "tab", "tab", "tab"])
        burst(app, [*text_keys("orang pingsan"), "enter"])
        await drained(app, pilot)
        questions = app.intake().form.questions
        assert questions.answers.get("unresponsive") == "y"
        first_open = questions.questions[questions.index]
        assert first_open.id != "unresponsive"  # the next key answers the next one
        burst(app, ["n"])
        await drained(app, pilot)
        assert questions.answers["unresponsive"] == "y"  # not overwritten
        assert questions.answers[first_open.id] == "n"


async def test_a_late_answer_to_an_older_duplicate_lookup_is_dropped(
    make_app: Any, services: DispatchService
) -> None:
    """Under load an older lookup can finish last; it must not replace a newer list."""
    from console.screens.intake.messages import DuplicatesFound

    existing = _fire_at_pasar_legi(services)
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await type_text(pilot, "pasar legi")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IntakeScreen)
        assert [d.incident_id for d in screen.duplicates][:1] == [existing.id]
        assert screen.call is not None
        screen.post_message(DuplicatesFound(screen.call.id, [], asked=1))
        await settle(app, pilot)
        assert [d.incident_id for d in screen.duplicates][:1] == [existing.id]


async def test_a_locked_database_shows_the_banner_and_keeps_the_typed_call(
    make_app: Any, services: DispatchService
) -> None:
    """A write that stays locked ends in the banner; the form and call stay open."""
    import contextlib
    import sqlite3

    from textual.worker import WorkerFailed

    from dispatch.db import make_engine

    tight = services.settings.model_copy(
        update={"sqlite_busy_timeout_ms": 50, "write_attempts": 2}
    )
    engine = make_engine(tight.database_url, settings=tight)
    desk = DispatchService(
        engine, settings=tight, clock=services.clock, principal=services.principal
    )
    app = make_app(svc=desk)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        call_id = app.screen.call.id
        await type_text(pilot, "081234567890")
        assert engine.url.database is not None
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
        try:
            await pilot.press("f10")  # prank: the write cannot get in
            with contextlib.suppress(WorkerFailed):  # reported by the app itself
                await app.workers.wait_for_complete()
            await pilot.pause()
            # The banner says so in the operator's language, with the cause.
            assert app.db_trouble.startswith("Basis data tetap sibuk")
            assert "database is locked" in app.db_trouble
            assert app.screen.call is not None
            assert app.screen.form.text("number").value == "081234567890"
        finally:
            other.execute("ROLLBACK")
            other.close()
        assert services.call(call_id).outcome is None
        await pilot.press("f10")  # the lock is gone: the same key press works
        await settle(app, pilot)
        assert services.call(call_id).outcome == CallOutcome.PRANK
        assert app.screen.call is None
    engine.dispose()


async def test_notes_pre_answer_a_type_picked_by_code_and_can_take_it_back(
    make_app: Any, services: DispatchService
) -> None:
    """The caller's words in the notes answer what the operator has not keyed."""
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        burst(app, ["f2", *text_keys("081234567890"), "tab", "tab", "tab"])
        burst(app, [*text_keys("TRAFFIC-INJ"), "enter"])
        await drained(app, pilot)
        questions = app.intake().form.questions
        ids = [q.id for q in questions.questions]
        assert {"serious", "all_walking"} <= set(ids)
        assert questions.answers == {}
        # The operator moves to "serious" and keys no, then types the notes.
        burst(app, [*["down"] * ids.index("serious"), "n", "tab"])
        burst(app, text_keys("korbannya semaput"))
        await drained(app, pilot)
        # "serious" was keyed (n) and stays; "all_walking" follows the words.
        assert questions.answers == {"serious": "n", "all_walking": "n"}
        burst(app, ["backspace"] * len("semaput"))
        burst(app, text_keys("tidak semaput"))
        await drained(app, pilot)
        assert questions.answers == {"serious": "n"}  # the inference is taken back
