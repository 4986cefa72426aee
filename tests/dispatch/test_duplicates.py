"""Duplicate-call detection: distance and time windows by family, types, caller."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from dispatch.duplicates import (
    DuplicateQuery,
    DuplicateReason,
    DuplicateReasonCode,
    OpenIncidentRef,
    find_duplicates,
    haversine_m,
)

NOW = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
HERE = (-8.0983, 112.1681)  # Kota Blitar, alun-alun area
M_LAT = 1 / 111_195.0  # degrees of latitude per metre


def north(metres: float) -> tuple[float, float]:
    return (HERE[0] + metres * M_LAT, HERE[1])


def incident(
    incident_id: int,
    type_code: str,
    metres: float | None,
    age_min: float,
    callers: frozenset[str] = frozenset(),
    last_min: float | None = None,
) -> OpenIncidentRef:
    lat, lon = north(metres) if metres is not None else (None, None)
    return OpenIncidentRef(
        id=incident_id,
        number=f"112-{incident_id:04d}",
        type_code=type_code,
        lat=lat,
        lon=lon,
        created_at=NOW - timedelta(minutes=age_min),
        caller_numbers=callers,
        last_activity_at=NOW - timedelta(minutes=last_min)
        if last_min is not None
        else None,
    )


def query(
    type_code: str | None, caller: str | None = None, located: bool = True
) -> DuplicateQuery:
    lat, lon = HERE if located else (None, None)
    return DuplicateQuery(lat, lon, type_code, caller, NOW - timedelta(seconds=90))


def codes(reasons: Sequence[DuplicateReason]) -> set[DuplicateReasonCode]:
    return {r.code for r in reasons}


def test_haversine_matches_a_known_distance() -> None:
    d = haversine_m(HERE[0], HERE[1], np.array([north(1000)[0]]), np.array([HERE[1]]))
    assert d[0] == pytest.approx(1000, rel=2e-3)


def test_same_type_nearby_and_recent_is_a_candidate() -> None:
    found = find_duplicates(
        query("FIRE-HOUSE"), [incident(1, "FIRE-HOUSE", 120, 10)], NOW
    )
    assert [c.incident_id for c in found] == [1]
    c = found[0]
    assert c.number == "112-0001"
    assert c.distance_m == pytest.approx(120, abs=1)
    assert {DuplicateReasonCode.SAME_TYPE, DuplicateReasonCode.NEARBY} <= codes(
        c.reasons
    )
    assert 0 < c.score <= 1


def test_fire_covers_500_m_but_medical_only_100_m() -> None:
    fire = incident(1, "FIRE-HOUSE", 450, 10)
    med_far = incident(2, "MED-UNCON", 150, 5)
    med_near = incident(3, "MED-UNCON", 60, 5)
    assert [
        c.incident_id for c in find_duplicates(query("FIRE-HOUSE"), [fire], NOW)
    ] == [1]
    found = find_duplicates(query("MED-UNCON"), [med_far, med_near], NOW)
    assert [c.incident_id for c in found] == [3]


def test_time_window_by_family_and_last_activity() -> None:
    old_crash = incident(1, "TRAFFIC-INJ", 50, 31)
    assert find_duplicates(query("TRAFFIC-INJ"), [old_crash], NOW) == []
    active_crash = incident(2, "TRAFFIC-INJ", 50, 31, last_min=5)
    assert [
        c.incident_id
        for c in find_duplicates(query("TRAFFIC-INJ"), [active_crash], NOW)
    ] == [2]
    old_fire = incident(3, "FIRE-HOUSE", 50, 50)
    assert [
        c.incident_id for c in find_duplicates(query("FIRE-HOUSE"), [old_fire], NOW)
    ] == [3]


def test_related_types_count_and_unrelated_do_not() -> None:
    building = incident(1, "FIRE-BUILDING", 100, 5)
    snake = incident(2, "ANIMAL-SNAKE", 10, 5)
    found = find_duplicates(query("FIRE-HOUSE"), [building, snake], NOW)
    assert [c.incident_id for c in found] == [1]
    assert DuplicateReasonCode.RELATED_TYPE in codes(found[0].reasons)


def test_related_families_count() -> None:
    # A bleeding casualty near a traffic accident: medical and traffic are related.
    crash = incident(1, "TRAFFIC-NOINJ", 50, 5)
    found = find_duplicates(query("MED-SICK"), [crash], NOW)
    assert [c.incident_id for c in found] == [1]


def test_same_caller_boosts_and_reaches_beyond_the_radius() -> None:
    caller = "+6281234567890"
    near_other = incident(1, "FIRE-HOUSE", 200, 5)
    far_same_caller = incident(2, "FIRE-HOUSE", 3000, 5, callers=frozenset({caller}))
    found = find_duplicates(
        query("FIRE-HOUSE", caller), [near_other, far_same_caller], NOW
    )
    assert {c.incident_id for c in found} == {1, 2}
    by_id = {c.incident_id: c for c in found}
    assert DuplicateReasonCode.SAME_CALLER in codes(by_id[2].reasons)
    near_same = incident(3, "FIRE-HOUSE", 200, 5, callers=frozenset({caller}))
    plain = find_duplicates(query("FIRE-HOUSE"), [near_same], NOW)[0]
    boosted = find_duplicates(query("FIRE-HOUSE", caller), [near_same], NOW)[0]
    assert boosted.score > plain.score


def test_same_caller_even_for_an_unrelated_type() -> None:
    caller = "+6281111111111"
    other = incident(1, "ANIMAL-SNAKE", 20, 5, callers=frozenset({caller}))
    assert find_duplicates(query("FIRE-HOUSE"), [other], NOW) == []
    found = find_duplicates(query("FIRE-HOUSE", caller), [other], NOW)
    assert [c.incident_id for c in found] == [1]


def test_nearer_and_newer_rank_first() -> None:
    incidents = [
        incident(1, "FIRE-HOUSE", 400, 50),
        incident(2, "FIRE-HOUSE", 50, 5),
        incident(3, "FIRE-HOUSE", 50, 40),
    ]
    found = find_duplicates(query("FIRE-HOUSE"), incidents, NOW)
    assert [c.incident_id for c in found] == [2, 3, 1]
    assert found[0].score > found[1].score > found[2].score


def test_unknown_type_and_unknown_location_still_offer_candidates() -> None:
    found = find_duplicates(query(None), [incident(1, "FIRE-HOUSE", 100, 5)], NOW)
    assert DuplicateReasonCode.TYPE_NOT_KNOWN in codes(found[0].reasons)
    found = find_duplicates(
        query("FIRE-HOUSE", located=False), [incident(2, "FIRE-HOUSE", 100, 5)], NOW
    )
    assert [c.incident_id for c in found] == [2]
    assert found[0].distance_m is None
    unlocated = incident(3, "FIRE-HOUSE", None, 5)
    assert [
        c.incident_id for c in find_duplicates(query("FIRE-HOUSE"), [unlocated], NOW)
    ] == [3]


def test_incident_created_during_the_call_is_flagged() -> None:
    just_now = incident(
        1, "FIRE-HOUSE", 100, 0.5
    )  # created 30 s ago; call began 90 s ago
    found = find_duplicates(query("FIRE-HOUSE"), [just_now], NOW)
    assert DuplicateReasonCode.CREATED_DURING_CALL in codes(found[0].reasons)


def test_limit_and_naive_times() -> None:
    many = [incident(i, "FIRE-HOUSE", 10 * i, 1) for i in range(1, 10)]
    assert len(find_duplicates(query("FIRE-HOUSE"), many, NOW, limit=3)) == 3
    assert find_duplicates(query("FIRE-HOUSE"), [], NOW) == []
    with pytest.raises(ValueError, match="timezone-aware"):
        find_duplicates(query("FIRE-HOUSE"), many, datetime(2026, 3, 1))  # noqa: DTZ001
