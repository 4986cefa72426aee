"""``siaga init``: create or upgrade the schema and load the region pack's roster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine

from dispatch import journal
from dispatch.clock import Clock, SystemClock
from dispatch.db import write_session
from dispatch.migrate import current_revision, head_revision, upgrade
from dispatch.models import SetupMark
from dispatch.roster import RosterReport, ensure_demo_operators, load_roster
from dispatch.setup_check import INIT_MARK, head_revision_fast, init_mark


@dataclass(frozen=True)
class InitReport:
    """What ``init_database`` did."""

    from_revision: str | None
    to_revision: str | None
    roster: RosterReport
    operators_created: list[tuple[str, str | None]]
    """Demo operators made now, with the password each was given (if any)."""


def init_database(
    engine: Engine,
    *,
    pack_name: str = "blitar",
    demo: bool = True,
    clock: Clock | None = None,
    actor: str = "siaga-init",
    terminal: str = "setup",
    demo_password: Callable[[str], str] | None = None,
    on_step: Callable[[str], None] | None = None,
) -> InitReport:
    """Migrate to head, load the pack's agencies, stations and units, leave a mark.

    With ``demo`` the demo operators are made too; ``demo_password(name)``
    gives each its password (without it they cannot sign on yet).
    ``on_step`` hears what is being done (for the first run's progress lines).
    The mark lets :func:`dispatch.setup_check.init_needed` skip the next run.
    """
    from dispatch.catalogue import catalogue_for_city
    from geodata.packs import CityData, load_pack

    step = on_step or (lambda _text: None)
    # the pack first: a bad pack or catalogue overlay fails, loudly, before
    # anything is written
    step("loading the region pack")
    pack = load_pack(pack_name)
    catalogue_for_city(CityData.of(pack))
    before = current_revision(engine)
    step("creating the database" if before is None else "checking the schema")
    upgrade(engine)
    now = (clock or SystemClock()).now()
    step("loading the roster" + (" and the demo operators" if demo else ""))
    with write_session(engine) as session:
        journal.lock_journal(session)
        roster = load_roster(session, pack, now=now, actor=actor, terminal=terminal)
        made = (
            ensure_demo_operators(session, now=now, password_for=demo_password)
            if demo
            else []
        )
        mark = init_mark(pack_name, demo=demo, head=head_revision_fast())
        row = session.get(SetupMark, INIT_MARK)
        if row is None:
            session.add(SetupMark(key=INIT_MARK, value=mark, at=now))
        elif row.value != mark:
            row.value, row.at = mark, now
    return InitReport(before, head_revision(), roster, made)
