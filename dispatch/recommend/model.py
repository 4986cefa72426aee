"""The recommender's data: requests, candidate units, answers, reason codes.

Plain frozen dataclasses, so the engine runs without a database; the
services build them from the tables (:mod:`dispatch.services.recommendations`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import PlanSlot
from dispatch.enums import Priority, UnitStatus

INFEASIBLE = 1e9
"""Cost of a slot/unit pair that must never be chosen."""


@runtime_checkable
class TravelModel(Protocol):
    """Travel-time estimation (geodata's ``TravelTimeModel`` satisfies it).

    Both methods return seconds *including* the unit type's turnout time.
    """

    def eta(
        self,
        origin: tuple[float, float],
        dest: tuple[float, float],
        unit_type: str,
        when: datetime | None = None,
    ) -> float:
        """ETA from ``origin`` (lat, lon) to ``dest`` (lat, lon)."""
        ...

    def eta_many(
        self,
        origins: NDArray[np.float64],
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> NDArray[np.float64]:
        """ETAs from ``origins`` (shape (n, 2), lat/lon) to one ``dest``."""
        ...


@dataclass(frozen=True, slots=True)
class UnitCandidate:
    """A unit as the recommender sees it."""

    callsign: str
    agency: str
    unit_type: str
    capabilities: frozenset[str]
    station_id: str | None
    lat: float
    lon: float
    """Last known position (the station when it is there)."""
    status: UnitStatus
    assignment_priority: Priority | None = None
    """Priority of the incident the unit works, if any."""
    assignment_incident_id: int | None = None


@dataclass(frozen=True, slots=True)
class RecommendRequest:
    """One incident that needs units."""

    incident_id: int
    lat: float
    lon: float
    priority: Priority
    slots: tuple[PlanSlot, ...]
    on_time_s: float | None = None
    """ETA within which a unit still meets the response target (target less
    the time already gone); used by the coverage rule, None = no target."""


class ReasonCode(StrEnum):
    """Why a unit is recommended (the console translates it)."""

    NEAREST = "nearest"
    """The suitable unit that arrives soonest."""
    RETURNING = "returning"
    """Returning to its station; ETA counted from where it is now."""
    KEEPS_STATION_COVER = "keeps_station_cover"
    """Chosen over a slightly faster unit that is its station's last."""
    KEEPS_COVERAGE = "keeps_coverage"
    """On time, and leaves more of the area covered than a faster unit."""
    SUBSTITUTE = "substitute"
    """Another unit type with the required capabilities stands in."""
    PREEMPT = "preempt"
    """Taken from a lower-priority incident: arrives much sooner."""
    PREEMPT_ONLY_OPTION = "preempt_only_option"
    """Taken from a lower-priority incident: no free unit fits."""
    DOWNGRADE = "downgrade"
    """No free unit has the slot's capability: a lesser one, stated as such."""
    ALTERNATIVE = "alternative"
    """Not chosen; the next best for its slot (for the dispatcher's edit)."""


@dataclass(frozen=True, slots=True)
class RecommendedUnit:
    """One recommended (or alternative) unit and why."""

    callsign: str
    agency: str
    unit_type: str
    station_id: str | None
    slot_index: int
    """Index of the plan slot it fills."""
    slot_unit_type: str
    eta_seconds: float
    reason: ReasonCode
    params: Mapping[str, str | int | float] = field(default_factory=dict)
    """Values for the reason's message (eta_min, faster, gain_s, …)."""
    preemption: bool = False
    preempted_incident_id: int | None = None
    preempted_priority: Priority | None = None


@dataclass(frozen=True, slots=True)
class UnfilledSlot:
    """A plan slot (or part of it) that no unit can fill now."""

    slot_index: int
    unit_type: str
    capabilities: frozenset[str]
    missing: int


@dataclass(frozen=True, slots=True)
class Recommendation:
    """The recommender's answer for one incident."""

    incident_id: int
    priority: Priority
    units: tuple[RecommendedUnit, ...]
    unfilled: tuple[UnfilledSlot, ...]
    alternatives: tuple[RecommendedUnit, ...]
    computed_at: datetime

    @property
    def complete(self) -> bool:
        """True when every slot of the plan is filled."""
        return not self.unfilled

    @property
    def has_preemption(self) -> bool:
        """True when accepting would pull a unit off another incident."""
        return any(u.preemption for u in self.units)
