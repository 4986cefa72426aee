"""The caller's history flag beside the number: earlier prank and silent calls.

In Indonesian city 112 centers most calls are not emergencies; a number with
prank or silent calls behind it is flagged the moment it is known.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.widgets import Static

from console.i18n import _
from dispatch.errors import InvalidInput
from dispatch.phone import normalise_number
from dispatch.schemas import CallerHistory


def earlier_calls(history: CallerHistory | None) -> CallerHistory | None:
    """The history without the call in progress (it counts in its own history)."""
    if history is None:
        return None
    return history.model_copy(update={"calls": max(0, history.calls - 1)})


@dataclass(frozen=True)
class CallerEntry:
    """What was typed for the caller of one call."""

    call_id: int
    number: str
    name: str

    def problem(self) -> str | None:
        """A message for the number field, or None when the number is usable."""
        try:
            normalise_number(self.number)
        except InvalidInput:
            return _("error.number", detail=self.number)
        return None


class CallerFlag(Static):
    """``2× prank · 1× silent`` in reverse red, or the count of earlier calls."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.history: CallerHistory | None = None

    def show(self, history: CallerHistory | None) -> None:
        """Show the earlier calls of this number (None: nothing known)."""
        self.history = history
        if history is None or history.calls == 0:
            self.update("")
            self.remove_class("-flagged")
            return
        if history.flagged:
            self.update(
                _(
                    "intake.flag",
                    prank=history.prank,
                    silent=history.silent,
                    calls=history.calls,
                )
            )
            self.add_class("-flagged")
        else:
            self.update(_("intake.known", calls=history.calls))
            self.remove_class("-flagged")

    def relabel(self) -> None:
        """Re-read the text after a language switch."""
        self.show(self.history)
