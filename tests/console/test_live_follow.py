"""Pilot tests: desks wake on NOTIFY on PostgreSQL, and a failover shows "reconnecting".

The supervisor screen follows the journal with a one-hour poll interval here,
so an event that shows up within seconds on PostgreSQL came by notification;
on SQLite the same setup sees nothing until the desk polls. The banner test
drives the engine's failover guard with an action that loses its connection
once, and checks the notice comes and goes while the typed text stays.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.widgets import DataTable, Input

from console.app import SiagaApp
from console.screens.supervisor import SupervisorScreen
from console.widgets.banner import DatabaseBanner
from dispatch.clock import FixedClock
from dispatch.db import make_engine
from dispatch.errors import CommitInDoubt, ConnectionLost
from dispatch.services import DispatchService
from dispatch.testing import make_services
from tests.console.ops_seed import START, OpsHost, new_incident, settle
from tests.console.ops_seed import make_services as sqlite_services

HOUR = 3600.0


@pytest.fixture
def pg_services(request: pytest.FixtureRequest) -> Iterator[DispatchService]:
    schema: Engine = request.getfixturevalue("_postgres_schema")
    from tests.conftest import _truncate_postgres

    _truncate_postgres(schema)
    engine = make_engine(schema.url.render_as_string(hide_password=False))
    yield make_services(engine, clock=FixedClock(START))
    engine.dispose()


async def _rows_grow(app: Any, pilot: Any, table: DataTable[Any], before: int) -> bool:
    for _ in range(50):
        await pilot.pause(0.1)
        if table.row_count > before:
            return True
    return False


@pytest.mark.postgresql
async def test_a_change_at_another_desk_arrives_by_notify(
    pg_services: DispatchService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Neither the poll nor the listener's quiet-time question may fire.
    monkeypatch.setattr("console.follow.QUIET_SECONDS", HOUR)
    app = OpsHost(
        pg_services, SupervisorScreen(export_dir=tmp_path), follow_interval=HOUR
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        log = app.screen.query_one("#log", DataTable)
        before = log.row_count
        await asyncio.to_thread(new_incident, pg_services, units=("AMB-02",))
        assert await _rows_grow(app, pilot, log, before)


async def test_sqlite_desks_wait_for_their_poll(tmp_path: Path) -> None:
    services = sqlite_services(tmp_path)
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path), follow_interval=HOUR)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        log = app.screen.query_one("#log", DataTable)
        before = log.row_count
        new_incident(services, units=("AMB-02",))
        await pilot.pause(1.0)
        assert log.row_count == before  # no notification on SQLite
        app.follower.poll()  # what the interval does
        assert await _rows_grow(app, pilot, log, before)


async def test_failover_shows_reconnecting_and_keeps_typed_work(
    make_app: Callable[..., SiagaApp], services: DispatchService
) -> None:
    app = make_app(language="en")
    release = threading.Event()
    calls: list[int] = []

    def in_flight() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise ConnectionLost("Reconnecting to the new database leader…")
        release.wait(10)
        return "saved"

    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        field = app.screen.query(Input).first()
        field.focus()
        await pilot.press(*"Jl. Merdeka")
        typed = field.value
        worker = asyncio.create_task(
            asyncio.to_thread(services.failover.run, in_flight)
        )
        banner = app.screen.query_one(DatabaseBanner)
        for _ in range(30):
            await pilot.pause(0.1)
            if banner.has_class("-shown"):
                break
        assert banner.has_class("-shown")
        assert "Reconnecting to the new database leader" in str(banner.content)
        release.set()
        assert await worker == "saved"
        for _ in range(30):
            await pilot.pause(0.1)
            if not banner.has_class("-shown"):
                break
        assert not banner.has_class("-shown")
        assert field.value == typed
        assert calls == [1, 1]


async def test_a_commit_in_doubt_is_a_lasting_message_not_the_banner(
    make_app: Callable[..., SiagaApp],
) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.report_error(
            CommitInDoubt(
                "The connection broke while saving; check whether it was saved "
                "before doing it again (test)"
            ),
            app.screen,
        )
        await pilot.pause(0.2)
        notes = [n.message for n in app._notifications]
        assert any("check whether it was saved" in note for note in notes)
        assert app.db_trouble == ""
