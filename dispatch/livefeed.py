"""Wake a desk when the journal grows: LISTEN/NOTIFY on PostgreSQL, a poll on SQLite.

Every write that appends events sends ``NOTIFY siaga_journal`` in its own
transaction (:func:`dispatch.journal._write`), so the notification arrives
exactly when the events become visible. A :class:`JournalSignal` holds one
listening connection of its own (outside the pool) and :meth:`wait` returns
as soon as a notification arrives. SQLite has no notifications: there
:meth:`wait` simply sleeps the poll interval and the desk asks its cheap
indexed question (events after the last id) again.

A connection lost in a failover is reopened on the next :meth:`wait` (the
engine's multi-host URL finds the new leader); until then ``wait`` returns
``True`` after a short pause, so the follower asks anyway and sees the
trouble or the events it missed.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

#: The notification channel the journal's writes notify (``dispatch.journal``
#: imports it from here: this module stays light for the console's start-up).
CHANNEL = "siaga_journal"

#: Pause after a failed (re)connection before the follower asks again.
RECONNECT_PAUSE = 0.5

#: Shortest time between two wakes of one desk. A change after a quiet spell
#: wakes the desk at once; while the journal grows many times a second (a
#: province day commits about 50 times a second) the notifications that come
#: within this gap are answered by one read: at most 10 reads a second per
#: desk instead of one per commit, for at most this much more delay.
MIN_WAKE_GAP_SECONDS = 0.1


class JournalSignal:
    """One desk's wake-up line for journal growth."""

    def __init__(
        self,
        engine: Engine,
        *,
        poll_seconds: float = 1.0,
        min_gap_seconds: float = MIN_WAKE_GAP_SECONDS,
    ) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.min_gap_seconds = min_gap_seconds
        self._woke_at = -math.inf
        self.live = engine.dialect.name == "postgresql"
        """True when notifications wake the desk (PostgreSQL)."""
        self._connection: Any = None
        self._lock = threading.Lock()

    def wait(self, timeout: float) -> bool:
        """Block until the journal may have grown; False when ``timeout`` passed.

        On SQLite this sleeps ``poll_seconds`` (at most ``timeout``) and
        returns True: the caller polls.
        """
        if not self.live:
            time.sleep(min(self.poll_seconds, timeout))
            return True
        with self._lock:
            try:
                if self._connection is None:
                    self._listening()
                    return True  # events of the gap: the caller asks at once
                connection = self._connection
                notified = connection.notifies(timeout=timeout, stop_after=1)
                try:
                    heard = next(notified, None) is not None
                finally:
                    notified.close()  # it holds the connection's lock until closed
                if heard:
                    self._coalesce(connection)
                return heard
            except Exception as exc:  # any driver error: reconnect
                log.info("journal listener lost its connection: %s", exc)
                self._drop()
        time.sleep(RECONNECT_PAUSE)
        return True

    def _coalesce(self, connection: Any) -> None:
        """Wait out the rest of the gap since the last wake: one read covers it all."""
        rest = self.min_gap_seconds - (time.monotonic() - self._woke_at)
        if rest > 0:
            time.sleep(rest)
            for _notify in connection.notifies(timeout=0.0):
                pass  # the read this wake starts sees these events too
        self._woke_at = time.monotonic()

    def close(self) -> None:
        """Stop listening (the desk is leaving)."""
        with self._lock:
            self._drop()

    def _listening(self) -> Any:
        if self._connection is None:
            pooled = self.engine.raw_connection()
            pooled.detach()  # its own connection: LISTEN must not go back to the pool
            connection: Any = pooled.dbapi_connection
            connection.autocommit = True
            connection.execute(f"LISTEN {CHANNEL}")
            self._connection = connection
        return self._connection

    def _drop(self) -> None:
        if self._connection is not None:
            try:
                self._connection.close()
            except Exception:  # closing a broken connection
                log.debug("closing a broken listener connection failed")
            self._connection = None
