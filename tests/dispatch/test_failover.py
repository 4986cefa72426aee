"""The failover pieces without a cluster: URLs, the guard, lost vs in-doubt commits.

The PostgreSQL cases break a real connection at a chosen moment by ending
its server process (``pg_terminate_backend``) from a second connection, so
"lost before the commit" and "lost while committing" are both deterministic.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, event, func, select, text

from dispatch.config import EngineSettings
from dispatch.db import make_engine, read_session
from dispatch.dburl import normalize_url
from dispatch.errors import CommitInDoubt, ConnectionLost
from dispatch.failover import FailoverGuard, guard_for
from dispatch.livefeed import JournalSignal
from dispatch.models import Call
from dispatch.testing import make_services

MULTI = (
    "postgresql+psycopg://siaga@10.0.0.1:5432,10.0.0.2:5433,10.0.0.3/siaga"
    "?target_session_attrs=read-write"
)


def test_multi_host_url_becomes_host_parameters() -> None:
    assert normalize_url(MULTI) == (
        "postgresql+psycopg://siaga@/siaga?host=10.0.0.1:5432&host=10.0.0.2:5433"
        "&host=10.0.0.3&target_session_attrs=read-write"
    )
    assert EngineSettings(database_url=MULTI).database_url == normalize_url(MULTI)


def test_single_host_and_sqlite_urls_are_untouched() -> None:
    for url in (
        "postgresql+psycopg://siaga:pw@db:5432/siaga",
        "sqlite:///a,b.db",
        "sqlite://",
    ):
        assert normalize_url(url) == url


def test_an_empty_host_in_the_list_is_refused() -> None:
    with pytest.raises(ValueError, match="empty host"):
        normalize_url("postgresql://u@h1:1,,h3:3/db")


def test_multi_host_engine_reaches_every_host() -> None:
    engine = make_engine(MULTI)
    hosts = engine.dialect.create_connect_args(engine.url)[1]["host"]
    assert hosts.split(",") == ["10.0.0.1", "10.0.0.2", "10.0.0.3"]


class _Flaky:
    """An action that raises the given errors first, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "done"


@pytest.fixture
def guard() -> FailoverGuard:
    return FailoverGuard(make_engine("sqlite://"), wait_seconds=1.0)


def test_a_lost_connection_is_retried_once_and_heard(guard: FailoverGuard) -> None:
    heard: list[tuple[bool, str]] = []
    guard.listen(lambda waiting, detail: heard.append((waiting, detail)))
    action = _Flaky(ConnectionLost("Reconnecting to the new database leader…"))
    assert guard.run(action) == "done"
    assert action.calls == 2
    assert heard == [(True, "Reconnecting to the new database leader…"), (False, "")]


def test_a_second_loss_is_not_retried_again(guard: FailoverGuard) -> None:
    action = _Flaky(ConnectionLost("one"), ConnectionLost("two"))
    with pytest.raises(ConnectionLost, match="two"):
        guard.run(action)
    assert action.calls == 2


def test_a_commit_in_doubt_is_never_repeated(guard: FailoverGuard) -> None:
    action = _Flaky(CommitInDoubt("maybe saved"))
    with pytest.raises(CommitInDoubt):
        guard.run(action)
    assert action.calls == 1


def test_no_leader_within_the_wait_gives_up() -> None:
    engine = make_engine("postgresql+psycopg://siaga@127.0.0.1:1,127.0.0.1:2/none")
    guard = FailoverGuard(engine, wait_seconds=0.3)
    assert guard.wait_for_leader() is False


# -- on a real PostgreSQL server ---------------------------------------------------


@pytest.fixture
def pg_engine(request: pytest.FixtureRequest) -> Iterator[Engine]:
    schema: Engine = request.getfixturevalue("_postgres_schema")
    from tests.conftest import _truncate_postgres

    _truncate_postgres(schema)
    engine = make_engine(schema.url.render_as_string(hide_password=False))
    yield engine
    engine.dispose()


def _terminate_on(engine: Engine, moment: str, killer: Engine) -> dict[str, int]:
    """End the server process of the next write connection at ``moment``."""
    fired = {"count": 0}

    def terminate(conn: Any, *_args: Any) -> None:
        if fired["count"]:
            return
        fired["count"] += 1
        pid = conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()
        with killer.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})

    event.listen(engine, moment, terminate)
    return fired


def _calls(engine: Engine, name: str) -> int:
    with read_session(engine) as session:
        return int(
            session.scalar(
                select(func.count()).select_from(Call).where(Call.caller_name == name)
            )
            or 0
        )


@pytest.mark.postgresql
def test_connection_lost_before_commit_is_retried_once(pg_engine: Engine) -> None:
    services = make_services(pg_engine)
    killer = make_engine(str(pg_engine.url.render_as_string(hide_password=False)))
    heard: list[bool] = []
    services.failover.listen(lambda waiting, _detail: heard.append(waiting))
    fired = _terminate_on(pg_engine, "begin", killer)
    view = services.open_call({"caller_name": "lost-before", "take_ring": False})
    assert fired["count"] == 1
    assert view.caller_name == "lost-before"
    assert _calls(pg_engine, "lost-before") == 1
    assert heard == [True, False]
    killer.dispose()


@pytest.mark.postgresql
def test_connection_lost_while_committing_is_in_doubt(pg_engine: Engine) -> None:
    services = make_services(pg_engine)
    killer = make_engine(str(pg_engine.url.render_as_string(hide_password=False)))
    fired = _terminate_on(pg_engine, "commit", killer)
    with pytest.raises(CommitInDoubt, match="check whether it was saved"):
        services.open_call({"caller_name": "in-doubt", "take_ring": False})
    assert fired["count"] == 1
    # Not repeated: at most the one copy the server may have kept.
    assert _calls(pg_engine, "in-doubt") <= 1
    killer.dispose()


@pytest.mark.postgresql
def test_a_dead_server_is_a_typed_error_not_a_driver_error(pg_engine: Engine) -> None:
    engine = make_engine("postgresql+psycopg://siaga@127.0.0.1:1/none")
    guard_for(engine).wait_seconds = 0.3
    from dispatch.enums import Role
    from dispatch.principal import Principal
    from dispatch.services import DispatchService

    services = DispatchService(
        engine, principal=Principal("ani", Role.SUPERVISOR, "desk-1")
    )
    with pytest.raises(ConnectionLost, match="Reconnecting to the new database leader"):
        services.events_after(0)


def test_a_cluster_has_one_witness_file_whichever_node_leads() -> None:
    from dispatch.witness import default_witness_file

    path = default_witness_file(normalize_url(MULTI))
    assert path is not None
    assert path.name == "witness-cluster-5432-siaga.jsonl"


@pytest.mark.postgresql
def test_the_journal_listener_reconnects_and_hears_the_next_write(
    pg_engine: Engine,
) -> None:
    services = make_services(pg_engine)
    signal = services.journal_signal()
    killer = make_engine(str(pg_engine.url.render_as_string(hide_password=False)))
    try:
        assert signal.wait(1) is True  # first connection: ask at once
        assert signal.wait(0.3) is False  # nothing happened
        with killer.connect() as other:
            ended = other.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE query LIKE 'LISTEN siaga_journal%'"
                )
            ).scalar()
        assert ended == 1
        assert signal.wait(2) is True  # lost: the desk asks anyway
        assert signal.wait(1) is True  # listening again: asks for the gap
        services.open_call({"caller_name": "after-reconnect", "take_ring": False})
        assert signal.wait(5) is True  # the NOTIFY of that write
        assert signal.wait(0.3) is False
    finally:
        signal.close()
        killer.dispose()


@pytest.mark.postgresql
def test_writes_many_times_a_second_wake_a_desk_once_per_gap(
    pg_engine: Engine,
) -> None:
    services = make_services(pg_engine)
    gap = 0.5
    signal = JournalSignal(pg_engine, min_gap_seconds=gap)
    writes = 30

    def write() -> None:
        for n in range(writes):
            services.open_call({"caller_name": f"burst {n}", "take_ring": False})
            time.sleep(0.02)

    try:
        assert signal.wait(1) is True  # first connection: ask at once
        writer = threading.Thread(target=write)
        started = time.monotonic()
        writer.start()
        wakes = 0
        while signal.wait(1.0):
            wakes += 1
        writer.join()
        elapsed = time.monotonic() - started
        # one wake per gap at most (each drains what came meanwhile), where
        # a wake per commit would be about 30
        assert 1 <= wakes <= elapsed / gap + 2
        assert wakes < writes
        time.sleep(gap)
        services.open_call({"caller_name": "after the burst", "take_ring": False})
        before = time.monotonic()
        assert signal.wait(5) is True
        assert time.monotonic() - before < gap  # after a quiet spell: no gap
    finally:
        signal.close()
