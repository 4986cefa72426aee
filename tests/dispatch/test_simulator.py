"""The simulator: reproducible runs, figures, policies, and the database it writes."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from dispatch import journal
from dispatch.clock import FixedClock
from dispatch.db import make_engine, read_session
from dispatch.enums import Priority, UnitStatus
from dispatch.models import Call, Incident
from dispatch.schemas import IncidentDetail
from dispatch.services import DispatchService
from dispatch.simulator import (
    ProfileError,
    SimulationConfig,
    SimulationError,
    load_profile,
    simulate,
)
from dispatch.simulator.calls import (
    CallSpec,
    PlaceSampler,
    generate_calls,
    level_choices,
)
from dispatch.simulator.metrics import IncidentRecord, UnitRecord, summarise
from dispatch.simulator.policies import ClosestIdlePolicy, EnginePolicy, missing_slots
from dispatch.testing import DEFAULT_START, make_services
from geodata.packs import PACKS_DIR, load_pack

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.fixture(scope="module")
def places():
    return PlaceSampler(load_pack("blitar"))


def _calls(
    places: PlaceSampler, *, seed: int = 1, hours: float = 24.0, rate_scale: float = 1.0
) -> list[CallSpec]:
    return generate_calls(
        seed=seed,
        profile=load_profile(),
        places=places,
        hours=hours,
        rate_scale=rate_scale,
        start=datetime(2025, 2, 3, 0, 0, tzinfo=UTC),
        zone=JAKARTA,
    )


# -- the call generator ------------------------------------------------------------


def test_same_seed_same_calls_other_seed_other_calls(places):
    assert _calls(places, seed=7) == _calls(places, seed=7)
    assert _calls(places, seed=7) != _calls(places, seed=8)


def test_rate_scale_multiplies_the_volume(places):
    base = sum(len(_calls(places, seed=s, hours=72)) for s in range(1, 6))
    surge = sum(
        len(_calls(places, seed=s, hours=72, rate_scale=5)) for s in range(1, 6)
    )
    # 5 seeds x 3 days x 11.5 calls/day ~ 173 calls; x5 ~ 865
    assert 120 < base < 230
    assert 4.0 < surge / base < 6.0


def test_places_are_inside_the_service_area(places):
    pack = load_pack("blitar")
    calls = _calls(places, rate_scale=10)
    located = [c.location for c in calls if c.location]
    assert located
    for loc in located:
        assert pack.point_in_service_area(loc["lat"], loc["lon"])


def test_the_outcome_mix_follows_the_record(places):
    calls = [
        c for s in range(1, 6) for c in _calls(places, seed=s, hours=24, rate_scale=20)
    ]
    share = {
        k: sum(1 for c in calls if c.outcome == k) / len(calls)
        for k in ("prank", "silent")
    }
    assert share["prank"] == pytest.approx(34 / 150, abs=0.05)
    assert share["silent"] == pytest.approx(55 / 150, abs=0.05)


def test_level_choices_reach_each_level_by_real_answers():
    choices = {c.determinant.value: c for c in level_choices("MED-UNCON")}
    assert set(choices) == {"ECHO", "DELTA", "CHARLIE", "BRAVO"}
    assert choices["ECHO"].priority == Priority.P1
    assert choices["ECHO"].answers["not_breathing"] == "y"


def test_a_bad_profile_names_the_key(tmp_path):
    text = (PACKS_DIR / "blitar" / "simulation.toml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("MED-SICK = 10", "MED-NOPE = 10"), encoding="utf-8")
    with pytest.raises(ProfileError, match="MED-NOPE"):
        load_profile(bad)


# -- the figures ---------------------------------------------------------------


def _record(
    i: int,
    priority: Priority,
    received: float,
    created: float,
    assigned: float | None,
    on_scene: float | None,
    target: float,
) -> IncidentRecord:
    return IncidentRecord(
        incident_id=i,
        number=f"112-{i:04d}",
        type_code="MED-SICK",
        priority=priority,
        received_s=received,
        created_s=created,
        target_s=target,
        first_assigned_s=assigned,
        first_on_scene_s=on_scene,
        first_assigned_by_type={"AMBULANCE": assigned} if assigned is not None else {},
        first_on_scene_by_type={"AMBULANCE": on_scene} if on_scene is not None else {},
    )


def test_figures_of_a_hand_made_day():
    incidents = [
        # responses 300, 500, 700 s; waits 0, 60, 200 s; P1 target 600 s
        _record(1, Priority.P1, 0, 90, 90, 300, 600),
        _record(2, Priority.P1, 100, 190, 250, 600, 600),
        _record(3, Priority.P1, 1000, 1100, 1300, 1700, 600),
        # a P2 reached in 950 s (target 900): late
        _record(4, Priority.P2, 2000, 2100, 2100, 2950, 900),
        # after the period: not counted
        _record(5, Priority.P1, 3600, 3700, 3700, 3800, 600),
    ]
    units = [
        UnitRecord("AMB-01", "AMBULANCE", busy_s=1800, away_s=2400),
        UnitRecord("AMB-02", "AMBULANCE", busy_s=0, away_s=0),
    ]
    figures = summarise(incidents, units, period_s=3600)
    p1 = figures["by_priority"]["P1"]
    assert p1["n"] == 3
    assert p1["reached"] == 3
    assert p1["mean_s"] == 500.0
    assert p1["median_s"] == 500.0
    assert p1["p90_s"] == 660.0  # linear between 500 and 700
    assert p1["within_target"] == 2  # 600 s is within a 600 s target
    assert p1["within_target_share"] == pytest.approx(0.6667)
    assert p1["longest_queue_wait_s"] == 200.0
    p2 = figures["by_priority"]["P2"]
    assert (p2["n"], p2["within_target"], p2["within_target_share"]) == (1, 0, 0.0)
    assert figures["by_priority"]["P4"]["n"] == 0
    assert figures["by_priority"]["P4"]["mean_s"] is None
    assert figures["by_priority"]["all"]["n"] == 4
    amb = figures["by_unit_type"]["AMBULANCE"]
    assert amb["units"] == 2
    assert amb["n"] == 4
    assert amb["utilisation"] == 0.25  # 1800 s of 2 x 3600 s
    assert amb["away_share"] == pytest.approx(0.3333)
    assert figures["queue"]["longest_wait_s"] == 200.0
    assert figures["queue"]["longest_wait_incident"] == "112-0003"


def test_an_incident_never_reached_counts_as_late():
    incidents = [
        _record(1, Priority.P1, 0, 60, 60, 300, 600),
        _record(2, Priority.P1, 0, 60, None, None, 600),
    ]
    p1 = summarise(incidents, [], period_s=3600)["by_priority"]["P1"]
    assert (p1["n"], p1["reached"], p1["within_target"]) == (2, 1, 1)
    assert p1["within_target_share"] == 0.5
    assert p1["median_s"] == 300.0


def test_missing_slots_counts_units_and_substitutes():
    from dispatch import catalogue
    from dispatch.enums import Determinant

    plan = catalogue.get_catalogue().level("TRAFFIC-INJ", Determinant.ECHO).plan
    # ALS ambulance, 2 BLS ambulances, 1 police
    left = missing_slots(plan, ["AMBULANCE", "POLICE_PATROL"])
    assert [(s.unit_type, s.count) for s in left] == [("AMBULANCE", 2)]
    assert missing_slots(plan, ["AMBULANCE"] * 3 + ["POLICE_PATROL"]) == ()


# -- policies ------------------------------------------------------------------


@pytest.fixture
def sim_services():
    engine = make_engine("sqlite://")
    clock = FixedClock(DEFAULT_START)
    services = make_services(engine, clock=clock)
    yield services
    engine.dispose()


def _incident_at(
    services: DispatchService,
    lat: float | None,
    lon: float | None,
    type_code: str = "MED-SICK",
    answers: dict[str, str] | None = None,
) -> IncidentDetail:
    call = services.open_call({})
    return services.create_incident(
        call.id,
        location={"text": "test", "lat": lat, "lon": lon},
        classification={"type_code": type_code, "answers": answers or {}},
    )


def test_closest_idle_sends_the_nearest_idle_unit(sim_services):
    s = sim_services
    sukorejo = s.pack.station_by_id["st-pkm-sukorejo"]
    first = _incident_at(s, sukorejo.lat, sukorejo.lon + 0.001)
    made = ClosestIdlePolicy().dispatch(s, s.clock.now())
    assert [a.callsign for a in made] == ["AMB-02"]
    assert made[0].incident_id == first.id
    # AMB-02 is now busy: the next incident there gets the next nearest idle unit
    second = _incident_at(s, sukorejo.lat, sukorejo.lon + 0.001)
    model = s.travel_model
    idle = [
        u
        for u in s.units()
        if u.unit_type == "AMBULANCE" and u.status == UnitStatus.AVAILABLE
    ]
    expected = min(
        idle,
        key=lambda u: model.eta(
            (u.lat, u.lon), (second.lat, second.lon), "AMBULANCE", s.clock.now()
        ),
    )
    made = ClosestIdlePolicy().dispatch(s, s.clock.now())
    assert [a.callsign for a in made] == [expected.callsign]
    assert expected.callsign != "AMB-02"


def test_closest_idle_ignores_returning_units_but_closest_free_takes_them(sim_services):
    s = sim_services
    sukorejo = s.pack.station_by_id["st-pkm-sukorejo"]
    first = _incident_at(s, sukorejo.lat, sukorejo.lon)
    ClosestIdlePolicy().dispatch(s, s.clock.now())
    s.report_status("AMB-02", "on_scene")
    s.report_status("AMB-02", "returning")
    s.close_incident(first.id, "PATIENT_TREATED_RELEASED")
    _incident_at(s, sukorejo.lat, sukorejo.lon)
    idle = ClosestIdlePolicy().dispatch(s, s.clock.now())
    assert idle
    assert idle[0].callsign != "AMB-02"
    s.release_unit(idle[0].incident_id, idle[0].callsign, "test")
    free = ClosestIdlePolicy(include_returning=True).dispatch(s, s.clock.now())
    assert [a.callsign for a in free] == ["AMB-02"]


def test_engine_policy_serves_p1_first_when_one_ambulance_is_left(sim_services):
    s = sim_services
    for callsign in ("AMB-01", "AMB-02", "AMB-03", "AMB-04"):
        s.report_status(callsign, "out_of_service")
    alun = s.pack.station_by_id["st-pmi"]
    low = _incident_at(s, alun.lat, alun.lon, answers=_answers("MED-SICK", "P3"))
    high = _incident_at(s, alun.lat, alun.lon, answers=_answers("MED-SICK", "P2"))
    assert (low.priority, high.priority) == (Priority.P3, Priority.P2)
    made = EnginePolicy().dispatch(s, s.clock.now())
    assert [(a.incident_id, a.callsign) for a in made] == [(high.id, "AMB-05")]


def _answers(type_code: str, priority: str) -> dict[str, str]:
    return next(c.answers for c in level_choices(type_code) if c.priority == priority)


# -- whole runs ---------------------------------------------------------------


def _small(**kw: Any) -> SimulationConfig:
    return SimulationConfig(**{"seed": 3, "hours": 8, "rate_scale": 5, **kw})


def test_same_seed_gives_the_same_figures():
    a = simulate(_small())
    b = simulate(_small())
    assert json.dumps(a.to_dict()) == json.dumps(b.to_dict())
    c = simulate(_small(seed=4))
    assert c.to_dict() != a.to_dict()


def test_a_run_leaves_a_consistent_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'day.db'}"
    result = simulate(_small(database_url=url))
    doc = result.to_dict()
    assert doc["incidents"]["total"] > 0
    assert doc["incidents"]["closed"] == doc["incidents"]["total"]
    engine = make_engine(url)
    with read_session(engine) as session:
        calls = session.scalar(select(func.count()).select_from(Call))
        incidents = {i.id: i for i in session.scalars(select(Incident))}
        assert journal.verify_chain(session).ok
    assert calls == doc["calls"]["total"]
    start = result.start
    for record in result.incidents:
        row = incidents[record.incident_id]
        assert row.first_on_scene_at is not None
        on_scene = (row.first_on_scene_at.replace(tzinfo=UTC) - start).total_seconds()
        assert on_scene == pytest.approx(record.first_on_scene_s, abs=1e-3)
        assert row.status == "closed"
    # everyone came home
    assert {u.status for u in result.services.units()} == {UnitStatus.AVAILABLE}
    engine.dispose()
    result.engine.dispose()


def test_refuses_a_database_that_holds_calls(tmp_path):
    url = f"sqlite:///{tmp_path / 'day.db'}"
    simulate(_small(hours=2, database_url=url)).engine.dispose()
    with pytest.raises(SimulationError, match="already holds calls"):
        simulate(_small(hours=2, database_url=url))


def test_bad_options_are_refused():
    with pytest.raises(SimulationError, match="policy"):
        SimulationConfig(policy="fastest")
    with pytest.raises(SimulationError, match="hours"):
        SimulationConfig(hours=0)


def test_engine_policy_preempts_for_a_p1_when_no_ambulance_is_free(sim_services):
    s = sim_services
    for callsign in ("AMB-01", "AMB-02", "AMB-03", "AMB-05"):
        s.report_status(callsign, "out_of_service")
    rsud = s.pack.station_by_id["st-rsud"]
    low = _incident_at(s, rsud.lat, rsud.lon, answers=_answers("MED-SICK", "P3"))
    made = EnginePolicy().dispatch(s, s.clock.now())
    assert [(a.incident_id, a.callsign) for a in made] == [(low.id, "AMB-04")]
    s.report_status("AMB-04", "en_route")
    high = _incident_at(
        s, rsud.lat, rsud.lon, "MED-UNCON", answers=_answers("MED-UNCON", "P1")
    )
    assert high.priority == Priority.P1
    made = EnginePolicy().dispatch(s, s.clock.now())
    assert [(a.incident_id, a.callsign, a.preempted_from) for a in made] == [
        (high.id, "AMB-04", low.id)
    ]
    # closest-idle never pulls a unit off an incident
    assert ClosestIdlePolicy().dispatch(s, s.clock.now()) == []
