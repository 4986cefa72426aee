"""Dialogs of the "no wrong door" follow-up: acknowledge a hand-off, follow a referral.

:class:`HandoffAckDialog` records who at the agency acknowledged, by radio,
phone or WhatsApp, and when (empty = now). :class:`ReferralAckDialog` takes
the agency's reference number and a note; :class:`ReferralResolveDialog` a
note. Each returns a dict through ``dismiss``; the screen hands it to the
service facade in a thread worker. Typed values are checked here first, at
their field, and again by the engine.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Input, Label, Select, Static

from console.followup import (
    channel_label,
    fmt_waited,
    means_choices,
    parse_local_time,
    sector_label,
)
from console.i18n import _
from console.screens.dialogs import Dialog
from console.widgets.field_error import FieldError


def _field(label: str, widget: Any, error_id: str) -> ComposeResult:
    with Horizontal(classes="field"):
        yield Label(label, classes="field-label")
        yield widget
    yield FieldError(id=error_id)


class HandoffAckDialog(Dialog):
    """Who at the agency acknowledged, by which means, at what time."""

    def __init__(self, waiting: Any, *, now_local: datetime) -> None:
        super().__init__(
            _(
                "handoff-ack.title",
                agency=waiting.agency_name,
                number=waiting.incident_number,
            )
        )
        self.waiting = waiting
        self.now_local = now_local

    def body(self) -> ComposeResult:
        """Who, by which means, when."""
        yield Static(
            _(
                "alarm.waiting",
                agency=self.waiting.agency_name,
                number=self.waiting.incident_number,
                waited=fmt_waited(self.waiting.waited_s),
            )
        )
        yield from _field(
            _("handoff-ack.by"),
            Input(compact=True, id="by", placeholder=_("handoff-ack.by.placeholder")),
            "by-error",
        )
        yield from _field(
            _("handoff-ack.via"),
            Select(
                means_choices(),
                value="radio",
                allow_blank=False,
                compact=True,
                id="via",
            ),
            "via-error",
        )
        yield from _field(
            _("handoff-ack.at"),
            Input(compact=True, id="at", placeholder=_("handoff-ack.at.placeholder")),
            "at-error",
        )

    FIRST_FIELD = "#by"  # who answered

    def field_submitted(self, field: Input) -> None:
        """Enter after the name moves to the means; after the time confirms."""
        if field.id == "by":
            self.set_focus(self.query_one("#via", Select))
            return
        self.action_confirm()

    def action_confirm(self) -> None:
        """Check the fields and return ``{"by", "via", "at"}``."""
        for error in self.query(FieldError):
            error.clear()
        by = self.query_one("#by", Input).value.strip()
        if not by:
            self.query_one("#by-error", FieldError).show(_("error.required"))
            self.set_focus(self.query_one("#by", Input))
            return
        try:
            at = parse_local_time(
                self.query_one("#at", Input).value, today=self.now_local
            )
        except ValueError:
            self.query_one("#at-error", FieldError).show(_("error.time"))
            self.set_focus(self.query_one("#at", Input))
            return
        via = self.query_one("#via", Select).value
        self.dismiss({"by": by, "via": str(via), "at": at})


class ReferralAckDialog(Dialog):
    """The agency's reference number (required) and what it said."""

    def __init__(self, line: Any) -> None:
        ref = line.referral
        super().__init__(_("referral-ack.title", id=ref.id, agency=line.agency_name))
        self.line = line

    def body(self) -> ComposeResult:
        """Channel and sector for context; reference and note."""
        ref = self.line.referral
        yield Static(f"{channel_label(ref.channel)} · {sector_label(ref.sector)}")
        yield from _field(
            _("refer.reference"),
            Input(ref.reference_number or "", compact=True, id="reference"),
            "reference-error",
        )
        yield from _field(
            _("referral.note"), Input(compact=True, id="note"), "note-error"
        )

    FIRST_FIELD = "#reference"

    def field_submitted(self, field: Input) -> None:
        """Enter after the reference moves to the note; after the note confirms."""
        if field.id == "reference":
            self.set_focus(self.query_one("#note", Input))
            return
        self.action_confirm()

    def action_confirm(self) -> None:
        """Refuse an empty reference; return ``{"reference_number", "note"}``."""
        for error in self.query(FieldError):
            error.clear()
        reference = self.query_one("#reference", Input).value.strip()
        if not reference:
            self.query_one("#reference-error", FieldError).show(_("error.required"))
            return
        note = self.query_one("#note", Input).value.strip()
        self.dismiss({"reference_number": reference, "note": note or None})


class ReferralResolveDialog(Dialog):
    """What the agency did (optional note)."""

    def __init__(self, line: Any) -> None:
        ref = line.referral
        super().__init__(
            _("referral-resolve.title", id=ref.id, agency=line.agency_name)
        )
        self.line = line

    def body(self) -> ComposeResult:
        """One note."""
        yield from _field(
            _("referral.note"), Input(compact=True, id="note"), "note-error"
        )

    FIRST_FIELD = "#note"

    def action_confirm(self) -> None:
        """Return ``{"note"}``."""
        note = self.query_one("#note", Input).value.strip()
        self.dismiss({"note": note or None})
