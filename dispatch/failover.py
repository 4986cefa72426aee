"""Riding out a database failover: tell lost connections apart, wait, retry once.

With a Patroni cluster (docs/cluster.md) the leader can die at any moment.
Desks connect with a multi-host URL and ``target_session_attrs=read-write``,
so a new connection always lands on whichever server is the leader now; what
this module adds is the judgement of *what to do with the action that was in
flight*:

* the connection broke before the commit was sent (:class:`ConnectionLost`):
  nothing was saved, so the action is run again, exactly once, as soon as a
  leader accepts a write connection (within ``wait_seconds``);
* it broke while committing (:class:`CommitInDoubt`): the action may be saved
  on the new leader (synchronous replication put it on the standby before the
  old leader answered), so it is not run blindly again — the operator is told
  to check, and an action that carries an idempotency key may be repeated.

Listeners (the console's banner) hear when a wait starts and when it ends, so
the operator sees a short "reconnecting" notice while work stays on screen.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from dispatch.errors import ConnectionLost

log = logging.getLogger(__name__)

R = TypeVar("R")

#: SQLSTATE classes that mean the server went away or is not the leader:
#: 08 connection exception, 57P admin/crash shutdown or "cannot connect now",
#: 25006 "read-only transaction" (connected to a demoted leader).
_LOST_STATES = ("08", "57P01", "57P02", "57P03", "25006")

#: How often a waiting desk asks for a leader, in seconds.
PROBE_INTERVAL = 0.25

#: A listener hears ``(True, detail)`` when a wait starts, ``(False, "")`` after.
Listener = Callable[[bool, str], None]


def is_connection_loss(exc: DBAPIError) -> bool:
    """True when ``exc`` means the server is gone (or not the leader any more)."""
    if exc.connection_invalidated:
        return True
    state = getattr(exc.orig, "sqlstate", None)
    if state is None:
        # psycopg gives no SQLSTATE when the socket broke or no host answered.
        return exc.orig is not None and type(exc.orig).__name__ == "OperationalError"
    return str(state).startswith(_LOST_STATES)


class FailoverGuard:
    """Runs service calls for one engine; a lost connection waits and retries once."""

    def __init__(self, engine: Engine, *, wait_seconds: float = 20.0) -> None:
        self.engine = engine
        self.wait_seconds = wait_seconds
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    def listen(self, listener: Listener) -> None:
        """Call ``listener`` when a wait for the leader starts and when it ends."""
        with self._lock:
            self._listeners.append(listener)

    def unlisten(self, listener: Listener) -> None:
        """Stop calling ``listener`` (its front end is closing)."""
        with self._lock:
            if listener in self._listeners:
                self._listeners.remove(listener)

    def run(self, action: Callable[[], R]) -> R:
        """Run ``action``; after a lost connection wait for a leader, run it again."""
        try:
            return action()
        except ConnectionLost as exc:
            log.warning("database connection lost: %s", exc.params.get("detail"))
            self._tell(True, exc.message)
            if not self.wait_for_leader():
                raise
            log.info("database reachable again; retrying the action once")
        result = action()
        self._tell(False, "")
        return result

    def wait_for_leader(self) -> bool:
        """Wait until a write connection opens (True) or ``wait_seconds`` pass."""
        deadline = time.monotonic() + self.wait_seconds
        while time.monotonic() < deadline:
            try:
                with self.engine.connect() as connection:
                    connection.execute(text("SELECT 1"))
                return True
            except DBAPIError:
                time.sleep(PROBE_INTERVAL)
        return False

    def _tell(self, waiting: bool, detail: str) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            listener(waiting, detail)


_GUARDS: weakref.WeakKeyDictionary[Engine, FailoverGuard] = weakref.WeakKeyDictionary()


def guard_for(engine: Engine) -> FailoverGuard:
    """The one guard of ``engine`` (shared by every facade on it)."""
    guard = _GUARDS.get(engine)
    if guard is None:
        guard = FailoverGuard(engine)
        _GUARDS[engine] = guard
    return guard
