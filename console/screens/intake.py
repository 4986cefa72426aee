"""Call intake: from the ring to the call's one outcome, keyboard only.

The call opens in the engine the moment the call taker presses F2, so its
timer runs from the ring; everything typed is saved as a draft a second
after the last keystroke (crash recovery). Outcomes are one key each and
work from any field. Workers call the services and post messages; errors
come back to the field that holds the bad input.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from console.bindings import bindings_for
from console.i18n import _
from console.incident_types import (
    TypeChoice,
    get_type,
    preview,
    referral_proposal,
    search_types,
)
from console.places import PlaceChoice
from console.widgets.banner import DatabaseBanner
from console.widgets.field_error import FieldError
from console.widgets.key_questions import KeyQuestions
from console.widgets.picker import LocationPicker, Picker, TypePicker
from console.widgets.timers import elapsed, priority_text, targets, timer_text
from dispatch.enums import CallOutcome, Priority
from dispatch.errors import DispatchError, InvalidInput
from dispatch.phone import display_number, normalise_number
from dispatch.schemas import CallerHistory, CallView

if TYPE_CHECKING:
    from console.app import SiagaApp

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

#: Nearby open incidents within this distance are offered as duplicates
#: while the engine's duplicate check is not available.
FALLBACK_DUPLICATE_RADIUS_M = 1000.0


@dataclass(frozen=True)
class DuplicateChoice:
    """An open incident this call may be about."""

    incident_id: int
    number: str
    type_code: str
    priority: str | None
    place: str
    distance_m: float | None


class CallOpened(Message):
    """The engine opened a call for this terminal."""

    def __init__(self, call: CallView, draft: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.call = call
        self.draft = draft


class CallerChecked(Message):
    """The caller's number is saved and its history known."""

    def __init__(self, call: CallView, history: CallerHistory | None) -> None:
        super().__init__()
        self.call = call
        self.history = history


class PlacesFound(Message):
    """Candidate places for what the call taker typed."""

    def __init__(self, text: str, places: list[PlaceChoice]) -> None:
        super().__init__()
        self.text = text
        self.places = places


class DuplicatesFound(Message):
    """Open incidents this call may duplicate."""

    def __init__(self, duplicates: list[DuplicateChoice]) -> None:
        super().__init__()
        self.duplicates = duplicates


class CallEnded(Message):
    """The call got its outcome."""

    def __init__(
        self, outcome: CallOutcome, detail: str, incident_id: int | None = None
    ) -> None:
        super().__init__()
        self.outcome = outcome
        self.detail = detail
        self.incident_id = incident_id


class IntakeScreen(Screen[None]):
    """The call taker's screen."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings_for("intake")
    AUTO_FOCUS = None

    def __init__(self) -> None:
        super().__init__(id="intake")
        self.call: CallView | None = None
        #: True from F2 until the engine has opened the call: the form is
        #: already usable (typing is kept), and a second F2 opens nothing.
        self._opening = False
        self.history: CallerHistory | None = None
        self.duplicates: list[DuplicateChoice] = []
        self._autosave: Timer | None = None
        self._last_saved: dict[str, Any] | None = None

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DatabaseBanner()
        yield Static(id="call-status")
        with Horizontal(id="intake-body"):
            # Disabled until F2; composed so, not switched after mounting
            # (that restyles the whole form at start-up).
            with VerticalScroll(id="form", disabled=True):
                with Horizontal(classes="field"):
                    yield Label(
                        _("intake.number"), classes="field-label", id="number-label"
                    )
                    yield Input(
                        compact=True,
                        id="number",
                        placeholder=_("intake.number.placeholder"),
                    )
                    yield Static(id="caller-flag")
                yield FieldError(id="number-error")
                with Horizontal(classes="field"):
                    yield Label(
                        _("intake.name"), classes="field-label", id="name-label"
                    )
                    yield Input(
                        compact=True,
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
                    yield Label(
                        _("intake.notes"), classes="field-label", id="notes-label"
                    )
                    yield Input(
                        compact=True,
                        id="notes",
                        placeholder=_("intake.notes.placeholder"),
                    )
                yield FieldError(id="notes-error")
            with Vertical(id="side"):
                yield Label(
                    _("intake.duplicates"), id="duplicates-title", classes="side-title"
                )
                yield OptionList(id="duplicates")
                yield Static(id="outcomes")
        yield Footer()

    def on_mount(self) -> None:
        """Start idle: F2 opens a call."""
        self.query_one("#questions", KeyQuestions).display = False
        self.set_interval(1.0, self._tick, name="call-timer")
        self._show_idle()
        self.relabel()

    def relabel(self) -> None:
        """Re-read every label after a language switch."""
        from console.bindings import relabel

        relabel(self)
        type(self).HELP = _("help.intake")  # the help panel reads the class
        for field in ("number", "name", "notes"):
            self.query_one(f"#{field}-label", Label).update(_(f"intake.{field}"))
            self.query_one(f"#{field}", Input).placeholder = _(
                f"intake.{field}.placeholder"
            )
        self.query_one("#duplicates-title", Label).update(_("intake.duplicates"))
        self.query_one(LocationPicker).relabel()
        self.query_one(TypePicker).relabel()
        self.query_one(KeyQuestions).refresh()
        self._show_flag()
        self._show_duplicates()
        self._show_outcomes()
        self._show_priority()
        self._tick()
        self.refresh_bindings()

    # -- state helpers -----------------------------------------------------------------

    def _form(self) -> VerticalScroll:
        return self.query_one("#form", VerticalScroll)

    def _show_idle(self) -> None:
        self._form().disabled = self.call is None
        self._tick()

    def _tick(self) -> None:
        status = self.query_one("#call-status", Static)
        if self.call is None:
            status.update(Text(_("intake.idle"), style="bold"))
            status.set_class(False, "-active")
            return
        status.set_class(True, "-active")
        now = self.siaga.services.clock.now()
        target = targets()
        answer = elapsed(self.call.answered_at or now, self.call.received_at)
        running = elapsed(now, self.call.received_at)
        preview = self._preview()
        priority = preview[0] if preview else Priority.P1
        text = Text()
        text.append(f" {_('intake.call', id=self.call.id)} ", style="bold reverse")
        text.append(f"  {_('intake.answer')} ")
        text.append_text(timer_text(answer, target.answer, show_target=True))
        text.append(f"  {_('intake.processing')} ")
        text.append_text(
            timer_text(running, target.dispatch[Priority(priority)], show_target=True)
        )
        status.update(text)

    def _preview(self) -> tuple[str, str] | None:
        picker = self.query_one(TypePicker)
        code = picker.chosen.code if picker.chosen else None
        return preview(code, self.query_one(KeyQuestions).answers)

    def _show_priority(self) -> None:
        widget = self.query_one("#priority-preview", Static)
        result = self._preview()
        if result is None:
            widget.update("")
            return
        text = Text(f"{_('intake.priority')}: ")
        text.append_text(priority_text(result[0]))
        text.append(f" {result[1]}")
        widget.update(text)

    def _show_flag(self) -> None:
        flag = self.query_one("#caller-flag", Static)
        history = self.history
        if history is None or history.calls == 0:
            flag.update("")
            flag.remove_class("-flagged")
            return
        if history.flagged:
            flag.update(
                _(
                    "intake.flag",
                    prank=history.prank,
                    silent=history.silent,
                    calls=history.calls,
                )
            )
            flag.add_class("-flagged")
        else:
            flag.update(_("intake.known", calls=history.calls))
            flag.remove_class("-flagged")

    def _show_duplicates(self) -> None:
        options = self.query_one("#duplicates", OptionList)
        options.clear_options()
        if not self.duplicates:
            options.add_option(
                Option(Text(_("intake.no-duplicates"), style="dim"), disabled=True)
            )
            return
        for dup in self.duplicates:
            text = priority_text(dup.priority) if dup.priority else Text()
            text.append(f" {dup.number}\n", style="bold")
            text.append(f"  {dup.type_code} · {dup.place}")
            if dup.distance_m is not None:
                text.append(f" · {dup.distance_m:.0f} m")
            options.add_option(Option(text))
        options.highlighted = 0

    def _show_outcomes(self) -> None:
        from console.bindings import BY_ID, display_keys

        lines = Text()
        for binding_id in (
            "intake.create-incident",
            "intake.attach-duplicate",
            "intake.refer",
            "intake.information",
            "intake.prank",
            "intake.silent",
            "intake.abandoned",
        ):
            keys = self.siaga.keys_for(binding_id) or display_keys(
                BY_ID[binding_id].keys
            )
            lines.append(f"{keys.split(',')[0]:<5}", style="bold")
            lines.append(f" {_('key.' + binding_id)}\n")
        self.query_one("#outcomes", Static).update(lines)

    def show_field_error(self, field: str | None, message: str) -> bool:
        """Show ``message`` under the field the engine named; False if none fits."""
        target = FIELD_OF.get(field or "", field)
        try:
            error = self.query_one(f"#{target}-error", FieldError)
        except Exception:
            return False
        error.show(message)
        return True

    def clear_errors(self) -> None:
        """Hide every field message."""
        for error in self.query(FieldError):
            error.clear()

    # -- drafts ------------------------------------------------------------------------

    def draft_data(self) -> dict[str, Any]:
        """What the call taker typed so far, as plain data."""
        location = self.query_one(LocationPicker)
        picker = self.query_one(TypePicker)
        return {
            "number": self.query_one("#number", Input).value,
            "name": self.query_one("#name", Input).value,
            "location_text": location.input.value,
            "place": location.chosen.to_dict() if location.chosen else None,
            "type_code": picker.chosen.code if picker.chosen else None,
            "answers": dict(self.query_one(KeyQuestions).answers),
            "notes": self.query_one("#notes", Input).value,
        }

    def restore(self, call: CallView, draft: dict[str, Any]) -> None:
        """Put a saved call back on the form (after a crash or a closed terminal)."""
        self._start_call(call)
        number = draft.get("number") or (
            display_number(call.caller_number) if call.caller_number else ""
        )
        self.query_one("#number", Input).value = number
        self.query_one("#name", Input).value = (
            draft.get("name") or call.caller_name or ""
        )
        location = self.query_one(LocationPicker)
        location.set_text(draft.get("location_text") or call.location_text or "")
        if draft.get("place"):
            location.choose(PlaceChoice.from_dict(draft["place"]))
        choice = get_type(draft.get("type_code") or call.type_code)
        if choice is not None:
            self.query_one(TypePicker).set_text(choice.code)
            self.query_one(TypePicker).choose(choice)
            self.query_one(KeyQuestions).set_questions(
                choice.questions, draft.get("answers") or call.answers
            )
        self.query_one("#notes", Input).value = draft.get("notes") or ""
        self._show_priority()
        self._last_saved = self.draft_data()
        if number:
            self._check_caller(call.id, number, self.query_one("#name", Input).value)
        self._check_duplicates()

    def _schedule_autosave(self) -> None:
        if self.call is None:
            return
        if self._autosave is not None:
            self._autosave.stop()
        self._autosave = self.set_timer(
            self.siaga.settings.autosave_seconds, self.save_now, name="autosave"
        )

    def save_now(self) -> None:
        """Save the draft now (if it changed)."""
        if self.call is None:
            return
        data = self.draft_data()
        if data != self._last_saved:
            self._last_saved = data
            self._save_draft(self.call.id, data)

    @work(
        thread=True,
        exclusive=True,
        group="intake-draft",
        exit_on_error=False,
        description="save call draft",
    )
    def _save_draft(self, call_id: int, data: dict[str, Any]) -> None:
        self.siaga.services.save_draft(call_id, data)

    # -- opening a call ----------------------------------------------------------------

    def new_call(self, number: str | None = None) -> None:
        """F2: open a call (or go back to the one in progress)."""
        if self._opening:  # a repeated F2 while the call opens: keep typing
            return
        if self.call is not None:
            self.query_one("#number", Input).focus()
            return
        # The form opens at once: the operator types while the engine opens
        # the call (its first write can take a moment on a busy desk).
        self._opening = True
        self._reset_form()
        self._form().disabled = False
        self.query_one("#number", Input).focus()
        self._open_call(number)

    @work(
        thread=True,
        exclusive=True,
        group="intake-call",
        exit_on_error=False,
        description="open call",
    )
    def _open_call(self, number: str | None) -> None:
        services = self.siaga.services
        try:
            call = services.open_call({"caller_number": number} if number else {})
        except (
            InvalidInput
        ):  # telephony sent rubbish: open without it, show it at the field
            call = services.open_call({})
            self.post_message(CallOpened(call, {"number": number or ""}))
            return
        self.post_message(CallOpened(call))

    @on(CallOpened)
    def _call_opened(self, message: CallOpened) -> None:
        if message.draft is not None:
            self._opening = False
            self.restore(message.call, message.draft)
            return
        if self._opening:
            self._opening = False
            self._call_ready(message.call)
        else:
            self._start_call(message.call)
        if message.call.caller_number:
            self.query_one("#number", Input).value = display_number(
                message.call.caller_number
            )
            self._check_caller(message.call.id, message.call.caller_number, "")
            self.query_one(LocationPicker).input.focus()

    def _call_ready(self, call: CallView) -> None:
        """The call F2 asked for exists now: keep what was typed and save it."""
        self.call = call
        self._form().disabled = False
        if self.focused is None or self.focused.screen is not self:
            self.query_one("#number", Input).focus()
        self._tick()
        if (
            self.query_one("#number", Input).value
            or self.query_one("#name", Input).value
        ):
            self._caller_changed()
        self._schedule_autosave()

    def _start_call(self, call: CallView) -> None:
        self._reset_form()
        self.call = call
        self._form().disabled = False
        self.query_one("#number", Input).focus()
        self._tick()

    def _reset_form(self) -> None:
        self.call = None
        self.history = None
        self.duplicates = []
        self._last_saved = None
        if self._autosave is not None:
            self._autosave.stop()
        for field in ("number", "name", "notes"):
            self.query_one(f"#{field}", Input).value = ""
        for picker in self.query(Picker):
            picker.set_text("")
            picker.set_candidates([])
            picker.choose(None)
        self.query_one(KeyQuestions).set_questions(())
        self.clear_errors()
        self._show_flag()
        self._show_duplicates()
        self._show_priority()

    # -- fields ------------------------------------------------------------------------

    @on(Input.Changed, "#number, #name, #notes")
    def _field_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            self.query_one(f"#{event.input.id}-error", FieldError).clear()
        self._schedule_autosave()

    @on(Input.Submitted, "#number")
    def _number_done(self, event: Input.Submitted) -> None:
        event.stop()
        if self._validate_number():
            self.query_one("#name", Input).focus()

    @on(Input.Submitted, "#name")
    def _name_done(self, event: Input.Submitted) -> None:
        event.stop()
        self._caller_changed()
        self.query_one(LocationPicker).input.focus()

    @on(Input.Submitted, "#notes")
    def _notes_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.save_now()

    def on_descendant_blur(self, event: Any) -> None:
        """Leaving the number or name field saves the caller."""
        widget = getattr(event, "widget", None)
        if isinstance(widget, Input) and widget.id in ("number", "name"):
            self._caller_changed()

    def _validate_number(self) -> bool:
        text = self.query_one("#number", Input).value
        try:
            normalise_number(text)
        except InvalidInput as exc:
            self.show_field_error("caller_number", _("error.number", detail=text))
            del exc
            return False
        self._caller_changed()
        return True

    def _caller_changed(self) -> None:
        if self.call is None:
            return
        number = self.query_one("#number", Input).value
        name = self.query_one("#name", Input).value
        try:
            normalise_number(number)
        except InvalidInput:
            self.show_field_error("caller_number", _("error.number", detail=number))
            return
        key = (number, name)
        if getattr(self, "_caller_saved", None) == key:
            return
        self._caller_saved = key
        self._check_caller(self.call.id, number, name)

    @work(
        thread=True,
        exclusive=True,
        group="intake-caller",
        exit_on_error=False,
        description="save caller",
    )
    def _check_caller(self, call_id: int, number: str, name: str) -> None:
        services = self.siaga.services
        call = services.update_caller(
            call_id, caller_number=number or None, caller_name=name or None
        )
        history = (
            services.caller_history(call.caller_number) if call.caller_number else None
        )
        self.post_message(CallerChecked(call, history))

    @on(CallerChecked)
    def _caller_checked(self, message: CallerChecked) -> None:
        if self.call is None or message.call.id != self.call.id:
            return
        self.call = message.call
        # The current call counts in its own history: show earlier calls only.
        history = message.history
        if history is not None:
            history = history.model_copy(update={"calls": max(0, history.calls - 1)})
        self.history = history
        self._show_flag()
        self._check_duplicates()

    # -- location ----------------------------------------------------------------------

    @on(Picker.Typed, "#location")
    def _location_typed(self, event: Picker.Typed) -> None:
        self._schedule_autosave()
        self._lookup_places(event.text)

    @work(
        thread=True,
        exclusive=True,
        group="intake-places",
        exit_on_error=False,
        description="find places",
    )
    def _lookup_places(self, text: str) -> None:
        self.post_message(PlacesFound(text, self.siaga.places.lookup(text, limit=5)))

    @on(PlacesFound)
    def _places_found(self, message: PlacesFound) -> None:
        picker = self.query_one(LocationPicker)
        if picker.input.value.strip() == message.text.strip():
            picker.set_candidates(message.places)

    @on(Picker.Chosen, "#location")
    def _location_chosen(self, event: Picker.Chosen) -> None:
        self._check_duplicates(record=True)
        self._schedule_autosave()
        self.query_one(TypePicker).input.focus()

    def _check_duplicates(self, record: bool = False) -> None:
        """Look for open incidents this call may be about (place, type, number)."""
        if self.call is None:
            return
        location = self.query_one(LocationPicker)
        picker = self.query_one(TypePicker)
        self._find_duplicates(
            self.call.id,
            location.chosen,
            location.input.value,
            picker.chosen.code if picker.chosen else None,
            self.call.caller_number,
            self.call.received_at,
            record,
        )

    @work(
        thread=True,
        exclusive=True,
        group="intake-duplicates",
        exit_on_error=False,
        description="duplicates",
    )
    def _find_duplicates(
        self,
        call_id: int,
        place: PlaceChoice | None,
        text: str,
        type_code: str | None,
        number: str | None,
        received_at: Any,
        record: bool,
    ) -> None:
        services = self.siaga.services
        if record and place is not None:
            services.record_location(call_id, place.location_input(text))
        if place is None and number is None:
            self.post_message(DuplicatesFound([]))
            return
        found: list[DuplicateChoice] = []
        if hasattr(services, "duplicate_candidates"):
            views = services.duplicate_candidates(
                lat=place.lat if place else None,
                lon=place.lon if place else None,
                type_code=type_code,
                caller_number=number,
                received_at=received_at,
                limit=8,
            )
            found = [_duplicate_from_view(v) for v in views]
        elif place is not None:
            from geodata.distance import distance_m

            for inc in services.open_incidents():
                if inc.lat is None or inc.lon is None:
                    continue
                metres = distance_m(place.lat, place.lon, inc.lat, inc.lon)
                if metres <= FALLBACK_DUPLICATE_RADIUS_M:
                    found.append(
                        DuplicateChoice(
                            inc.id,
                            inc.number,
                            inc.type_code,
                            str(inc.priority),
                            inc.place_name or inc.location_text or "",
                            metres,
                        )
                    )
            found.sort(key=lambda d: d.distance_m or 0.0)
        self.post_message(DuplicatesFound(found[:8]))

    @on(DuplicatesFound)
    def _duplicates_found(self, message: DuplicatesFound) -> None:
        self.duplicates = message.duplicates
        self._show_duplicates()

    # -- type and questions ------------------------------------------------------------

    @on(Picker.Typed, "#type")
    def _type_typed(self, event: Picker.Typed) -> None:
        self._schedule_autosave()
        self.query_one(TypePicker).set_candidates(search_types(event.text))

    @on(Picker.Chosen, "#type")
    def _type_chosen(self, event: Picker.Chosen) -> None:
        choice: TypeChoice = event.choice
        questions = self.query_one(KeyQuestions)
        questions.set_questions(choice.questions)
        self._check_duplicates()
        self._show_priority()
        self._tick()
        self._schedule_autosave()
        if choice.questions:
            questions.focus()
        else:
            self.query_one("#notes", Input).focus()

    @on(KeyQuestions.Answered)
    def _answered(self, event: KeyQuestions.Answered) -> None:
        self._show_priority()
        self._tick()
        self._schedule_autosave()
        if event.complete:
            self.query_one("#notes", Input).focus()

    # -- outcomes ----------------------------------------------------------------------

    def _require_call(self) -> CallView | None:
        if self.call is None:
            self.notify(_("intake.no-call"), severity="warning")
        return self.call

    def _location_and_type(self) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
        location = self.query_one(LocationPicker)
        picker = self.query_one(TypePicker)
        place = (
            location.chosen.location_input(location.input.value)
            if location.chosen
            else None
        )
        classification = (
            {
                "type_code": picker.chosen.code,
                "answers": dict(self.query_one(KeyQuestions).answers),
            }
            if picker.chosen
            else None
        )
        return place, classification

    def action_create_incident(self) -> None:
        """Create an incident from this call (location and type required)."""
        call = self._require_call()
        if call is None:
            return
        self.clear_errors()
        place, classification = self._location_and_type()
        ok = True
        if place is None:
            self.show_field_error("location", _("error.no-location"))
            ok = False
        if classification is None:
            self.show_field_error("type_code", _("error.no-type"))
            ok = False
        if not ok:
            return
        self._submit_incident(
            call.id, place, classification, self.query_one("#notes", Input).value
        )

    @work(
        thread=True,
        exclusive=True,
        group="intake-outcome",
        exit_on_error=False,
        description="create incident",
    )
    def _submit_incident(
        self,
        call_id: int,
        place: dict[str, Any] | None,
        classification: dict[str, Any] | None,
        notes: str,
    ) -> None:
        services = self.siaga.services
        if notes.strip():
            services.add_call_note(call_id, notes)
        incident = services.create_incident(
            call_id, location=place, classification=classification
        )
        self.post_message(CallEnded(CallOutcome.INCIDENT, incident.number, incident.id))

    def action_attach_duplicate(self) -> None:
        """Attach this call to the highlighted possible duplicate."""
        call = self._require_call()
        if call is None:
            return
        if not self.duplicates:
            self.notify(_("intake.no-duplicates"), severity="warning")
            return
        index = self.query_one("#duplicates", OptionList).highlighted or 0
        dup = self.duplicates[min(index, len(self.duplicates) - 1)]
        self._submit_attach(call.id, dup, self.query_one("#notes", Input).value)

    @on(OptionList.OptionSelected, "#duplicates")
    def _duplicate_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_attach_duplicate()

    @work(
        thread=True,
        exclusive=True,
        group="intake-outcome",
        exit_on_error=False,
        description="attach duplicate",
    )
    def _submit_attach(self, call_id: int, dup: DuplicateChoice, notes: str) -> None:
        services = self.siaga.services
        if notes.strip():
            services.add_call_note(call_id, notes)
        services.attach_to_incident(call_id, dup.incident_id)
        self.post_message(CallEnded(CallOutcome.DUPLICATE, dup.number, dup.incident_id))

    def action_refer_call(self) -> None:
        """Refer a non-emergency call: agency and channel proposed from the type."""
        call = self._require_call()
        if call is None:
            return
        from console.screens.dialogs import ReferDialog

        picker = self.query_one(TypePicker)
        code = picker.chosen.code if picker.chosen else None
        proposal = referral_proposal(code)
        agencies = self.siaga.agency_codes()

        def referred(result: dict[str, Any] | None) -> None:
            if result is not None and self.call is not None:
                _place, classification = self._location_and_type()
                self._submit_referral(
                    self.call.id,
                    classification,
                    result,
                    self.query_one("#notes", Input).value,
                )

        self.app.push_screen(ReferDialog(proposal, agencies), referred)

    @work(
        thread=True,
        exclusive=True,
        group="intake-outcome",
        exit_on_error=False,
        description="refer call",
    )
    def _submit_referral(
        self,
        call_id: int,
        classification: dict[str, Any] | None,
        referral: dict[str, Any],
        notes: str,
    ) -> None:
        services = self.siaga.services
        if classification is not None:
            services.classify_call(call_id, classification)
        if notes.strip():
            services.add_call_note(call_id, notes)
        view = services.refer_call(call_id, referral)
        detail = f"{view.agency_code} · {view.channel}" + (
            f" · {view.reference_number}" if view.reference_number else ""
        )
        self.post_message(CallEnded(CallOutcome.REFERRAL, detail))

    def _close(self, outcome: CallOutcome) -> None:
        call = self._require_call()
        if call is not None:
            self._submit_close(call.id, outcome, self.query_one("#notes", Input).value)

    def action_close_information(self) -> None:
        """End the call: information given."""
        self._close(CallOutcome.INFORMATION)

    def action_close_prank(self) -> None:
        """End the call: prank."""
        self._close(CallOutcome.PRANK)

    def action_close_silent(self) -> None:
        """End the call: silent / ghost call."""
        self._close(CallOutcome.SILENT)

    def action_close_abandoned(self) -> None:
        """End the call: the caller hung up."""
        self._close(CallOutcome.ABANDONED)

    @work(
        thread=True,
        exclusive=True,
        group="intake-outcome",
        exit_on_error=False,
        description="close call",
    )
    def _submit_close(self, call_id: int, outcome: CallOutcome, notes: str) -> None:
        self.siaga.services.close_call(call_id, outcome, note=notes or None)
        self.post_message(CallEnded(outcome, ""))

    @on(CallEnded)
    def _call_ended(self, message: CallEnded) -> None:
        self.notify(
            _(f"outcome.{message.outcome.value}.done", detail=message.detail),
            title=_("intake.call-ended"),
        )
        if message.incident_id is not None and message.outcome == CallOutcome.INCIDENT:
            self.siaga.focus_incident_id = message.incident_id
        self._reset_form()
        self._show_idle()

    def action_focus_duplicates(self) -> None:
        """Move to the list of possible duplicates."""
        self.query_one("#duplicates", OptionList).focus()

    def action_focus_location(self) -> None:
        """Move to the location field."""
        self.query_one(LocationPicker).input.focus()

    # -- errors ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where service errors become field messages or banners."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            if event.worker.group == "intake-call" and self._opening:
                self._opening = False  # F2 may try again
                self._show_idle()
            self.siaga.report_error(event.worker.error, self)
        elif event.state == WorkerState.SUCCESS:
            self.siaga.database_ok()

    def report_dispatch_error(self, error: DispatchError) -> bool:
        """Field-bound errors go under their field; True when shown."""
        field = getattr(error, "field", None)
        if field is None:
            return False
        from console.i18n import engine_message

        return self.show_field_error(field, engine_message(error.message))


def _duplicate_from_view(view: Any) -> DuplicateChoice:
    def get(*names: str) -> Any:
        for name in names:
            value = getattr(view, name, None)
            if value is not None:
                return value
        return None

    return DuplicateChoice(
        incident_id=int(get("incident_id", "id")),
        number=str(get("number", "incident_number") or ""),
        type_code=str(get("type_code") or ""),
        priority=get("priority"),
        place=str(get("place_name", "place", "location_text") or ""),
        distance_m=get("distance_m"),
    )
