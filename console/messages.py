"""App-wide messages: what the journal follower and the workers report.

Workers run in threads and never touch widgets; they post one of these and
the screen that receives it updates itself on the UI thread.
"""

from __future__ import annotations

from textual.message import Message

from dispatch.schemas import EventView


class JournalAdvanced(Message, bubble=False):
    """Other terminals (or this one) wrote events since the last poll.

    Posted to the app, which hands a copy to each screen. It must not bubble:
    a screen's copy bubbling back to the app was handed out again, forever
    (a board that stopped answering once another terminal wrote an event).
    """

    def __init__(self, events: list[EventView], last_id: int) -> None:
        super().__init__()
        self.events = events
        self.last_id = last_id

    @property
    def incident_ids(self) -> set[int]:
        """Incidents the new events concern."""
        return {e.incident_id for e in self.events if e.incident_id is not None}


class DatabaseTrouble(Message):
    """A service call failed because the database is locked or unreachable."""

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.detail = detail

    def can_replace(self, message: Message) -> bool:
        """Only the newest trouble report matters."""
        return isinstance(message, DatabaseTrouble)


class DatabaseRecovered(Message):
    """The database answers again after trouble."""


class LanguageChanged(Message):
    """The operator switched the interface language; labels must be re-read."""
