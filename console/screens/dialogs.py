"""Modal dialogs: confirm, give a reason, pick from a list, refer a call.

Each is a ``ModalScreen[T]`` that returns its result through ``dismiss``;
Enter confirms, Escape cancels (binding ids ``dialog.confirm`` /
``dialog.cancel``). Typed values are checked here first and again by the
engine; a message appears under the field, never a traceback.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from console.bindings import bindings_for, relabel
from console.i18n import _
from console.widgets.field_error import FieldError

DIALOG_CSS = """
Dialog { align: center middle; }
Dialog > Vertical {
    width: 70;
    max-width: 95%;
    height: auto;
    max-height: 90%;
    border: thick $primary;
    background: $surface;
    padding: 0 1;
}
Dialog .dialog-title { text-style: bold; width: 1fr; margin: 0 0 1 0; }
Dialog .dialog-hint { color: $text-muted; margin: 1 0 0 0; }
Dialog OptionList { height: auto; max-height: 12; }
Dialog .field { height: 1; margin: 0 0 1 0; }
Dialog .field-label { width: 14; color: $text-muted; }
Dialog Input { width: 1fr; }
"""


class Dialog(ModalScreen[Any]):
    """Base: title, body, hint line; Enter/Escape."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings_for("dialog")

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.title_text, classes="dialog-title")
            yield from self.body()
            yield Static(_("dialog.hint"), classes="dialog-hint")

    def body(self) -> ComposeResult:
        """The dialog's own widgets."""
        yield from ()

    def on_mount(self) -> None:
        """Labels in the current language."""
        relabel(self)

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    def action_confirm(self) -> None:
        """Close with the result (subclasses check it first)."""
        self.dismiss(True)


class ConfirmDialog(Dialog):
    """Yes (Enter) or no (Escape)."""

    def __init__(self, title: str, text: str) -> None:
        super().__init__(title)
        self.text = text

    def body(self) -> ComposeResult:
        """The question."""
        yield Static(self.text)

    def action_cancel(self) -> None:
        """No."""
        self.dismiss(False)


class ReasonDialog(Dialog):
    """A short text: a reason, a note."""

    def __init__(self, title: str, label: str, *, value: str = "") -> None:
        super().__init__(title)
        self.label = label
        self.value = value

    def body(self) -> ComposeResult:
        """One text field."""
        with Horizontal(classes="field"):
            yield Label(self.label, classes="field-label")
            yield Input(self.value, compact=True, id="reason")
        yield FieldError(id="reason-error")

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        """Return the text, refusing an empty one."""
        text = self.query_one("#reason", Input).value.strip()
        if not text:
            self.query_one("#reason-error", FieldError).show(_("error.required"))
            return
        self.dismiss(text)


class PickDialog(Dialog):
    """Pick one of a list; typing filters it (for units and agencies)."""

    def __init__(
        self,
        title: str,
        choices: list[tuple[str, str]],
        *,
        text_label: str | None = None,
    ) -> None:
        super().__init__(title)
        self.choices = choices
        self.shown = list(choices)
        self.text_label = text_label

    def body(self) -> ComposeResult:
        """Filter field, list, optional text field."""
        with Horizontal(classes="field"):
            yield Label(_("dialog.filter"), classes="field-label")
            yield Input(compact=True, id="filter")
        yield OptionList(*[Option(label) for _value, label in self.shown], id="choices")
        yield FieldError(id="choices-error")
        if self.text_label:
            with Horizontal(classes="field"):
                yield Label(self.text_label, classes="field-label")
                yield Input(compact=True, id="text")
            yield FieldError(id="text-error")

    def on_mount(self) -> None:
        """Focus the filter, highlight the first choice."""
        super().on_mount()
        self.query_one("#filter", Input).focus()
        if self.shown:
            self.query_one("#choices", OptionList).highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        query = event.value.strip().casefold()
        self.shown = [c for c in self.choices if query in c[1].casefold()]
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        options.add_options([Option(label) for _value, label in self.shown])
        if self.shown:
            options.highlighted = 0

    def on_key(self, event: Any) -> None:
        """Up/Down move in the list while typing in the filter."""
        if (
            event.key in ("up", "down")
            and self.focused is not None
            and self.focused.id == "filter"
        ):
            options = self.query_one("#choices", OptionList)
            if options.option_count:
                step = 1 if event.key == "down" else -1
                current = options.highlighted or 0
                options.highlighted = max(
                    0, min(options.option_count - 1, current + step)
                )
            event.stop()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "filter" and self.text_label:
            self.query_one("#text", Input).focus()
            return
        self.action_confirm()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        """Return the highlighted value (and the text, if asked for)."""
        index = self.query_one("#choices", OptionList).highlighted
        if not self.shown or index is None:
            self.query_one("#choices-error", FieldError).show(_("error.pick-one"))
            return
        value = self.shown[index][0]
        if self.text_label:
            text = self.query_one("#text", Input).value.strip()
            if not text:
                self.query_one("#text-error", FieldError).show(_("error.required"))
                self.query_one("#text", Input).focus()
                return
            self.dismiss((value, text))
            return
        self.dismiss(value)


CHANNELS = ("sp4n-lapor", "ulpim", "direct")


class ReferDialog(Dialog):
    """Refer a non-emergency call: agency and channel proposed, reference typed."""

    def __init__(self, proposal: tuple[str, str] | None, agencies: list[str]) -> None:
        super().__init__(_("refer.title"))
        self.proposal = proposal
        self.agencies = agencies

    def body(self) -> ComposeResult:
        """Agency, channel, reference number."""
        agency, channel = self.proposal or ("", CHANNELS[0])
        if self.proposal:
            yield Static(
                _("refer.proposed", agency=agency, channel=_("channel." + channel))
            )
        with Horizontal(classes="field"):
            yield Label(_("refer.agency"), classes="field-label")
            yield Input(agency, compact=True, id="agency")
        yield FieldError(id="agency-error")
        with Horizontal(classes="field"):
            yield Label(_("refer.channel"), classes="field-label")
            yield Input(
                channel, compact=True, id="channel", placeholder=" / ".join(CHANNELS)
            )
        yield FieldError(id="channel-error")
        with Horizontal(classes="field"):
            yield Label(_("refer.reference"), classes="field-label")
            yield Input(
                compact=True,
                id="reference",
                placeholder=_("refer.reference.placeholder"),
            )
        yield FieldError(id="reference-error")

    def on_mount(self) -> None:
        """With a proposal, only the reference number is left to type."""
        super().on_mount()
        self.query_one("#reference" if self.proposal else "#agency", Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        order = ["agency", "channel", "reference"]
        current = event.input.id or "reference"
        if current != "reference":
            self.query_one(f"#{order[order.index(current) + 1]}", Input).focus()
            return
        self.action_confirm()

    def action_confirm(self) -> None:
        """Check the fields and return the referral."""
        for error in self.query(FieldError):
            error.clear()
        agency = self.query_one("#agency", Input).value.strip().upper()
        channel = self.query_one("#channel", Input).value.strip().lower()
        reference = self.query_one("#reference", Input).value.strip()
        ok = True
        if not agency or (self.agencies and agency not in self.agencies):
            self.query_one("#agency-error", FieldError).show(
                _("error.agency", agencies=", ".join(self.agencies[:12]))
            )
            ok = False
        if channel not in CHANNELS:
            self.query_one("#channel-error", FieldError).show(
                _("error.channel", channels=" / ".join(CHANNELS))
            )
            ok = False
        if not ok:
            return
        self.dismiss(
            {
                "agency_code": agency,
                "channel": channel,
                "reference_number": reference or None,
            }
        )
