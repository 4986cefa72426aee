"""Unit recommendation for one incident, on plain data.

``recommend(request, units, travel_model, now)`` fills the slots of an
incident's response plan (unit type + count + required capabilities) with the
units that arrive soonest, and explains each choice with a reason code the
console translates (:func:`reason_text` gives Indonesian/English lines).

How units are chosen:

* **Fit.** A unit fits a slot when its type is the slot's type, or a type the
  catalogue lists as a substitute for it (``vocabulary.toml``: a Damkar fire
  engine may fill a RESCUE slot, never the reverse), *and* it has every
  required capability, counting implied ones (an ALS crew fills a BLS slot).
* **Availability.** Available and returning units can be sent. For a P1
  request, units working a *lower-priority* assignment (dispatched, en route
  or on scene — never transporting a patient) are offered as **pre-emptions**
  when they arrive at least ``preempt_min_gain_s`` (120 s) sooner than the
  free unit chosen for that slot, or when no free unit fits at all. They are
  clearly flagged, with the gain and the incident they would leave.
* **Cost.** Estimated arrival time from the travel model (turnout + travel,
  from the unit's last known position, so a returning unit counts from where
  it is), plus ``station_cover_margin_s`` (60 s) for a unit that is the last
  free one of its type at its station: another unit that arrives less than a
  minute later is sent instead, and the station stays covered.
* **Assignment.** All slots of the plan are filled together by a minimum-cost
  assignment (``scipy.optimize.linear_sum_assignment``), so the only ALS
  ambulance goes to the ALS slot, not to a BLS slot any ambulance could fill.
  When units are short, earlier slots of the plan are filled first, and what
  stays empty is reported as :class:`UnfilledSlot`.

ETAs come from one vectorised ``eta_many`` call per recommendation.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Protocol, runtime_checkable

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import Catalogue, PlanSlot, get_catalogue
from dispatch.enums import Priority, UnitStatus

__all__ = [
    "ReasonCode",
    "RecommendConfig",
    "RecommendRequest",
    "Recommendation",
    "RecommendedUnit",
    "TravelModel",
    "UnfilledSlot",
    "UnitCandidate",
    "UnitCompatibility",
    "UnitPool",
    "reason_text",
    "recommend",
]

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


class ReasonCode(StrEnum):
    """Why a unit is recommended (the console translates it)."""

    NEAREST = "nearest"
    """The suitable unit that arrives soonest."""
    RETURNING = "returning"
    """Returning to its station; ETA counted from where it is now."""
    KEEPS_STATION_COVER = "keeps_station_cover"
    """Chosen over a slightly faster unit that is its station's last."""
    SUBSTITUTE = "substitute"
    """Another unit type with the required capabilities stands in."""
    PREEMPT = "preempt"
    """Taken from a lower-priority incident: arrives much sooner."""
    PREEMPT_ONLY_OPTION = "preempt_only_option"
    """Taken from a lower-priority incident: no free unit fits."""
    ALTERNATIVE = "alternative"
    """Not chosen; the next best for its slot (for the dispatcher's edit)."""


_REASON_TEXT: dict[ReasonCode, tuple[str, str]] = {
    ReasonCode.NEAREST: (
        "Unit sesuai tercepat, tiba ±{eta_min} menit",
        "Fastest suitable unit, arrives in ~{eta_min} min",
    ),
    ReasonCode.RETURNING: (
        "Sedang kembali ke pos, tiba ±{eta_min} menit dari posisinya",
        "Returning to station, ~{eta_min} min from its position",
    ),
    ReasonCode.KEEPS_STATION_COVER: (
        "Pos {station} tetap terjaga; hanya {slower_s} dtk lebih lambat dari {faster}",
        "Keeps station {station} covered; only {slower_s} s slower than {faster}",
    ),
    ReasonCode.SUBSTITUTE: (
        "Menggantikan {slot_unit_type} (kemampuan sesuai), tiba ±{eta_min} menit",
        "Stands in for {slot_unit_type} (capabilities fit), ~{eta_min} min",
    ),
    ReasonCode.PREEMPT: (
        "DIALIHKAN dari {from_priority} #{from_incident}: {gain_s} dtk lebih cepat",
        "PRE-EMPTED from {from_priority} incident #{from_incident}: {gain_s} s sooner",
    ),
    ReasonCode.PREEMPT_ONLY_OPTION: (
        "DIALIHKAN dari {from_priority} #{from_incident}: tidak ada unit bebas",
        "PRE-EMPTED from {from_priority} incident #{from_incident}: no free unit fits",
    ),
    ReasonCode.ALTERNATIVE: (
        "Alternatif, tiba ±{eta_min} menit",
        "Alternative, arrives in ~{eta_min} min",
    ),
}


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


def reason_text(unit: RecommendedUnit, lang: str = "id") -> str:
    """The one-line explanation of a recommended unit, Indonesian or English."""
    template = _REASON_TEXT[unit.reason][1 if lang == "en" else 0]
    values: dict[str, str | int | float] = {
        "eta_min": max(1, round(unit.eta_seconds / 60)),
        "slot_unit_type": unit.slot_unit_type,
        "station": unit.station_id or "-",
        "from_priority": unit.preempted_priority or "-",
        "from_incident": unit.preempted_incident_id or "-",
    }
    values.update(unit.params)
    return template.format(**values)


# --- compatibility ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class UnitCompatibility:
    """Which units may fill which slots (from the catalogue vocabulary)."""

    substitutes: Mapping[str, frozenset[str]]
    """Slot unit type → other unit types allowed to fill it."""
    implies: Mapping[str, frozenset[str]]
    """Capability → capabilities it includes (ALS → BLS)."""

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue | None = None) -> UnitCompatibility:
        """The substitution and capability tables of the catalogue."""
        cat = catalogue or get_catalogue()
        return cls(
            substitutes={
                k: frozenset(v.substitutes) for k, v in cat.unit_types.items()
            },
            implies=dict(cat.capability_implies),
        )

    def effective(self, capabilities: frozenset[str]) -> frozenset[str]:
        """Capabilities including the implied ones."""
        out = set(capabilities)
        for cap in capabilities:
            out |= self.implies.get(cap, frozenset())
        return frozenset(out)

    def fits(
        self, unit_type: str, capabilities: frozenset[str], slot: PlanSlot
    ) -> bool:
        """True when a unit of this type and capabilities may fill ``slot``."""
        if unit_type != slot.unit_type and unit_type not in self.substitutes.get(
            slot.unit_type, frozenset()
        ):
            return False
        return slot.capabilities <= self.effective(capabilities)


@dataclass(frozen=True, slots=True)
class RecommendConfig:
    """Tuning of the recommender (defaults are the documented policy)."""

    station_cover_margin_s: float = 60.0
    """Extra cost of a station's last free unit of its type."""
    preempt_min_gain_s: float = 120.0
    """A pre-emption must arrive at least this much sooner than a free unit."""
    preempt_for: frozenset[Priority] = frozenset({Priority.P1})
    """Request priorities that may pre-empt units on lower-priority work."""
    preemptible_statuses: frozenset[UnitStatus] = frozenset(
        {UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE}
    )
    """Statuses a unit can be pulled from (never while transporting)."""
    alternatives_per_slot: int = 2
    compatibility: UnitCompatibility | None = None
    """None = the shipped catalogue's substitution table."""


_UNFILLED = 1e8
"""Cost of leaving a slot empty: above any real ETA, below INFEASIBLE."""
_EARLIER_SLOT_WEIGHT = 1e4
"""Leaving an earlier plan slot empty costs more than leaving a later one."""


class UnitPool:
    """Units prepared once (arrays and fit cache) for many recommendations.

    Pass a pool instead of a unit list when recommending for many incidents
    against the same board, e.g. every pending incident each refresh.
    """

    def __init__(
        self,
        units: Sequence[UnitCandidate],
        compatibility: UnitCompatibility | None = None,
    ) -> None:
        self.compatibility = compatibility or UnitCompatibility.from_catalogue()
        self.units: tuple[UnitCandidate, ...] = tuple(
            sorted(units, key=lambda u: u.callsign)
        )
        seen = Counter(u.callsign for u in self.units)
        doubles = sorted(c for c, n in seen.items() if n > 1)
        if doubles:
            raise ValueError(f"callsigns must be unique, repeated: {doubles}")
        n = len(self.units)
        self.coords: NDArray[np.float64] = np.array(
            [(u.lat, u.lon) for u in self.units], dtype=np.float64
        ).reshape(n, 2)
        self.unit_types: list[str] = [u.unit_type for u in self.units]
        self.free: NDArray[np.bool_] = np.array(
            [u.status.is_assignable for u in self.units], dtype=bool
        )
        self.assignment_rank: NDArray[np.int64] = np.array(
            [
                u.assignment_priority.rank if u.assignment_priority else 0
                for u in self.units
            ],
            dtype=np.int64,
        )
        at_station = Counter(
            (u.station_id, u.unit_type)
            for u in self.units
            if u.status is UnitStatus.AVAILABLE and u.station_id is not None
        )
        self.last_at_station: NDArray[np.bool_] = np.array(
            [
                u.status is UnitStatus.AVAILABLE
                and u.station_id is not None
                and at_station[(u.station_id, u.unit_type)] == 1
                for u in self.units
            ],
            dtype=bool,
        )
        profiles: dict[tuple[str, frozenset[str]], int] = {}
        profile_of: list[int] = []
        for u in self.units:
            profile_of.append(
                profiles.setdefault((u.unit_type, u.capabilities), len(profiles))
            )
        self._profiles = list(profiles)
        self._profile_of = np.array(profile_of, dtype=np.intp)
        self._fit_cache: dict[tuple[str, frozenset[str]], NDArray[np.bool_]] = {}
        self._status_cache: dict[frozenset[UnitStatus], NDArray[np.bool_]] = {}

    def __len__(self) -> int:
        return len(self.units)

    def fit_mask(self, slot: PlanSlot) -> NDArray[np.bool_]:
        """Which units may fill ``slot`` by type and capabilities (any status)."""
        key = (slot.unit_type, slot.capabilities)
        mask = self._fit_cache.get(key)
        if mask is None:
            ok = np.array(
                [self.compatibility.fits(t, caps, slot) for t, caps in self._profiles],
                dtype=bool,
            )
            mask = ok[self._profile_of] if len(self.units) else np.zeros(0, dtype=bool)
            self._fit_cache[key] = mask
        return mask

    def status_mask(self, statuses: frozenset[UnitStatus]) -> NDArray[np.bool_]:
        """Which units are in one of ``statuses``."""
        mask = self._status_cache.get(statuses)
        if mask is None:
            mask = np.array([u.status in statuses for u in self.units], dtype=bool)
            self._status_cache[statuses] = mask
        return mask

    def preemptible(
        self, priority: Priority, statuses: frozenset[UnitStatus]
    ) -> NDArray[np.bool_]:
        """Units on an assignment of lower priority than ``priority``."""
        return (
            self.status_mask(statuses)
            & (self.assignment_rank > priority.rank)
            & ~self.free
        )


def _empty(request: RecommendRequest, now: datetime) -> Recommendation:
    unfilled = tuple(
        UnfilledSlot(i, s.unit_type, s.capabilities, s.count)
        for i, s in enumerate(request.slots)
    )
    return Recommendation(request.incident_id, request.priority, (), unfilled, (), now)


def recommend(
    request: RecommendRequest,
    units: Sequence[UnitCandidate] | UnitPool,
    travel_model: TravelModel,
    now: datetime,
    config: RecommendConfig | None = None,
) -> Recommendation:
    """Recommend units for every slot of one incident's plan (see module doc)."""
    # Imported here: scipy costs ~0.5 s and the console must start without it.
    from scipy.optimize import linear_sum_assignment

    cfg = config or RecommendConfig()
    pool = units if isinstance(units, UnitPool) else UnitPool(units, cfg.compatibility)
    if not request.slots or not len(pool):
        return _empty(request, now)
    if request.priority in cfg.preempt_for:
        preempt = pool.preemptible(request.priority, cfg.preemptible_statuses)
    else:
        preempt = np.zeros(len(pool), dtype=bool)
    usable = pool.free | preempt
    masks = [pool.fit_mask(slot) & usable for slot in request.slots]
    involved = np.flatnonzero(np.logical_or.reduce(masks))
    if involved.size == 0:
        return _empty(request, now)

    etas = np.asarray(
        travel_model.eta_many(
            pool.coords[involved],
            (request.lat, request.lon),
            [pool.unit_types[i] for i in involved],
            when=now,
        ),
        dtype=np.float64,
    )
    free_in = pool.free[involved]
    cost = etas + cfg.station_cover_margin_s * pool.last_at_station[involved]
    row_slot = [i for i, s in enumerate(request.slots) for _ in range(s.count)]
    n_rows, n_cols = len(row_slot), involved.size
    # Stage 1: free units only, minimum total cost.
    matrix = np.full((n_rows, n_cols + n_rows), INFEASIBLE)
    for r, s in enumerate(row_slot):
        matrix[r, :n_cols] = np.where(masks[s][involved] & free_in, cost, INFEASIBLE)
        matrix[r, n_cols + r] = _UNFILLED + (n_rows - r) * _EARLIER_SLOT_WEIGHT
    rows, cols = linear_sum_assignment(matrix)
    chosen: dict[int, int] = {}  # row -> column in `involved`
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if c < n_cols and matrix[r, c] < INFEASIBLE:
            chosen[r] = c
    # Stage 2 (P1): a unit on lower-priority work replaces the free unit of a
    # row when it arrives at least preempt_min_gain_s sooner, or fills a row
    # no free unit could fill. Raw ETAs on both sides, fastest first.
    displaced: dict[int, int] = {}  # row -> free column it replaced
    pre_in = preempt[involved]
    if pre_in.any():
        used = set(chosen.values())
        for r, s in enumerate(row_slot):
            cand = np.flatnonzero(masks[s][involved] & pre_in)
            cand = np.array([c for c in cand.tolist() if c not in used], dtype=np.intp)
            if cand.size == 0:
                continue
            best = int(cand[np.lexsort((cand, etas[cand]))[0]])
            current = chosen.get(r)
            if current is None or etas[best] <= etas[current] - cfg.preempt_min_gain_s:
                if current is not None:
                    displaced[r] = current
                    used.discard(current)
                chosen[r] = best
                used.add(best)
    taken = np.zeros(n_cols, dtype=bool)
    taken[list(chosen.values())] = True

    picked: list[RecommendedUnit] = []
    for r in sorted(chosen):
        slot_index = row_slot[r]
        picked.append(
            _explain(
                pool,
                involved,
                etas,
                masks[slot_index],
                taken,
                preempt,
                chosen[r],
                displaced.get(r),
                slot_index,
                request.slots[slot_index],
            )
        )
    missing = Counter(row_slot[r] for r in range(n_rows) if r not in chosen)
    unfilled = tuple(
        UnfilledSlot(i, request.slots[i].unit_type, request.slots[i].capabilities, k)
        for i, k in sorted(missing.items())
    )
    alternatives = _alternatives(
        pool, involved, etas, cost, masks, taken, preempt, request, cfg
    )
    return Recommendation(
        request.incident_id,
        request.priority,
        tuple(picked),
        unfilled,
        alternatives,
        now,
    )


def _unit_entry(
    pool: UnitPool,
    index: int,
    slot_index: int,
    slot: PlanSlot,
    eta: float,
    reason: ReasonCode,
    params: dict[str, str | int | float],
    preemption: bool,
) -> RecommendedUnit:
    unit = pool.units[index]
    return RecommendedUnit(
        callsign=unit.callsign,
        agency=unit.agency,
        unit_type=unit.unit_type,
        station_id=unit.station_id,
        slot_index=slot_index,
        slot_unit_type=slot.unit_type,
        eta_seconds=round(eta, 1),
        reason=reason,
        params={"eta_min": max(1, round(eta / 60)), **params},
        preemption=preemption,
        preempted_incident_id=unit.assignment_incident_id if preemption else None,
        preempted_priority=unit.assignment_priority if preemption else None,
    )


def _explain(
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    slot_mask: NDArray[np.bool_],
    taken: NDArray[np.bool_],
    preempt: NDArray[np.bool_],
    c: int,
    displaced: int | None,
    slot_index: int,
    slot: PlanSlot,
) -> RecommendedUnit:
    index = int(involved[c])
    unit = pool.units[index]
    eta = float(etas[c])
    fits = slot_mask[involved] & ~taken
    params: dict[str, str | int | float] = {}
    if preempt[index]:
        if displaced is not None:
            params["gain_s"] = round(float(etas[displaced]) - eta)
            params["instead_of"] = pool.units[int(involved[displaced])].callsign
            reason = ReasonCode.PREEMPT
        else:
            reason = ReasonCode.PREEMPT_ONLY_OPTION
        return _unit_entry(pool, index, slot_index, slot, eta, reason, params, True)
    if unit.unit_type != slot.unit_type:
        return _unit_entry(
            pool, index, slot_index, slot, eta, ReasonCode.SUBSTITUTE, params, False
        )
    faster = fits & pool.last_at_station[involved] & (etas < eta)
    if faster.any():
        j = int(np.flatnonzero(faster)[np.argmin(etas[faster])])
        other = pool.units[int(involved[j])]
        params.update(
            faster=other.callsign,
            slower_s=round(eta - float(etas[j])),
            station=other.station_id or "-",
        )
        return _unit_entry(
            pool,
            index,
            slot_index,
            slot,
            eta,
            ReasonCode.KEEPS_STATION_COVER,
            params,
            False,
        )
    if unit.status is UnitStatus.RETURNING:
        return _unit_entry(
            pool, index, slot_index, slot, eta, ReasonCode.RETURNING, params, False
        )
    return _unit_entry(
        pool, index, slot_index, slot, eta, ReasonCode.NEAREST, params, False
    )


def _alternatives(
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    cost: NDArray[np.float64],
    masks: list[NDArray[np.bool_]],
    taken: NDArray[np.bool_],
    preempt: NDArray[np.bool_],
    request: RecommendRequest,
    cfg: RecommendConfig,
) -> tuple[RecommendedUnit, ...]:
    if cfg.alternatives_per_slot <= 0:
        return ()
    out: list[RecommendedUnit] = []
    listed = taken.copy()
    for slot_index, slot in enumerate(request.slots):
        cand = np.flatnonzero(masks[slot_index][involved] & ~listed)
        if cand.size == 0:
            continue
        order = cand[np.lexsort((cand, cost[cand]))][: cfg.alternatives_per_slot]
        for c in order.tolist():
            listed[c] = True
            index = int(involved[c])
            out.append(
                _unit_entry(
                    pool,
                    index,
                    slot_index,
                    slot,
                    float(etas[c]),
                    ReasonCode.ALTERNATIVE,
                    {},
                    bool(preempt[index]),
                )
            )
    return tuple(out)
