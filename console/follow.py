"""Journal follower: ask the engine what changed when it may have changed, post it.

Each terminal remembers the last event id it has seen; a thread worker asks
``events_after(last_id)`` and posts :class:`~console.messages.JournalAdvanced`
to the app, which forwards it to the screens. The worker never touches a
widget. Database trouble becomes :class:`~console.messages.DatabaseTrouble`
(the banner); the next good poll posts :class:`~console.messages.DatabaseRecovered`.

*When* to ask is :class:`JournalWake`'s job: on PostgreSQL a listening thread
wakes the desk on the journal's NOTIFY (tens of milliseconds from desk to
desk); on SQLite a timer asks once per interval (the indexed poll).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import work
from textual.app import App
from textual.timer import Timer

from console.messages import DatabaseRecovered, DatabaseTrouble, JournalAdvanced
from dispatch.errors import DatabaseUnavailable
from dispatch.livefeed import JournalSignal

if TYPE_CHECKING:
    from console.app import SiagaApp
    from dispatch.services import DispatchService

#: Events fetched per poll; more arrive on the next tick.
BATCH = 500

#: Longest a listening desk goes without asking (a notification lost with a
#: half-open connection is caught up within this many seconds).
QUIET_SECONDS = 5.0

#: How often a listening thread looks whether it was told to stop.
STOP_CHECK_SECONDS = 1.0


class JournalWake:
    """Calls ``on_wake`` on the UI thread whenever the journal may have grown."""

    def __init__(
        self,
        app: App[Any],
        services: DispatchService,
        on_wake: Callable[[], None],
        interval: float = 1.0,
    ) -> None:
        self.app = app
        self.services = services
        self.on_wake = on_wake
        self.interval = interval
        self._timer: Timer | None = None
        self._stopped: threading.Event | None = None

    @property
    def live(self) -> bool:
        """True while a notification listener (not a timer) wakes the desk."""
        return self._stopped is not None and not self._stopped.is_set()

    def start(self) -> None:
        """Begin waking (a timer on SQLite, a listening thread on PostgreSQL)."""
        self.stop()
        signal = self.services.journal_signal(poll_seconds=self.interval)
        if not signal.live:
            self._timer = self.app.set_interval(
                self.interval, self.on_wake, name="follow-journal"
            )
            return
        stopped = threading.Event()
        self._stopped = stopped
        threading.Thread(
            target=self._listen,
            args=(signal, stopped),
            name="journal-listen",
            daemon=True,
        ).start()

    def stop(self) -> None:
        """Stop waking (tests, shutdown, sign-off)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        if self._stopped is not None:
            self._stopped.set()
            self._stopped = None

    def _listen(self, signal: JournalSignal, stopped: threading.Event) -> None:
        quiet = 0.0
        try:
            while not stopped.is_set():
                # Short waits, so that stop() ends the thread within a second.
                step = min(STOP_CHECK_SECONDS, QUIET_SECONDS)
                if signal.wait(step):
                    quiet = 0.0
                else:
                    quiet += step
                    if quiet < QUIET_SECONDS:
                        continue
                    quiet = 0.0
                if stopped.is_set() or not self.app.is_running:
                    return
                try:
                    self.app.call_from_thread(self.on_wake)
                except RuntimeError:  # the app is closing
                    return
        finally:
            signal.close()


class JournalFollower:
    """Follows the journal for one app; start it once the app is mounted."""

    def __init__(self, app: SiagaApp, interval: float = 1.0) -> None:
        self.app = app
        self.interval = interval
        self.last_id = 0
        self.troubled = False
        self._wake: JournalWake | None = None
        self._busy = False
        self._again = False

    def start(self, last_id: int) -> None:
        """Begin following after ``last_id`` (what the screens loaded already)."""
        self.last_id = last_id
        self.stop()
        self._wake = JournalWake(self.app, self.app.services, self.poll, self.interval)
        self._wake.start()

    def stop(self) -> None:
        """Stop following (tests, shutdown)."""
        if self._wake is not None:
            self._wake.stop()
            self._wake = None

    def poll(self) -> None:
        """Start one poll in a thread; while one runs, ask for one more after it.

        A burst of notifications thus costs at most two questions, and two
        polls never race to post the same events.
        """
        if self._busy:
            self._again = True
            return
        self._busy = True
        _poll_journal(self.app, self)

    def polled(self, more: bool = False) -> None:
        """A poll finished (UI thread): run the one asked for meanwhile."""
        self._busy = False
        if self._again or more:
            self._again = False
            self.poll()

    def advanced(self, message: JournalAdvanced) -> None:
        """Remember what was seen (called on the UI thread)."""
        self.last_id = max(self.last_id, message.last_id)


@work(
    thread=True,
    group="follow",
    exit_on_error=False,
    description="follow journal",
)
def _poll_journal(app: SiagaApp, follower: JournalFollower) -> None:
    more = False
    try:
        more = _ask(app, follower)
    finally:
        with contextlib.suppress(RuntimeError):  # the app closed meanwhile
            app.call_from_thread(follower.polled, more)


def _ask(app: SiagaApp, follower: JournalFollower) -> bool:
    """One question; True when a full batch came back (more are waiting)."""
    try:
        events = app.services.events_after(follower.last_id, limit=BATCH)
    except DatabaseUnavailable as exc:
        follower.troubled = True
        app.post_message(DatabaseTrouble(exc.message))
        return False
    if follower.troubled:
        follower.troubled = False
        app.post_message(DatabaseRecovered())
    if events:
        # Seen as of now: the next poll (maybe already asked for) starts here.
        follower.last_id = max(follower.last_id, events[-1].id)
        app.post_message(JournalAdvanced(events, events[-1].id))
    return len(events) == BATCH
