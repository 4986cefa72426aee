"""The write path: idempotency keys, bounded waits, retries, ``DatabaseUnavailable``.

Every test runs on SQLite and PostgreSQL (the ``engine`` fixture).
"""

from __future__ import annotations

import sqlite3
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text
from sqlalchemy.exc import OperationalError

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import is_sqlite, make_engine
from dispatch.errors import DatabaseUnavailable, InvalidInput, UnitAlreadyAssigned
from dispatch.models import Assignment, Call, Event, IdempotencyKey, Incident
from dispatch.services import DispatchService
from dispatch.services.unit_of_work import UnitOfWork
from dispatch.testing import ALUN_ALUN, DEFAULT_START, make_services, run_read
from tests.dispatch.conftest import P1_TYPE

LOCATION = {"text": "alun-alun", **ALUN_ALUN}


def _count(services: DispatchService, model: type[Any], *where: Any) -> int | None:
    return run_read(
        services,
        lambda s: s.scalar(select(func.count()).select_from(model).where(*where)),
    )


def _key() -> str:
    return str(uuid.uuid4())


# -- idempotency keys ---------------------------------------------------------------


def test_a_repeated_key_returns_the_first_result_and_does_nothing_twice(services):
    key = _key()
    first = services.open_call({"caller_number": "081234567890"}, idempotency_key=key)
    again = services.open_call({"caller_number": "081234567890"}, idempotency_key=key)
    assert again == first
    assert _count(services, Call) == 1
    assert _count(services, Event, Event.kind == "call.opened") == 1


def test_a_repeated_assign_key_never_assigns_twice(services):
    call = services.open_call({}, idempotency_key=_key())
    incident = services.create_incident(
        call.id, location=LOCATION, classification=P1_TYPE, idempotency_key=_key()
    )
    key = _key()
    first = services.assign_unit(incident.id, "AMB-01", idempotency_key=key)
    again = services.assign_unit(incident.id, "AMB-01", idempotency_key=key)
    assert again == first
    assert _count(services, Assignment) == 1
    assert _count(services, Event, Event.kind == "unit.assigned") == 1
    # A new key is a new action: the unit is busy now.
    with pytest.raises(UnitAlreadyAssigned):
        services.assign_unit(incident.id, "AMB-01", idempotency_key=_key())


def test_a_repeated_accept_recommendation_returns_the_same_assignments(services):
    call = services.open_call({})
    incident = services.create_incident(
        call.id, location=LOCATION, classification=P1_TYPE
    )
    key = _key()
    first = services.accept_recommendation(incident.id, idempotency_key=key)
    again = services.accept_recommendation(incident.id, idempotency_key=key)
    assert first
    assert again == first
    assert _count(services, Assignment) == len(first)


def test_repeated_create_incident_and_close_outcomes(services):
    call = services.open_call({})
    key = _key()
    first = services.create_incident(
        call.id, location=LOCATION, classification=P1_TYPE, idempotency_key=key
    )
    again = services.create_incident(
        call.id, location=LOCATION, classification=P1_TYPE, idempotency_key=key
    )
    assert again.id == first.id
    assert again.number == first.number
    assert _count(services, Incident) == 1
    other = services.open_call({})
    key = _key()
    closed = services.close_call(other.id, "prank", idempotency_key=key)
    assert services.close_call(other.id, "prank", idempotency_key=key) == closed
    assert _count(services, Event, Event.kind == "call.closed") == 1


def test_the_key_row_is_written_with_the_action(services):
    key = _key()
    call = services.open_call({}, idempotency_key=key)
    row = run_read(services, lambda s: s.get(IdempotencyKey, key))
    assert row is not None
    assert row.action == "call.open"
    assert row.actor == "ani"
    assert row.result["id"] == call.id


@pytest.mark.parametrize(
    "key",
    ["", "short", "x" * 65, "has space in it", "ümlaut-key-123", "-leading-dash", 42],
)
def test_a_malformed_key_is_refused_clearly(services, key):
    with pytest.raises(InvalidInput) as caught:
        services.open_call({}, idempotency_key=key)
    assert caught.value.field == "idempotency_key"
    assert _count(services, Call) == 0


def test_a_key_reused_for_another_action_is_refused(services):
    key = _key()
    call = services.open_call({}, idempotency_key=key)
    with pytest.raises(InvalidInput, match="another action"):
        services.add_call_note(call.id, "hello", idempotency_key=key)
    other_desk = services.as_actor("budi")
    with pytest.raises(InvalidInput, match="another action"):
        other_desk.open_call({}, idempotency_key=key)


def test_a_lost_commit_answer_is_retried_without_a_duplicate(services, monkeypatch):
    """COMMIT succeeded but the link broke before the answer: the retry replays."""
    real = UnitOfWork._after_commit
    lost: list[bool] = []

    def lose_the_answer(self, session):
        if not lost:
            lost.append(True)
            raise OperationalError(
                "COMMIT",
                {},
                ConnectionError("server closed the connection"),
                connection_invalidated=True,
            )
        real(self, session)

    monkeypatch.setattr(UnitOfWork, "_after_commit", lose_the_answer)
    key = _key()
    call = services.open_call({"caller_number": "081234567890"}, idempotency_key=key)
    assert lost == [True]
    assert _count(services, Call) == 1
    assert _count(services, Event, Event.kind == "call.opened") == 1
    # And the desk that never saw the answer, retrying by hand, gets the same.
    monkeypatch.setattr(UnitOfWork, "_after_commit", real)
    assert services.open_call({}, idempotency_key=key) == call


def test_a_lost_commit_answer_without_a_key_is_not_retried(services, monkeypatch):
    def lose_the_answer(self, session):
        raise OperationalError(
            "COMMIT",
            {},
            ConnectionError("connection lost"),
            connection_invalidated=True,
        )

    monkeypatch.setattr(UnitOfWork, "_after_commit", lose_the_answer)
    with pytest.raises(DatabaseUnavailable, match="check whether it was saved"):
        services.open_call({})
    assert _count(services, Call) == 1  # saved once, never twice


def test_two_desks_racing_with_one_key_do_it_once(services):
    key = _key()
    results: list[object] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(4)

    def desk() -> None:
        barrier.wait()
        try:
            results.append(services.open_call({}, idempotency_key=key))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(results) == 4
    assert all(r == results[0] for r in results)
    assert _count(services, Call) == 1


# -- bounded waits, retry, DatabaseUnavailable ----------------------------------------


def _tight(db_url: str) -> EngineSettings:
    return EngineSettings(
        database_url=db_url,
        sqlite_busy_timeout_ms=100,
        pg_lock_timeout_ms=100,
        write_attempts=3,
        write_retry_backoff_ms=10,
    )


@contextmanager
def _write_lock_held(engine: Engine, db_url: str) -> Iterator[None]:
    """Another connection holds the write lock (SQLite) or the journal lock."""
    if is_sqlite(engine):
        assert engine.url.database is not None
        other = sqlite3.connect(engine.url.database, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            other.execute("ROLLBACK")
            other.close()
        return
    holder = make_engine(db_url)
    with holder.connect() as conn:
        conn.execute(text("SELECT * FROM journal_head FOR UPDATE"))
        try:
            yield
        finally:
            conn.rollback()
    holder.dispose()


def _tight_services(engine: Engine, db_url: str) -> tuple[DispatchService, Engine]:
    settings = _tight(db_url)
    tight = make_engine(db_url, settings=settings)
    base = make_services(engine, clock=FixedClock(DEFAULT_START))
    return (
        DispatchService(
            tight,
            settings=settings,
            clock=base.clock,
            principal=base.principal,
            pack=base.pack,
        ),
        tight,
    )


def _count_lock_attempts(engine: Engine) -> list[str]:
    seen: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _seen(
        conn: Any,
        cursor: Any,
        statement: str,
        params: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        if statement.startswith("BEGIN IMMEDIATE") or "FOR UPDATE" in statement:
            seen.append(statement)

    return seen


def test_a_held_lock_ends_in_database_unavailable_after_the_retries(engine, db_url):
    services, tight = _tight_services(engine, db_url)
    attempts = _count_lock_attempts(tight)
    started = time.monotonic()
    with _write_lock_held(engine, db_url), pytest.raises(DatabaseUnavailable) as caught:
        services.open_call({}, idempotency_key=_key())
    elapsed = time.monotonic() - started
    assert len(attempts) == 3  # the first try and two retries, no more
    assert "stayed busy" in str(caught.value)
    assert caught.value.params["attempts"] == 3
    assert caught.value.__cause__ is not None  # the driver error is kept as cause
    assert elapsed < 30  # bounded: it never hangs behind the lock
    assert _count(services, Call) == 0
    tight.dispose()


def test_a_lock_released_during_the_retries_lets_the_action_through(engine, db_url):
    services, tight = _tight_services(engine, db_url)
    services.settings.write_attempts = 20
    attempts = _count_lock_attempts(tight)
    result: list[object] = []
    worker = threading.Thread(
        target=lambda: result.append(services.open_call({}, idempotency_key=_key()))
    )
    with _write_lock_held(engine, db_url):
        worker.start()
        deadline = time.monotonic() + 60
        while len(attempts) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)  # until it has timed out once and tries again
    worker.join(timeout=60)
    assert result
    assert _count(services, Call) == 1
    assert len(attempts) >= 2  # it gave up once at least, then got in
    tight.dispose()


def test_pragmas_and_timeouts_follow_the_settings(db_url):
    settings = EngineSettings(
        database_url=db_url,
        sqlite_busy_timeout_ms=1234,
        sqlite_synchronous="FULL",
        pg_lock_timeout_ms=321,
        pg_statement_timeout_ms=4321,
    )
    engine = make_engine(db_url, settings=settings)
    try:
        if is_sqlite(engine):
            with engine.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 1234
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2
            normal = make_engine(
                db_url,
                settings=settings.model_copy(update={"sqlite_synchronous": "NORMAL"}),
            )
            with normal.connect() as conn:
                assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1
            normal.dispose()
        else:
            from dispatch.db import write_session

            with write_session(engine) as session:
                lock = session.execute(text("SHOW lock_timeout")).scalar()
                statement = session.execute(text("SHOW statement_timeout")).scalar()
            assert lock == "321ms"
            assert statement == "4321ms"
            with engine.connect() as conn:  # reads are not cut off by the write limit
                assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
    finally:
        engine.dispose()


# -- statements per action -------------------------------------------------------------


@contextmanager
def _statements(engine: Engine) -> Iterator[list[str]]:
    seen: list[str] = []

    def _seen(
        conn: Any,
        cursor: Any,
        statement: str,
        params: Any,
        context: Any,
        executemany: bool,
    ) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", _seen)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", _seen)


#: Most SQL statements each step of the dispatch sequence may send, counting
#: the transaction's start (SQLite's BEGIN IMMEDIATE, or PostgreSQL's one
#: statement that sets the write limits) and without an idempotency key;
#: a key adds its look-up and its insert. On PostgreSQL a new incident also
#: takes the numbering lock (one statement).
_BOUNDS = {"open": 6, "create": 10, "assign": 10}
_POSTGRES_EXTRA = {"create": 1}


@pytest.mark.parametrize("keyed", [False, True], ids=["no-key", "key"])
def test_statements_per_action_stay_few(services, keyed):
    def key() -> dict[str, str]:
        return {"idempotency_key": _key()} if keyed else {}

    extra = 2 if keyed else 0
    services.open_call({})  # warm: the journal head and caches exist
    with _statements(services.engine) as seen:
        call = services.open_call({"caller_number": "081234567890"}, **key())
        counts = {"open": len(seen)}
        services.save_draft(call.id, {"notes": "typed"})  # a desk saves drafts
        seen.clear()
        incident = services.create_incident(
            call.id, location=LOCATION, classification=P1_TYPE, **key()
        )
        counts["create"] = len(seen)
        seen.clear()
        services.assign_unit(incident.id, "AMB-01", **key())
        counts["assign"] = len(seen)
    postgres = services.engine.dialect.name == "postgresql"
    bounds = {
        name: bound + extra + (_POSTGRES_EXTRA.get(name, 0) if postgres else 0)
        for name, bound in _BOUNDS.items()
    }
    capped = {name: min(counts[name], bound) for name, bound in bounds.items()}
    assert counts == capped, counts


def test_validation_runs_before_the_write_lock_is_taken(engine, db_url):
    """Bad input is answered at once even while another writer holds the lock."""
    services, tight = _tight_services(engine, db_url)
    call = services.open_call({})
    attempts = _count_lock_attempts(tight)
    with _write_lock_held(engine, db_url):
        with pytest.raises(InvalidInput):
            services.open_call({"caller_number": "12"}, idempotency_key=_key())
        with pytest.raises(InvalidInput):
            services.create_incident(
                call.id,
                location={"text": "x", "lat": 91.0, "lon": 0.0},
                classification=P1_TYPE,
            )
    assert attempts == []  # neither waited for the lock
    tight.dispose()


@pytest.mark.postgresql
def test_a_connection_killed_mid_action_is_retried_once_on_postgresql(
    request, postgres_url
):
    """The server ends the desk's connection half-way: the retry does it once."""
    from tests.conftest import _truncate_postgres

    _truncate_postgres(request.getfixturevalue("_postgres_schema"))
    engine = make_engine(postgres_url)
    try:
        services = make_services(engine, clock=FixedClock(DEFAULT_START))
        killer = make_engine(postgres_url)
        killed: list[int] = []
        inserts: list[str] = []

        def kill_me(
            conn: Any,
            cursor: Any,
            statement: str,
            params: Any,
            context: Any,
            executemany: bool,
        ) -> None:
            if statement.startswith("INSERT INTO calls"):
                inserts.append(statement)
            if statement.startswith("INSERT INTO calls") and not killed:
                pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
                killed.append(pid)
                with killer.begin() as other:
                    other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})

        event.listen(engine, "before_cursor_execute", kill_me)
        call = services.open_call({}, idempotency_key=_key())
        event.remove(engine, "before_cursor_execute", kill_me)
        assert killed  # the connection really was ended under the action
        assert len(inserts) == 2  # the first attempt died, the second went in
        assert _count(services, Call) == 1
        assert services.call(call.id).id == call.id
        killer.dispose()
    finally:
        engine.dispose()


def test_an_action_called_inside_an_action_joins_its_transaction(services):
    """No second transaction (that would wait for the first's own lock)."""
    call = services.open_call({})
    key = _key()

    def note_then_close():
        services._calls.add_call_note(call.id, "caller hung up")  # holds the lock
        return services.close_call(call.id, "abandoned", idempotency_key=_key())

    closed = services._uow.run(key, "call.close", type(call), note_then_close)
    assert closed.outcome == "abandoned"
    assert _count(services, Event, Event.kind == "call.noted") == 1
    assert run_read(services, lambda s: s.get(IdempotencyKey, key)) is not None


def test_the_durability_setting_is_checked_where_it_is_read():
    assert EngineSettings(sqlite_synchronous="normal").sqlite_synchronous == "NORMAL"
    with pytest.raises(ValueError, match="sqlite_synchronous"):
        EngineSettings(sqlite_synchronous="off")


def test_the_duties_forget_keys_past_their_retention(services, clock):
    services.open_call({}, idempotency_key="old-key-0001")
    clock.advance(3600 * services.settings.idempotency_retention_hours - 60)
    services.open_call({}, idempotency_key="new-key-0001")
    with _statements(services.engine) as seen:
        services.run_duties()
    assert not any(s.startswith("DELETE FROM idempotency_keys") for s in seen)
    clock.advance(120)
    services.run_duties()
    keys = run_read(services, lambda s: set(s.scalars(select(IdempotencyKey.key))))
    assert keys == {"new-key-0001"}
