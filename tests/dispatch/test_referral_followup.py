"""Referral follow-up: chosen channel and sector, reference, resolve, overdue."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.enums import ReferralChannel, ReferralStatus, Sector
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.schemas import ReferralView
from dispatch.services import DispatchService
from tests.dispatch.conftest import WATER_TYPE


def _refer(services: DispatchService, **data: str) -> ReferralView:
    call = services.open_call({"caller_number": "081234567890"})
    services.classify_call(call.id, WATER_TYPE)
    return services.refer_call(call.id, data)


def test_channel_and_sector_are_chosen_from_lists(services):
    referral = _refer(services, channel="ulpim", sector="sanitation")
    assert referral.channel == ReferralChannel.ULPIM
    assert referral.sector == Sector.SANITATION
    default = _refer(services)
    assert default.sector == Sector.DRINKING_WATER  # suggested by the type
    with pytest.raises(InvalidInput) as err:
        _refer(services, channel="whatsapp grup RT")
    assert err.value.field == "channel"
    with pytest.raises(InvalidInput) as err:
        _refer(services, sector="parking")
    assert err.value.field == "sector"


def test_acknowledge_needs_the_agencys_reference(services, clock):
    referral = _refer(services)
    with pytest.raises(InvalidInput) as err:
        services.acknowledge_referral(referral.id)
    assert err.value.field == "reference_number"
    assert services.referral(referral.id).status == ReferralStatus.SENT
    clock.advance(3600)
    acked = services.acknowledge_referral(
        referral.id, reference_number=" ULP-2026-0042 ", note="teknisi besok pagi"
    )
    assert acked.status == ReferralStatus.ACKNOWLEDGED
    assert acked.reference_number == "ULP-2026-0042"
    assert acked.note == "teknisi besok pagi"
    assert acked.acknowledged_at == clock.now()


def test_resolve_then_reopen(services, clock):
    referral = _refer(services, reference_number="LPR-1")
    services.acknowledge_referral(referral.id)  # the reference from intake counts
    resolved = services.resolve_referral(referral.id, note="pipa diganti")
    assert resolved.status == ReferralStatus.RESOLVED
    assert resolved.note == "pipa diganti"
    with pytest.raises(InvalidTransition):
        services.resolve_referral(referral.id)
    with pytest.raises(InvalidInput):
        services.reopen_referral(referral.id, "  ")
    reopened = services.reopen_referral(referral.id, "air mati lagi")
    assert reopened.status == ReferralStatus.ACKNOWLEDGED
    assert reopened.resolved_at is None
    kinds = [e.kind for e in services.events_after(0) if e.kind.startswith("referral")]
    assert kinds == [
        "referral.acknowledged",
        "referral.resolved",
        "referral.reopened",
    ]


def test_open_referrals_flag_overdue_by_the_sectors_target(services, clock):
    water = _refer(services)  # drinking water: 24 h in the pack
    roads_call = services.open_call({})
    services.classify_call(roads_call.id, WATER_TYPE)
    roads = services.refer_call(
        roads_call.id, {"agency_code": "PDAM", "sector": "roads"}
    )  # same agency, roads: 168 h
    clock.advance(hours=25)
    lines = {line.referral.id: line for line in services.open_referrals()}
    assert lines[water.id].target_h == 24
    assert lines[water.id].overdue
    assert lines[water.id].agency_name == "PDAM"
    assert lines[water.id].caller_number == "+6281234567890"
    assert lines[roads.id].target_h == 168
    assert not lines[roads.id].overdue
    assert services.flag_overdue_referrals() == [water.id]
    assert services.flag_overdue_referrals() == []  # once only
    services.resolve_referral(water.id)
    assert [line.referral.id for line in services.open_referrals()] == [roads.id]


def test_targets_sector_first_then_agency_then_the_setting(services):
    from dispatch.reports.followup import FollowUpTargets

    targets = FollowUpTargets.of(services.pack, services.settings)
    assert targets.for_referral("DISKOMINFOTIK", "drinking_water") == 24
    assert targets.for_referral("PDAM", "roads") == 168
    assert targets.for_referral("PDAM", None) == 72  # no sector counts as other
    no_sectors = FollowUpTargets(
        referral_h={"PDAM": 24},
        default_referral_h=services.settings.referral_target_hours,
    )
    assert no_sectors.for_referral("PDAM", "roads") == 24
    assert (
        no_sectors.for_referral("DISKOMINFOTIK", "roads")
        == services.settings.referral_target_hours
    )


def test_a_pack_naming_an_unknown_sector_fails_loudly(services):
    from dataclasses import replace

    from dispatch.reports.followup import FollowUpTargets
    from geodata.packs import SectorTarget

    bad = replace(
        services.pack,
        sector_targets=(SectorTarget(sector="air_minum", referral_target_h=5),),
    )
    with pytest.raises(ValueError, match="unknown sector"):
        FollowUpTargets.of(bad, services.settings)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(text=st.text(max_size=700))
def test_free_text_reference_is_kept_clean_or_refused(services, text):
    referral = _refer(services)
    refused: InvalidInput | None = None
    try:
        acked = services.acknowledge_referral(referral.id, reference_number=text)
    except InvalidInput as exc:
        refused = exc
    if refused is not None:
        assert refused.field == "reference_number"
        assert services.referral(referral.id).status == ReferralStatus.SENT
    else:
        assert acked.reference_number
        assert len(acked.reference_number) <= 64
        assert acked.reference_number.isprintable()


def test_callback_is_owed_after_resolution_and_recorded(services, clock):
    asked = _refer(services, callback="true", reference_number="LPR-9")
    silent = _refer(services, reference_number="LPR-10")
    assert asked.callback_requested
    with pytest.raises(InvalidTransition):
        services.record_callback(asked.id, "informed")  # not resolved yet
    services.resolve_referral(asked.id)
    services.resolve_referral(silent.id)
    assert [r.id for r in services.callbacks_due()] == [asked.id]
    assert services.referral(asked.id).callback_due
    with pytest.raises(InvalidTransition):
        services.record_callback(silent.id, "informed")  # nobody asked
    with pytest.raises(InvalidInput) as err:
        services.record_callback(asked.id, "left a message")
    assert err.value.field == "outcome"
    no_answer = services.record_callback(asked.id, "no_answer")
    assert no_answer.callback_due  # still owed
    clock.advance(600)
    done = services.record_callback(asked.id, "informed", "Bu Sri sudah tahu")
    assert done.callback_at == clock.now()
    assert not done.callback_due
    assert services.callbacks_due() == []


def test_callback_not_solved_reopens_the_referral(services):
    referral = _refer(services, callback="true", reference_number="LPR-11")
    services.resolve_referral(referral.id)
    reopened = services.record_callback(referral.id, "not_solved", "masih mati")
    assert reopened.status == ReferralStatus.ACKNOWLEDGED
    assert reopened.resolved_at is None
    assert [line.referral.id for line in services.open_referrals()] == [referral.id]


def test_the_desk_list_keeps_resolved_referrals_owing_a_callback(services):
    owing = _refer(services, callback="true", reference_number="LPR-12")
    services.resolve_referral(owing.id)
    assert services.open_referrals() == []
    (line,) = services.open_referrals(with_callbacks=True)
    assert line.referral.callback_due
    assert not line.overdue
    services.record_callback(owing.id, "informed")
    assert services.open_referrals(with_callbacks=True) == []
