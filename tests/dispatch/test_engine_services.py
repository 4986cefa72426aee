"""Queue, recommendation and duplicate services over a real database."""

from __future__ import annotations

import pytest

from dispatch.enums import IncidentStatus, UnitStatus
from dispatch.errors import InvalidTransition
from dispatch.testing import ALUN_ALUN, RSUD
from tests.dispatch.conftest import LOW_TYPE, P1_TYPE, new_incident

HOUSE_FIRE = {"type_code": "FIRE-HOUSE", "answers": {}}


def test_recommendation_fills_the_plan_with_nearest_units(services):
    incident = new_incident(services, classification=HOUSE_FIRE)
    recommendation = services.recommend(incident.id)
    assert recommendation.complete
    types = sorted(u.unit_type for u in recommendation.units)
    assert "FIRE_ENGINE" in types
    assert all(u.eta_seconds > 0 for u in recommendation.units)
    assert all(u.reason_id and u.reason_en for u in recommendation.units)
    units = {u.callsign: u for u in services.units()}
    assert all(
        units[u.callsign].status == UnitStatus.AVAILABLE for u in recommendation.units
    )


def test_accepting_assigns_every_recommended_unit_at_once(services):
    incident = new_incident(services, classification=HOUSE_FIRE)
    recommended = {u.callsign for u in services.recommend(incident.id).units}
    assigned = services.accept_recommendation(incident.id)
    assert {a.callsign for a in assigned} == recommended
    detail = services.incident(incident.id)
    assert set(detail.units) == recommended
    assert detail.status == IncidentStatus.DISPATCHED
    # The plan is covered now: nothing more to recommend or accept.
    assert services.recommend(incident.id).units == ()
    with pytest.raises(InvalidTransition):
        services.accept_recommendation(incident.id)


def test_accepting_a_subset(services):
    incident = new_incident(services, classification=HOUSE_FIRE)
    first = services.recommend(incident.id).units[0].callsign
    assigned = services.accept_recommendation(incident.id, [first])
    assert [a.callsign for a in assigned] == [first]
    assert first not in {u.callsign for u in services.recommend(incident.id).units}


def test_p1_gets_a_preemption_offer_when_no_free_unit_fits(services):
    ambulances = [u.callsign for u in services.units() if u.unit_type == "AMBULANCE"]
    lows = []
    for callsign in ambulances:
        low = new_incident(services, classification=LOW_TYPE, location=RSUD)
        services.assign_unit(low.id, callsign)
        lows.append(low)
    urgent = new_incident(services, classification=P1_TYPE)
    recommendation = services.recommend(urgent.id)
    ambulance_offers = [u for u in recommendation.units if u.unit_type == "AMBULANCE"]
    assert ambulance_offers, recommendation
    assert all(u.preemption for u in ambulance_offers)
    assigned = services.accept_recommendation(urgent.id)
    assert any(a.preempted_from in {low.id for low in lows} for a in assigned)


def test_queue_orders_by_priority_then_age(services, clock):
    low = new_incident(services, classification=LOW_TYPE)
    clock.advance(30)
    urgent = new_incident(services, classification=P1_TYPE)
    rows = services.queue()
    assert [r.incident.id for r in rows] == [urgent.id, low.id]
    assert [r.position for r in rows] == [1, 2]
    assert all(r.timers for r in rows)


def test_queue_timers_turn_overdue(services, clock):
    incident = new_incident(services, classification=P1_TYPE)
    clock.advance(hours=1)
    (row,) = services.queue()
    assert row.incident.id == incident.id
    assert row.worst_timer == "overdue"


def test_duplicates_near_an_open_incident(services, clock):
    incident = new_incident(services, classification=HOUSE_FIRE, number="081234567890")
    clock.advance(120)
    near = services.duplicate_candidates(
        lat=ALUN_ALUN["lat"] + 0.0005, lon=ALUN_ALUN["lon"], type_code="FIRE-HOUSE"
    )
    assert [d.incident_id for d in near] == [incident.id]
    assert near[0].distance_m is not None
    assert near[0].distance_m < 100
    far = services.duplicate_candidates(
        lat=RSUD["lat"] - 0.03, lon=RSUD["lon"], type_code="TREE"
    )
    assert far == []
    same_caller = services.duplicate_candidates(
        lat=None, lon=None, caller_number="+6281234567890"
    )
    assert [d.incident_id for d in same_caller] == [incident.id]
