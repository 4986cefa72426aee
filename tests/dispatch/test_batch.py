"""Batch assignment across the queue: priority first, no double use, fit."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.typing import NDArray

from dispatch.batch import BatchConfig, assign_batch, unfilled_slots
from dispatch.catalogue import PlanSlot
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend import RecommendRequest, UnitCandidate, UnitCompatibility

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
COMPAT = UnitCompatibility.from_catalogue()


class PlaneTravel:
    """ETA = 60 s + straight-line metres / 10 m/s on a flat plane (1e-3 deg = 100 m)."""

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
        metres = np.hypot(origins[:, 0] - dest[0], origins[:, 1] - dest[1]) * 100_000
        return 60.0 + metres / 10.0


def unit(
    callsign: str,
    unit_type: str,
    at: tuple[float, float],
    caps: set[str] | None = None,
    status: UnitStatus = UnitStatus.AVAILABLE,
    station: str | None = None,
) -> UnitCandidate:
    return UnitCandidate(
        callsign, "X", unit_type, frozenset(caps or set()), station or f"S-{callsign}",
        at[0], at[1], status,
    )  # fmt: skip


def req(
    incident_id: int, priority: Priority, at: tuple[float, float], *slots: PlanSlot
) -> RecommendRequest:
    return RecommendRequest(incident_id, at[0], at[1], priority, tuple(slots))


def slot(unit_type: str, count: int = 1, *caps: str) -> PlanSlot:
    return PlanSlot(unit_type=unit_type, count=count, capabilities=frozenset(caps))


def test_p1_gets_the_only_ambulance_even_when_a_p2_is_closer() -> None:
    amb = unit("AMB", "AMBULANCE", (0.0, 0.0), {"ALS"})
    p2 = req(1, Priority.P2, (0.001, 0.0), slot("AMBULANCE"))
    p1 = req(2, Priority.P1, (0.02, 0.0), slot("AMBULANCE"))
    result = assign_batch([p2, p1], [amb], PlaneTravel(), NOW)
    assert [(a.incident_id, a.callsign) for a in result] == [(2, "AMB")]
    assert unfilled_slots([p2, p1], result) == {1: {0: 1}}


def test_weighting_trades_a_few_seconds_of_p1_for_minutes_of_p2() -> None:
    # P1 is 10 s further from B than from A; P2 is next to A, far from B.
    a = unit("A", "AMBULANCE", (0.0, 0.0), {"BLS"})
    b = unit("B", "AMBULANCE", (0.0, 0.003), {"BLS"})
    p1 = req(1, Priority.P1, (0.0, 0.0015), slot("AMBULANCE"))  # A 210 s, B 210 s
    p2 = req(2, Priority.P2, (0.0, -0.0005), slot("AMBULANCE"))  # A 110 s, B 410 s
    result = {
        a.incident_id: a.callsign
        for a in assign_batch([p1, p2], [a, b], PlaneTravel(), NOW)
    }
    assert result == {1: "B", 2: "A"}


def test_unit_types_do_not_compete_and_substitutes_are_used() -> None:
    units = [
        unit("FE", "FIRE_ENGINE", (0.0, 0.0), {"PUMP", "RESCUE_TOOLS"}),
        unit("AMB", "AMBULANCE", (0.0, 0.0), {"BLS"}),
    ]
    r1 = req(1, Priority.P2, (0.001, 0.0), slot("RESCUE", 1, "RESCUE_TOOLS"))
    r2 = req(2, Priority.P3, (0.001, 0.0), slot("AMBULANCE"))
    result = {
        (a.incident_id, a.callsign)
        for a in assign_batch([r1, r2], units, PlaneTravel(), NOW)
    }
    assert result == {(1, "FE"), (2, "AMB")}


def test_busy_units_are_not_assigned() -> None:
    units = [unit("AMB", "AMBULANCE", (0.0, 0.0), {"BLS"}, UnitStatus.EN_ROUTE)]
    r = req(1, Priority.P1, (0.0, 0.0), slot("AMBULANCE"))
    assert assign_batch([r], units, PlaneTravel(), NOW) == []


def test_duplicate_incidents_are_refused() -> None:
    r = req(1, Priority.P1, (0.0, 0.0), slot("AMBULANCE"))
    with pytest.raises(ValueError, match="only once"):
        assign_batch([r, r], [unit("A", "AMBULANCE", (0, 0))], PlaneTravel(), NOW)


def test_bad_config_is_refused() -> None:
    with pytest.raises(ValueError, match="too close"):
        BatchConfig(
            unfilled_penalty={
                Priority.P1: 2.0e6,
                Priority.P2: 1.95e6,
                Priority.P3: 1.0e6,
                Priority.P4: 0.5e6,
            }
        )


def test_empty_inputs() -> None:
    assert assign_batch([], [], PlaneTravel(), NOW) == []
    r = req(1, Priority.P4, (0.0, 0.0))
    assert assign_batch([r], [unit("A", "AMBULANCE", (0, 0))], PlaneTravel(), NOW) == []


# --- properties ----------------------------------------------------------------------

UNIT_KINDS = [
    ("AMBULANCE", {"ALS"}),
    ("AMBULANCE", {"BLS"}),
    ("FIRE_ENGINE", {"PUMP"}),
    ("FIRE_ENGINE", {"PUMP", "RESCUE_TOOLS"}),
    ("RESCUE", {"RESCUE_TOOLS", "CHAINSAW"}),
    ("POLICE_PATROL", {"ARMED"}),
    ("WATER_TANKER", {"WATER"}),
]
SLOT_KINDS = [
    slot("AMBULANCE", 1, "ALS"),
    slot("AMBULANCE", 1, "BLS"),
    slot("FIRE_ENGINE", 2, "PUMP"),
    slot("RESCUE", 1, "RESCUE_TOOLS"),
    slot("POLICE_PATROL"),
    slot("WATER_TANKER", 1, "WATER"),
]
coords = st.tuples(st.floats(-0.05, 0.05), st.floats(-0.05, 0.05))


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[list[RecommendRequest], list[UnitCandidate]]:
    n_units = draw(st.integers(0, 14))
    units = []
    for i in range(n_units):
        kind, caps = draw(st.sampled_from(UNIT_KINDS))
        status = draw(
            st.sampled_from(
                [UnitStatus.AVAILABLE, UnitStatus.RETURNING, UnitStatus.EN_ROUTE]
            )
        )
        units.append(unit(f"U{i}", kind, draw(coords), caps, status, f"S{i % 4}"))
    n_req = draw(st.integers(0, 8))
    requests = []
    for i in range(n_req):
        slots = draw(st.lists(st.sampled_from(SLOT_KINDS), min_size=0, max_size=3))
        requests.append(
            req(i, draw(st.sampled_from(list(Priority))), draw(coords), *slots)
        )
    return requests, units


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_batch_never_double_assigns_and_always_fits(
    case: tuple[list[RecommendRequest], list[UnitCandidate]],
) -> None:
    requests, units = case
    result = assign_batch(requests, units, PlaneTravel(), NOW)
    by_callsign = {u.callsign: u for u in units}
    by_incident = {r.incident_id: r for r in requests}
    assert len({a.callsign for a in result}) == len(result), "a unit assigned twice"
    per_slot = Counter((a.incident_id, a.slot_index) for a in result)
    for a in result:
        u = by_callsign[a.callsign]
        s = by_incident[a.incident_id].slots[a.slot_index]
        assert u.status.is_assignable
        assert COMPAT.fits(u.unit_type, u.capabilities, s)
        assert per_slot[(a.incident_id, a.slot_index)] <= s.count


@settings(max_examples=150, deadline=None)
@given(scenarios())
def test_no_unit_serves_lower_priority_while_a_higher_slot_it_fits_is_empty(
    case: tuple[list[RecommendRequest], list[UnitCandidate]],
) -> None:
    requests, units = case
    result = assign_batch(requests, units, PlaneTravel(), NOW)
    by_callsign = {u.callsign: u for u in units}
    missing = unfilled_slots(requests, result)
    prio = {r.incident_id: r.priority for r in requests}
    for a in result:
        u = by_callsign[a.callsign]
        for r in requests:
            for slot_index in missing.get(r.incident_id, {}):
                s = r.slots[slot_index]
                if prio[r.incident_id].rank < a.priority.rank:
                    assert not COMPAT.fits(u.unit_type, u.capabilities, s), (
                        f"{u.callsign} serves {a.priority}; a {r.priority} slot "
                        "it fits stays empty"
                    )


@settings(max_examples=50, deadline=None)
@given(scenarios(), st.randoms(use_true_random=False))
def test_batch_is_deterministic(
    case: tuple[list[RecommendRequest], list[UnitCandidate]], rnd: random.Random
) -> None:
    requests, units = case
    first = assign_batch(requests, units, PlaneTravel(), NOW)
    r2, u2 = list(requests), list(units)
    rnd.shuffle(r2)
    rnd.shuffle(u2)
    assert assign_batch(r2, u2, PlaneTravel(), NOW) == first
