"""The intake form: its fields in Tab order, what they hold, and their messages.

:class:`IntakeForm` knows nothing about the engine: it is filled from a call
and a draft, reset for the next call, and read as one :class:`FormData`
snapshot — the exact text of every field at the moment a key asks for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from console.i18n import _
from console.incident_types import get_type, preview
from console.places import PlaceChoice
from console.screens.intake.caller import CallerFlag
from console.widgets.field_error import FieldError
from console.widgets.key_questions import KeyQuestions
from console.widgets.picker import LocationPicker, Picker, TypePicker
from console.widgets.timers import priority_text
from dispatch.phone import display_number
from dispatch.schemas import CallView

#: Fields in Tab order.
FIELDS = ("number", "name", "location", "type", "questions", "notes")

#: Engine field names → the form field that shows their errors.
FIELD_OF = {
    "caller_number": "number",
    "caller_name": "name",
    "location": "location",
    "text": "location",
    "lat": "location",
    "lon": "location",
    "type_code": "type",
    "answers": "type",
    "notes": "notes",
}


@dataclass(frozen=True)
class FormData:
    """Everything typed on the form at one moment."""

    number: str = ""
    name: str = ""
    location_text: str = ""
    place: PlaceChoice | None = None
    type_code: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    notes: str = ""

    def draft(self) -> dict[str, Any]:
        """As plain data for the crash-recovery draft."""
        return {
            "number": self.number,
            "name": self.name,
            "location_text": self.location_text,
            "place": self.place.to_dict() if self.place else None,
            "type_code": self.type_code,
            "answers": dict(self.answers),
            "notes": self.notes,
        }

    def location(self) -> dict[str, Any] | None:
        """The picked place as the engine's location input (None if none picked)."""
        return self.place.location_input(self.location_text) if self.place else None

    def classification(self) -> dict[str, Any] | None:
        """The picked type with its answers (None if none picked)."""
        if self.type_code is None:
            return None
        return {"type_code": self.type_code, "answers": dict(self.answers)}


class IntakeForm(VerticalScroll):
    """Number, name, location, type, key questions, notes.

    No field selects its text on focus: Textual does that when the Focus
    event is handled, after the keys typed right behind a Tab, so the next
    key would replace them.
    """

    def compose(self) -> ComposeResult:
        with Horizontal(classes="field"):
            yield Label(_("intake.number"), classes="field-label", id="number-label")
            yield Input(
                compact=True,
                select_on_focus=False,
                id="number",
                placeholder=_("intake.number.placeholder"),
            )
            yield CallerFlag(id="caller-flag")
        yield FieldError(id="number-error")
        with Horizontal(classes="field"):
            yield Label(_("intake.name"), classes="field-label", id="name-label")
            yield Input(
                compact=True,
                select_on_focus=False,
                id="name",
                placeholder=_("intake.name.placeholder"),
            )
        yield FieldError(id="name-error")
        yield LocationPicker(
            "intake.location", "intake.location.placeholder", id="location"
        )
        yield TypePicker("intake.type", "intake.type.placeholder", id="type")
        yield Static(id="priority-preview")
        yield KeyQuestions(id="questions")
        with Horizontal(classes="field"):
            yield Label(_("intake.notes"), classes="field-label", id="notes-label")
            yield Input(
                compact=True,
                select_on_focus=False,
                id="notes",
                placeholder=_("intake.notes.placeholder"),
            )
        yield FieldError(id="notes-error")

    # -- parts -------------------------------------------------------------------

    def text(self, name: str) -> Input:
        """The text field ``number``, ``name`` or ``notes``."""
        return self.query_one(f"#{name}", Input)

    @property
    def location(self) -> LocationPicker:
        """The location picker."""
        return self.query_one(LocationPicker)

    @property
    def type_picker(self) -> TypePicker:
        """The incident-type picker."""
        return self.query_one(TypePicker)

    @property
    def questions(self) -> KeyQuestions:
        """The key questions of the picked type."""
        return self.query_one(KeyQuestions)

    @property
    def flag(self) -> CallerFlag:
        """The caller's history flag."""
        return self.query_one(CallerFlag)

    def widget_of(self, name: str) -> Widget:
        """The widget that takes keys for field ``name``."""
        if name == "location":
            return self.location.input
        if name == "type":
            return self.type_picker.input
        if name == "questions":
            return self.questions
        return self.text(name)

    def field_of(self, widget: Widget | None) -> str | None:
        """Which field ``widget`` belongs to (None: not a form field)."""
        for name in FIELDS:
            if self.widget_of(name) is widget:
                return name
        return None

    def next_field(self, name: str | None, step: int) -> str | None:
        """The field Tab (``step=1``) or Shift+Tab (``-1``) goes to from ``name``."""
        if name is None:
            return FIELDS[0] if step > 0 else None
        index = FIELDS.index(name) + step
        while 0 <= index < len(FIELDS):
            candidate = FIELDS[index]
            if candidate != "questions" or self.questions.questions:
                return candidate
            index += step
        return None

    # -- reading and filling ----------------------------------------------------

    def snapshot(self) -> FormData:
        """What is typed now."""
        location = self.location
        picker = self.type_picker
        return FormData(
            number=self.text("number").value,
            name=self.text("name").value,
            location_text=location.input.value,
            place=location.chosen,
            type_code=picker.chosen.code if picker.chosen else None,
            answers=dict(self.questions.answers),
            notes=self.text("notes").value,
        )

    def fill(self, call: CallView, draft: dict[str, Any]) -> None:
        """Put a saved call back (after a crash or a closed terminal)."""
        number = draft.get("number") or (
            display_number(call.caller_number) if call.caller_number else ""
        )
        self.text("number").value = number
        self.text("name").value = draft.get("name") or call.caller_name or ""
        self.location.set_text(draft.get("location_text") or call.location_text or "")
        if draft.get("place"):
            self.location.choose(PlaceChoice.from_dict(draft["place"]))
        choice = get_type(draft.get("type_code") or call.type_code)
        if choice is not None:
            self.type_picker.set_text(choice.code)
            self.type_picker.choose(choice)
            self.questions.set_questions(
                choice.questions, draft.get("answers") or call.answers
            )
        self.text("notes").value = draft.get("notes") or ""
        self.show_priority()

    def reset(self) -> None:
        """Empty every field for the next call."""
        for name in ("number", "name", "notes"):
            self.text(name).value = ""
        for picker in self.query(Picker):
            picker.set_text("")
            picker.set_candidates([], "")
            picker.choose(None)
        self.questions.set_questions(())
        self.flag.show(None)
        self.clear_errors()
        self.show_priority()

    # -- messages ----------------------------------------------------------------

    def show_error(self, field_name: str | None, message: str) -> bool:
        """Show ``message`` under the field the engine named; False if none fits."""
        target = FIELD_OF.get(field_name or "", field_name)
        if target not in FIELDS:
            return False
        errors = self.query(f"#{target}-error")
        if not errors:
            return False
        widget = self.widget_of(target)
        value = widget.value if isinstance(widget, Input) else None
        errors.first(FieldError).show(message, value)
        return True

    def clear_errors(self) -> None:
        """Hide every field message."""
        for error in self.query(FieldError):
            error.clear()

    def priority(self) -> tuple[str, str] | None:
        """Priority and determinant the picked type and answers give now."""
        picker = self.type_picker
        code = picker.chosen.code if picker.chosen else None
        return preview(code, self.questions.answers)

    def show_priority(self) -> None:
        """Show the priority preview under the type."""
        widget = self.query_one("#priority-preview", Static)
        result = self.priority()
        if result is None:
            widget.update("")
            return
        text = Text(f"{_('intake.priority')}: ")
        text.append_text(priority_text(result[0]))
        text.append(f" {result[1]}")
        widget.update(text)

    def relabel(self) -> None:
        """Re-read every label after a language switch."""
        for name in ("number", "name", "notes"):
            self.query_one(f"#{name}-label", Label).update(_(f"intake.{name}"))
            self.text(name).placeholder = _(f"intake.{name}.placeholder")
        self.location.relabel()
        self.type_picker.relabel()
        self.questions.refresh()
        self.flag.relabel()
        self.show_priority()
