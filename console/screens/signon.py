"""The sign-on screen every front end starts with (desk, unit view, browser).

Keyboard only: name, Tab (or Enter), password, Enter. The check itself runs
in a thread worker that calls the ``sign_on`` callable the app hands in (the
engine's :meth:`~dispatch.services.DispatchService.sign_on`); the screen only
shows the result: a message under the field, or :class:`SignedOn` to the app.

The password field takes only keys typed after the screen was ready for this
operator (:class:`FreshPasswordInput`): a burst typed blind while the console
was still starting, or while the previous operator's screen was locking, never
ends up in it — the operator is told to type the password again. A fast
typist's "name, Tab, password" typed at the ready screen is taken whole, even
when a busy machine reads it in one batch.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual import events, on, work
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Input, Label, Static

from console.bindings import bindings_for
from console.i18n import translate
from console.typeahead import KeyInput, OrderedKeys
from console.widgets.field_error import FieldError
from dispatch.errors import DispatchError, InvalidInput, SignOnThrottled
from dispatch.principal import Principal

#: ``sign_on(name, password)`` → the principal, or a DispatchError.
SignOnCall = Callable[[str, str], Principal]


def message_clock() -> float:
    """Now, on the clock Textual stamps every message with (``Message.time``)."""
    return Message().time


class FreshPasswordInput(Input):
    """A password input that ignores keys created before it was armed.

    The screen arms it when it becomes ready for an operator (its first field
    took focus, or :meth:`SignOnScreen.reset`); a key event carries the time
    the terminal's bytes were read, so keys typed before then are told apart
    from keys typed after, however late the event loop gets to them.
    """

    class EarlyKeysDropped(Message):
        """Keys typed before the screen was ready were thrown away."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(password=True, **kwargs)
        self.armed_at: float | None = None
        """When the screen became ready (``Message.time`` clock); ``None``: not yet."""

    def arm(self, at: float) -> None:
        """Take keys created at or after ``at``."""
        self.armed_at = at

    # Textual calls the handler of every class in the MRO (Input's after
    # these) unless ``prevent_default`` stops it, so none of them calls super.

    def early(self, event: events.Event) -> bool:
        """Whether ``event`` was typed before the field was armed."""
        return self.armed_at is None or event.time < self.armed_at

    async def _on_key(self, event: events.Key) -> None:
        if self.early(event):
            event.stop()
            event.prevent_default()
            if event.is_printable or event.key == "enter":
                self.post_message(self.EarlyKeysDropped())

    def _on_paste(self, event: events.Paste) -> None:
        if self.early(event):
            event.stop()
            event.prevent_default()
            self.post_message(self.EarlyKeysDropped())


class SignOnScreen(OrderedKeys, Screen[None]):
    """Name and password for this terminal (and unit); posts :class:`SignedOn`.

    Keys come through the app's ordered key queue (:mod:`console.typeahead`)
    where there is one: "Ctrl+U, name, Tab, password, Enter" read in one
    batch is handled key by key against the focus the keys before it left
    (Textual's own path ran a Ctrl+U's binding on the field the Tab behind
    it had focused). The password field's own key handlers keep the same
    rule where no queue feeds the screen.
    """

    DEFAULT_CSS = """
    SignOnScreen { align: center middle; }
    SignOnScreen > Vertical {
        width: 60;
        max-width: 100%;
        height: auto;
        border: thick $primary;
        background: $surface;
        padding: 0 1;
    }
    SignOnScreen #signon-title { text-style: bold; margin: 0 0 1 0; }
    SignOnScreen .signon-where { color: $text-muted; }
    SignOnScreen Label.signon-label { margin: 1 0 0 0; }
    SignOnScreen FieldError { padding: 0; }
    SignOnScreen #signon-status { height: auto; color: $text-muted; }
    SignOnScreen #signon-hint { color: $text-muted; margin: 1 0 0 0; }
    """

    AUTO_FOCUS = "#signon-name"
    BINDINGS = bindings_for("signon")

    class SignedOn(Message):
        """The operator is signed on; the app takes it from here."""

        def __init__(self, principal: Principal) -> None:
            super().__init__()
            self.principal = principal

    def __init__(
        self,
        sign_on: SignOnCall,
        *,
        terminal: str,
        language: str,
        unit: str | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__()
        self._sign_on = sign_on
        self.terminal = terminal
        self.unit = unit
        self.language = language
        self.notice = notice
        self.busy = False

    def t(self, key: str, **params: Any) -> str:
        """A catalogue text in this screen's language."""
        return translate(f"signon.{key}", self.language, **params)

    def compose(self) -> ComposeResult:
        """Title, where, name, password, message line, hint."""
        with Vertical():
            yield Static(self.t("title"), id="signon-title")
            yield Static(
                self.t("terminal", terminal=self.terminal), classes="signon-where"
            )
            if self.unit:
                yield Static(self.t("unit", unit=self.unit), classes="signon-where")
            yield Label(self.t("name"), classes="signon-label")
            # No select-all on focus: a Focus event handled after the keys
            # typed behind a Tab would select them, and the next key replace them.
            yield Input(id="signon-name", max_length=64, select_on_focus=False)
            yield FieldError(id="signon-name-error")
            yield Label(self.t("password"), classes="signon-label")
            yield FreshPasswordInput(
                id="signon-password", max_length=256, select_on_focus=False
            )
            yield FieldError(id="signon-password-error")
            yield Static(self.notice or "", id="signon-status")
            yield Static(self.t("hint"), id="signon-hint")

    @property
    def name_input(self) -> Input:
        """The name field."""
        return self.query_one("#signon-name", Input)

    @property
    def password_input(self) -> FreshPasswordInput:
        """The password field."""
        return self.query_one("#signon-password", FreshPasswordInput)

    def action_next_field(self) -> None:
        """Tab: name → password → name (before the key reaches a field).

        ``Screen.set_focus`` moves the focus at once (``Widget.focus`` would
        wait for the keys already queued, which would then land in the name).
        """
        if self.focused is self.name_input:
            self.set_focus(self.password_input)
        else:
            self.set_focus(self.name_input)

    def action_previous_field(self) -> None:
        """Shift+Tab: the other field."""
        self.action_next_field()

    def action_enter(self) -> None:
        """Enter in the name field moves on; in the password field it signs on.

        The password field's own Enter (``Input.Submitted``) signs on, so an
        Enter typed before that field was focused is dropped with the keys.
        """
        if self.focused is self.name_input:
            self.set_focus(self.password_input)
            return
        raise SkipAction()

    @on(events.DescendantFocus)
    def _ready(self, event: events.DescendantFocus) -> None:
        """The first focus on this screen: keys typed from now on are the operator's."""
        if self.password_input.armed_at is None:
            self.password_input.arm(event.time)
        self.keys_ready = True

    def take_key(self, event: KeyInput) -> bool:
        """One key, in order (before it was ready, the password field takes none)."""
        if isinstance(event, events.Paste) and self._dropped_if_early(event):
            return True
        return super().take_key(event)

    def field_key(self, event: events.Key) -> bool:
        """After the priority bindings: a key typed too early is dropped."""
        return self._dropped_if_early(event)

    def _dropped_if_early(self, event: KeyInput) -> bool:
        password = self.password_input
        if self.focused is not password or not password.early(event):
            return False
        if (
            isinstance(event, events.Paste)
            or event.is_printable
            or (event.key == "enter")
        ):
            self._early_keys()
        return True

    @on(Input.Submitted, "#signon-password")
    def _submit(self) -> None:
        if self.busy:
            return
        self._clear_errors()
        name = self.name_input.value
        password = self.password_input.value
        if not name.strip():
            self._error("name", self.t("need-name"))
            return
        if not password:
            self._error("password", self.t("need-password"))
            return
        self.busy = True
        self._status(self.t("checking"))
        self._check(name, password)

    @on(FreshPasswordInput.EarlyKeysDropped)
    def _early_keys(self) -> None:
        self._error("password", self.t("early-keys"))

    @work(thread=True, exclusive=True, group="signon", exit_on_error=False)
    def _check(self, name: str, password: str) -> None:
        try:
            principal = self._sign_on(name, password)
        except DispatchError as exc:
            self.app.call_from_thread(self._refused, exc)
            return
        self.app.call_from_thread(self._accepted, principal)

    def _accepted(self, principal: Principal) -> None:
        self.busy = False
        self.password_input.value = ""
        self._status("")
        self.post_message(self.SignedOn(principal))

    def _refused(self, error: DispatchError) -> None:
        self.busy = False
        self._status("")
        self.password_input.value = ""
        if isinstance(error, InvalidInput) and error.field == "name":
            self._error("name", self._engine_text(error.message))
            self.name_input.focus()
            return
        if isinstance(error, SignOnThrottled):
            text = self.t("throttled", seconds=error.retry_after)
        elif error.code == "signon_refused" and "do not match" in error.message:
            text = self.t("wrong")
        else:
            text = self.t("failed", detail=self._engine_text(error.message))
        self._error("password", text)
        self.password_input.focus()

    def _engine_text(self, message: str) -> str:
        if self.language == "en":
            return message
        from console._texts import ENGINE_MESSAGES

        for english, indonesian in ENGINE_MESSAGES:
            if message.startswith(english):
                return indonesian + message[len(english) :]
        return message

    def reset(self, notice: str | None = None) -> None:
        """Empty both fields for the next operator, focus the name."""
        self.name_input.value = ""
        self.password_input.value = ""
        self._clear_errors()
        self._status(notice or "")
        self.password_input.arm(message_clock())
        self.name_input.focus()

    def _error(self, field: str, message: str) -> None:
        self.query_one(f"#signon-{field}-error", FieldError).show(message)

    def _clear_errors(self) -> None:
        for error in self.query(FieldError):
            error.clear()

    def _status(self, text: str) -> None:
        self.query_one("#signon-status", Static).update(text)
