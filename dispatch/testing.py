"""Helpers we ship for our own tests, benchmarks and the simulator.

They build a ready database (schema + the region pack's roster) on any URL
and hand back services on a fixed clock, so every test starts from the same
morning in Blitar with every unit available at its station.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.clock import Clock, FixedClock
from dispatch.db import read_session, write_session
from dispatch.enums import Role
from dispatch.models import Base
from dispatch.principal import Principal, SystemRole
from dispatch.roster import ensure_demo_operators, load_roster
from dispatch.services import DispatchService

T = TypeVar("T")

#: Inside Kota Blitar: the alun-alun (town square), Kepanjenlor.
ALUN_ALUN: dict[str, Any] = {
    "lat": -8.09816,
    "lon": 112.16518,
    "kelurahan": "Kepanjenlor",
    "kecamatan": "Kepanjenkidul",
}
#: RSUD Mardi Waluyo, Jl. Kalimantan.
RSUD: dict[str, Any] = {
    "lat": -8.10946,
    "lon": 112.17983,
    "kelurahan": "Karangtengah",
    "kecamatan": "Sananwetan",
}
#: Surabaya: far outside the service area.
SURABAYA = {"lat": -7.2575, "lon": 112.7521}

DEFAULT_START = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


def seed_database(
    engine: Engine,
    *,
    clock: Clock | None = None,
    pack_name: str = "blitar",
    create_schema: bool = True,
) -> Any:
    """Create the schema (from the models), load the pack's roster; return the pack."""
    from geodata.packs import load_pack

    if create_schema:
        Base.metadata.create_all(engine)
    pack = load_pack(pack_name)
    now = (clock or FixedClock(DEFAULT_START)).now()
    with write_session(engine) as session:
        journal.lock_journal(session)
        load_roster(session, pack, now=now, actor="seed", terminal="seed")
        ensure_demo_operators(session, now=now)
    return pack


def principal_for(
    role: Role | SystemRole,
    *,
    operator: str | None = None,
    terminal: str = "desk-1",
    unit: str | None = None,
) -> Principal:
    """A principal of ``role`` (named after the role unless ``operator`` is given).

    A responder is bound to ``unit``; the name is not looked up, as if it had
    signed on.
    """
    return Principal(operator or f"test-{role.value}", role, terminal, unit=unit)


def make_services(
    engine: Engine,
    *,
    clock: Clock | None = None,
    operator: str = "ani",
    terminal: str = "desk-1",
    role: Role | SystemRole = Role.SUPERVISOR,
    unit: str | None = None,
    seed: bool = True,
) -> DispatchService:
    """Services on a seeded database for one principal (a supervisor by default).

    A supervisor may do everything on the desk, so tests of the engine itself
    act as one; tests of the role table pass ``role`` (and ``unit``).
    """
    clock = clock or FixedClock(DEFAULT_START)
    pack = seed_database(engine, clock=clock) if seed else None
    principal = Principal(operator, role, terminal, unit=unit)
    return DispatchService(engine, clock=clock, principal=principal, pack=pack)


def facade_for(
    services: DispatchService,
    role: Role | SystemRole,
    *,
    unit: str | None = None,
    operator: str | None = None,
    terminal: str = "desk-1",
) -> DispatchService:
    """The same database, clock and pack through the door of another role."""
    return services.as_principal(
        principal_for(role, operator=operator, terminal=terminal, unit=unit)
    )


def run_read(services: DispatchService, work: Callable[[Session], T]) -> T:
    """Run ``work`` in a read session on the services' database (tests only).

    Front ends have no such door: they read through the facade's methods.
    """
    with read_session(services.engine) as session:
        return work(session)
