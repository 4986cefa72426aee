"""The intake's state and the work typing starts: drafts, caller, places, duplicates.

The key handling and the outcomes are in :mod:`.screen`, on top of this.

The call taker's screen: from F2 to the call's one outcome, keyboard only.

Every key reaches this screen through the app's :class:`~console.typeahead.TypeAhead`
and is handled to the end before the next one (:meth:`IntakeScreen.field_key`):
a Tab or an Enter moves focus at once, so the keys after it land in the next
field however fast they came. Focus moves only as the result of a key —
never in a worker's callback. Enter, Up and Down in a place or type field
look the candidates for the text typed up on the spot (in memory, about a
millisecond), so a burst picks what slow typing would have picked. A key
whose result the engine still owes (an outcome key while the call opens, any
key while an outcome is being saved) waits at the head of the queue; nothing
typed is dropped.

The call opens in the engine the moment F2 is pressed, so its timer runs
from the ring; what is typed is saved as a draft a second after the last
keystroke (crash recovery), and drafts left by a crash are offered back in
a banner, never in a dialog. Workers call the services and post messages;
errors come back to the field that holds the bad input.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, Label, Static
from textual.worker import Worker

from console.action_key import new_action_key, step_key
from console.bindings import bindings_for
from console.i18n import _
from console.incident_types import TypeChoice, infer_answers, search_types
from console.places import PlaceChoice
from console.screens.intake.caller import CallerEntry, earlier_calls
from console.screens.intake.drafts import Draft, DraftsBanner
from console.screens.intake.duplicates import DuplicatesList, find_duplicates
from console.screens.intake.form import IntakeForm
from console.screens.intake.messages import (
    CallerChecked,
    CallOpened,
    DuplicatesFound,
    PlacesFound,
)
from console.screens.intake.outcomes import (
    OutcomeKeys,
)
from console.typeahead import OrderedKeys
from console.widgets.banner import DatabaseBanner
from console.widgets.field_error import FieldError
from console.widgets.key_questions import KeyQuestions
from console.widgets.picker import Picker
from console.widgets.quiet_footer import QuietFooter
from console.widgets.timers import elapsed, targets, timer_text
from dispatch.enums import Priority
from dispatch.errors import InvalidInput
from dispatch.phone import display_number
from dispatch.schemas import CallView

if TYPE_CHECKING:
    from console.app import SiagaApp

log = logging.getLogger("siaga.console.intake")

#: Holds of the key queue (see :mod:`console.typeahead`).
WAIT_CALL = "intake-call-opening"
WAIT_OUTCOME = "intake-outcome"

#: Workers that keep an open call's details saved as it is typed. One that
#: finds its call ended meanwhile (an outcome key won the race) has nothing
#: left to save: the outcome saved the form as it was.
BACKGROUND_SAVES = frozenset({"intake-draft", "intake-caller", "intake-duplicates"})

#: An outcome being saved holds the keys typed after it; a database that
#: does not answer in this long gets them back (its error shows in the banner).
OUTCOME_WAIT_S = 30.0


class IntakeBase(OrderedKeys, Screen[None]):
    """The intake's state, layout and the work typing starts (no key handling)."""

    CSS_PATH = "intake.tcss"
    BINDINGS = bindings_for("intake")
    AUTO_FOCUS = ""  # focus moves only as the result of a key

    def __init__(self) -> None:
        super().__init__(id="intake")
        self.call: CallView | None = None
        #: True from F2 until the engine has opened the call: the form is
        #: already usable (typing is kept), and a second F2 opens nothing.
        self._opening = False
        self._autosave: Timer | None = None
        self._last_saved: dict[str, Any] | None = None
        self._caller_saved: CallerEntry | None = None
        #: The text a place lookup is running for (None: none running).
        self._places_asked: str | None = None
        #: The worker saving an outcome (later keys wait for it).
        self._ending: Worker[None] | None = None
        #: Numbers of the latest caller check and duplicate lookup asked for;
        #: an answer to an older request arrives late under load and is dropped.
        self._caller_asked = 0
        self._duplicates_asked = 0

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @property
    def form(self) -> IntakeForm:
        """The form."""
        return self.query_one(IntakeForm)

    @property
    def duplicates(self) -> list[Any]:
        """The possible duplicates shown now."""
        return self.query_one(DuplicatesList).duplicates

    # -- layout ------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield DatabaseBanner()
        yield DraftsBanner(id="drafts")
        yield Static(id="call-status")
        with Horizontal(id="intake-body"):
            # Disabled until F2; composed so, not switched after mounting
            # (that restyles the whole form at start-up).
            yield IntakeForm(id="form", disabled=True)
            with Vertical(id="side"):
                yield Label(
                    _("intake.duplicates"), id="duplicates-title", classes="side-title"
                )
                yield DuplicatesList(id="duplicates")
                yield OutcomeKeys(id="outcomes")
        yield QuietFooter()

    def on_mount(self) -> None:
        """Start idle: F2 opens a call. Keys typed meanwhile are let in now."""
        self.form.questions.display = False
        self.query_one(DraftsBanner).display = False
        self.set_interval(1.0, self._tick, name="call-timer")
        self.relabel()
        self.keys_ready = True
        drafts = self.siaga.waiting_drafts
        if drafts:
            self.offer_drafts(drafts)
        self.siaga.typeahead.drain()

    def relabel(self) -> None:
        """Re-read every label after a language switch."""
        from console.bindings import relabel

        relabel(self)
        type(self).HELP = _("help.intake")  # the help panel reads the class
        self.form.relabel()
        self.query_one("#duplicates-title", Label).update(_("intake.duplicates"))
        duplicates = self.query_one(DuplicatesList)
        duplicates.show(duplicates.duplicates)
        self.query_one(OutcomeKeys).show(self.siaga.keys_for)
        self.query_one(DraftsBanner).relabel()
        self._tick()
        self.refresh_bindings()

    def _focus(self, name: str) -> None:
        """Focus a field now (``Widget.focus`` would wait for the next idle)."""
        self.set_focus(self.form.widget_of(name))

    # -- call status -----------------------------------------------------------------

    def _show_idle(self) -> None:
        self.form.disabled = self.call is None and not self._opening
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
        answer = self.call.answer_s  # None without a ring: not measured, never 0
        running = elapsed(now, self.call.received_at)
        preview = self.form.priority()
        priority = Priority(preview[0]) if preview else Priority.P1
        text = Text()
        text.append(f" {_('intake.call', id=self.call.id)} ", style="bold reverse")
        text.append(f"  {_('intake.answer')} ")
        if answer is None:
            text.append(_("sup.not-measured"), style="dim")
        else:
            text.append_text(timer_text(answer, target.answer, show_target=True))
        text.append(f"  {_('intake.processing')} ")
        text.append_text(
            timer_text(running, target.dispatch[priority], show_target=True)
        )
        status.update(text)

    # -- drafts ------------------------------------------------------------------------

    def offer_drafts(self, drafts: list[Draft]) -> None:
        """Show calls left open by a crash in the banner (never over the form)."""
        self.query_one(DraftsBanner).offer(
            drafts,
            self.siaga.services.settings.zone,
            self.siaga.keys_for("intake.resume-draft"),
        )

    def action_resume_draft(self) -> None:
        """Put the oldest unfinished call back on the form."""
        if self.call is not None or self._opening:
            self.notify(_("draft.finish-first"), severity="warning")
            return
        draft = self.query_one(DraftsBanner).take()
        if draft is None:
            self.notify(_("draft.none"), severity="information")
            return
        self.restore(*draft)

    def restore(self, call: CallView, draft: dict[str, Any]) -> None:
        """Put a saved call back on the form (after a crash or a closed terminal)."""
        self._reset_form()
        self.call = call
        self.form.disabled = False
        self.form.fill(call, draft)
        self._focus("number")
        self._tick()
        data = self.form.snapshot()
        self._last_saved = data.draft()
        if data.number:
            self._caller_changed()
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
        if self.call is None or self._ending is not None:
            return
        data = self.form.snapshot().draft()
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
            self._focus("number")
            return
        # The form opens at once: the operator types while the engine opens
        # the call (its first write can take a moment on a busy desk).
        self._opening = True
        self._reset_form()
        self.form.disabled = False
        if number:
            self.form.text("number").value = number
            self._focus("location")
        else:
            self._focus("number")
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
        key = new_action_key()
        try:
            call = services.open_call(
                {"caller_number": number} if number else {}, idempotency_key=key
            )
        except InvalidInput:  # telephony sent rubbish: open without it
            bare = services.open_call({}, idempotency_key=step_key(key, "bare"))
            self.post_message(CallOpened(bare, {"number": number}))
            return
        self.post_message(CallOpened(call))

    @on(CallOpened)
    def _call_opened(self, message: CallOpened) -> None:
        """The engine has the call: keep what was typed, save it; focus stays."""
        self._opening = False
        self.call = message.call
        self._tick()
        form = self.form.snapshot()
        if message.call.caller_number and not form.number:
            self.form.text("number").value = display_number(message.call.caller_number)
        if form.number or form.name or message.call.caller_number:
            self._caller_changed()
        self._schedule_autosave()
        self.siaga.typeahead.release(WAIT_CALL)

    def _reset_form(self) -> None:
        self.call = None
        self._last_saved = None
        self._caller_saved = None
        self._places_asked = None
        if self._autosave is not None:
            self._autosave.stop()
        self.form.reset()
        self.query_one(DuplicatesList).show([])

    # -- caller ------------------------------------------------------------------------

    @on(Input.Changed, "#number, #name, #notes")
    def _field_changed(self, event: Input.Changed) -> None:
        if event.input.id:
            error = self.form.query_one(f"#{event.input.id}-error", FieldError)
            error.clear_unless(event.input.value)
        if event.input.id == "notes":
            self._infer_from_notes()
        self._schedule_autosave()

    def _infer_from_notes(self) -> None:
        """Pre-answer key questions from the caller's words typed in the notes.

        For a type picked by code or name, the notes are where the caller's
        words are ("korbannya semaput" → unresponsive = yes). Never replaces an
        answer the operator keyed.
        """
        chosen = self.form.type_picker.chosen
        if chosen is None or not chosen.questions:
            return
        implied = infer_answers(self.form.text("notes").value, chosen.code)
        self.form.questions.infer(implied)  # posts Answered: the priority follows

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        """Leaving the number or name field (also by mouse) saves the caller."""
        if isinstance(event.widget, Input) and event.widget.id in ("number", "name"):
            self._caller_changed()

    def _caller_changed(self) -> bool:
        """Check the number typed and save the caller; False if the number is bad."""
        form = self.form.snapshot()
        entry = CallerEntry(self.call.id if self.call else 0, form.number, form.name)
        problem = entry.problem()
        if problem is not None:
            self.form.show_error("number", problem)
            return False
        if self.call is None or entry == self._caller_saved or self._ending:
            return True  # saved once the call is open; an outcome saves it itself
        self._caller_saved = entry
        self._caller_asked += 1
        self._check_caller(entry, self._caller_asked)
        return True

    @work(
        thread=True,
        exclusive=True,
        group="intake-caller",
        exit_on_error=False,
        description="save caller",
    )
    def _check_caller(self, entry: CallerEntry, asked: int) -> None:
        services = self.siaga.services
        call = services.update_caller(
            entry.call_id,
            caller_number=entry.number or None,
            caller_name=entry.name.strip() or None,
            idempotency_key=new_action_key(),
        )
        history = (
            services.caller_history(call.caller_number) if call.caller_number else None
        )
        self.post_message(CallerChecked(call, history, asked))

    @on(CallerChecked)
    def _caller_checked(self, message: CallerChecked) -> None:
        if self.call is None or message.call.id != self.call.id:
            return
        if message.asked < self._caller_asked:
            return  # a newer check is on its way
        self.call = message.call
        self.form.flag.show(earlier_calls(message.history))
        self._check_duplicates()

    # -- location ----------------------------------------------------------------------

    @on(Picker.Typed, "#location")
    def _location_typed(self, event: Picker.Typed) -> None:
        self._schedule_autosave()
        self._ask_places(self.form.location.input.value)

    def _ask_places(self, text: str) -> None:
        """Look places up for ``text`` unless that lookup is already running."""
        if text.strip() == self._places_asked:
            return
        if not text.strip():
            self._places_asked = None
            self.form.location.set_candidates([], text)
            return
        self._places_asked = text.strip()
        self._lookup_places(text)

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
        picker = self.form.location
        if picker.input.value.strip() != message.text.strip():
            return  # the text changed since: its own lookup is on the way
        self._places_asked = None
        if picker.stale:  # not already looked up by a key
            picker.set_candidates(message.places, message.text)

    def _location_chosen(self) -> None:
        self._check_duplicates(record=True)
        self._schedule_autosave()
        self._focus("type")

    def _check_duplicates(self, record: bool = False) -> None:
        """Look for open incidents this call may be about (place, type, number)."""
        if self.call is None:
            return
        form = self.form.snapshot()
        self._duplicates_asked += 1
        self._find_duplicates(
            self.call,
            form.place,
            form.location_text,
            form.type_code,
            record,
            self._duplicates_asked,
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
        call: CallView,
        place: PlaceChoice | None,
        text: str,
        type_code: str | None,
        record: bool,
        asked: int,
    ) -> None:
        services = self.siaga.services
        if record and place is not None:
            services.record_location(
                call.id, place.location_input(text), idempotency_key=new_action_key()
            )
        found = find_duplicates(
            services,
            place=place,
            type_code=type_code,
            number=call.caller_number,
            received_at=call.received_at,
        )
        self.post_message(DuplicatesFound(call.id, found, asked))

    @on(DuplicatesFound)
    def _duplicates_found(self, message: DuplicatesFound) -> None:
        if message.asked < self._duplicates_asked:
            return  # a newer lookup (say, with the type chosen since) is on its way
        if self.call is not None and message.call_id == self.call.id:
            self.query_one(DuplicatesList).show(message.duplicates)

    # -- type and questions ------------------------------------------------------------

    @on(Picker.Typed, "#type")
    def _type_typed(self, event: Picker.Typed) -> None:
        self._schedule_autosave()
        picker = self.form.type_picker
        text = picker.input.value
        if picker.stale:
            picker.set_candidates(search_types(text), text)

    def _type_chosen(self, choice: TypeChoice) -> None:
        # What the caller's words already answered ("terjepit" → trapped = yes).
        questions = self.form.questions
        questions.set_questions(choice.questions, choice.answer_map)
        self._infer_from_notes()
        self._check_duplicates()
        self.form.show_priority()
        self._tick()
        self._schedule_autosave()
        self._focus(
            "questions" if choice.questions and not questions.complete else "notes"
        )

    @on(KeyQuestions.Answered)
    def _answered(self, event: KeyQuestions.Answered) -> None:
        self.form.show_priority()
        self._tick()
        self._schedule_autosave()
