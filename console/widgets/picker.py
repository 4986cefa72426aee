"""A text field with a candidate list under it: arrows move, Enter picks.

:class:`LocationPicker` (places from geodata) and :class:`TypePicker`
(incident types) share the behaviour: typing posts ``Typed`` (the screen
looks candidates up and calls :meth:`Picker.set_candidates` with the text
they are for), Up/Down move the highlight without leaving the field, Enter
picks the highlighted candidate. The pick's details stay shown under the
field.

The candidate list never takes focus (keys stay in the text field, so a Tab
goes to the next field whatever list is opening), and the picker knows which
text its candidates belong to: while they are :attr:`Picker.stale`, the
screen looks them up for the text typed before an Enter picks, so a burst
of keys picks exactly what slow typing would have picked.
"""

from __future__ import annotations

from typing import Any, ClassVar, Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from console.i18n import _
from console.incident_types import TypeChoice
from console.places import PlaceChoice
from console.widgets.field_error import FieldError

T = TypeVar("T")


class _Candidates(OptionList, can_focus=False):
    """The candidate list: driven from the text field, never focused."""


class Picker(Vertical, Generic[T]):
    """Input + candidates + chosen details."""

    DEFAULT_CSS = """
    Picker { height: auto; }
    Picker OptionList {
        height: auto;
        max-height: 6;
        margin: 0 0 0 14;
        display: none;
        border: none;
        padding: 0;
    }
    Picker OptionList.-shown { display: block; }
    Picker .picked { margin: 0 0 0 14; height: auto; color: $text-muted; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down", "move(1)", show=False),
        Binding("up", "move(-1)", show=False),
        Binding("escape", "dismiss_list", show=False),
    ]

    class Typed(Message):
        """The text changed; the screen should look up candidates."""

        def __init__(self, picker: Picker[Any], text: str) -> None:
            super().__init__()
            self.picker = picker
            self.text = text

        @property
        def control(self) -> Picker[Any]:
            """The picker (for ``@on(..., "#id")``)."""
            return self.picker

    class Chosen(Message):
        """The call taker picked a candidate."""

        def __init__(self, picker: Picker[Any], choice: Any) -> None:
            super().__init__()
            self.picker = picker
            self.choice = choice

        @property
        def control(self) -> Picker[Any]:
            """The picker (for ``@on(..., "#id")``)."""
            return self.picker

    def __init__(self, label_key: str, placeholder_key: str, *, id: str) -> None:
        super().__init__(id=id)
        self.label_key = label_key
        self.placeholder_key = placeholder_key
        self.candidates: list[T] = []
        #: The text the candidates were found for.
        self.candidates_text = ""
        self.chosen: T | None = None
        #: The text Escape hid the list at: Enter keeps the earlier pick until
        #: the text changes (read from the field, so no event can lag behind).
        self.dismissed_at: str | None = None
        self._quiet = False

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(_(self.label_key), classes="field-label")
            yield Input(
                placeholder=_(self.placeholder_key),
                compact=True,
                # Selecting on focus happens when the Focus event is handled,
                # after keys already typed: the next key would replace them.
                select_on_focus=False,
                id=f"{self.id}-input",
            )
        yield _Candidates(id=f"{self.id}-options")
        yield Static("", classes="picked")
        yield FieldError(id=f"{self.id}-error")

    @property
    def input(self) -> Input:
        """The text field."""
        return self.query_one(Input)

    @property
    def options(self) -> OptionList:
        """The candidate list."""
        return self.query_one(OptionList)

    def relabel(self) -> None:
        """Re-read labels after a language switch."""
        self.query_one(".field-label", Label).update(_(self.label_key))
        self.input.placeholder = _(self.placeholder_key)
        self.set_candidates(self.candidates, self.candidates_text)
        self._show_chosen()

    def set_text(self, text: str) -> None:
        """Put text in the field without looking anything up (draft restore)."""
        if self.input.value != text:
            self._quiet = True  # the Changed this causes is not typing
            self.input.value = text

    @property
    def stale(self) -> bool:
        """True while the candidates shown are not for the text in the field."""
        return self.candidates_text.strip() != self.input.value.strip()

    def set_candidates(self, candidates: list[T], text: str) -> None:
        """Show the candidates (best first) found for ``text``; highlight the first."""
        self.candidates = list(candidates)
        self.candidates_text = text
        options = self.options
        options.clear_options()
        options.add_options([Option(self.render_candidate(c)) for c in self.candidates])
        focused = self.is_mounted and self.screen.focused is self.input
        options.set_class(bool(self.candidates) and focused, "-shown")
        if self.candidates:
            options.highlighted = 0

    def pick(self) -> T | None:
        """What Enter picks now: the highlighted candidate, else the earlier pick."""
        if self.candidates and self.dismissed_at != self.input.value:
            index = self.options.highlighted or 0
            return self.candidates[min(index, len(self.candidates) - 1)]
        return self.chosen

    def choose(self, choice: T | None) -> None:
        """Set the pick (also from a draft) and show its details."""
        self.chosen = choice
        self.dismissed_at = None
        self.options.remove_class("-shown")
        self._show_chosen()

    def _show_chosen(self) -> None:
        self.query_one(".picked", Static).update(
            self.render_chosen(self.chosen) if self.chosen is not None else ""
        )

    def render_candidate(self, candidate: T) -> Text:
        """One line of the candidate list."""
        return Text(str(candidate))

    def render_chosen(self, choice: T) -> Text:
        """The details shown under the field once picked."""
        return Text(str(choice))

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self.query_one(FieldError).clear_unless(self.input.value)
        if self._quiet:
            self._quiet = False
            return
        self.post_message(self.Typed(self, event.value))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        choice = self.pick()
        if choice is not None:
            self.choose(choice)
            self.post_message(self.Chosen(self, choice))

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        choice = self.candidates[event.option_index]
        self.choose(choice)
        self.post_message(self.Chosen(self, choice))
        self.input.focus()

    def on_descendant_focus(self) -> None:
        """Show the list again when the field gets focus."""
        self.options.set_class(bool(self.candidates), "-shown")

    def on_descendant_blur(self) -> None:
        """Hide the list when leaving the field."""
        if not self.input.has_focus:
            self.options.remove_class("-shown")

    def action_move(self, step: int) -> None:
        """Move the highlight in the candidate list."""
        if not self.candidates:
            return
        self.dismissed_at = None
        self.options.add_class("-shown")
        current = self.options.highlighted or 0
        self.options.highlighted = max(0, min(len(self.candidates) - 1, current + step))

    def action_dismiss_list(self) -> None:
        """Hide the candidates."""
        self.dismissed_at = self.input.value
        self.options.remove_class("-shown")


def _distance(metres: float | None) -> str:
    if metres is None:
        return ""
    return f"{metres:.0f} m" if metres < 1000 else f"{metres / 1000:.1f} km"


class LocationPicker(Picker[PlaceChoice]):
    """Where the caller is: geodata candidates, coordinates and map links."""

    def render_candidate(self, candidate: PlaceChoice) -> Text:
        """Name, kind and kelurahan of a candidate."""
        text = Text(candidate.name, style="bold")
        if candidate.kind:
            kind = candidate.kind
            text.append(f" ({_('kind.' + kind) if kind in _KINDS else kind})")
        if candidate.kelurahan:
            text.append(f" · {_('place.kel')} {candidate.kelurahan}")
        return text

    def render_chosen(self, choice: PlaceChoice) -> Text:
        """Kelurahan, kecamatan and nearest landmark of the pick."""
        text = Text("✔ ", style="bold green")
        text.append(choice.name, style="bold")
        parts = []
        if choice.kelurahan:
            parts.append(f"{_('place.kel')} {choice.kelurahan}")
        if choice.kecamatan:
            parts.append(f"{_('place.kec')} {choice.kecamatan}")
        if choice.landmark and choice.landmark != choice.name:
            parts.append(
                _(
                    "place.near",
                    landmark=choice.landmark,
                    distance=_distance(choice.landmark_m),
                ).strip()
            )
        if parts:
            text.append(" · " + " · ".join(parts))
        return text


_KINDS = frozenset(
    {"coordinates", "landmark", "street", "kelurahan", "kecamatan", "school", "station"}
)


class TypePicker(Picker[TypeChoice]):
    """What happened: the incident type, by code, names or synonyms."""

    def render_candidate(self, candidate: TypeChoice) -> Text:
        """Code and name of a type."""
        # Codes run to 17 characters (VIOLENCE-DOMESTIC): pad to 18 and
        # always leave a space, so a long code never runs into its name.
        text = Text(f"{candidate.code:<17} ", style="bold")
        text.append(candidate.name)
        if not candidate.emergency:
            text.append(f" [{_('type.non-emergency')}]", style="italic")
        return text

    def render_chosen(self, choice: TypeChoice) -> Text:
        """The picked type."""
        text = Text("✔ ", style="bold green")
        text.append(f"{choice.code} ", style="bold")
        text.append(choice.name)
        if not choice.emergency:
            text.append(f" — {_('type.refer-hint')}", style="italic")
        return text
