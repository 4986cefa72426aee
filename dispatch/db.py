"""Database engines and sessions, SQLite and PostgreSQL alike.

SQLite (the embedded default) is opened in WAL mode with foreign keys on and a
busy timeout, so several terminals on one server can share one file. The
driver's own transaction handling is switched off and replaced by explicit
``BEGIN`` statements (the recipe in SQLAlchemy's SQLite notes): read
transactions begin ``DEFERRED`` so readers never wait for a writer, write
units of work begin ``IMMEDIATE`` so two writers queue at the start instead of
failing half-way with "database is locked". The database file, its folder
and SQLite's ``-wal``/``-shm`` files are owner-only (:mod:`dispatch.files`).

Every wait is bounded (docs/durability.md): SQLite's busy timeout, and on
PostgreSQL a ``lock_timeout`` and ``statement_timeout`` local to each write
transaction, all from :class:`~dispatch.config.EngineSettings`. What happens
after a wait runs out (a retry, then ``DatabaseUnavailable``) is the
services' job (:mod:`dispatch.services.unit_of_work`).
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

from dispatch.config import EngineSettings
from dispatch.dburl import POSTGRES_CONNECT_ARGS, normalize_url
from dispatch.files import make_private, private_dir, touch_private
from dispatch.writer_lock import WriterLock

_WRITE_OPTION = "siaga_write"

#: The bounded waits when a caller names no settings (the settings' defaults).
_DEFAULTS = EngineSettings.model_construct()


def canonical_json(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def make_engine(
    url: str, *, echo: bool = False, settings: EngineSettings | None = None
) -> Engine:
    """Create an engine for ``url`` with the pragmas and options the engine needs.

    ``settings`` supplies the bounded waits and SQLite's durability; without
    it the settings' defaults apply (what every command uses unless told).
    """
    tuning = settings or _DEFAULTS
    parsed = make_url(normalize_url(url))
    kwargs: dict[str, Any] = {
        "echo": echo,
        "future": True,
        # JSON columns hold one canonical text (sorted keys, no spaces), so the
        # journal can re-hash a payload from its stored text without parsing it.
        "json_serializer": canonical_json,
    }
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        kwargs["connect_args"] = {
            "check_same_thread": False,
            "timeout": tuning.sqlite_busy_timeout_ms / 1000,
        }
        files: tuple[Path, ...] = ()
        if in_memory:
            kwargs["poolclass"] = StaticPool
        elif not database.startswith("file:"):
            files = _prepare_sqlite_file(Path(database).expanduser())
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, tuning, wal=not in_memory, private=files)
        if files:
            lock = WriterLock.beside(
                files[0], wait_seconds=tuning.sqlite_busy_timeout_ms / 1000
            )
            if lock is not None:
                _WRITER_LOCKS[engine] = lock
        return engine
    if parsed.get_backend_name() == "postgresql":
        # A pooled connection to a server that died in a failover is noticed
        # on checkout and replaced by one to the new leader.
        kwargs["pool_pre_ping"] = True
        kwargs["connect_args"] = dict(POSTGRES_CONNECT_ARGS)
        engine = create_engine(parsed, **kwargs)
        _configure_postgresql(engine, tuning)
        return engine
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")


def _prepare_sqlite_file(path: Path) -> tuple[Path, ...]:
    """Create the database file and its folder owner-only before SQLite opens it.

    SQLite gives its ``-wal`` and ``-shm`` files the database file's mode, so
    a database created ``0600`` keeps them ``0600`` too; they are checked
    again on every connection (:func:`dispatch.files.make_private`).
    """
    private_dir(path.parent)
    if path.exists():
        make_private(path)
    else:
        touch_private(path)
    return (
        path,
        path.with_name(path.name + "-wal"),
        path.with_name(path.name + "-shm"),
    )


def _configure_sqlite(
    engine: Engine,
    tuning: EngineSettings,
    *,
    wal: bool,
    private: tuple[Path, ...] = (),
) -> None:
    busy_ms = int(tuning.sqlite_busy_timeout_ms)
    synchronous = tuning.sqlite_synchronous
    if synchronous not in ("FULL", "NORMAL"):  # never interpolate anything else
        raise ValueError(f"unsupported sqlite_synchronous {synchronous!r}")

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()
        for path in private:
            make_private(path)

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _configure_postgresql(engine: Engine, tuning: EngineSettings) -> None:
    """Bound every write transaction's lock waits and statements.

    Set locally to the transaction (one statement at its start), so a long
    read such as ``log verify`` is not cut off by the write path's limit.
    """
    lock_ms = int(tuning.pg_lock_timeout_ms)
    statement_ms = int(tuning.pg_statement_timeout_ms)
    limits = (
        f"SELECT set_config('lock_timeout', '{lock_ms}ms', true), "
        f"set_config('statement_timeout', '{statement_ms}ms', true)"
    )

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(_WRITE_OPTION, False):
            connection.exec_driver_sql(limits)


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()
#: The writers' lock of each SQLite file engine (:mod:`dispatch.writer_lock`).
_WRITER_LOCKS: weakref.WeakKeyDictionary[Engine, WriterLock] = (
    weakref.WeakKeyDictionary()
)


def _writer(engine: Engine) -> Engine:
    """The engine variant whose transactions begin IMMEDIATE (cached per engine)."""
    writer = _WRITERS.get(engine)
    if writer is None:
        writer = engine.execution_options(**{_WRITE_OPTION: True})
        _WRITERS[engine] = writer
    return writer


#: Set in a write session's ``info`` once its body is done and the commit is
#: sent: a connection lost after that may have saved the work (in doubt).
COMMITTING = "siaga_committing"
#: Set in every write session's ``info`` (services lock rows they change there).
WRITE_SESSION = "siaga_write_session"


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write unit of work: commits on success, rolls back on any error.

    On a SQLite file the writer first takes the file's writers' lock, waiting
    in the kernel rather than in SQLite's sleeping busy handler.
    """
    lock = _WRITER_LOCKS.get(engine)
    with (
        lock.held() if lock is not None else nullcontext(),
        Session(_writer(engine), expire_on_commit=False) as session,
        session.begin(),
    ):
        session.info[WRITE_SESSION] = True
        yield session
        session.info[COMMITTING] = True


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session; nothing it does is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session  # closing the session rolls the read transaction back
