"""Every pair of states, legal and illegal, for the three state machines."""

from __future__ import annotations

import itertools

import pytest

from dispatch.enums import AssignmentStatus, IncidentStatus, UnitStatus
from dispatch.errors import InvalidTransition
from dispatch.states import (
    ASSIGNMENT_MOVES,
    INCIDENT_MOVES,
    UNIT_MOVES,
    check_assignment_move,
    check_incident_move,
    check_unit_move,
)

MACHINES = [
    (UnitStatus, UNIT_MOVES, check_unit_move),
    (IncidentStatus, INCIDENT_MOVES, check_incident_move),
    (AssignmentStatus, ASSIGNMENT_MOVES, check_assignment_move),
]


@pytest.mark.parametrize(("states", "moves", "check"), MACHINES)
def test_every_pair_is_decided_by_the_table(states, moves, check):
    assert set(moves) == set(states), "every state needs a row"
    for current, new in itertools.product(states, repeat=2):
        if new in moves[current]:
            check("X-1", current, new)
        else:
            with pytest.raises(InvalidTransition) as info:
                check("X-1", current, new)
            assert current.value in info.value.message
            assert new.value in info.value.message


def test_final_states_have_no_way_out():
    assert INCIDENT_MOVES[IncidentStatus.CLOSED] == frozenset()
    assert INCIDENT_MOVES[IncidentStatus.CANCELLED] == frozenset()
    assert ASSIGNMENT_MOVES[AssignmentStatus.CLEARED] == frozenset()
    assert ASSIGNMENT_MOVES[AssignmentStatus.CANCELLED] == frozenset()


def test_every_non_final_state_can_be_left():
    for moves in (UNIT_MOVES, INCIDENT_MOVES, ASSIGNMENT_MOVES):
        for state, targets in moves.items():
            final = state in (
                IncidentStatus.CLOSED,
                IncidentStatus.CANCELLED,
                AssignmentStatus.CLEARED,
                AssignmentStatus.CANCELLED,
            )
            assert final or targets, f"{state} is a dead end"


def test_a_transporting_unit_cannot_be_pre_empted():
    with pytest.raises(InvalidTransition):
        check_unit_move("AMB-01", UnitStatus.TRANSPORTING, UnitStatus.DISPATCHED)
