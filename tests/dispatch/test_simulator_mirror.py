"""The simulator's own copy of the board decides exactly as the database would."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from dispatch.db import read_session
from dispatch.models import Assignment, Event
from dispatch.simulator import SimulationConfig, SimulationResult, simulate
from dispatch.simulator.mirror import MirrorBoard
from dispatch.simulator.policies import Board, ServiceBoard
from dispatch.simulator.runner import EventLoop


def _read_back(loop: EventLoop) -> Board:
    # Read from the database, which learns every moved position first.
    return ServiceBoard(loop.services, loop._report_positions)


def _footprint(result: SimulationResult) -> dict[str, object]:
    """Every figure, and what the database holds, of one run."""
    with read_session(result.engine) as session:
        assignments = session.execute(
            select(
                Assignment.incident_id,
                Assignment.unit_id,
                Assignment.status,
                Assignment.dispatched_at,
                Assignment.eta_seconds,
            ).order_by(Assignment.id)
        ).all()
        # Positions of units driving home are written when the engine is about
        # to read them: a board read from the database reads them every round.
        events = session.execute(
            select(Event.kind, func.count())
            .where(Event.kind != "unit.position")
            .group_by(Event.kind)
            .order_by(Event.kind)
        ).all()
    return {
        "figures": json.loads(json.dumps(result.to_dict(), default=str)),
        "assignments": [tuple(map(str, row)) for row in assignments],
        "events": [tuple(row) for row in events],
    }


# A busy Blitar afternoon: queues form, units are shared by the batch step,
# P1s pre-empt lower priorities, returning units are counted from the road.
@pytest.mark.parametrize("policy", ["engine", "closest-idle", "closest-free"])
def test_the_mirror_decides_as_the_database_would(
    policy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = SimulationConfig(seed=7, hours=3, rate_scale=120, policy=policy)
    boards: list[str] = []
    own_board = EventLoop._board

    def mirror(loop: EventLoop) -> Board:
        board = own_board(loop)
        boards.append(type(board).__name__)
        return board

    monkeypatch.setattr(EventLoop, "_board", mirror)
    mirrored = simulate(config)
    monkeypatch.setattr(EventLoop, "_board", _read_back)
    read = simulate(config)
    assert boards == [MirrorBoard.__name__]
    assert _footprint(mirrored) == _footprint(read)
    assert mirrored.figures["queue"]["longest_wait_s"] > 60  # queues did form
    if policy == "engine":  # and P1s pre-empted lower priorities
        assert mirrored.preemptions > 0
