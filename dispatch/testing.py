"""Helpers we ship for our own tests, benchmarks and the simulator.

They build a ready database (schema + the region pack's roster) on any URL
and hand back services on a fixed clock, so every test starts from the same
morning in Blitar with every unit available at its station.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from dispatch import journal
from dispatch.clock import Clock, FixedClock
from dispatch.db import write_session
from dispatch.models import Base
from dispatch.roster import ensure_demo_operators, load_roster
from dispatch.services import Actor, DispatchService

#: Inside Kota Blitar: the alun-alun (town square), Kepanjenlor.
ALUN_ALUN = {
    "lat": -8.09816,
    "lon": 112.16518,
    "kelurahan": "Kepanjenlor",
    "kecamatan": "Kepanjenkidul",
}
#: RSUD Mardi Waluyo, Jl. Kalimantan.
RSUD = {
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


def make_services(
    engine: Engine,
    *,
    clock: Clock | None = None,
    operator: str = "ani",
    terminal: str = "desk-1",
    seed: bool = True,
) -> DispatchService:
    """Services on a seeded database, acting as one operator at one desk."""
    clock = clock or FixedClock(DEFAULT_START)
    pack = seed_database(engine, clock=clock) if seed else None
    return DispatchService(
        engine, clock=clock, actor=Actor(operator, terminal), pack=pack
    )
