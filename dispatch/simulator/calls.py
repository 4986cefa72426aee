"""The call generator: a seeded stream of calls for one simulated period.

Calls arrive as a non-homogeneous Poisson process (rate = the profile's
calls per day × ``rate_scale`` × the hour's weight, in the center's local
time), drawn exactly by thinning. Each call gets its outcome, its handling
time, and — for an emergency — a type, the key-question answers that give a
level drawn from the profile, a place and a seed for its service times.
Everything is drawn from one :class:`numpy.random.Generator` *before* the
simulation runs, so every dispatch policy meets the very same calls (common
random numbers).
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from dispatch import catalogue
from dispatch.enums import Determinant, Priority
from dispatch.simulator.profile import WorkloadProfile
from dispatch.triage import triage

__all__ = [
    "CallSpec",
    "LevelChoice",
    "PlaceSampler",
    "Surge",
    "generate_calls",
    "level_choices",
]


@dataclass(frozen=True, slots=True)
class CallSpec:
    """One simulated call, fully decided before the run."""

    index: int
    at_s: float
    """Seconds after the start of the run when the phone rings."""
    outcome: str
    """incident, referral, information, prank, silent or abandoned."""
    handling_s: float
    caller_number: str
    type_code: str | None = None
    answers: dict[str, str] = field(default_factory=dict)
    location: dict[str, Any] | None = None
    service_seed: int = 0
    """Seeds the service times of the incident's units (per-incident stream)."""
    duplicate_after_s: float | None = None
    """A second caller rings this long after the incident is created."""


@dataclass(frozen=True, slots=True)
class LevelChoice:
    """A level a type can reach and one set of answers that reaches it."""

    determinant: Determinant
    priority: Priority
    answers: dict[str, str]


@cache
def level_choices(type_code: str) -> tuple[LevelChoice, ...]:
    """Every level of a type reachable by definite answers (first answers found).

    The key questions of a type have at most a few options each, so all
    combinations are tried (81 at most in the shipped catalogue).
    """
    kind = catalogue.incident_type(type_code)
    questions = kind.questions
    options = [[o.key for o in q.options if not o.unknown] for q in questions]
    found: dict[Determinant, LevelChoice] = {}
    for combo in itertools.product(*options):
        answers = {q.id: key for q, key in zip(questions, combo, strict=True)}
        result = triage(type_code, answers)
        if result.determinant not in found:
            found[result.determinant] = LevelChoice(
                result.determinant, result.priority, answers
            )
    return tuple(sorted(found.values(), key=lambda c: c.determinant.value))


class PlaceSampler:
    """Draws incident places inside the service area, weighted by kelurahan.

    The weight of a kelurahan is the number of places the pack knows in it
    (landmarks and street points, plus one): a proxy for how built-up and
    busy it is, since no per-kelurahan population is published with the pack.
    Half of the places are a landmark of the drawn kelurahan ("near the
    mosque"), the other half a uniform point inside its polygon; traffic
    incidents are put on a street point of the kelurahan when it has one.
    """

    def __init__(self, pack: Any) -> None:
        self.pack = pack
        counts: dict[str, int] = {k.code: 1 for k in pack.kelurahan}
        self._landmarks: dict[str, list[Any]] = {k.code: [] for k in pack.kelurahan}
        self._streets: dict[str, list[tuple[str, float, float]]] = {
            k.code: [] for k in pack.kelurahan
        }
        for lm in pack.landmarks:
            if lm.kelurahan_code in counts and pack.point_in_service_area(
                lm.lat, lm.lon
            ):
                counts[lm.kelurahan_code] += 1
                self._landmarks[lm.kelurahan_code].append(lm)
        for street in pack.streets:
            for lat, lon in street.points:
                kel = pack.kelurahan_at(lat, lon)
                if kel is not None:
                    counts[kel.code] += 1
                    self._streets[kel.code].append((street.name, lat, lon))
        self.codes: list[str] = sorted(counts)
        weights = np.array([counts[c] for c in self.codes], dtype=np.float64)
        self.weights = weights / weights.sum()
        self._by_code = pack.kelurahan_by_code

    def sample(
        self, rng: np.random.Generator, *, traffic: bool = False
    ) -> dict[str, Any]:
        """One place as a ``LocationInput`` dict."""
        code = self.codes[int(rng.choice(len(self.codes), p=self.weights))]
        kel = self._by_code[code]
        kecamatan = self.pack.kecamatan_by_code.get(kel.kecamatan_code)
        base = {
            "kelurahan_code": kel.code,
            "kelurahan": kel.name,
            "kecamatan": kecamatan.name if kecamatan else kel.kecamatan_name or None,
            "confidence": 0.9,
        }
        streets = self._streets[code]
        if traffic and streets:
            name, lat, lon = streets[int(rng.integers(len(streets)))]
            return {**base, "text": name, "place_name": name, "lat": lat, "lon": lon}
        landmarks = self._landmarks[code]
        if landmarks and rng.random() < 0.5:
            lm = landmarks[int(rng.integers(len(landmarks)))]
            return {
                **base,
                "text": f"dekat {lm.name}",
                "place_name": lm.name,
                "lat": lm.lat,
                "lon": lm.lon,
                "relation": "near",
            }
        lat, lon = self._point_in(kel, rng)
        return {
            **base,
            "text": f"Kel. {kel.name}",
            "place_name": f"Kel. {kel.name}",
            "lat": lat,
            "lon": lon,
        }

    def _point_in(self, kel: Any, rng: np.random.Generator) -> tuple[float, float]:
        if kel.polygon:
            ring = np.asarray(kel.polygon[0], dtype=np.float64)
            lat0, lon0 = ring.min(axis=0)
            lat1, lon1 = ring.max(axis=0)
            for _ in range(200):
                lat = float(rng.uniform(lat0, lat1))
                lon = float(rng.uniform(lon0, lon1))
                inside = self.pack.kelurahan_at(lat, lon)
                if inside is not None and inside.code == kel.code:
                    return round(lat, 6), round(lon, 6)
        return kel.centroid_lat, kel.centroid_lon


@dataclass(frozen=True)
class Surge:
    """A window of the run (hours after its start) with the call rate × ``factor``.

    A flood or an earthquake multiplies the calls within an hour and for a
    few hours, on top of the day's shape; ``--rate-scale`` scales the whole run.
    """

    start_h: float
    end_h: float
    factor: float

    @classmethod
    def parse(cls, text: str) -> Surge:
        """``"10-13:4"`` → hours 10 to 13 of the run at 4× the rate.

        Raises:
            ValueError: not ``START-END:FACTOR`` with 0 <= START < END and
                FACTOR >= 0 (numbers).
        """
        window, sep, factor = text.strip().partition(":")
        first, dash, last = window.partition("-")
        try:
            surge = cls(float(first), float(last), float(factor))
        except ValueError:
            surge = None
        if not (sep and dash and surge) or not all(
            math.isfinite(v) for v in (surge.start_h, surge.end_h, surge.factor)
        ):
            raise ValueError(f"{text!r}: expected START-END:FACTOR, e.g. 10-13:4")
        if not 0 <= surge.start_h < surge.end_h or surge.factor < 0:
            raise ValueError(f"{text!r}: need 0 <= START < END and FACTOR >= 0")
        return surge

    def factor_at(self, t: float) -> float:
        """The rate multiplier ``t`` seconds after the start."""
        return self.factor if self.start_h * 3600 <= t < self.end_h * 3600 else 1.0


def _arrivals(
    rng: np.random.Generator,
    profile: WorkloadProfile,
    rate_scale: float,
    hours: float,
    start: datetime,
    zone: ZoneInfo,
    surge: Surge | None = None,
) -> list[float]:
    """Arrival times (seconds after ``start``) by thinning a Poisson process."""
    base_per_s = profile.volume.calls_per_day * rate_scale / 86_400.0
    hourly = profile.volume.hourly
    peak = base_per_s * max(hourly) * max(1.0, surge.factor if surge else 1.0)
    horizon = hours * 3600.0
    if peak <= 0 or horizon <= 0:
        return []
    times: list[float] = []
    t = 0.0
    while True:
        t += float(rng.exponential(1.0 / peak))
        if t >= horizon:
            return times
        hour = (start + timedelta(seconds=t)).astimezone(zone).hour
        level = base_per_s * hourly[hour] * (surge.factor_at(t) if surge else 1.0)
        if rng.random() * peak <= level:
            times.append(t)


def _pick(rng: np.random.Generator, weights: dict[str, float]) -> str:
    keys = list(weights)
    p = np.array([weights[k] for k in keys], dtype=np.float64)
    return keys[int(rng.choice(len(keys), p=p / p.sum()))]


def _answers_for(
    rng: np.random.Generator, type_code: str, profile: WorkloadProfile
) -> dict[str, str]:
    """Answers for one call: none (default level) or those of a drawn level.

    A priority's weight in the profile is shared among the levels that have it.
    """
    if rng.random() < profile.triage.unanswered_share:
        return {}
    choices = level_choices(type_code)
    if not choices:
        return {}
    per_priority = Counter(c.priority for c in choices)
    weights = np.array(
        [
            profile.triage.priority_weight.get(c.priority, 0.0)
            / per_priority[c.priority]
            for c in choices
        ]
    )
    if weights.sum() <= 0:
        return {}
    pick = choices[int(rng.choice(len(choices), p=weights / weights.sum()))]
    return dict(pick.answers)


def _uniform(rng: np.random.Generator, bounds: Sequence[float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1]))


def generate_calls(
    *,
    seed: int,
    profile: WorkloadProfile,
    places: PlaceSampler,
    hours: float,
    rate_scale: float,
    start: datetime,
    zone: ZoneInfo,
    surge: Surge | None = None,
) -> list[CallSpec]:
    """All calls of one run, in arrival order (deterministic for a seed)."""
    rng = np.random.default_rng(seed)
    shares = profile.outcomes.shares()
    handling = profile.handling_s
    calls: list[CallSpec] = []
    arrivals = _arrivals(rng, profile, rate_scale, hours, start, zone, surge)
    for index, at in enumerate(arrivals):
        outcome = _pick(rng, shares)
        number = f"08{int(rng.integers(11_000_000_00, 99_999_999_99))}"
        service_seed = int(rng.integers(2**31))
        if outcome == "incident":
            type_code = _pick(rng, profile.incident_types)
            family = catalogue.incident_type(type_code).family
            duplicate = (
                _uniform(rng, (60.0, 900.0))
                if rng.random() < profile.duplicate_share(family)
                else None
            )
            calls.append(
                CallSpec(
                    index=index,
                    at_s=at,
                    outcome=outcome,
                    handling_s=_uniform(rng, handling.incident),
                    caller_number=number,
                    type_code=type_code,
                    answers=_answers_for(rng, type_code, profile),
                    location=places.sample(rng, traffic=family == "traffic"),
                    service_seed=service_seed,
                    duplicate_after_s=duplicate,
                )
            )
        elif outcome == "referral":
            calls.append(
                CallSpec(
                    index=index,
                    at_s=at,
                    outcome=outcome,
                    handling_s=_uniform(rng, handling.referral),
                    caller_number=number,
                    type_code=_pick(rng, profile.referral_types),
                    location=places.sample(rng),
                )
            )
        else:
            calls.append(
                CallSpec(
                    index=index,
                    at_s=at,
                    outcome=outcome,
                    handling_s=_uniform(rng, getattr(handling, outcome)),
                    caller_number=number,
                )
            )
    return calls
