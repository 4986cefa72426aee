"""Fixtures for the console's Pilot and snapshot tests: seeded database, fixed clock."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from console.app import SiagaApp
from console.bindings import set_narrow
from console.config import ConsoleSettings
from console.i18n import set_language
from dispatch.clock import FixedClock
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.services import DispatchService
from dispatch.setup import init_database
from dispatch.testing import principal_for


def make_services(
    tmp_path: Path, clock: FixedClock, terminal: str = "desk-1"
) -> DispatchService:
    """Services on a fresh SQLite file with the Blitar roster."""
    url = f"sqlite:///{tmp_path / 'siaga.db'}"
    engine = make_engine(url)
    if not (tmp_path / ".initialised").exists():
        init_database(engine, pack_name="blitar", demo=True, clock=clock)
        (tmp_path / ".initialised").touch()
    settings = ConsoleSettings(
        database_url=url, terminal=terminal, operator=f"op-{terminal}"
    )
    # Signed on as a supervisor, who may take every desk action the tests drive.
    principal = principal_for(
        Role.SUPERVISOR, operator=settings.operator, terminal=terminal
    )
    return DispatchService(engine, settings=settings, clock=clock, principal=principal)


@pytest.fixture(autouse=True)
def _wide_footer_between_tests() -> Iterator[None]:
    """The footer's narrow mode is process state (like the language): reset it.

    An app run at 80 columns leaves it on; a screen hosted by another test
    app (no resize handling) would then render with narrow labels.
    """
    yield
    set_narrow(False)


@pytest.fixture
def services(tmp_path: Path, clock: FixedClock) -> Iterator[DispatchService]:
    svc = make_services(tmp_path, clock)
    yield svc
    svc.engine.dispose()


@pytest.fixture
def make_app(services: DispatchService) -> Iterator[Callable[..., SiagaApp]]:
    """Build a SiagaApp on the test database (language defaults to Indonesian)."""

    def build(
        language: str = "id",
        follow: bool = False,
        svc: DispatchService | None = None,
        **extra: Any,
    ) -> SiagaApp:
        target = svc or services
        settings = ConsoleSettings(
            database_url=str(target.engine.url),
            terminal=target.actor.terminal,
            operator=target.actor.operator,
            language=language,
            **extra,
        )
        # Signed on already, as the services' principal (a supervisor can do
        # every desk action); tests of the sign-on screen build their own app.
        return SiagaApp(target, settings, follow=follow, principal=target.principal)

    yield build
    set_language("id")


async def settle(app: SiagaApp, pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages be handled."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        # An exclusive worker may be replaced by a newer one meanwhile.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
