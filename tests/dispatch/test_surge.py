"""Surge (whole-queue acceptance), slots already filled, ETAs for a manual pick."""

from __future__ import annotations

import pytest

from dispatch.enums import IncidentStatus, Priority, Role, UnitStatus
from dispatch.errors import AccessDenied
from dispatch.services import DispatchService
from dispatch.testing import RSUD, facade_for
from tests.dispatch.conftest import LOW_TYPE, P1_TYPE, new_incident

TREE_ON_A_ROAD = {"type_code": "TREE", "answers": {"blocking": "y"}}  # CHARLIE, P2


def _status(services: DispatchService, callsign: str) -> UnitStatus:
    return {u.callsign: u.status for u in services.units()}[callsign]


def test_surge_plan_lists_units_for_the_whole_queue_and_changes_nothing(services):
    urgent = new_incident(services, classification=P1_TYPE)
    tree = new_incident(services, classification=TREE_ON_A_ROAD, location=RSUD)
    plan = services.surge_plan()
    assert plan.incident_ids == (urgent.id, tree.id)  # P1 first
    assert all(line.eta_seconds > 0 for line in plan.lines)
    assert plan.lines[0].priority == Priority.P1
    assert {line.number for line in plan.lines} == {urgent.number, tree.number}
    # Only a plan: every unit it names is still free, both incidents pending.
    assert all(_status(services, line.callsign).is_assignable for line in plan.lines)
    assert services.incident(urgent.id).status == IncidentStatus.PENDING


def test_commit_surge_assigns_exactly_the_plan_per_incident(services):
    urgent = new_incident(services, classification=P1_TYPE)
    tree = new_incident(services, classification=TREE_ON_A_ROAD, location=RSUD)
    plan = services.surge_plan()
    result = services.commit_surge(plan)
    assert result.failed == ()
    assert result.assigned_count == len(plan.lines)
    for incident in (urgent, tree):
        planned = {c.callsign for c in plan.lines if c.incident_id == incident.id}
        assert set(services.incident(incident.id).units) == planned
    # The queue is served: a second surge has nothing more to send.
    assert services.surge_plan().lines == ()


def test_a_unit_taken_meanwhile_fails_only_its_incident_and_assigns_none_of_it(
    services,
):
    urgent = new_incident(services, classification=P1_TYPE)
    tree = new_incident(services, classification=TREE_ON_A_ROAD, location=RSUD)
    plan = services.surge_plan()
    tree_units = [c.callsign for c in plan.lines if c.incident_id == tree.id]
    assert len(tree_units) == 2
    other = new_incident(services, classification=LOW_TYPE)
    services.assign_unit(other.id, tree_units[1])  # another desk was quicker
    result = services.commit_surge(plan)
    by_id = {o.incident_id: o for o in result.outcomes}
    assert by_id[urgent.id].error is None
    assert by_id[urgent.id].assigned
    assert by_id[tree.id].assigned == ()
    assert tree_units[1] in (by_id[tree.id].error or "")
    # All or nothing for the tree: its first unit was not assigned either.
    assert services.incident(tree.id).units == ()
    assert _status(services, tree_units[0]) == UnitStatus.AVAILABLE


def test_incidents_without_a_free_unit_are_listed_as_skipped(services):
    for callsign in [
        u.callsign for u in services.units() if u.unit_type == "AMBULANCE"
    ]:
        services.report_status(callsign, "out_of_service")
    urgent = new_incident(services, classification=P1_TYPE)
    plan = services.surge_plan()
    assert urgent.id not in plan.incident_ids
    assert [(s.number, s.code) for s in plan.skipped] == [(urgent.number, "no_unit")]


def test_a_substitute_already_working_fills_its_slot(services):
    """Regression: slots were matched by unit type, so a stand-in never counted."""
    services.report_status("RSC-01", "out_of_service")
    tree = new_incident(services, classification=TREE_ON_A_ROAD)
    first = services.recommend(tree.id)
    stand_in = [u for u in first.units if u.slot_unit_type == "RESCUE"]
    assert [u.unit_type for u in stand_in] == ["BPBD_RESPONSE"]
    services.accept_recommendation(tree.id)
    again = services.recommend(tree.id)
    assert again.units == ()
    assert again.unfilled == ()


def test_unit_etas_cover_every_placed_unit(services):
    incident = new_incident(services, classification=P1_TYPE)
    etas = services.unit_etas(incident.id)
    assert set(etas) == {u.callsign for u in services.units()}
    assert all(eta > 0 for eta in etas.values())
    recommended = services.recommend(incident.id).units[0]
    assert etas[recommended.callsign] == recommended.eta_seconds


def test_only_a_supervisor_commits_a_surge(services: DispatchService) -> None:
    new_incident(services, classification=P1_TYPE)
    dispatcher = facade_for(services, Role.DISPATCHER)
    plan = dispatcher.surge_plan()  # a dispatcher may look
    assert plan.lines
    with pytest.raises(AccessDenied):
        dispatcher.commit_surge(plan)
    assert services.commit_surge(plan).assigned_count == len(plan.lines)
