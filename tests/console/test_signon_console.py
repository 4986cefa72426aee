"""Pilot tests of sign-on, lock and sign-off at one desk terminal."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from textual import events

from console.app import SiagaApp
from console.config import ConsoleSettings
from console.screens.signon import SignOnScreen
from dispatch.clock import FixedClock
from dispatch.enums import CallOutcome, Role
from dispatch.services import DispatchService
from dispatch.signon import FREE_FAILURES
from dispatch.testing import facade_for
from tests.conftest import START
from tests.console.conftest import make_services, settle
from tests.console.ops_seed import settle as settle_app

ANI_PW = "ani's long password"
BUDI_PW = "budi's long password"


@pytest.fixture
def desk(tmp_path: Path, clock: FixedClock) -> DispatchService:
    services = make_services(tmp_path, clock, terminal="desk-3")
    admin = facade_for(services, Role.ADMIN, operator="kepala")
    admin.add_operator("ani", Role.CALL_TAKER, ANI_PW)
    admin.add_operator("budi", Role.DISPATCHER, BUDI_PW)
    return services


def unsigned_app(services: DispatchService, **extra: Any) -> SiagaApp:
    """The console as ``siaga`` starts it: services with no principal yet."""
    settings = ConsoleSettings(
        database_url=str(services.engine.url), terminal="desk-3", **extra
    )
    unsigned = DispatchService(
        services.engine, settings=settings, clock=services.clock, pack=services.pack
    )
    return SiagaApp(unsigned, settings, follow=False)


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def sign_on(app: Any, pilot: Any, name: str, password: str) -> None:
    await type_text(pilot, name)
    await pilot.press("tab")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle_app(app, pilot)


async def prank_call(app: SiagaApp, pilot: Any) -> int:
    await pilot.press("f2")
    await settle(app, pilot)
    call_id: int = app.intake().call.id
    await pilot.press("f10")
    await settle(app, pilot)
    return call_id


async def test_two_operators_sign_on_and_off_one_terminal(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, SignOnScreen)
        await sign_on(app, pilot, "ani", ANI_PW)
        assert app.current_mode == "intake"
        assert app.principal is not None
        assert app.principal.operator == "ani"
        first = await prank_call(app, pilot)

        # The lock key refuses while a call is open ...
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.principal is not None
        assert app.current_mode == "intake"
        await pilot.press("f10")
        await settle(app, pilot)
        # ... and locks once it is closed.
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert app.principal is None
        assert isinstance(app.screen, SignOnScreen)
        assert app.screen.name_input.value == ""

        await sign_on(app, pilot, "budi", BUDI_PW)
        assert app.principal is not None
        assert app.principal.operator == "budi"
        second = await prank_call(app, pilot)
    app.sign_off_at_exit()

    assert desk.call(first).outcome == CallOutcome.PRANK
    assert desk.call(first).operator == "ani"
    assert desk.call(second).operator == "budi"
    journal = desk.events_after(0, 1000)
    by_call = {(e.call_id, e.actor) for e in journal if e.call_id in (first, second)}
    assert {actor for call, actor in by_call if call == first} == {"ani"}
    assert {actor for call, actor in by_call if call == second} == {"budi"}
    signons = [
        (e.kind, e.actor, e.terminal, e.payload.get("reason"))
        for e in journal
        if e.kind.startswith("signon.")
    ]
    assert signons == [
        ("signon.started", "ani", "desk-3", None),
        ("signon.ended", "ani", "desk-3", "locked"),
        ("signon.started", "budi", "desk-3", None),
        ("signon.ended", "budi", "desk-3", "signed_off"),
    ]
    assert all(e.terminal == "desk-3" for e in journal if e.call_id)
    assert desk.signed_on() == []


def burst(text: str) -> list[events.Key]:
    """Key events for ``text`` as the terminal driver makes them (Tab: ``\t``)."""
    keys = {"\t": ("tab", None), "\r": ("enter", "\r"), " ": ("space", " ")}
    return [events.Key(*keys.get(ch, (ch, ch))) for ch in text]


async def test_keys_typed_before_the_screen_was_ready_never_reach_the_password(
    desk: DispatchService,
) -> None:
    # Typed blind while the console was still starting: the events exist
    # before the sign-on screen is shown, the loop gets to them later.
    early = burst("ani\tsecret\r")
    app = unsigned_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        for key in early:
            app.post_message(key)
        await settle(app, pilot)
        assert screen.name_input.value == "ani"
        assert screen.focused is screen.password_input
        assert screen.password_input.value == ""
        error = screen.query_one("#signon-password-error")
        assert "before the password field was ready" in str(
            error.render()
        ) or "sebelum kolom kata sandi siap" in str(error.render())
        assert app.principal is None
        # Keys typed now, at the ready screen, are taken.
        await type_text(pilot, ANI_PW)
        assert screen.password_input.value == ANI_PW
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.principal is not None
    # The dropped burst never reached the engine: no failed sign-on was counted.
    assert not [e for e in desk.events_after(0, 1000) if e.kind == "signon.failed"]


async def test_a_fast_burst_at_the_ready_screen_signs_on_whole(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        # A fast typist on a busy machine: name, Tab, password and Enter
        # all read in one batch, every key after the screen was ready.
        for key in burst(f"ani\t{ANI_PW}\r"):
            app.post_message(key)
        await settle(app, pilot)
        assert app.principal is not None
        assert app.principal.operator == "ani"


async def test_keys_typed_while_the_terminal_locked_never_reach_the_password(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_on(app, pilot, "ani", ANI_PW)
        # Typed at the work screen as the terminal locks: the next operator's
        # password field must not take them.
        stale = burst("\tsecret")
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        for key in stale:
            app.post_message(key)
        await settle(app, pilot)
        assert screen.focused is screen.password_input
        assert screen.password_input.value == ""


async def test_wrong_passwords_are_slowed_and_journaled_at_the_screen(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk, language="en")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        for _ in range(FREE_FAILURES + 1):
            screen.name_input.value = ""
            screen.name_input.focus()
            await sign_on(app, pilot, "ani", "not the password")
            message = str(screen.query_one("#signon-password-error").render())
            assert "do not match" in message
        screen.name_input.value = ""
        screen.name_input.focus()
        await sign_on(app, pilot, "ani", ANI_PW)  # right, but must wait
        message = str(screen.query_one("#signon-password-error").render())
        assert "wait 2 s" in message
        assert app.principal is None
    kinds = [e.kind for e in desk.events_after(0, 1000)]
    assert kinds.count("signon.failed") == FREE_FAILURES + 1
    assert "signon.locked_out" in kinds


async def test_idle_terminal_locks_but_never_over_a_call(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk, idle_lock_minutes=5)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_on(app, pilot, "ani", ANI_PW)
        await pilot.press("f2")
        await settle(app, pilot)
        app.last_input_at -= 3600
        app.check_inactivity()
        await settle(app, pilot)
        assert app.principal is not None  # a call is open: no lock
        await pilot.press("f10")
        await settle(app, pilot)
        app.check_inactivity()
        assert app.principal is not None  # a key was just pressed
        app.last_input_at -= 3600
        app.check_inactivity()
        await settle(app, pilot)
        assert app.principal is None
        assert isinstance(app.screen, SignOnScreen)
    ended = [e for e in desk.events_after(0, 1000) if e.kind == "signon.ended"]
    assert [(e.actor, e.payload["reason"]) for e in ended] == [("ani", "idle")]


async def test_a_disabled_operator_is_locked_out_of_the_terminal(
    desk: DispatchService,
) -> None:
    app = unsigned_app(desk)
    app.follow_enabled = True
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await sign_on(app, pilot, "ani", ANI_PW)
        assert app.principal is not None
        facade_for(desk, Role.ADMIN, operator="kepala").disable_operator("ani")
        app.follower.poll()
        await settle(app, pilot, rounds=5)
        assert app.principal is None
        assert isinstance(app.screen, SignOnScreen)


@pytest.mark.snapshot
def test_signon_snapshot(snap_compare: Any, desk: DispatchService) -> None:
    app = unsigned_app(desk)

    async def run_before(pilot: Any) -> None:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        screen.name_input.cursor_blink = False
        screen.password_input.cursor_blink = False
        await type_text(pilot, "ani")
        await pilot.press("tab")
        await type_text(pilot, "secret")
        await settle(app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_a_responder_signs_on_to_its_own_unit_only(
    desk: DispatchService,
) -> None:
    from console.responder import ResponderApp

    admin = facade_for(desk, Role.ADMIN, operator="kepala")
    admin.add_operator("rina", Role.RESPONDER, "rina's long password", unit="AMB-01")
    admin.add_operator("sari", Role.RESPONDER, "sari's long password", unit="AMB-02")
    unsigned = DispatchService(
        desk.engine, settings=desk.settings, clock=desk.clock, pack=desk.pack
    )
    app = ResponderApp(unsigned, "AMB-01", follow_interval=60, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        screen = app.screen
        assert isinstance(screen, SignOnScreen)
        await sign_on(app, pilot, "sari", "sari's long password")
        assert app.principal is None
        assert "AMB-01" in str(screen.query_one("#signon-password-error").render())
        screen.name_input.value = ""
        screen.set_focus(screen.name_input)
        await sign_on(app, pilot, "rina", "rina's long password")
        assert app.principal is not None
        assert app.principal.unit == "AMB-01"
        await pilot.press("8", "8")  # out of service (asks for a second press)
        await settle_app(app, pilot)
        await pilot.press("ctrl+s")
        await settle_app(app, pilot)
        assert app.principal is None
        assert isinstance(app.screen, SignOnScreen)
    status = [e for e in desk.events_after(0, 1000) if e.kind.startswith("unit.")]
    assert status
    assert {(e.actor, e.terminal) for e in status} == {("rina", "desk-3")}
    ended = [e for e in desk.events_after(0, 1000) if e.kind == "signon.ended"]
    assert [(e.actor, e.payload["reason"]) for e in ended] == [("rina", "locked")]


def test_a_whole_sign_on_in_one_burst_in_a_real_terminal(tmp_path: Path) -> None:
    """``siaga`` in a pseudo-terminal: Ctrl+U, name, Tab, password, Enter in one write.

    Read in one batch, the keys must still land key by key: Textual's own
    path ran Ctrl+U on the field the Tab behind it had focused, and the
    password field's select-on-focus, arriving after the first keys typed
    into it, made the next key replace them.
    """
    from tests.bench.test_signon_bench import PASSWORD, Desk

    services = make_services(tmp_path, FixedClock(START))
    facade_for(services, Role.ADMIN).add_operator("ani", Role.CALL_TAKER, PASSWORD)
    url = str(services.engine.url)
    services.engine.dispose()
    for _ in range(3):
        desk = Desk(url, tmp_path)
        try:
            desk.wait_for("Sign on")
            desk.first_echo()  # a stray key in the name field, then the burst
            os.write(desk.master, f"\x15ani\t{PASSWORD}\r".encode())
            desk.wait_for("Signed on as ani", timeout=30)
        finally:
            desk.close()


async def test_a_responder_sign_on_typed_in_one_burst_lands_key_by_key(
    desk: DispatchService,
) -> None:
    # A crew member clears a stray key and signs on in one go, read by the
    # terminal in one batch: Ctrl+U must clear the name field, not the
    # password field the Tab behind it focuses.
    from console.responder import ResponderApp

    admin = facade_for(desk, Role.ADMIN, operator="kepala")
    admin.add_operator("rina", Role.RESPONDER, "rina's long password", unit="AMB-01")
    unsigned = DispatchService(
        desk.engine, settings=desk.settings, clock=desk.clock, pack=desk.pack
    )
    app = ResponderApp(unsigned, "AMB-01", follow_interval=60, language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle_app(app, pilot)
        assert isinstance(app.screen, SignOnScreen)
        await pilot.press("x")  # the stray key
        await settle_app(app, pilot)
        keys = [events.Key("ctrl+u", None), *burst("rina\trina's long password\r")]
        for key in keys:
            app.post_message(key)
        await settle_app(app, pilot)
        assert app.principal is not None
        assert app.principal.operator == "rina"
