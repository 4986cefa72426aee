"""The coverage-aware rule of the recommender (dispatch.coverage)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from dispatch.catalogue import PlanSlot
from dispatch.coverage import CoverageModel, CoverageRule
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend import (
    ReasonCode,
    RecommendConfig,
    RecommendRequest,
    UnitCandidate,
    reason_text,
    recommend,
)
from geodata.packs.benchmark import CrowFlyTravelModel

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
TRAVEL = CrowFlyTravelModel(circuity=1.0, speed_kmh=36.0, turnout_s=0.0)  # 10 m/s
SCENE = (52.0, 5.0)
DEG = 1 / 111_195.0  # one metre of latitude


def amb(callsign: str, north_m: float) -> UnitCandidate:
    return UnitCandidate(
        callsign=callsign,
        agency="EMS",
        unit_type="AMBULANCE",
        capabilities=frozenset(),
        station_id=callsign,
        lat=SCENE[0] + north_m * DEG,
        lon=SCENE[1],
        status=UnitStatus.AVAILABLE,
    )


def req(priority: Priority, on_time_s: float | None) -> RecommendRequest:
    return RecommendRequest(
        1, SCENE[0], SCENE[1], priority, (PlanSlot(unit_type="AMBULANCE"),), on_time_s
    )


# A (1,000 m north, 100 s) alone covers a busy town 6 km north of the scene;
# B (2,000 m south, 200 s) covers only the scene's quiet side.
UNITS = [amb("A", 1_000), amb("B", -2_000)]
TOWN = (SCENE[0] + 6_000 * DEG, SCENE[1])
QUIET = (SCENE[0] - 3_000 * DEG, SCENE[1])


def rule(slack: float = 300.0) -> RecommendConfig:
    model = CoverageModel(
        np.array([TOWN, QUIET]), np.array([0.9, 0.1]), cover_s=600.0, busy_fraction=0.3
    )
    return RecommendConfig(
        coverage=CoverageRule(model, {Priority.P1: slack, Priority.P3: slack}, 60.0)
    )


def test_the_unit_that_keeps_the_busy_town_covered_is_sent_and_says_why():
    rec = recommend(req(Priority.P1, 600.0), UNITS, TRAVEL, NOW, rule())
    chosen = rec.units[0]
    assert chosen.callsign == "B"
    assert chosen.reason is ReasonCode.KEEPS_COVERAGE
    assert chosen.params["faster"] == "A"
    assert chosen.params["slower_s"] == 100
    assert float(chosen.params["kept_pts"]) > 50  # A alone covers 90 % of the calls
    assert "keeps coverage" in reason_text(chosen, "en")


def test_never_trades_a_late_arrival_for_coverage():
    rec = recommend(req(Priority.P1, 150.0), UNITS, TRAVEL, NOW, rule())
    assert rec.units[0].callsign == "A"  # B (200 s) would be late


def test_the_slack_bounds_the_extra_time():
    rec = recommend(req(Priority.P1, 600.0), UNITS, TRAVEL, NOW, rule(slack=60.0))
    assert rec.units[0].callsign == "A"
    assert rec.units[0].reason is not ReasonCode.KEEPS_COVERAGE


def test_without_the_rule_the_fastest_goes():
    rec = recommend(req(Priority.P1, 600.0), UNITS, TRAVEL, NOW, RecommendConfig())
    assert rec.units[0].callsign == "A"


def test_dmexclp_sends_a_freed_unit_where_it_adds_coverage():
    from dispatch.relocation import best_station

    model = CoverageModel(
        np.array([TOWN, QUIET]), np.array([0.9, 0.1]), cover_s=600.0, busy_fraction=0.3
    )
    town_station = (TOWN[0] - 500 * DEG, TOWN[1])
    quiet_station = (QUIET[0] + 500 * DEG, QUIET[1])
    stations = np.array([quiet_station, town_station])
    # Nobody else free: the town (90 % of calls) is uncovered -> go there.
    none = np.zeros((0, 2))
    assert best_station(model, TRAVEL, "AMBULANCE", stations, none, home=0) == 1
    # Another unit already sits in the town: the quiet side gains more now.
    others = np.array([town_station, town_station, town_station])
    assert best_station(model, TRAVEL, "AMBULANCE", stations, others, home=1) == 0
    # A tie keeps the unit at home.
    twin = np.array([quiet_station, quiet_station])
    assert best_station(model, TRAVEL, "AMBULANCE", twin, none, home=1) == 1
