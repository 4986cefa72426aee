"""Unfinished calls left open on this terminal (a crash, a closed window), offered back.

They are offered in a banner above the form, never in a dialog: a banner
takes no focus and no key, so whatever the call taker is typing when the
console finds the drafts goes on landing in the form. Ctrl+R (binding
``intake.resume-draft``) puts the oldest one back on the form once no call
is open; ending it with any outcome key (F12: abandoned) closes it.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from console.i18n import _
from dispatch.phone import display_number
from dispatch.schemas import CallView

#: A call left open with what was typed for it.
Draft = tuple[CallView, dict[str, Any]]


class DraftsBanner(Static):
    """The list of unfinished calls, with the key that resumes the oldest."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.drafts: list[Draft] = []
        self.zone: Any = None
        self.key = "Ctrl+R"

    def offer(self, drafts: list[Draft], zone: Any, key: str) -> None:
        """Show these drafts (oldest first); an empty list hides the banner."""
        self.drafts = list(drafts)
        self.zone = zone
        self.key = key
        self._render_drafts()

    def take(self) -> Draft | None:
        """The oldest draft, removed from the banner (None when there is none)."""
        if not self.drafts:
            return None
        first = self.drafts.pop(0)
        self._render_drafts()
        return first

    def drop(self, call_id: int) -> None:
        """Forget a draft whose call ended elsewhere."""
        self.drafts = [d for d in self.drafts if d[0].id != call_id]
        self._render_drafts()

    def relabel(self) -> None:
        """Re-read the texts after a language switch."""
        self._render_drafts()

    def _render_drafts(self) -> None:
        self.display = bool(self.drafts)
        if not self.drafts:
            self.update("")
            return
        text = Text(f" {_('draft.banner', key=self.key)} ", style="bold reverse")
        for call, draft in self.drafts:
            when = call.received_at
            if self.zone is not None:
                when = when.astimezone(self.zone)
            number = draft.get("number") or (
                display_number(call.caller_number) if call.caller_number else "-"
            )
            text.append(
                "  " + _("draft.item", id=call.id, when=f"{when:%H:%M}", number=number)
            )
        self.update(text)
