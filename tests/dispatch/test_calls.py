"""Call services on SQLite and PostgreSQL: every outcome, legal and illegal."""

from __future__ import annotations

import pytest

from dispatch.enums import CallOutcome, CallState, IncidentStatus, ReferralStatus
from dispatch.errors import AgencyNotFound, InvalidInput, InvalidTransition
from dispatch.testing import ALUN_ALUN, SURABAYA
from tests.dispatch.conftest import LOW_TYPE, P1_TYPE, WATER_TYPE, new_incident


def test_open_call_normalises_the_number_and_journals(services):
    call = services.open_call(
        {"caller_number": "0812-3456-7890", "caller_name": " Budi "}
    )
    assert call.caller_number == "+6281234567890"
    assert call.caller_name == "Budi"
    assert call.state == CallState.OPEN
    assert call.outcome is None
    events = services.events_after(0)
    assert events[-1].kind == "call.opened"
    assert events[-1].call_id == call.id


@pytest.mark.parametrize(
    "bad", ["12ab", "+62", "0" * 40, "<script>", "112; DROP TABLE calls"]
)
def test_open_call_refuses_bad_numbers_at_the_field(services, bad):
    with pytest.raises(InvalidInput) as info:
        services.open_call({"caller_number": bad})
    assert info.value.field == "caller_number"
    assert services.last_event_id() == services.events_after(0)[-1].id  # nothing new
    assert all(e.kind != "call.opened" for e in services.events_after(0))


def test_location_outside_the_service_area_is_refused(services):
    call = services.open_call({})
    with pytest.raises(InvalidInput) as info:
        services.record_location(call.id, {"text": "Surabaya", **SURABAYA})
    assert info.value.field == "location"
    assert services.call(call.id).lat is None


def test_location_is_recorded(services):
    call = services.open_call({})
    located = services.record_location(call.id, {"text": "alun2", **ALUN_ALUN})
    assert (located.lat, located.lon) == (ALUN_ALUN["lat"], ALUN_ALUN["lon"])
    assert located.kelurahan == "Kepanjenlor"


def test_unknown_type_is_refused_at_the_type_field(services):
    call = services.open_call({})
    with pytest.raises(InvalidInput) as info:
        services.classify_call(call.id, {"type_code": "NOPE"})
    assert info.value.field == "type_code"


def test_classification_sets_priority(services):
    call = services.open_call({})
    classified = services.classify_call(call.id, P1_TYPE)
    assert classified.priority == "P1"
    assert classified.determinant


def test_create_incident_needs_type_and_location(services):
    call = services.open_call({})
    with pytest.raises(InvalidInput) as info:
        services.create_incident(call.id)
    assert info.value.field == "type_code"
    services.classify_call(call.id, P1_TYPE)
    with pytest.raises(InvalidInput) as info:
        services.create_incident(call.id)
    assert info.value.field == "location"
    assert services.open_incidents() == []
    assert services.call(call.id).state == CallState.OPEN


def test_create_incident_ends_the_call_with_one_outcome(services, clock):
    incident = new_incident(services, number="081234567890")
    assert incident.number == "112-20261129-0001"
    assert incident.status == IncidentStatus.PENDING
    assert incident.priority == "P1"
    assert incident.caller_number == "+6281234567890"
    (call_id,) = incident.call_ids
    call = services.call(call_id)
    assert call.state == CallState.CLOSED
    assert call.outcome == CallOutcome.INCIDENT
    assert call.incident_id == incident.id
    clock.advance(60)
    assert new_incident(services).number == "112-20261129-0002"


def test_incident_numbers_follow_the_local_date(services, clock):
    # 2026-11-29 17:30 UTC is already 30 November in Blitar (UTC+7).
    clock.advance(hours=14, minutes=30)
    assert new_incident(services).number == "112-20261130-0001"


def test_non_emergency_types_cannot_become_incidents(services):
    call = services.open_call({})
    with pytest.raises(InvalidInput) as info:
        services.create_incident(call.id, location=ALUN_ALUN, classification=WATER_TYPE)
    assert info.value.field == "type_code"
    assert services.call(call.id).state == CallState.OPEN  # nothing half-saved
    assert services.call(call.id).type_code is None


def test_a_closed_call_cannot_change_again(services):
    incident = new_incident(services)
    call_id = incident.call_ids[0]
    with pytest.raises(InvalidTransition):
        services.close_call(call_id, "prank")
    with pytest.raises(InvalidTransition):
        services.record_location(call_id, ALUN_ALUN)
    with pytest.raises(InvalidTransition):
        services.create_incident(call_id)


def test_attach_duplicate(services):
    incident = new_incident(services)
    call = services.open_call({"caller_number": "085712345678"})
    attached = services.attach_to_incident(call.id, incident.id)
    assert attached.outcome == CallOutcome.DUPLICATE
    assert attached.incident_id == incident.id
    detail = services.incident(incident.id)
    assert len(detail.call_ids) == 2
    assert any("Duplicate call" in n.text for n in detail.narrative)


def test_attach_to_a_closed_incident_is_refused(services):
    incident = new_incident(services)
    services.cancel_incident(incident.id, "caller called back: false alarm")
    call = services.open_call({})
    with pytest.raises(InvalidTransition):
        services.attach_to_incident(call.id, incident.id)


def test_refer_water_complaint_to_pdam(services):
    call = services.open_call({})
    services.classify_call(call.id, WATER_TYPE)
    referral = services.refer_call(call.id, {"reference_number": "LAPOR-123"})
    assert referral.agency_code == "PDAM"
    assert referral.status == ReferralStatus.SENT
    assert referral.reference_number == "LAPOR-123"
    assert services.call(call.id).outcome == CallOutcome.REFERRAL


def test_refer_to_an_unknown_agency(services):
    call = services.open_call({})
    with pytest.raises(AgencyNotFound):
        services.refer_call(call.id, {"agency_code": "NOPE"})
    assert services.call(call.id).state == CallState.OPEN


@pytest.mark.parametrize("outcome", ["information", "prank", "silent", "abandoned"])
def test_direct_outcomes(services, outcome):
    call = services.open_call({"caller_number": "081111111111"})
    closed = services.close_call(call.id, outcome)
    assert closed.outcome == outcome
    assert closed.state == CallState.CLOSED


@pytest.mark.parametrize("outcome", ["incident", "duplicate", "referral", "bogus"])
def test_close_call_refuses_outcomes_that_need_their_own_action(services, outcome):
    call = services.open_call({})
    with pytest.raises(InvalidInput):
        services.close_call(call.id, outcome)


def test_caller_history_flags_prank_numbers(services):
    for outcome in ("prank", "prank", "silent"):
        services.close_call(
            services.open_call({"caller_number": "081299998888"}).id, outcome
        )
    history = services.caller_history("0812 9999 8888")
    assert history is not None
    assert (history.prank, history.silent, history.calls) == (2, 1, 3)
    assert history.flagged
    clean = services.caller_history("081200000000")
    assert clean is not None
    assert not clean.flagged
    assert clean.calls == 0


def test_drafts_survive_and_go_away_with_the_outcome(services):
    call = services.open_call({})
    services.save_draft(call.id, {"location": "depan pasar legi", "notes": "asap"})
    drafts = services.open_drafts("desk-1")
    assert [(c.id, d["location"]) for c, d in drafts] == [(call.id, "depan pasar legi")]
    services.close_call(call.id, "information")
    assert services.open_drafts("desk-1") == []


def test_lower_priority_type(services):
    incident = new_incident(services, classification=LOW_TYPE)
    assert incident.priority in ("P2", "P3", "P4")


def test_referral_is_acknowledged_then_resolved(services):
    call = services.open_call({})
    services.classify_call(call.id, WATER_TYPE)
    referral = services.refer_call(call.id)
    acked = services.acknowledge_referral(referral.id, reference_number="PDAM-77")
    assert acked.status == ReferralStatus.ACKNOWLEDGED
    assert acked.reference_number == "PDAM-77"
    resolved = services.resolve_referral(referral.id)
    assert resolved.status == ReferralStatus.RESOLVED
    assert resolved.acknowledged_at <= resolved.resolved_at
    with pytest.raises(InvalidTransition):
        services.acknowledge_referral(referral.id)
    kinds = [e.kind for e in services.events_after(0)]
    assert "referral.acknowledged" in kinds
    assert "referral.resolved" in kinds
    assert [r.id for r in services.referrals(status=ReferralStatus.RESOLVED)] == [
        referral.id
    ]
