"""Batch assignment: share scarce units across the whole waiting queue.

When several incidents wait and units are few, recommending for each incident
on its own lets the first one served take the only ambulance another, more
urgent, incident needs. ``assign_batch`` instead solves one minimum-cost
assignment over every plan slot of every waiting incident:

* one row per unit needed (a slot with count 2 gives two rows), one column per
  free unit (available or returning), plus one "left empty" column per row;
* cost of a unit in a slot = ``priority weight × ETA`` (ETA capped at
  ``max_eta_s``) + the station-cover margin for a station's last free unit of
  its type; a unit that does not fit the slot costs ``INFEASIBLE``;
* cost of leaving a row empty = ``unfilled_penalty[priority]``. The penalties
  are spaced further apart than any weighted ETA, so **a P1 slot is always
  filled before a P2 slot can take a unit the P1 slot could use** (and so on
  down), while within the same priority the total weighted ETA is minimal;
* rows and units split into independent groups (connected components of the
  "unit fits slot" graph: ambulances never compete with fire engines), each
  solved with ``scipy.optimize.linear_sum_assignment``.

Everything is sorted first (requests by priority then incident id, units by
callsign), so equal inputs always give equal answers. Pre-emption is not
done here: it is a dispatcher's decision per incident (see
:func:`dispatch.recommend.recommend`).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import PlanSlot
from dispatch.enums import Priority
from dispatch.recommend import (
    INFEASIBLE,
    RecommendRequest,
    TravelModel,
    UnitCandidate,
    UnitCompatibility,
    UnitPool,
)

__all__ = [
    "BatchAssignment",
    "BatchConfig",
    "assign_batch",
    "unfilled_slots",
]


@dataclass(frozen=True, slots=True)
class BatchConfig:
    """Weights of the batch assignment (defaults are the documented policy)."""

    priority_weight: Mapping[Priority, float] = field(
        default_factory=lambda: {
            Priority.P1: 8.0,
            Priority.P2: 4.0,
            Priority.P3: 2.0,
            Priority.P4: 1.0,
        }
    )
    """Multiplies the ETA: a minute saved for a P1 is worth 8 for a P4."""
    unfilled_penalty: Mapping[Priority, float] = field(
        default_factory=lambda: {
            Priority.P1: 4e6,
            Priority.P2: 3e6,
            Priority.P3: 2e6,
            Priority.P4: 1e6,
        }
    )
    """Cost of leaving one unit of a plan empty, by priority."""
    max_eta_s: float = 3 * 3600.0
    """ETAs above this are costed as this (keeps the penalties dominant)."""
    station_cover_margin_s: float = 60.0
    compatibility: UnitCompatibility | None = None

    def __post_init__(self) -> None:
        ranks = sorted(Priority, key=lambda p: p.rank)
        for prio in ranks:
            weighted = self.priority_weight[prio] * self.max_eta_s
            if self.unfilled_penalty[prio] <= weighted + self.station_cover_margin_s:
                raise ValueError(
                    f"unfilled_penalty[{prio}] must exceed its weighted max ETA"
                )
        for higher, lower in itertools.pairwise(ranks):
            gap = self.unfilled_penalty[higher] - self.unfilled_penalty[lower]
            if (
                gap
                <= self.priority_weight[higher] * self.max_eta_s
                + self.station_cover_margin_s
            ):
                raise ValueError(
                    f"unfilled penalties of {higher} and {lower} are too close: "
                    f"{higher} would not always be served first"
                )


@dataclass(frozen=True, slots=True)
class BatchAssignment:
    """One unit assigned to one slot of one incident."""

    incident_id: int
    priority: Priority
    slot_index: int
    callsign: str
    unit_type: str
    eta_seconds: float


@dataclass(frozen=True, slots=True)
class _Row:
    request: int
    slot_index: int
    slot: PlanSlot


@dataclass(frozen=True, slots=True)
class _Problem:
    """The prepared batch: rows (unit places), useful units and their costs."""

    ordered: list[RecommendRequest]
    rows: list[_Row]
    pool: UnitPool
    unit_cols: NDArray[np.intp]
    """Pool index of each useful free unit (a column)."""
    fit_u: NDArray[np.bool_]
    eta: NDArray[np.float64]
    """Request × column ETAs (only requests with a useful row are filled)."""
    weight: NDArray[np.float64]
    cover: NDArray[np.float64]
    cfg: BatchConfig


def assign_batch(
    requests: Sequence[RecommendRequest],
    units: Sequence[UnitCandidate] | UnitPool,
    travel_model: TravelModel,
    now: datetime,
    config: BatchConfig | None = None,
) -> list[BatchAssignment]:
    """Assign free units to the slots of all ``requests`` at once.

    Returns the assignments sorted by priority, incident id and slot. Slots
    left empty are simply absent (see :func:`unfilled_slots`).
    """
    cfg = config or BatchConfig()
    pool = units if isinstance(units, UnitPool) else UnitPool(units, cfg.compatibility)
    ordered = sorted(requests, key=lambda r: (r.priority.rank, r.incident_id))
    ids = [r.incident_id for r in ordered]
    if len(set(ids)) != len(ids):
        raise ValueError("each incident may appear only once in a batch")
    free_idx = np.flatnonzero(pool.free)
    if not ordered or free_idx.size == 0:
        return []

    rows = _rows(ordered)
    if not rows:
        return []
    # Fit of each row against the free units (rows share masks per slot kind).
    fit = np.stack([pool.fit_mask(row.slot)[free_idx] for row in rows])
    useful_units = np.flatnonzero(fit.any(axis=0))
    useful_rows = np.flatnonzero(fit.any(axis=1))
    if useful_units.size == 0:
        return []

    unit_cols = free_idx[useful_units]
    problem = _Problem(
        ordered=ordered,
        rows=rows,
        pool=pool,
        unit_cols=unit_cols,
        fit_u=fit[:, useful_units],
        eta=_etas(ordered, rows, useful_rows, pool, unit_cols, travel_model, now),
        weight=np.array(
            [cfg.priority_weight[ordered[row.request].priority] for row in rows]
        ),
        cover=np.asarray(
            cfg.station_cover_margin_s * pool.last_at_station[unit_cols],
            dtype=np.float64,
        ),
        cfg=cfg,
    )
    labels = _components(problem.fit_u)
    n_rows = len(rows)
    out: list[BatchAssignment] = []
    for label in np.unique(labels[useful_rows]):
        g_rows = np.flatnonzero(labels[:n_rows] == label)
        g_units = np.flatnonzero(labels[n_rows:] == label)
        if g_units.size:
            out.extend(_solve_group(problem, g_rows, g_units))
    out.sort(key=lambda a: (a.priority.rank, a.incident_id, a.slot_index, a.callsign))
    return out


def _rows(ordered: list[RecommendRequest]) -> list[_Row]:
    """One row per unit place: every slot of every request, ``count`` times."""
    return [
        _Row(ri, si, slot)
        for ri, req in enumerate(ordered)
        for si, slot in enumerate(req.slots)
        for _ in range(slot.count)
    ]


def _etas(
    ordered: list[RecommendRequest],
    rows: list[_Row],
    useful_rows: NDArray[np.intp],
    pool: UnitPool,
    unit_cols: NDArray[np.intp],
    travel_model: TravelModel,
    now: datetime,
) -> NDArray[np.float64]:
    """ETAs: one vectorised call per request, only for the units that matter."""
    origins = pool.coords[unit_cols]
    types = [pool.unit_types[i] for i in unit_cols]
    eta = np.empty((len(ordered), unit_cols.size))
    needed = sorted({rows[r].request for r in useful_rows.tolist()})
    for ri in needed:
        req = ordered[ri]
        eta[ri] = travel_model.eta_many(origins, (req.lat, req.lon), types, when=now)
    return eta


def _components(fit_u: NDArray[np.bool_]) -> NDArray[np.int32]:
    """Independent groups: connected components of the bipartite fit graph.

    Labels rows first, then units; each group is solved on its own, which
    keeps the assignment problems small.
    """
    # Imported here: scipy costs ~0.5 s and the console must start without it.
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    r_idx, u_idx = np.nonzero(fit_u)
    n_rows, n_units = fit_u.shape
    graph = coo_matrix(
        (np.ones(r_idx.size), (r_idx, n_rows + u_idx)),
        shape=(n_rows + n_units, n_rows + n_units),
    )
    _, labels = connected_components(graph, directed=False)
    return labels  # type: ignore[no-any-return]


def _solve_group(
    p: _Problem, g_rows: NDArray[np.intp], g_units: NDArray[np.intp]
) -> list[BatchAssignment]:
    """Minimum-cost assignment of one group; each row may also stay empty."""
    from scipy.optimize import linear_sum_assignment

    req_of = np.array([p.rows[r].request for r in g_rows])
    capped = np.minimum(p.eta[req_of][:, g_units], p.cfg.max_eta_s)
    cost = p.weight[g_rows, None] * capped + p.cover[None, g_units]
    cost = np.where(p.fit_u[np.ix_(g_rows, g_units)], cost, INFEASIBLE)
    k = g_rows.size
    empty = np.full((k, k), INFEASIBLE)
    np.fill_diagonal(
        empty,
        [p.cfg.unfilled_penalty[p.ordered[p.rows[r].request].priority] for r in g_rows],
    )
    matrix = np.hstack([cost, empty])
    sel_rows, sel_cols = linear_sum_assignment(matrix)
    out: list[BatchAssignment] = []
    for a, b in zip(sel_rows.tolist(), sel_cols.tolist(), strict=True):
        if b >= g_units.size or matrix[a, b] >= INFEASIBLE:
            continue
        row = p.rows[int(g_rows[a])]
        req = p.ordered[row.request]
        unit = p.pool.units[int(p.unit_cols[g_units[b]])]
        out.append(
            BatchAssignment(
                incident_id=req.incident_id,
                priority=req.priority,
                slot_index=row.slot_index,
                callsign=unit.callsign,
                unit_type=unit.unit_type,
                eta_seconds=round(float(p.eta[row.request, g_units[b]]), 1),
            )
        )
    return out


def unfilled_slots(
    requests: Sequence[RecommendRequest], assignments: Sequence[BatchAssignment]
) -> dict[int, dict[int, int]]:
    """Incident id → {slot index → units still missing} after a batch."""
    got: dict[tuple[int, int], int] = {}
    for a in assignments:
        got[(a.incident_id, a.slot_index)] = (
            got.get((a.incident_id, a.slot_index), 0) + 1
        )
    out: dict[int, dict[int, int]] = {}
    for req in requests:
        for si, slot in enumerate(req.slots):
            missing = slot.count - got.get((req.incident_id, si), 0)
            if missing > 0:
                out.setdefault(req.incident_id, {})[si] = missing
    return out
