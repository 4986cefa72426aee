"""How the recommender chooses: costs, the two assignment stages, substitutes.

Stage 1 fills the plan with free units at minimum total cost (ETA plus station
cover, or the coverage rule); stage 2 lets a P1 pull a unit off lower-priority
work when it is much sooner; then rows still empty take a stated substitute.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from dispatch.coverage import CoverageRule
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend.model import (
    INFEASIBLE,
    RecommendRequest,
    TravelModel,
    UnfilledSlot,
)
from dispatch.recommend.pool import UnitCompatibility, UnitPool


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
    coverage: CoverageRule | None = None
    """Weigh the coverage a unit leaves behind (:mod:`dispatch.coverage`);
    None = plain fastest (region packs without demand data)."""


_UNFILLED = 1e8
"""Cost of leaving a slot empty: above any real ETA, below INFEASIBLE."""


_EARLIER_SLOT_WEIGHT = 1e4
"""Leaving an earlier plan slot empty costs more than leaving a later one."""


def preempt_mask(
    pool: UnitPool, request: RecommendRequest, cfg: RecommendConfig
) -> NDArray[np.bool_]:
    """Units this request may pull from lower-priority work (none below P1)."""
    if request.priority in cfg.preempt_for:
        return pool.preemptible(request.priority, cfg.preemptible_statuses)
    return np.zeros(len(pool), dtype=bool)


def cheapest_free(
    row_slot: list[int],
    masks: list[NDArray[np.bool_]],
    involved: NDArray[np.intp],
    free_in: NDArray[np.bool_],
    cost: NDArray[np.float64],
) -> dict[int, int]:
    """Stage 1: free units only, minimum total cost; row -> column in ``involved``.

    Each row also has its own "leave empty" column, dearer for earlier plan
    slots, so the solver always finds a full assignment.
    """
    # Imported here: scipy costs ~0.5 s and the console must start without it.
    from scipy.optimize import linear_sum_assignment

    n_rows, n_cols = len(row_slot), involved.size
    matrix = np.full((n_rows, n_cols + n_rows), INFEASIBLE)
    for r, s in enumerate(row_slot):
        matrix[r, :n_cols] = np.where(masks[s][involved] & free_in, cost, INFEASIBLE)
        matrix[r, n_cols + r] = _UNFILLED + (n_rows - r) * _EARLIER_SLOT_WEIGHT
    rows, cols = linear_sum_assignment(matrix)
    chosen: dict[int, int] = {}
    for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
        if c < n_cols and matrix[r, c] < INFEASIBLE:
            chosen[r] = c
    return chosen


def preempt_rows(
    row_slot: list[int],
    masks: list[NDArray[np.bool_]],
    involved: NDArray[np.intp],
    pre_in: NDArray[np.bool_],
    etas: NDArray[np.float64],
    chosen: dict[int, int],
    cfg: RecommendConfig,
) -> dict[int, int]:
    """Stage 2 (P1): swap in units on lower-priority work; row -> column replaced.

    A pre-emptible unit replaces the free unit of a row when it arrives at
    least ``preempt_min_gain_s`` sooner, or fills a row no free unit could
    fill. Raw ETAs on both sides, fastest first. Updates ``chosen``.
    """
    displaced: dict[int, int] = {}
    if not pre_in.any():
        return displaced
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
    return displaced


def unfilled_of(
    request: RecommendRequest, row_slot: list[int], chosen: dict[int, int]
) -> tuple[UnfilledSlot, ...]:
    """Plan slots (with how many units) that no unit could fill."""
    missing = Counter(row_slot[r] for r in range(len(row_slot)) if r not in chosen)
    return tuple(
        UnfilledSlot(i, request.slots[i].unit_type, request.slots[i].capabilities, k)
        for i, k in sorted(missing.items())
    )


def stage_costs(
    cfg: RecommendConfig,
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    free_in: NDArray[np.bool_],
    travel_model: TravelModel,
    request: RecommendRequest,
) -> tuple[NDArray[np.float64], NDArray[np.float64] | None]:
    """Stage-1 costs (ETA + station cover, or the coverage rule) and losses."""
    if cfg.coverage is not None:
        ruled = _coverage_costs(
            cfg.coverage, pool, involved, etas, free_in, travel_model, request
        )
        if ruled is not None:
            return ruled
    cost = etas + cfg.station_cover_margin_s * pool.last_at_station[involved]
    return cost, None


def _coverage_costs(
    rule: CoverageRule,
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    free_in: NDArray[np.bool_],
    travel_model: TravelModel,
    request: RecommendRequest,
) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
    """The coverage rule's costs for the involved units (one unit type)."""
    unit_type = request.slots[0].unit_type
    types = np.array(pool.unit_types, dtype=object)
    same = types[involved] == unit_type
    if not same.all():
        return None  # mixed plans: the rule is for single-type (ambulance) calls
    every = pool.free & (types == unit_type)
    return rule.costs(
        etas,
        free_in,
        pool.coords[involved],
        pool.coords[every],
        travel_model,
        unit_type,
        request.priority,
        request.on_time_s,
    )


def fill_with_substitutes(
    row_slot: Sequence[int],
    lesser: Sequence[NDArray[np.bool_]],
    etas: NDArray[np.float64],
    chosen: dict[int, int],
) -> set[int]:
    """Fill rows still empty with stated substitutes, fastest first; their rows."""
    used = set(chosen.values())
    filled: set[int] = set()
    for r, s in enumerate(row_slot):
        if r in chosen:
            continue
        cand = [c for c in np.flatnonzero(lesser[s]).tolist() if c not in used]
        if not cand:
            continue
        best = min(cand, key=lambda c: (float(etas[c]), c))
        chosen[r] = best
        used.add(best)
        filled.add(r)
    return filled
