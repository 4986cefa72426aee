"""``siaga init``: create or upgrade the schema and load the region pack's roster."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine

from dispatch import journal
from dispatch.clock import Clock, SystemClock
from dispatch.db import write_session
from dispatch.migrate import current_revision, head_revision, upgrade
from dispatch.roster import RosterReport, ensure_demo_operators, load_roster


@dataclass(frozen=True)
class InitReport:
    """What ``init_database`` did."""

    from_revision: str | None
    to_revision: str | None
    roster: RosterReport
    operators_created: int


def init_database(
    engine: Engine,
    *,
    pack_name: str = "blitar",
    demo: bool = True,
    clock: Clock | None = None,
    actor: str = "siaga-init",
    terminal: str = "setup",
) -> InitReport:
    """Migrate to head, then load the pack's agencies, stations and units."""
    from geodata.packs import load_pack

    before = current_revision(engine)
    upgrade(engine)
    pack = load_pack(pack_name)
    now = (clock or SystemClock()).now()
    with write_session(engine) as session:
        journal.lock_journal(session)
        roster = load_roster(session, pack, now=now, actor=actor, terminal=terminal)
        made = ensure_demo_operators(session, now=now) if demo else 0
    return InitReport(before, head_revision(), roster, made)
