"""Journal follower: every second, ask the engine what changed, post it as a message.

Each terminal remembers the last event id it has seen; a thread worker asks
``events_after(last_id)`` and posts :class:`~console.messages.JournalAdvanced`
to the app, which forwards it to the screens. The worker never touches a
widget. Database trouble becomes :class:`~console.messages.DatabaseTrouble`
(the banner); the next good poll posts :class:`~console.messages.DatabaseRecovered`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer

from console.messages import DatabaseRecovered, DatabaseTrouble, JournalAdvanced
from dispatch.errors import DatabaseUnavailable

if TYPE_CHECKING:
    from console.app import SiagaApp

#: Events fetched per poll; more arrive on the next tick.
BATCH = 500


class JournalFollower:
    """Polls the journal for one app; start it once the app is mounted."""

    def __init__(self, app: SiagaApp, interval: float = 1.0) -> None:
        self.app = app
        self.interval = interval
        self.last_id = 0
        self.troubled = False
        self._timer: Timer | None = None

    def start(self, last_id: int) -> None:
        """Begin following after ``last_id`` (what the screens loaded already)."""
        self.last_id = last_id
        self._timer = self.app.set_interval(
            self.interval, self.poll, name="follow-journal"
        )

    def stop(self) -> None:
        """Stop polling (tests, shutdown)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def poll(self) -> None:
        """Start one poll in a thread (a poll still running is replaced)."""
        _poll_journal(self.app, self)

    def advanced(self, message: JournalAdvanced) -> None:
        """Remember what was seen (called on the UI thread)."""
        self.last_id = max(self.last_id, message.last_id)


@work(
    thread=True,
    exclusive=True,
    group="follow",
    exit_on_error=False,
    description="follow journal",
)
def _poll_journal(app: SiagaApp, follower: JournalFollower) -> None:
    try:
        events = app.services.events_after(follower.last_id, limit=BATCH)
    except DatabaseUnavailable as exc:
        follower.troubled = True
        app.post_message(DatabaseTrouble(exc.message))
        return
    if follower.troubled:
        follower.troubled = False
        app.post_message(DatabaseRecovered())
    if events:
        app.post_message(JournalAdvanced(events, events[-1].id))
