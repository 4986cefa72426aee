"""The call taker's screen: what each key does, and the call's one outcome.

:class:`IntakeScreen` adds to :class:`~.base.IntakeBase` the handling of every
key (through the app's key queue, one at a time, to the end) and the outcome
keys F6-F12, which read the form as it is at that key.
"""

from __future__ import annotations

from typing import Any

from textual import events, on, work
from textual.worker import Worker, WorkerState

from console.i18n import _
from console.incident_types import (
    referral_details,
    referral_proposal,
    search_types,
)
from console.screens.intake.base import (
    BACKGROUND_SAVES,
    OUTCOME_WAIT_S,
    WAIT_CALL,
    WAIT_OUTCOME,
    IntakeBase,
    log,
)
from console.screens.intake.caller import CallerEntry
from console.screens.intake.drafts import DraftsBanner
from console.screens.intake.duplicates import DuplicatesList
from console.screens.intake.messages import CallEnded
from console.screens.intake.outcomes import OutcomeRequest, submit_outcome
from console.widgets.picker import Picker
from dispatch.enums import CallOutcome
from dispatch.errors import DispatchError, InvalidTransition
from dispatch.schemas import CallView


class IntakeScreen(IntakeBase):
    """The call taker's screen."""

    # -- keys (each handled to the end before the next) ------------------------

    def field_key(self, event: events.Key) -> bool:
        """What the focused field does with ``event``; True if handled."""
        key = event.key
        name = self.form.field_of(self.focused)
        if key in ("tab", "shift+tab"):
            return self._move(name, 1 if key == "tab" else -1)
        if isinstance(self.focused, DuplicatesList) and key == "enter":
            self.action_attach_duplicate()
            return True
        if name in ("location", "type"):
            return self._picker_key(name, key)
        if name == "questions":
            return self._answer(event)
        if key != "enter":
            return False
        if name == "number":
            if self._caller_changed():
                self._focus("name")
            return True
        if name == "name":
            self._caller_changed()
            self._focus("location")
            return True
        if name == "notes":
            self.save_now()
            return True
        return False

    def _move(self, name: str | None, step: int) -> bool:
        if self.form.disabled:
            return True
        if name in ("number", "name"):
            self._caller_changed()
        target = self.form.next_field(name, step)
        if target is None and step > 0:
            self.set_focus(self.query_one(DuplicatesList))
        elif target is not None:
            self._focus(target)
        return True

    def _picker_key(self, name: str, key: str) -> bool:
        if key not in ("enter", "up", "down"):
            return False
        if name == "location":
            location = self.form.location
            if self._ready_to_pick(location, key):
                place = location.pick()
                if place is not None:
                    location.choose(place)
                    self._location_chosen()
            return True
        picker = self.form.type_picker
        if self._ready_to_pick(picker, key):
            choice = picker.pick()
            if choice is not None:
                picker.choose(choice)
                self._type_chosen(choice)
        return True

    def _ready_to_pick(self, picker: Picker[Any], key: str) -> bool:
        """Up/Down move the highlight now; True for an Enter."""
        if picker.stale:
            self._fresh_candidates(picker)
        if key != "enter":
            picker.action_move(1 if key == "down" else -1)
            return False
        return True

    def _fresh_candidates(self, picker: Picker[Any]) -> None:
        """Candidates for the text in ``picker`` now, looked up on the spot.

        Both searches are in memory and take about a millisecond, so the key
        that needs them (Enter, Up, Down) finds them at once: a burst picks
        exactly what slow typing would have picked, with no wait.
        """
        text = picker.input.value
        if picker is self.form.type_picker:
            picker.set_candidates(search_types(text), text)
        else:
            picker.set_candidates(self.siaga.places.lookup(text, limit=5), text)

    def _answer(self, event: events.Key) -> bool:
        questions = self.form.questions
        if not questions.answer(event.character):
            return False
        self.form.show_priority()
        if questions.complete:
            self._focus("notes")
        return True

    # -- outcomes (one key each, from any field) -------------------------------------

    def _call_for_key(self) -> CallView | None:
        """The call an outcome key ends; while it opens, the key waits for it."""
        if self.call is None and self._opening:
            if not self.siaga.typeahead.wait(WAIT_CALL):
                self.notify(_("intake.opening"), severity="warning")
            return None
        if self.call is None:
            self.notify(_("intake.no-call"), severity="warning")
        return self.call

    def _end(self, request: OutcomeRequest) -> None:
        """Check the number typed, then save the outcome; later keys wait for it."""
        problem = CallerEntry(request.call.id, request.form.number, "").problem()
        if problem is not None:
            self.form.show_error("number", problem)
            self._focus("number")
            return
        if self._autosave is not None:
            self._autosave.stop()
        self.siaga.typeahead.hold(WAIT_OUTCOME, timeout=OUTCOME_WAIT_S)
        self._ending = self._submit_outcome(request)

    @work(
        thread=True,
        group="intake-outcome",
        exit_on_error=False,
        description="end call",
    )
    def _submit_outcome(self, request: OutcomeRequest) -> None:
        result = submit_outcome(self.siaga.services, request)
        self.post_message(
            CallEnded(result.call_id, result.outcome, result.detail, result.incident_id)
        )

    def action_create_incident(self) -> None:
        """Create an incident from this call (location and type required)."""
        call = self._call_for_key()
        if call is None:
            return
        self.form.clear_errors()
        form = self.form.snapshot()
        if form.place is None:
            self.form.show_error("location", _("error.no-location"))
        if form.type_code is None:
            self.form.show_error("type", _("error.no-type"))
        if form.place is not None and form.type_code is not None:
            self._end(OutcomeRequest(call, CallOutcome.INCIDENT, form))

    def action_attach_duplicate(self) -> None:
        """Attach this call to the highlighted possible duplicate."""
        call = self._call_for_key()
        if call is None:
            return
        dup = self.query_one(DuplicatesList).current
        if dup is None:
            self.notify(_("intake.no-duplicates"), severity="warning")
            return
        form = self.form.snapshot()
        self._end(OutcomeRequest(call, CallOutcome.DUPLICATE, form, duplicate=dup))

    def action_refer_call(self) -> None:
        """Refer a non-emergency call: agency and channel proposed from the type."""
        call = self._call_for_key()
        if call is None:
            return
        from console.screens.dialogs import ReferDialog

        form = self.form.snapshot()
        proposal = referral_proposal(form.type_code)

        def referred(result: dict[str, Any] | None) -> None:
            if result is not None and self.call is not None:
                self._end(
                    OutcomeRequest(
                        self.call,
                        CallOutcome.REFERRAL,
                        self.form.snapshot(),
                        referral=result,
                    )
                )

        self.app.push_screen(
            ReferDialog(
                proposal,
                self.siaga.agency_names(),
                self.siaga.agency_channels(),
                type_code=form.type_code,
                details=referral_details(form.type_code),
            ),
            referred,
        )

    def _close(self, outcome: CallOutcome) -> None:
        call = self._call_for_key()
        if call is not None:
            self._end(OutcomeRequest(call, outcome, self.form.snapshot()))

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

    @on(CallEnded)
    def _call_ended(self, message: CallEnded) -> None:
        self.notify(
            _(f"outcome.{message.outcome.value}.done", detail=message.detail),
            title=_("intake.call-ended"),
        )
        if message.incident_id is not None and message.outcome == CallOutcome.INCIDENT:
            self.siaga.focus_incident_id = message.incident_id
        self.query_one(DraftsBanner).drop(message.call_id)
        if self.call is not None and self.call.id == message.call_id:
            self._reset_form()
            self.set_focus(None)
            self._show_idle()
        self._ending = None
        self.siaga.typeahead.release(WAIT_OUTCOME)

    def action_focus_duplicates(self) -> None:
        """Move to the list of possible duplicates."""
        self.set_focus(self.query_one(DuplicatesList))

    def action_focus_location(self) -> None:
        """Move to the location field."""
        self._focus("location")

    # -- errors ------------------------------------------------------------------------

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """One place where service errors become field messages or banners."""
        group = event.worker.group
        if event.state == WorkerState.SUCCESS:
            self.siaga.database_ok()
            return
        if event.state not in (WorkerState.ERROR, WorkerState.CANCELLED):
            return
        if event.worker is self._ending:  # the outcome the keys wait for failed
            self._ending = None
            self.siaga.typeahead.release(WAIT_OUTCOME)
        error = event.worker.error
        if event.state == WorkerState.CANCELLED or error is None:
            return
        if group in BACKGROUND_SAVES and isinstance(error, InvalidTransition):
            log.info("call ended while %s ran: nothing left to save", group)
            return
        if group == "intake-call" and self._opening:
            self._opening = False  # F2 may try again
            self._show_idle()
            self.siaga.typeahead.release(WAIT_CALL)
        if group == "intake-places":
            self._places_asked = None
            location = self.form.location
            location.set_candidates([], location.input.value)
        self.siaga.report_error(error, self)

    def report_dispatch_error(self, error: DispatchError) -> bool:
        """Field-bound errors go under their field; True when shown."""
        field = getattr(error, "field", None)  # only InvalidInput names a field
        if field is None:
            return False
        from console.i18n import engine_message

        return self.form.show_error(field, engine_message(error.message))
