"""One front-end action, one transaction: bounded, retried, done at most once.

:class:`UnitOfWork` runs a facade write method inside a single write
transaction that every service step of that method joins (their
``ServiceBase._write`` blocks use the ambient session, so the action commits
once). Around it:

* **Idempotency.** With a key, the transaction first looks the key up; when
  it is there, the action already committed (perhaps its answer was lost)
  and the stored result is returned instead of doing it again. Otherwise the
  key and the result are inserted in the action's own transaction, so the
  key exists exactly when the action does.
* **Bounded waits and retry.** A transient database error (SQLite busy,
  PostgreSQL lock timeout, serialization failure, deadlock, a lost
  connection) rolls the attempt back and tries again after a jittered,
  doubling pause, at most ``settings.write_attempts`` times; then the
  operator gets :class:`~dispatch.errors.DatabaseUnavailable`, never a hang
  or a driver error. A connection lost during ``COMMIT`` leaves the outcome
  unknown: it is retried only under an idempotency key (whose replay cannot
  do the action twice).
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable
from contextlib import ExitStack
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import TypeAdapter
from sqlalchemy import Engine, Table, bindparam, delete, select
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch import journal
from dispatch.db import read_session, write_session
from dispatch.errors import (
    CommitInDoubt,
    ConcurrentUpdate,
    ConnectionLost,
    DatabaseUnavailable,
    DispatchError,
    InvalidInput,
    UnitAlreadyAssigned,
)
from dispatch.failover import is_connection_loss
from dispatch.models import IdempotencyKey
from dispatch.models.idempotency import KEY_LENGTH

if TYPE_CHECKING:
    from dispatch.services.base import ServiceContext

T = TypeVar("T")

#: What an idempotency key may look like: a uuid4, or any similar token.
_KEY_PATTERN = re.compile(rf"[A-Za-z0-9][A-Za-z0-9._:-]{{7,{KEY_LENGTH - 1}}}")

#: PostgreSQL errors worth another attempt: lock timeout, serialization
#: failure, deadlock, and the server going away (admin shutdown, crash).
_PG_TRANSIENT = frozenset({"55P03", "40001", "40P01", "57P01", "57P02", "57P03"})

#: The action running in this thread (its transaction starts at its first write).
_AMBIENT: ContextVar[_Running | None] = ContextVar("siaga_unit_of_work", default=None)

#: The operator's messages (the console translates them by these prefixes).
STAYED_BUSY = (
    "The database stayed busy; nothing was saved and your typed work is kept: try again"
)
NOT_ANSWERING = (
    "The database is not answering; nothing was saved and your typed work is "
    "kept: try again"
)
#: The operator's whole notice in a failover (the driver's words go to the log).
RECONNECTING = "Reconnecting to the new database leader…"
MAYBE_SAVED = (
    "The connection broke while saving; check whether it was saved before "
    "doing it again"
)

_KEYS: Table = IdempotencyKey.__table__  # type: ignore[assignment]
#: Core statements: the key look-up and insert skip the ORM's bookkeeping.
_FIND_KEY = select(_KEYS.c.action, _KEYS.c.actor, _KEYS.c.result).where(
    _KEYS.c.key == bindparam("key")
)

_OLDEST_KEY = select(_KEYS.c.key).where(_KEYS.c.at < bindparam("before")).limit(1)

_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}
_JITTER = random.Random()


def check_key(key: str | None) -> str | None:
    """The key itself, or :class:`InvalidInput` when it cannot be one."""
    if key is None:
        return None
    if not isinstance(key, str) or _KEY_PATTERN.fullmatch(key) is None:
        raise InvalidInput(
            f"An idempotency key must be 8 to {KEY_LENGTH} letters, digits, "
            "'.', '_', ':' or '-', starting with a letter or digit.",
            field="idempotency_key",
        )
    return key


def joined_write(engine: Engine) -> Session | None:
    """The running action's write session for ``engine``, begun on first use.

    ``None`` when no action runs in this thread (the caller writes alone).
    """
    running = _AMBIENT.get()
    if running is None or running.engine is not engine:
        return None
    return running.write_session()


def joined_read(engine: Engine) -> Session | None:
    """The running action's session once it has begun writing, else ``None``.

    Reads before an action's first write use a read session of their own, so
    nothing is locked while the service validates and computes.
    """
    running = _AMBIENT.get()
    if running is None or running.engine is not engine:
        return None
    return running.session


def is_transient(exc: BaseException) -> bool:
    """True for errors another attempt may not meet (busy, lock, lost link)."""
    if not isinstance(exc, DBAPIError) or isinstance(exc, IntegrityError):
        return False
    if exc.connection_invalidated:
        return True
    orig = exc.orig
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate:
        return sqlstate in _PG_TRANSIENT or str(sqlstate).startswith("08")
    if isinstance(exc, OperationalError) and type(orig).__module__.startswith(
        "psycopg"
    ):
        return True  # no SQLSTATE: the connection itself failed (refused, reset)
    name = str(getattr(orig, "sqlite_errorname", ""))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return True
    text = str(orig).lower()
    return "database is locked" in text or "database table is locked" in text


#: Actions that may overlap on PostgreSQL: they change only calls, incidents
#: and units (whose version columns refuse a stale change, and whose rows
#: they lock when they load them: ``ServiceBase.locks_rows``), assignments
#: (one active per unit, a unique index) and rows they insert. The rest —
#: hand-offs, referrals, shifts, operators, rare and with rows of their own —
#: hold the journal lock from their first write, one at a time.
OVERLAPPING = frozenset(
    {
        "call.open",
        "call.update_caller",
        "call.locate",
        "call.classify",
        "call.note",
        "call.close",
        "incident.create",
        "incident.note",
        "incident.close",
        "incident.cancel",
        "incident.accept_recommendation",
        "unit.assign",
        "unit.release",
        "unit.report_status",
        "unit.report_position",
    }
)

#: Unique indexes two overlapping actions can both pass in their reads and
#: only one can win at the insert: the loser runs again on fresh state and
#: gets the domain's own answer (the key's stored result, the next incident
#: number, "unit already assigned" from the service's own check).
_RACED_INDEXES = (
    "idempotency_keys",
    "uq_incidents_number",
    "incidents.number",
    "uq_assignments_active_unit",
    "uq_shift_sign_ons_active_terminal",
)


def lost_race(exc: BaseException) -> bool:
    """True when another action changed the same rows first (run it again).

    A version check that failed (``StaleDataError``) or a unique index that
    another overlapping action filled first. Before the journal lock moved
    to the commit these could not happen on PostgreSQL, where the lock
    serialised whole actions; now the database's row locks and unique
    indexes decide, and the action is repeated on what is there now.
    """
    if isinstance(exc, StaleDataError):
        return True
    if not isinstance(exc, IntegrityError):
        return False
    text = str(exc.orig)
    return any(name in text for name in _RACED_INDEXES)


def translate(exc: Exception) -> DispatchError | None:
    """The typed error an operator sees for a database error (``None``: re-raise)."""
    if isinstance(exc, StaleDataError):
        return ConcurrentUpdate(
            "Someone else changed this record first; reload and try again."
        )
    if isinstance(exc, IntegrityError):
        text = str(exc.orig)
        if "assignments" in text or "uq_assignments_active_unit" in text:
            return UnitAlreadyAssigned(
                "That unit was just assigned elsewhere; choose another unit."
            )
        return None
    if isinstance(exc, DBAPIError):
        return DatabaseUnavailable(f"{NOT_ANSWERING} ({short(exc)})")
    return None


def short(exc: Exception) -> str:
    """The first line of the driver's message, shortened for a banner."""
    text = str(getattr(exc, "orig", exc)).splitlines()[0]
    return text[:120]


class _Replay(BaseException):
    """The key was found: carries the stored result out of the service method.

    A ``BaseException`` so no ``except Exception`` in a service swallows it;
    it is raised before the method wrote anything.
    """

    def __init__(self, result: Any) -> None:
        super().__init__("replayed")
        self.result = result


class _Running:
    """One attempt of one action: its session starts at the first write."""

    def __init__(
        self,
        uow: UnitOfWork,
        key: str | None,
        action: str,
        shape: Any,
        stack: ExitStack,
    ) -> None:
        self.uow = uow
        self.engine = uow.ctx.engine
        self.key = key
        self.action = action
        self.shape = shape
        self.stack = stack
        self.session: Session | None = None

    def write_session(self) -> Session:
        """The action's write transaction: begun, locked and key-checked once.

        Validation and computing done before the first write hold no lock.
        The desks' busiest actions (:data:`OVERLAPPING`) take the journal's
        lock only just before the commit (:func:`dispatch.journal.flush_pending`),
        so on PostgreSQL two of them on different rows overlap and only the
        append is one at a time; every other action takes it here, at its
        first write, and runs alone as before. A concurrent attempt under the
        same key that commits first makes this attempt's key insert fail, and
        the retry replays its result.
        """
        if self.session is not None:
            return self.session
        session = self.stack.enter_context(write_session(self.engine))
        self.session = session
        if self.action not in OVERLAPPING:
            journal.lock_journal(session)  # one at a time from the first write
        if self.key is not None:
            row = session.connection().execute(_FIND_KEY, {"key": self.key}).first()
            if row is not None:
                stored = _Stored(row.action, row.actor, row.result)
                raise _Replay(self.uow.replay(stored, self.action, self.shape))
        return session


@dataclass(frozen=True)
class _Stored:
    """What an idempotency key remembers of its action."""

    action: str
    actor: str
    result: Any


@dataclass
class _Attempt:
    """How far one attempt got: past ``COMMIT``'s start the outcome is unknown."""

    committing: bool = False


class UnitOfWork:
    """Runs facade write methods as single, retried, idempotent transactions."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    def run(self, key: str | None, action: str, shape: Any, work: Callable[[], T]) -> T:
        """Do ``work`` once in one transaction (see the module docstring).

        ``shape`` is the type ``work`` returns (a view, or a list of views),
        used to store the result under ``key`` and to rebuild it on a replay.
        """
        key = check_key(key)
        running = _AMBIENT.get()
        if running is not None and running.engine is self.ctx.engine:
            return work()  # called from inside an action: part of its transaction
        settings = self.ctx.settings
        attempts = settings.write_attempts
        for attempt in range(1, attempts + 1):
            state = _Attempt()
            try:
                return self._attempt(key, action, shape, work, state)
            except (DBAPIError, StaleDataError) as exc:
                self._stop_unless_worth_again(exc, key, state, attempt)
                if attempt == attempts:
                    raise self._given_up(exc, attempts) from exc
                if not lost_race(exc):  # a lost race goes again at once
                    self._pause(attempt)
        raise AssertionError("unreachable: the loop returns or raises")

    def _stop_unless_worth_again(
        self, exc: Exception, key: str | None, state: _Attempt, attempt: int
    ) -> None:
        """Raise what the operator gets unless another attempt may succeed."""
        if state.committing and key is None:
            raise CommitInDoubt(
                f"{MAYBE_SAVED} ({short(exc)})", attempts=attempt
            ) from exc
        if self._lost(exc):
            # A failover: the guard (dispatch.failover) waits for the new
            # leader and runs the action again; under a key even a commit
            # that broke half-way is safe to repeat.
            raise ConnectionLost(RECONNECTING, detail=short(exc)) from exc
        # After COMMIT began only a replay under the key is safe.
        if lost_race(exc) or is_transient(exc) or state.committing:
            return
        mapped = translate(exc)
        if mapped is None:
            raise exc
        raise mapped from exc

    @staticmethod
    def _given_up(exc: Exception, attempts: int) -> DispatchError:
        """What the operator gets when every attempt met a busy or raced database."""
        if lost_race(exc):
            mapped = translate(exc)  # still lost: the race's own answer
            if mapped is not None:
                return mapped
        return DatabaseUnavailable(
            f"{STAYED_BUSY} ({attempts} tries; {short(exc)})", attempts=attempts
        )

    def _lost(self, exc: Exception) -> bool:
        """A lost PostgreSQL connection (SQLite's errors are locks, not losses)."""
        return (
            isinstance(exc, DBAPIError)
            and self.ctx.engine.dialect.name == "postgresql"
            and is_connection_loss(exc)
        )

    def _pause(self, attempt: int) -> None:
        """Sleep a jittered, doubling pause so racing desks do not collide again."""
        base = self.ctx.settings.write_retry_backoff_ms / 1000
        time.sleep(_JITTER.uniform(0.5, 1.0) * min(base * 2 ** (attempt - 1), 1.0))

    def _attempt(
        self,
        key: str | None,
        action: str,
        shape: Any,
        work: Callable[[], T],
        state: _Attempt,
    ) -> T:
        with ExitStack() as stack:
            running = _Running(self, key, action, shape, stack)
            token = _AMBIENT.set(running)
            try:
                try:
                    result = work()
                except _Replay as replay:
                    replayed: T = replay.result
                    return replayed
                session = running.session
                if session is not None:
                    if key is not None:
                        session.connection().execute(
                            _KEYS.insert(), self._key_row(key, action, shape, result)
                        )
                    journal.flush_pending(session)
                    session.flush()
                    state.committing = True
            finally:
                _AMBIENT.reset(token)
        if session is not None:  # committed when the stack closed
            self._after_commit(session)
        return result

    def _key_row(
        self, key: str, action: str, shape: Any, result: object
    ) -> dict[str, Any]:
        return {
            "key": key,
            "action": action,
            "actor": self.ctx.actor.operator,
            "at": self.ctx.clock.now(),
            "result": _adapter(shape).dump_python(result, mode="json"),
        }

    def replay(self, stored: _Stored, action: str, shape: Any) -> Any:
        """The result stored under the key, if it was this action by this operator."""
        if stored.action != action or stored.actor != self.ctx.actor.operator:
            raise InvalidInput(
                "This idempotency key was already used for another action; "
                "use a new key for every action.",
                field="idempotency_key",
            )
        return _adapter(shape).validate_python(stored.result)

    def _after_commit(self, session: Session) -> None:
        witness = self.ctx.witness
        if witness is not None:
            witness.after_commit(journal.written_head(session), self._holds)

    def _holds(self, event_id: int, digest: str) -> bool:
        with read_session(self.ctx.engine) as session:
            return journal.holds(session, event_id, digest)


def prune_keys(engine: Engine, before: datetime) -> int:
    """Delete idempotency keys stored before ``before``; how many went.

    Every desk runs this with its duties every few seconds, so it first
    looks (a read: no write lock) and writes only when a key is due.
    """
    try:
        with read_session(engine) as session:
            due = session.execute(_OLDEST_KEY, {"before": before}).first()
        if due is None:
            return 0
        with write_session(engine) as session:
            gone = session.execute(
                delete(IdempotencyKey).where(IdempotencyKey.at < before)
            )
            return int(getattr(gone, "rowcount", 0) or 0)
    except DBAPIError as exc:
        raise DatabaseUnavailable(
            f"The database is not answering ({short(exc)})."
        ) from exc


def _adapter(shape: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(shape)
    if adapter is None:
        adapter = _ADAPTERS[shape] = TypeAdapter(shape)
    return adapter
