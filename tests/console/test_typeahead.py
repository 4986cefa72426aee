"""The key queue on its own: order, type-ahead before a screen is ready, holds."""

from __future__ import annotations

from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Input

from console.typeahead import OrderedKeys, TypeAhead
from tests.console.keyburst import burst, text_keys


class TwoFields(OrderedKeys, Screen[None]):
    """Enter moves on; '!' waits for an answer the test gives."""

    AUTO_FOCUS = ""

    def __init__(self) -> None:
        super().__init__()
        self.log_: list[str] = []

    def compose(self) -> ComposeResult:
        yield Input(id="a", select_on_focus=False)
        yield Input(id="b", select_on_focus=False)

    def on_mount(self) -> None:
        self.set_focus(self.query_one("#a"))

    def field_key(self, event: events.Key) -> bool:
        app: KeysApp = self.app  # type: ignore[assignment]
        if event.key == "enter":
            self.set_focus(self.query_one("#b", Input))
            return True
        if event.character == "?":
            raise RuntimeError("a bug in a key handler")
        if event.character == "!":
            self.log_.append("!")
            if app.answered:
                return True
            app.typeahead.wait("answer", on_timeout=self.late)
            return True
        return False

    def late(self) -> None:
        self.log_.append("late")
        self.app.answered = True  # type: ignore[attr-defined]

    def value(self, name: str) -> str:
        return self.query_one(f"#{name}", Input).value


class KeysApp(App[None]):
    def __init__(self, ready_later: bool = False, timeout: float = 5.0) -> None:
        super().__init__()
        self.errors: list[Exception] = []
        self.typeahead = TypeAhead(
            self,
            lambda event: App.on_event(self, event),
            hold_timeout=timeout,
            on_error=self.errors.append,
        )
        self.answered = False
        self.ready_later = ready_later

    def on_mount(self) -> None:
        screen = TwoFields()
        self.push_screen(screen)
        if not self.ready_later:
            screen.keys_ready = True

    async def on_event(self, event: events.Event) -> None:
        if (
            isinstance(event, events.Key | events.Paste)
            and not event.is_forwarded
            and self.typeahead.feed(event)
        ):
            return
        await super().on_event(event)


def fields(app: Any) -> tuple[str, str]:
    return app.screen.value("a"), app.screen.value("b")


async def test_a_burst_lands_field_by_field() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, [*text_keys("abc"), "enter", *text_keys("def")])
        await pilot.pause()
        assert fields(app) == ("abc", "def")
        assert app.typeahead.received == 7


async def test_keys_wait_for_a_screen_that_is_not_ready() -> None:
    app = KeysApp(ready_later=True)
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, [*text_keys("ab"), "enter", "c"])
        await pilot.pause()
        assert fields(app) == ("", "")
        assert app.typeahead.pending == 4
        app.screen.keys_ready = True  # type: ignore[attr-defined]
        app.typeahead.drain()
        assert fields(app) == ("ab", "c")


async def test_a_waiting_key_keeps_the_keys_behind_it_in_order() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, ["a", "!", "b", "enter", "c"])
        await pilot.pause()
        assert fields(app) == ("a", "")
        assert app.typeahead.held
        app.answered = True
        app.typeahead.release("answer")
        assert fields(app) == ("ab", "c")
        assert app.screen.log_ == ["!", "!"]  # type: ignore[attr-defined]


async def test_a_hold_nobody_releases_expires() -> None:
    app = KeysApp(timeout=0.05)
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, ["!", "x"])
        await pilot.pause(0.3)
        assert app.screen.log_ == ["!", "late", "!"]  # type: ignore[attr-defined]
        assert not app.typeahead.held
        assert fields(app) == ("x", "")


async def test_a_step_runs_right_after_the_key_that_queued_it() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        seen: list[str] = []
        app.typeahead.next(lambda: seen.append(fields(app)[0]))
        burst(app, ["a", "b"])
        await pilot.pause()
        assert seen == [""]
        assert fields(app) == ("ab", "")


async def test_a_paste_goes_in_queue_order() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, ["a", "enter"])
        app.post_message(events.Paste("pasted\nsecond line"))
        await pilot.pause()
        assert fields(app) == ("a", "pasted")


async def test_an_error_in_a_key_handler_is_reported_and_typing_goes_on() -> None:
    app = KeysApp()
    async with app.run_test() as pilot:
        await pilot.pause()
        burst(app, ["a", "?", "b"])
        await pilot.pause()
        assert [str(e) for e in app.errors] == ["a bug in a key handler"]
        assert fields(app) == ("ab", "")
