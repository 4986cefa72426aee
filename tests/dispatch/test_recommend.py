"""Unit recommendation: fit, ETA ranking, station cover, pre-emption, reasons."""

from __future__ import annotations

import random
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pytest
from numpy.typing import NDArray

from dispatch.catalogue import PlanSlot
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend import (
    ReasonCode,
    RecommendConfig,
    RecommendRequest,
    TravelModel,
    UnitCandidate,
    UnitCompatibility,
    UnitPool,
    open_slots,
    reason_text,
    recommend,
)
from dispatch.triage import triage

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
SCENE = (-8.1, 112.16)
M_PER_DEG = 111_000.0


class LineTravel:
    """ETA = turnout + metres north of the scene / 10 m/s (easy to reason about)."""

    turnout = 60.0

    def __init__(self) -> None:
        self.calls = 0

    def eta(
        self,
        origin: tuple[float, float],
        dest: tuple[float, float],
        unit_type: str,
        when: datetime | None = None,
    ) -> float:
        return float(self.eta_many(np.array([origin]), dest, [unit_type], when)[0])

    def eta_many(
        self,
        origins: NDArray[np.float64],
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> NDArray[np.float64]:
        self.calls += 1
        assert origins.shape == (len(unit_types), 2)
        metres = np.hypot(origins[:, 0] - dest[0], origins[:, 1] - dest[1]) * M_PER_DEG
        return self.turnout + metres / 10.0


def unit(
    callsign: str,
    unit_type: str,
    eta_s: float,
    caps: set[str] | None = None,
    station: str | None = None,
    status: UnitStatus = UnitStatus.AVAILABLE,
    on: Priority | None = None,
    incident: int | None = None,
) -> UnitCandidate:
    """A unit placed so that LineTravel gives it ``eta_s`` to SCENE."""
    north = (eta_s - LineTravel.turnout) * 10.0 / M_PER_DEG
    return UnitCandidate(
        callsign=callsign,
        agency="X",
        unit_type=unit_type,
        capabilities=frozenset(caps or set()),
        station_id=station if station is not None else f"ST-{callsign}",
        lat=SCENE[0] + north,
        lon=SCENE[1],
        status=status,
        assignment_priority=on,
        assignment_incident_id=incident,
    )


def request(
    priority: Priority, *slots: PlanSlot, incident_id: int = 1
) -> RecommendRequest:
    return RecommendRequest(incident_id, SCENE[0], SCENE[1], priority, tuple(slots))


def slot(unit_type: str, count: int = 1, *caps: str) -> PlanSlot:
    return PlanSlot(unit_type=unit_type, count=count, capabilities=frozenset(caps))


def test_the_fake_satisfies_the_protocol() -> None:
    assert isinstance(LineTravel(), TravelModel)


def test_house_fire_plan_is_filled_by_the_nearest_units() -> None:
    plan = triage("FIRE-HOUSE", {"spreading": "y"})
    units = [
        unit("FE-1", "FIRE_ENGINE", 300, {"PUMP"}, "A"),
        unit("FE-2", "FIRE_ENGINE", 200, {"PUMP"}, "A"),
        unit("FE-3", "FIRE_ENGINE", 900, {"PUMP"}, "B"),
        unit("WT-1", "WATER_TANKER", 400, {"WATER"}, "A"),
        unit("AMB-1", "AMBULANCE", 250, {"BLS"}, "C"),
        unit("AMB-2", "AMBULANCE", 150, {"ALS"}, "D"),
        unit("POL-1", "POLICE_PATROL", 50, set(), "E"),
    ]
    travel = LineTravel()
    rec = recommend(request(plan.priority, *plan.plan), units, travel, NOW)
    chosen = {(u.slot_unit_type, u.callsign) for u in rec.units}
    assert chosen == {
        ("FIRE_ENGINE", "FE-1"),
        ("FIRE_ENGINE", "FE-2"),
        ("WATER_TANKER", "WT-1"),
        ("AMBULANCE", "AMB-2"),  # ALS fills the BLS slot and is faster
    }
    assert rec.complete
    assert not rec.has_preemption
    assert travel.calls == 1, "ETAs must come from one vectorised call"
    assert {u.callsign: u.eta_seconds for u in rec.units}["FE-2"] == pytest.approx(200)


def test_bls_unit_never_fills_an_als_slot_without_a_fallback_rule() -> None:
    units = [unit("AMB-B", "AMBULANCE", 100, {"BLS"})]
    strict = UnitCompatibility(substitutes={}, implies={"ALS": frozenset({"BLS"})})
    rec = recommend(
        request(Priority.P1, slot("AMBULANCE", 1, "ALS")),
        units,
        LineTravel(),
        NOW,
        RecommendConfig(compatibility=strict),
    )
    assert rec.units == ()
    assert len(rec.unfilled) == 1
    assert rec.unfilled[0].missing == 1
    assert rec.unfilled[0].capabilities == frozenset({"ALS"})


def test_busy_als_ambulances_give_a_stated_bls_substitute() -> None:
    units = [
        unit("AMB-A", "AMBULANCE", 100, {"ALS"}, status=UnitStatus.TRANSPORTING),
        unit("AMB-B", "AMBULANCE", 300, {"BLS"}),
    ]
    rec = recommend(
        request(Priority.P2, slot("AMBULANCE", 1, "ALS")), units, LineTravel(), NOW
    )
    (only,) = rec.units
    assert only.callsign == "AMB-B"
    assert only.reason is ReasonCode.DOWNGRADE
    assert rec.unfilled == ()
    assert reason_text(only, "en") == (
        "SUBSTITUTE: every ALS unit is busy; sends a BLS unit, ~5 min"
    )
    assert "ALS" in reason_text(only, "id")
    assert "BLS" in reason_text(only, "id")


def test_a_free_als_ambulance_beats_a_faster_bls_substitute() -> None:
    units = [
        unit("AMB-A", "AMBULANCE", 900, {"ALS"}),
        unit("AMB-B", "AMBULANCE", 100, {"BLS"}),
    ]
    rec = recommend(
        request(Priority.P2, slot("AMBULANCE", 1, "ALS")), units, LineTravel(), NOW
    )
    assert [(u.callsign, u.reason) for u in rec.units] == [
        ("AMB-A", ReasonCode.NEAREST)
    ]


def test_open_slots_counts_units_already_working_by_fit_not_by_type() -> None:
    compat = UnitCompatibility.from_catalogue()
    plan = (slot("AMBULANCE", 1, "BLS"), slot("AMBULANCE", 1, "ALS"))
    als = ("AMBULANCE", frozenset({"ALS"}))
    bls = ("AMBULANCE", frozenset({"BLS"}))
    # One ALS ambulance works the incident: it fills the ALS slot, not the
    # BLS slot listed first (which would leave "ALS" open and offer another).
    assert open_slots(plan, [als], compat) == (slot("AMBULANCE", 1, "BLS"),)
    assert open_slots(plan, [als, bls], compat) == ()
    # A BLS substitute accepted for the ALS slot fills it.
    assert open_slots((slot("AMBULANCE", 1, "ALS"),), [bls], compat) == ()
    # A unit that fits nothing fills nothing.
    fire = ("FIRE_ENGINE", frozenset({"PUMP"}))
    assert open_slots(plan, [fire], compat) == plan


def test_the_only_als_ambulance_goes_to_the_als_slot() -> None:
    units = [
        unit("AMB-ALS", "AMBULANCE", 100, {"ALS"}),
        unit("AMB-BLS", "AMBULANCE", 400, {"BLS"}),
    ]
    req = request(Priority.P1, slot("AMBULANCE", 1, "BLS"), slot("AMBULANCE", 1, "ALS"))
    rec = recommend(req, units, LineTravel(), NOW)
    by_slot = {u.slot_index: u.callsign for u in rec.units}
    assert by_slot == {0: "AMB-BLS", 1: "AMB-ALS"}


def test_rescue_unit_cannot_replace_a_fire_engine_but_an_engine_can_do_rescue() -> None:
    units = [
        unit("RES-1", "RESCUE", 100, {"RESCUE_TOOLS"}),
        unit("FE-1", "FIRE_ENGINE", 200, {"PUMP", "RESCUE_TOOLS"}),
    ]
    rec = recommend(request(Priority.P1, slot("FIRE_ENGINE")), units, LineTravel(), NOW)
    assert [u.callsign for u in rec.units] == ["FE-1"]

    only_engine = [units[1]]
    rec = recommend(
        request(Priority.P1, slot("RESCUE", 1, "RESCUE_TOOLS")),
        only_engine,
        LineTravel(),
        NOW,
    )
    assert [u.callsign for u in rec.units] == ["FE-1"]
    assert rec.units[0].reason is ReasonCode.SUBSTITUTE
    assert rec.units[0].unit_type == "FIRE_ENGINE"
    assert rec.units[0].slot_unit_type == "RESCUE"


def test_compatibility_table_comes_from_the_catalogue() -> None:
    compat = UnitCompatibility.from_catalogue()
    assert compat.fits("AMBULANCE", frozenset({"ALS"}), slot("AMBULANCE", 1, "BLS"))
    assert not compat.fits("HEARSE", frozenset(), slot("AMBULANCE"))
    assert compat.fits("POLICE_PATROL", frozenset(), slot("SATPOL_PATROL"))
    assert not compat.fits("SATPOL_PATROL", frozenset(), slot("POLICE_PATROL"))


def test_last_unit_of_a_station_is_spared_when_another_is_nearly_as_fast() -> None:
    units = [
        unit("AMB-A", "AMBULANCE", 200, {"BLS"}, "STA"),  # the last at STA
        unit("AMB-B1", "AMBULANCE", 240, {"BLS"}, "STB"),
        unit("AMB-B2", "AMBULANCE", 900, {"BLS"}, "STB"),
    ]
    rec = recommend(
        request(Priority.P2, slot("AMBULANCE", 1, "BLS")), units, LineTravel(), NOW
    )
    chosen = rec.units[0]
    assert chosen.callsign == "AMB-B1"
    assert chosen.reason is ReasonCode.KEEPS_STATION_COVER
    assert chosen.params["faster"] == "AMB-A"
    assert chosen.params["slower_s"] == 40
    assert "STA" in reason_text(chosen, "en")


def test_last_unit_of_a_station_goes_when_it_is_much_faster() -> None:
    units = [
        unit("AMB-A", "AMBULANCE", 200, {"BLS"}, "STA"),
        unit("AMB-B1", "AMBULANCE", 300, {"BLS"}, "STB"),
        unit("AMB-B2", "AMBULANCE", 900, {"BLS"}, "STB"),
    ]
    rec = recommend(
        request(Priority.P2, slot("AMBULANCE", 1, "BLS")), units, LineTravel(), NOW
    )
    assert rec.units[0].callsign == "AMB-A"
    assert rec.units[0].reason is ReasonCode.NEAREST


def test_station_margin_is_configurable() -> None:
    units = [
        unit("AMB-A", "AMBULANCE", 200, {"BLS"}, "STA"),
        unit("AMB-B1", "AMBULANCE", 240, {"BLS"}, "STB"),
        unit("AMB-B2", "AMBULANCE", 900, {"BLS"}, "STB"),
    ]
    cfg = RecommendConfig(station_cover_margin_s=0)
    rec = recommend(
        request(Priority.P2, slot("AMBULANCE")), units, LineTravel(), NOW, cfg
    )
    assert rec.units[0].callsign == "AMB-A"


def test_p1_preempts_a_unit_on_lower_priority_work_when_much_sooner() -> None:
    units = [
        unit("FE-FREE", "FIRE_ENGINE", 700, {"PUMP"}),
        unit("FE-BUSY", "FIRE_ENGINE", 300, {"PUMP"}, status=UnitStatus.EN_ROUTE,
             on=Priority.P3, incident=42),
    ]  # fmt: skip
    rec = recommend(request(Priority.P1, slot("FIRE_ENGINE")), units, LineTravel(), NOW)
    chosen = rec.units[0]
    assert chosen.callsign == "FE-BUSY"
    assert chosen.preemption
    assert chosen.reason is ReasonCode.PREEMPT
    assert chosen.params["gain_s"] == 400
    assert chosen.preempted_incident_id == 42
    assert chosen.preempted_priority is Priority.P3
    assert rec.has_preemption
    assert "PRE-EMPTED" in reason_text(chosen, "en")
    assert "#42" in reason_text(chosen, "id")


def test_no_preemption_when_the_gain_is_small() -> None:
    units = [
        unit("FE-FREE", "FIRE_ENGINE", 400, {"PUMP"}),
        unit("FE-BUSY", "FIRE_ENGINE", 300, {"PUMP"}, status=UnitStatus.EN_ROUTE,
             on=Priority.P3),
    ]  # fmt: skip
    rec = recommend(request(Priority.P1, slot("FIRE_ENGINE")), units, LineTravel(), NOW)
    assert rec.units[0].callsign == "FE-FREE"
    assert not rec.units[0].preemption
    # The busy unit is still offered as a (flagged) alternative.
    assert [(a.callsign, a.preemption) for a in rec.alternatives] == [("FE-BUSY", True)]


def test_preemption_when_no_free_unit_fits() -> None:
    units = [
        unit(
            "AMB-1",
            "AMBULANCE",
            300,
            {"ALS"},
            status=UnitStatus.ON_SCENE,
            on=Priority.P4,
        ),
    ]
    rec = recommend(
        request(Priority.P1, slot("AMBULANCE", 1, "ALS")), units, LineTravel(), NOW
    )
    assert rec.units[0].reason is ReasonCode.PREEMPT_ONLY_OPTION


def test_never_preempt_for_p2_nor_from_p1_nor_a_transporting_unit() -> None:
    busy_p3 = unit(
        "A", "AMBULANCE", 100, {"ALS"}, status=UnitStatus.EN_ROUTE, on=Priority.P3
    )
    busy_p1 = unit(
        "B", "AMBULANCE", 100, {"ALS"}, status=UnitStatus.EN_ROUTE, on=Priority.P1
    )
    transporting = unit(
        "C", "AMBULANCE", 100, {"ALS"}, status=UnitStatus.TRANSPORTING, on=Priority.P4
    )
    req_p2 = request(Priority.P2, slot("AMBULANCE"))
    assert recommend(req_p2, [busy_p3], LineTravel(), NOW).units == ()
    req_p1 = request(Priority.P1, slot("AMBULANCE"))
    assert recommend(req_p1, [busy_p1, transporting], LineTravel(), NOW).units == ()


def test_returning_unit_counts_from_where_it_is() -> None:
    units = [
        unit("AMB-HOME", "AMBULANCE", 500, {"BLS"}, "S1"),
        unit("AMB-BACK", "AMBULANCE", 150, {"BLS"}, "S2", status=UnitStatus.RETURNING),
    ]
    rec = recommend(request(Priority.P2, slot("AMBULANCE")), units, LineTravel(), NOW)
    assert rec.units[0].callsign == "AMB-BACK"
    assert rec.units[0].reason is ReasonCode.RETURNING


def test_units_out_of_service_or_off_duty_are_ignored() -> None:
    units = [
        unit("A", "AMBULANCE", 100, {"BLS"}, status=UnitStatus.OUT_OF_SERVICE),
        unit("B", "AMBULANCE", 100, {"BLS"}, status=UnitStatus.OFF_DUTY),
        unit("C", "AMBULANCE", 100, {"BLS"}, status=UnitStatus.AT_HOSPITAL),
    ]
    rec = recommend(request(Priority.P1, slot("AMBULANCE")), units, LineTravel(), NOW)
    assert rec.units == ()
    assert rec.unfilled[0].unit_type == "AMBULANCE"


def test_short_supply_fills_earlier_slots_first_and_reports_the_rest() -> None:
    units = [unit("FE-1", "FIRE_ENGINE", 100, {"PUMP", "RESCUE_TOOLS"})]
    req = request(
        Priority.P1, slot("FIRE_ENGINE", 2, "PUMP"), slot("RESCUE", 1, "RESCUE_TOOLS")
    )
    rec = recommend(req, units, LineTravel(), NOW)
    assert [(u.slot_index, u.callsign) for u in rec.units] == [(0, "FE-1")]
    assert [(s.slot_index, s.missing) for s in rec.unfilled] == [(0, 1), (1, 1)]


def test_result_does_not_depend_on_input_order_and_pool_reuse() -> None:
    rnd = random.Random(7)
    kinds = ["AMBULANCE", "FIRE_ENGINE"]
    units = [
        unit(
            f"U{i:02d}", rnd.choice(kinds), rnd.choice([200, 300]), {"BLS"}, f"S{i % 3}"
        )
        for i in range(30)
    ]
    req = request(Priority.P1, slot("AMBULANCE", 2), slot("FIRE_ENGINE", 2))
    first = recommend(req, units, LineTravel(), NOW)
    shuffled = list(units)
    rnd.shuffle(shuffled)
    assert recommend(req, shuffled, LineTravel(), NOW).units == first.units
    pool = UnitPool(units)
    assert recommend(req, pool, LineTravel(), NOW).units == first.units
    assert recommend(req, pool, LineTravel(), NOW).alternatives == first.alternatives


def test_duplicate_callsigns_are_refused() -> None:
    units = [unit("A", "AMBULANCE", 100), unit("A", "AMBULANCE", 200)]
    with pytest.raises(ValueError, match="unique"):
        recommend(request(Priority.P1, slot("AMBULANCE")), units, LineTravel(), NOW)


def test_empty_plan_or_no_units() -> None:
    rec = recommend(
        request(Priority.P4), [unit("A", "AMBULANCE", 100)], LineTravel(), NOW
    )
    assert rec.units == ()
    assert rec.complete
    rec = recommend(request(Priority.P1, slot("AMBULANCE", 2)), [], LineTravel(), NOW)
    assert rec.unfilled[0].missing == 2


def test_reason_texts_exist_in_both_languages() -> None:
    units = [unit("AMB-1", "AMBULANCE", 190, {"BLS"})]
    rec = recommend(request(Priority.P2, slot("AMBULANCE")), units, LineTravel(), NOW)
    chosen = rec.units[0]
    assert chosen.params["eta_min"] == 3
    assert reason_text(chosen, "en") == "Fastest suitable unit, arrives in ~3 min"
    assert reason_text(chosen, "id") == "Unit sesuai tercepat, tiba ±3 menit"
    for code in ReasonCode:
        probe = type(chosen)(
            callsign="X", agency="X", unit_type="AMBULANCE", station_id="S",
            slot_index=0, slot_unit_type="AMBULANCE", eta_seconds=60, reason=code,
            params={"gain_s": 1, "faster": "Y", "slower_s": 2},
        )  # fmt: skip
        assert reason_text(probe, "id")
        assert reason_text(probe, "en")
