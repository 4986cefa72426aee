"""A desk in its own process: runs the background duties like a desk timer.

Used by the exactly-once tests: several of these start together against one
database and none calls the escalation by hand, only ``run_duties``.
"""

from __future__ import annotations

from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.principal import Principal
from dispatch.services import DispatchService


def run_desk(
    url: str,
    terminal: str,
    at: datetime,
    barrier: Barrier,
    rounds: int,
    results: Queue[int],
) -> None:
    """Run the duties ``rounds`` times at ``at``; report how many steps it took."""
    engine = make_engine(url)
    desk = DispatchService(
        engine,
        settings=EngineSettings(database_url=url),
        clock=FixedClock(at),
        principal=Principal("desk-operator", Role.DISPATCHER, terminal),
    )
    assert desk.pack.agencies  # loaded before the race: all desks start together
    taken = -1
    try:
        barrier.wait(timeout=120)
        taken = 0
        for _ in range(rounds):
            report = desk.run_duties()
            taken += len(report.escalations) + len(report.overdue_referrals)
    finally:
        engine.dispose()
        results.put(taken)
