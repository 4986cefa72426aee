"""Duplicate-call detection: which open incidents may this new call be about?

``find_duplicates(new_call, open_incidents, now)`` ranks the open incidents
that a new call may duplicate, with a score in [0, 1] and the reasons, so the
call taker can attach the call instead of opening a second incident.

An open incident is a candidate when the new call is

* within the **radius** and the **time window** of the incident's type family
  (``duplicates.toml``: a fire is seen from 500 m for an hour, a collapsed
  person is reported from the same house within half an hour), and
* about the **same type**, a **related type** (the catalogue's ``related``
  lists, or a related family: a traffic accident and a bleeding casualty), or
  a call whose type is not known yet;

or when the call comes from a **number that already called about it** within
the window, wherever the caller is now.

Score = type factor × (0.6 × nearness + 0.4 × recency), where nearness and
recency fall linearly from 1 at zero to 0 at the radius / window edge; the
same caller then halves the remaining distance to 1. An incident created
while this call was already in progress (another call taker was faster) gets
a small boost. Ties break by distance, then incident id.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import Catalogue, DuplicateRule, get_catalogue

__all__ = [
    "DuplicateCandidate",
    "DuplicateQuery",
    "DuplicateReason",
    "DuplicateReasonCode",
    "OpenIncidentRef",
    "find_duplicates",
    "haversine_m",
]

EARTH_RADIUS_M = 6_371_008.8
"""Mean Earth radius (IUGG); haversine error at these distances is < 0.5 %."""

TYPE_FACTOR_SAME = 1.0
TYPE_FACTOR_RELATED = 0.8
TYPE_FACTOR_UNKNOWN = 0.7
TYPE_FACTOR_UNRELATED_SAME_CALLER = 0.5
IN_CALL_BOOST = 0.1


class DuplicateReasonCode(StrEnum):
    """Why an open incident is offered as a possible duplicate."""

    SAME_TYPE = "same_type"
    RELATED_TYPE = "related_type"
    TYPE_NOT_KNOWN = "type_not_known"
    NEARBY = "nearby"
    RECENT = "recent"
    SAME_CALLER = "same_caller"
    CREATED_DURING_CALL = "created_during_call"


@dataclass(frozen=True, slots=True)
class DuplicateReason:
    """One reason, with values for the console's message."""

    code: DuplicateReasonCode
    params: Mapping[str, str | int | float] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DuplicateQuery:
    """What is known about the new call so far."""

    lat: float | None
    lon: float | None
    type_code: str | None
    caller_e164: str | None
    at: datetime
    """When the new call was received (aware UTC)."""


@dataclass(frozen=True, slots=True)
class OpenIncidentRef:
    """An open incident as the duplicate check sees it."""

    id: int
    number: str
    """The human reference number shown to the call taker."""
    type_code: str
    lat: float | None
    lon: float | None
    created_at: datetime
    caller_numbers: frozenset[str] = frozenset()
    """E.164 numbers of every call attached to the incident."""
    last_activity_at: datetime | None = None
    """Latest call or update; extends the window (default: created_at)."""


@dataclass(frozen=True, slots=True)
class DuplicateCandidate:
    """One open incident the new call may duplicate."""

    incident_id: int
    number: str
    score: float
    distance_m: float | None
    age_s: float
    reasons: tuple[DuplicateReason, ...]


def haversine_m(
    lat: float, lon: float, lats: NDArray[np.float64], lons: NDArray[np.float64]
) -> NDArray[np.float64]:
    """Great-circle distances (metres) from one point to many, vectorised."""
    p1, l1 = np.radians(lat), np.radians(lon)
    p2, l2 = np.radians(lats), np.radians(lons)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin((l2 - l1) / 2) ** 2
    )
    out = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))
    return np.asarray(out, dtype=np.float64)


def _families_related(cat: Catalogue, a: str, b: str) -> bool:
    if a == b:
        return True
    return b in cat.duplicate_rule(a).related or a in cat.duplicate_rule(b).related


def _rule_for(
    cat: Catalogue, incident_family: str, call_family: str | None
) -> DuplicateRule:
    rule = cat.duplicate_rule(incident_family)
    if call_family is None or call_family == incident_family:
        return rule
    other = cat.duplicate_rule(call_family)
    return DuplicateRule(
        radius_m=max(rule.radius_m, other.radius_m),
        window_s=max(rule.window_s, other.window_s),
        related=rule.related,
    )


def find_duplicates(
    new_call: DuplicateQuery,
    open_incidents: Sequence[OpenIncidentRef],
    now: datetime,
    *,
    limit: int = 5,
    catalogue: Catalogue | None = None,
) -> list[DuplicateCandidate]:
    """Open incidents the new call may duplicate, best first (see module doc)."""
    for label, value in (("now", now), ("new_call.at", new_call.at)):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"{label} must be timezone-aware (UTC)")
    if not open_incidents or limit <= 0:
        return []
    cat = catalogue or get_catalogue()
    call_type = cat.types.get(new_call.type_code) if new_call.type_code else None
    call_family = call_type.family if call_type else None
    distances = _distances(new_call, open_incidents)
    out: list[DuplicateCandidate] = []
    for i, inc in enumerate(open_incidents):
        found = _candidate(
            new_call,
            inc,
            float(distances[i]),
            now,
            cat,
            call_type is not None,
            call_family,
        )
        if found is not None:
            out.append(found)
    out.sort(
        key=lambda c: (
            -c.score,
            c.distance_m if c.distance_m is not None else float("inf"),
            c.incident_id,
        )
    )
    return out[:limit]


def _distances(
    new_call: DuplicateQuery, open_incidents: Sequence[OpenIncidentRef]
) -> NDArray[np.float64]:
    """Metres from the call to each incident, NaN where either place is unknown.

    One vectorised haversine over all located incidents keeps this cheap
    for a busy shift's hundred open incidents.
    """
    distances: NDArray[np.float64] = np.full(len(open_incidents), np.nan)
    if new_call.lat is None or new_call.lon is None:
        return distances
    located = [
        i
        for i, inc in enumerate(open_incidents)
        if inc.lat is not None and inc.lon is not None
    ]
    if located:
        lats = np.array([open_incidents[i].lat for i in located], dtype=np.float64)
        lons = np.array([open_incidents[i].lon for i in located], dtype=np.float64)
        distances[located] = haversine_m(new_call.lat, new_call.lon, lats, lons)
    return distances


def _candidate(
    new_call: DuplicateQuery,
    inc: OpenIncidentRef,
    distance: float,
    now: datetime,
    cat: Catalogue,
    call_type_known: bool,
    call_family: str | None,
) -> DuplicateCandidate | None:
    """Score one open incident against the call, or None when it is no match."""
    inc_type = cat.types.get(inc.type_code)
    inc_family = inc_type.family if inc_type else "other"
    rule = _rule_for(cat, inc_family, call_family)
    last = max(inc.created_at, inc.last_activity_at or inc.created_at)
    age = max(0.0, (now - last).total_seconds())
    if age > rule.window_s:
        return None
    same_caller = bool(
        new_call.caller_e164 and new_call.caller_e164 in inc.caller_numbers
    )
    reasons: list[DuplicateReason] = []
    type_factor = _type_factor(
        new_call,
        inc,
        cat,
        call_type_known,
        call_family,
        inc_family,
        same_caller,
        reasons,
    )
    if type_factor is None:
        return None
    has_distance = not np.isnan(distance)
    nearness = _nearness(distance, has_distance, rule, same_caller, reasons)
    if nearness is None:
        return None
    recency = 1.0 - age / rule.window_s
    reasons.append(
        DuplicateReason(DuplicateReasonCode.RECENT, {"age_min": round(age / 60)})
    )
    score = type_factor * (0.6 * nearness + 0.4 * recency)
    if same_caller:
        score = 1.0 - (1.0 - score) / 2
        reasons.append(DuplicateReason(DuplicateReasonCode.SAME_CALLER))
    if inc.created_at >= new_call.at:
        score = min(1.0, score + IN_CALL_BOOST)
        reasons.append(DuplicateReason(DuplicateReasonCode.CREATED_DURING_CALL))
    return DuplicateCandidate(
        incident_id=inc.id,
        number=inc.number,
        score=round(score, 3),
        distance_m=round(distance, 1) if has_distance else None,
        age_s=round(age, 1),
        reasons=tuple(reasons),
    )


def _type_factor(
    new_call: DuplicateQuery,
    inc: OpenIncidentRef,
    cat: Catalogue,
    call_type_known: bool,
    call_family: str | None,
    inc_family: str,
    same_caller: bool,
    reasons: list[DuplicateReason],
) -> float | None:
    """How much the two types agree (appending the reason), None if unrelated."""
    if new_call.type_code is None or not call_type_known:
        reasons.append(DuplicateReason(DuplicateReasonCode.TYPE_NOT_KNOWN))
        return TYPE_FACTOR_UNKNOWN
    if new_call.type_code == inc.type_code:
        reasons.append(DuplicateReason(DuplicateReasonCode.SAME_TYPE))
        return TYPE_FACTOR_SAME
    if cat.related(new_call.type_code, inc.type_code) or _families_related(
        cat, call_family or "other", inc_family
    ):
        reasons.append(
            DuplicateReason(DuplicateReasonCode.RELATED_TYPE, {"type": inc.type_code})
        )
        return TYPE_FACTOR_RELATED
    if same_caller:
        return TYPE_FACTOR_UNRELATED_SAME_CALLER
    return None


def _nearness(
    distance: float,
    has_distance: bool,
    rule: DuplicateRule,
    same_caller: bool,
    reasons: list[DuplicateReason],
) -> float | None:
    """Nearness in [0, 1] (appending the reason), None when too far away."""
    if has_distance and distance <= rule.radius_m:
        reasons.append(
            DuplicateReason(DuplicateReasonCode.NEARBY, {"distance_m": round(distance)})
        )
        return 1.0 - distance / rule.radius_m
    if same_caller or not has_distance:
        # Same caller, or one of the two places is not known yet: only
        # type, time and caller speak.
        return 0.0
    return None
