"""Database engines and sessions, SQLite and PostgreSQL alike.

SQLite (the embedded default) is opened in WAL mode with foreign keys on and a
busy timeout, so several terminals on one server can share one file. The
driver's own transaction handling is switched off and replaced by explicit
``BEGIN`` statements (the recipe in SQLAlchemy's SQLite notes): read
transactions begin ``DEFERRED`` so readers never wait for a writer, write
units of work begin ``IMMEDIATE`` so two writers queue at the start instead of
failing half-way with "database is locked".
"""

from __future__ import annotations

import json
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import StaticPool

#: How long a writer waits for another writer before giving up, in ms.
BUSY_TIMEOUT_MS = 10_000

_WRITE_OPTION = "siaga_write"


def canonical_json(value: Any) -> str:
    """The one JSON text of a value: sorted keys, no spaces, UTF-8 kept."""
    return json.dumps(
        value,
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """Create an engine for ``url`` with the pragmas and options the engine needs."""
    parsed = make_url(url)
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
            "timeout": BUSY_TIMEOUT_MS / 1000,
        }
        if in_memory:
            kwargs["poolclass"] = StaticPool
        else:
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, **kwargs)
        _configure_sqlite(engine, wal=not in_memory)
        return engine
    if parsed.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
        return create_engine(parsed, **kwargs)
    raise ValueError(f"unsupported database {parsed.get_backend_name()!r}")


def _configure_sqlite(engine: Engine, *, wal: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        if wal:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def is_sqlite(engine: Engine) -> bool:
    """True when ``engine`` talks to SQLite."""
    return engine.dialect.name == "sqlite"


_WRITERS: weakref.WeakKeyDictionary[Engine, Engine] = weakref.WeakKeyDictionary()


def _writer(engine: Engine) -> Engine:
    """The engine variant whose transactions begin IMMEDIATE (cached per engine)."""
    writer = _WRITERS.get(engine)
    if writer is None:
        writer = engine.execution_options(**{_WRITE_OPTION: True})
        _WRITERS[engine] = writer
    return writer


@contextmanager
def write_session(engine: Engine) -> Iterator[Session]:
    """One write unit of work: commits on success, rolls back on any error."""
    with Session(_writer(engine), expire_on_commit=False) as session, session.begin():
        yield session


@contextmanager
def read_session(engine: Engine) -> Iterator[Session]:
    """A read-only session; nothing it does is committed."""
    with Session(engine, expire_on_commit=False) as session:
        yield session  # closing the session rolls the read transaction back
