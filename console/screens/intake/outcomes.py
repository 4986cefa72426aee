"""The call's one outcome: what an outcome key asks the engine for, and the key list.

An outcome key reads the whole form at the moment it is pressed (a number
typed a millisecond before F10 included) into an :class:`OutcomeRequest`; a
worker hands it to :func:`submit_outcome`, which saves the caller first when
the form holds more than the engine knows, then ends the call.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.widgets import Static

from console.action_key import new_action_key, step_key
from console.bindings import BY_ID, display_keys
from console.followup import agency_names, referral_detail
from console.i18n import _
from console.screens.intake.duplicates import DuplicateChoice
from console.screens.intake.form import FormData
from dispatch.enums import CallOutcome
from dispatch.phone import normalise_number
from dispatch.schemas import CallView

#: Outcome binding ids in the order the side panel lists them.
OUTCOME_KEYS = (
    "intake.create-incident",
    "intake.attach-duplicate",
    "intake.refer",
    "intake.information",
    "intake.prank",
    "intake.silent",
    "intake.abandoned",
)


@dataclass(frozen=True)
class OutcomeRequest:
    """One outcome for one call, with the form as it was when the key was pressed."""

    call: CallView
    outcome: CallOutcome
    form: FormData
    duplicate: DuplicateChoice | None = None
    referral: dict[str, Any] | None = None
    key: str = field(default_factory=new_action_key)
    """The action's idempotency key: each write below uses one step of it."""


@dataclass(frozen=True)
class OutcomeResult:
    """What the engine did: the call's outcome and what to tell the call taker."""

    call_id: int
    outcome: CallOutcome
    detail: str
    incident_id: int | None = None


def caller_changed(call: CallView, form: FormData) -> bool:
    """True when the number or name on the form is not what the engine holds."""
    return normalise_number(form.number or None) != call.caller_number or (
        form.name.strip() or None
    ) != (call.caller_name or None)


def submit_outcome(services: Any, request: OutcomeRequest) -> OutcomeResult:
    """End the call as asked (runs in a worker); engine errors propagate.

    Every write carries a step of the request's idempotency key, so the
    engine's retry after a lost answer never ends the call twice.
    """
    call_id = request.call.id
    form = request.form

    def key(step: str) -> str:
        return step_key(request.key, step)

    if caller_changed(request.call, form):
        services.update_caller(
            call_id,
            caller_number=form.number or None,
            caller_name=form.name.strip() or None,
            idempotency_key=key("caller"),
        )
    outcome = request.outcome
    notes = form.notes.strip()
    if outcome == CallOutcome.INCIDENT:
        if notes:
            services.add_call_note(call_id, notes, idempotency_key=key("note"))
        incident = services.create_incident(
            call_id,
            location=form.location(),
            classification=form.classification(),
            idempotency_key=key("incident"),
        )
        return OutcomeResult(call_id, outcome, incident.number, incident.id)
    if outcome == CallOutcome.DUPLICATE:
        dup = request.duplicate
        if dup is None:
            raise ValueError("attaching a call needs the incident it duplicates")
        if notes:
            services.add_call_note(call_id, notes, idempotency_key=key("note"))
        services.attach_to_incident(
            call_id, dup.incident_id, idempotency_key=key("attach")
        )
        return OutcomeResult(call_id, outcome, dup.number, dup.incident_id)
    if outcome == CallOutcome.REFERRAL:
        if request.referral is None:
            raise ValueError("a referral needs its agency and channel")
        classification = form.classification()
        if classification is not None:
            services.classify_call(
                call_id, classification, idempotency_key=key("classify")
            )
        if notes:
            services.add_call_note(call_id, notes, idempotency_key=key("note"))
        view = services.refer_call(
            call_id, request.referral, idempotency_key=key("refer")
        )
        detail = referral_detail(view, agency_names(services.pack))
        return OutcomeResult(call_id, outcome, detail)
    services.close_call(
        call_id, outcome, note=notes or None, idempotency_key=key("close")
    )
    return OutcomeResult(call_id, outcome, "")


class OutcomeKeys(Static):
    """The outcome keys, one per line (the config's keymap wins)."""

    def show(self, keys_for: Any) -> None:
        """Render with ``keys_for(binding_id)`` giving the keys bound now."""
        lines = Text()
        for binding_id in OUTCOME_KEYS:
            keys = keys_for(binding_id) or display_keys(BY_ID[binding_id].keys)
            lines.append(f"{keys.split(',')[0]:<5}", style="bold")
            lines.append(f" {_('key.' + binding_id)}\n")
        self.update(lines)
