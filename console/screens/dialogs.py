"""Modal dialogs: confirm, give a reason, pick from a list, refer a call.

Each is a ``ModalScreen[T]`` that returns its result through ``dismiss``;
Enter confirms, Escape cancels (binding ids ``dialog.confirm`` /
``dialog.cancel``). Typed values are checked here first and again by the
engine; a message appears under the field, never a traceback.

Dialogs take their keys from the app's ordered key queue
(:mod:`console.typeahead`), like the intake: a dialog takes no key until its
first field has focus, and Enter, Tab and the arrows move focus or change a
choice before the next key is looked at. "amb⏎" typed fast into a pick list
therefore picks from the list filtered by "amb", and a reference typed right
after Enter lands in the field Enter moved to.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events, on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Label, OptionList, Select, Static
from textual.widgets._select import SelectOverlay
from textual.widgets.option_list import Option

from console.bindings import bindings_for, relabel
from console.i18n import _, engine_message
from console.typeahead import (
    OrderedKeys,
    handles_keys_itself,
    keep_typed_text_on_focus,
)
from console.widgets.field_error import FieldError

if TYPE_CHECKING:
    from console.incident_types import DetailQuestion

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


class Dialog(OrderedKeys, ModalScreen[Any]):
    """Base: title, body, hint line; Enter/Escape; keys in order."""

    DEFAULT_CSS = DIALOG_CSS
    BINDINGS = bindings_for("dialog")
    #: The field that has focus when the dialog opens (None: none needed).
    FIRST_FIELD: str | None = None

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
        """Labels in the current language; focus on the first field at once.

        ``set_focus`` rather than ``focus()``: the latter only schedules it,
        and a key handled meanwhile would find another field focused.
        """
        relabel(self)
        keep_typed_text_on_focus(self)
        first = self.first_field()
        if first is not None:
            self.set_focus(self.query_one(first))

    def first_field(self) -> str | None:
        """The selector of the field focused when the dialog opens."""
        return self.FIRST_FIELD

    @property
    def keys_ready(self) -> bool:  # type: ignore[override]  # OrderedKeys: a flag
        """Keys wait while the dialog is built or a list is opening."""
        if not self.is_mounted:
            return False
        if self.focused is None and self.focus_chain:
            return False
        return not any(
            select.expanded and not select.query_one(SelectOverlay).has_focus
            for select in self.query(Select)
        )

    def take_key(self, event: events.Key | events.Paste) -> bool:
        """In order, except inside an open list: its type-to-search is Textual's."""
        if handles_keys_itself(self.focused):
            return False  # still in queue order, handled by the list itself
        return super().take_key(event)

    def field_key(self, event: events.Key) -> bool:
        """Enter in a text field, the arrows on a closed list: done now."""
        focused = self.focused
        if isinstance(focused, Input) and event.key == "enter":
            self.field_submitted(focused)
            return True
        moving = event.key in ("up", "down")
        if moving and isinstance(focused, Select) and not focused.expanded:
            _step_select(focused, 1 if event.key == "down" else -1)
            return True
        return False

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        """Enter in a field when keys do not come through the queue."""
        event.stop()
        self.field_submitted(event.input)

    def field_submitted(self, field: Input) -> None:
        """Enter in ``field``: confirm (dialogs with steps move on instead)."""
        self.action_confirm()

    def action_cancel(self) -> None:
        """Close without a result."""
        self.dismiss(None)

    def action_confirm(self) -> None:
        """Close with the result (subclasses check it first)."""
        self.dismiss(True)


def _step_select(select: Select[Any], step: int) -> None:
    """Choose the option before or after the current one (no overlay)."""
    values = [value for _prompt, value in select._options if value is not Select.NULL]
    if not values:
        return
    try:
        index = values.index(select.value) + step
    except ValueError:
        index = 0 if step > 0 else len(values) - 1
    select.value = values[max(0, min(len(values) - 1, index))]


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

    FIRST_FIELD = "#reason"

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

    def action_confirm(self) -> None:
        """Return the text, refusing an empty one."""
        text = self.query_one("#reason", Input).value.strip()
        if not text:
            self.query_one("#reason-error", FieldError).show(_("error.required"))
            return
        self.dismiss(text)


class PickDialog(Dialog):
    """Pick one of a list; typing filters it (for units and agencies)."""

    FIRST_FIELD = "#filter"

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
        self._filtered_for = ""

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
        if self.shown:
            self.query_one("#choices", OptionList).highlighted = 0

    @on(Input.Changed, "#filter")
    def _filter(self, event: Input.Changed) -> None:
        self._sync_filter()

    def _sync_filter(self) -> None:
        """Show the choices matching the filter as it reads now.

        Called before any key that reads the list, so a fast "amb⏎" picks
        from the filtered list even before ``Input.Changed`` arrives.
        """
        text = self.query_one("#filter", Input).value
        if text == self._filtered_for:
            return
        self._filtered_for = text
        query = text.strip().casefold()
        self.shown = [c for c in self.choices if query in c[1].casefold()]
        options = self.query_one("#choices", OptionList)
        options.clear_options()
        options.add_options([Option(label) for _value, label in self.shown])
        if self.shown:
            options.highlighted = 0

    def field_key(self, event: events.Key) -> bool:
        """Up/Down move in the list while typing in the filter."""
        focused = self.focused
        moving = event.key in ("up", "down")
        if moving and focused is not None and focused.id == "filter":
            self._move(1 if event.key == "down" else -1)
            return True
        return super().field_key(event)

    def on_key(self, event: events.Key) -> None:
        """Up/Down in the filter when keys do not come through the queue."""
        if self.field_key(event) and event.key in ("up", "down"):
            event.stop()

    def _move(self, step: int) -> None:
        self._sync_filter()
        options = self.query_one("#choices", OptionList)
        if options.option_count:
            current = options.highlighted or 0
            options.highlighted = max(0, min(options.option_count - 1, current + step))

    def field_submitted(self, field: Input) -> None:
        """Enter in the filter moves to the text field, if there is one."""
        if field.id == "filter" and self.text_label:
            self.set_focus(self.query_one("#text", Input))
            return
        self.action_confirm()

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_confirm()

    def action_confirm(self) -> None:
        """Return the highlighted value (and the text, if asked for)."""
        self._sync_filter()
        index = self.query_one("#choices", OptionList).highlighted
        if not self.shown or index is None:
            self.query_one("#choices-error", FieldError).show(_("error.pick-one"))
            return
        value = self.shown[index][0]
        if self.text_label:
            text = self.query_one("#text", Input).value.strip()
            if not text:
                self.query_one("#text-error", FieldError).show(_("error.required"))
                self.set_focus(self.query_one("#text", Input))
                return
            self.dismiss((value, text))
            return
        self.dismiss(value)


class ReferDialog(Dialog):
    """Refer a non-emergency call: agency, channel and sector chosen, reference typed.

    The agency, channel and sector are picked from lists (proposed from the
    incident type), never typed; only the reference number is free text.
    Without a proposal, picking an agency picks its preferred channel (the
    region pack's ``channels`` column).
    """

    def __init__(
        self,
        proposal: tuple[str, str, str | None] | None,
        agencies: dict[str, str],
        channels: dict[str, tuple[str, ...]] | None = None,
        *,
        type_code: str | None = None,
        details: tuple[DetailQuestion, ...] = (),
    ) -> None:
        super().__init__(_("refer.title"))
        self.proposal = proposal
        self.agencies = agencies
        self.channels = channels or {}
        self.type_code = type_code
        self.details = details
        """The office's questions for this type (water, sanitation, drainage)."""

    @on(Select.Changed, "#agency")
    def _preferred_channel(self, event: Select.Changed) -> None:
        if self.proposal is not None:
            return  # the type's proposal stands
        preferred = self.channels.get(str(event.value), ())
        if preferred:
            self.query_one("#channel", Select).value = preferred[0]

    def body(self) -> ComposeResult:
        """Agency, channel, sector, reference number."""
        from console.followup import (
            channel_choices,
            channel_label,
            sector_choices,
            sector_label,
        )

        agency, channel, sector = self.proposal or (None, "sp4n-lapor", None)
        if self.proposal:
            yield Static(
                _(
                    "refer.proposed",
                    agency=self.agencies.get(agency or "", agency),
                    channel=channel_label(channel),
                )
                + "\n"
                + _("refer.sector.proposed", sector=sector_label(sector))
            )
        agency_options = [
            (f"{name} ({code})" if name != code else code, code)
            for code, name in self.agencies.items()
        ]
        with Horizontal(classes="field"):
            yield Label(_("refer.agency"), classes="field-label")
            yield Select(
                agency_options,
                value=agency if agency in self.agencies else Select.NULL,
                compact=True,
                id="agency",
            )
        yield FieldError(id="agency-error")
        with Horizontal(classes="field"):
            yield Label(_("refer.channel"), classes="field-label")
            yield Select(
                channel_choices(),
                value=channel,
                allow_blank=False,
                compact=True,
                id="channel",
            )
        yield FieldError(id="channel-error")
        with Horizontal(classes="field"):
            yield Label(_("refer.sector"), classes="field-label")
            yield Select(
                sector_choices(),
                value=sector or "other",
                allow_blank=False,
                compact=True,
                id="sector",
            )
        yield FieldError(id="sector-error")
        with Horizontal(classes="field"):
            yield Label(_("refer.reference"), classes="field-label")
            yield Input(
                compact=True,
                id="reference",
                placeholder=_("refer.reference.placeholder"),
            )
        yield FieldError(id="reference-error")
        for detail in self.details:
            with Horizontal(classes="field"):
                yield Label(detail.text, classes="field-label detail-label")
                yield Input(
                    compact=True,
                    id=f"detail-{detail.id}",
                    type="integer" if detail.kind == "count" else "text",
                )
            yield FieldError(id=f"detail-{detail.id}-error")
        yield Checkbox(_("refer.callback"), id="callback", compact=True)

    def first_field(self) -> str:
        """With a proposal, only the reference number is left to type."""
        return "#reference" if self.proposal else "#agency"

    def action_confirm(self) -> None:
        """Check the choices and return the referral."""
        for error in self.query(FieldError):
            error.clear()
        agency = self.query_one("#agency", Select).value
        if agency is Select.NULL or agency not in self.agencies:
            self.query_one("#agency-error", FieldError).show(_("error.pick-one"))
            self.set_focus(self.query_one("#agency", Select))
            return
        reference = self.query_one("#reference", Input).value.strip()
        details = self._details()
        if details is None:
            return
        self.dismiss(
            {
                "agency_code": str(agency),
                "channel": str(self.query_one("#channel", Select).value),
                "sector": str(self.query_one("#sector", Select).value),
                "reference_number": reference or None,
                "callback": self.query_one("#callback", Checkbox).value,
                "details": details,
            }
        )

    def _details(self) -> dict[str, str] | None:
        """The office's answers, checked by the engine's rule; None if one is bad.

        The same check runs again in the service; running it here puts the
        message under the field that needs fixing, while the dialog is open.
        """
        from dispatch.errors import InvalidInput
        from dispatch.referral_details import clean_details

        typed = {
            d.id: self.query_one(f"#detail-{d.id}", Input).value for d in self.details
        }
        try:
            return clean_details(self.type_code, typed)
        except InvalidInput as exc:
            key = (exc.field or "").removeprefix("details.")
            self.query_one(f"#detail-{key}-error", FieldError).show(
                engine_message(str(exc))
            )
            self.set_focus(self.query_one(f"#detail-{key}", Input))
            return None
