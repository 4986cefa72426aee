"""The side list of open incidents this call may be about, and how it is looked up."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from console.i18n import _
from console.places import PlaceChoice
from dispatch.schemas import DuplicateView

#: How many possible duplicates the list shows.
LIMIT = 8

#: The read model the list shows: the engine's own, unchanged.
DuplicateChoice = DuplicateView


def find_duplicates(
    services: Any,
    *,
    place: PlaceChoice | None,
    type_code: str | None,
    number: str | None,
    received_at: datetime,
) -> list[DuplicateChoice]:
    """Open incidents near the place, of a related type or from the same number.

    Runs in a worker. Without a place and a number there is nothing to match.
    """
    if place is None and number is None:
        return []
    views: list[DuplicateChoice] = services.duplicate_candidates(
        lat=place.lat if place else None,
        lon=place.lon if place else None,
        type_code=type_code,
        caller_number=number,
        received_at=received_at,
        limit=LIMIT,
    )
    return views


class DuplicatesList(OptionList):
    """Possible duplicates, best first; Enter or F7 attaches the call."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self.duplicates: list[DuplicateChoice] = []

    def show(self, duplicates: list[DuplicateChoice]) -> None:
        """Replace the list (keeps nothing from the previous call)."""
        self.duplicates = list(duplicates)
        self.clear_options()
        if not self.duplicates:
            self.add_option(
                Option(Text(_("intake.no-duplicates"), style="dim"), disabled=True)
            )
            return
        for dup in self.duplicates:
            text = Text()
            text.append(f" {dup.number}\n", style="bold")
            text.append(f"  {dup.type_code} · {dup.place_name or ''}")
            if dup.distance_m is not None:
                text.append(f" · {dup.distance_m:.0f} m")
            self.add_option(Option(text))
        self.highlighted = 0

    @property
    def current(self) -> DuplicateChoice | None:
        """The highlighted duplicate, or None when the list is empty."""
        if not self.duplicates:
            return None
        index = self.highlighted or 0
        return self.duplicates[min(index, len(self.duplicates) - 1)]
