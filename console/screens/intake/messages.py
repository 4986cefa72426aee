"""Messages the intake's workers post back to the screen (frozen data only)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.message import Message

from dispatch.enums import CallOutcome
from dispatch.schemas import CallerHistory, CallView

if TYPE_CHECKING:
    from console.places import PlaceChoice
    from console.screens.intake.duplicates import DuplicateChoice


class CallOpened(Message):
    """The engine opened a call for this terminal."""

    def __init__(self, call: CallView, draft: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.call = call
        self.draft = draft


class CallerChecked(Message):
    """The caller's number is saved and its history known."""

    def __init__(
        self, call: CallView, history: CallerHistory | None, asked: int = 0
    ) -> None:
        super().__init__()
        self.call = call
        self.history = history
        self.asked = asked  # as for DuplicatesFound: older answers are dropped


class PlacesFound(Message):
    """Candidate places for what the call taker typed."""

    def __init__(self, text: str, places: list[PlaceChoice]) -> None:
        super().__init__()
        self.text = text
        self.places = places


class DuplicatesFound(Message):
    """Open incidents this call may duplicate."""

    def __init__(
        self, call_id: int, duplicates: list[DuplicateChoice], asked: int = 0
    ) -> None:
        super().__init__()
        self.call_id = call_id
        self.duplicates = duplicates
        # Which request this answers: a slower, older lookup must not
        # overwrite a newer one (thread workers are not stopped when replaced).
        self.asked = asked


class CallEnded(Message):
    """The call got its outcome."""

    def __init__(
        self,
        call_id: int,
        outcome: CallOutcome,
        detail: str,
        incident_id: int | None = None,
    ) -> None:
        super().__init__()
        self.call_id = call_id
        self.outcome = outcome
        self.detail = detail
        self.incident_id = incident_id
