"""Why each unit was chosen: reason codes, their parameters and their sentences.

The console shows :func:`reason_text` (Indonesian or English); the entries
carry the values the sentence needs (the faster unit, the gain, the station).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import PlanSlot
from dispatch.enums import UnitStatus
from dispatch.recommend.model import ReasonCode, RecommendedUnit, RecommendRequest
from dispatch.recommend.pool import UnitPool
from dispatch.recommend.scoring import RecommendConfig

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
    ReasonCode.KEEPS_COVERAGE: (
        "Tetap tepat waktu (±{eta_min} menit) dan menjaga cakupan: {faster} "
        "{slower_s} dtk lebih cepat tetapi akan membuka {kept_pts} % wilayah panggilan",
        "On time (~{eta_min} min) and keeps coverage: {faster} is {slower_s} s "
        "sooner but would leave {kept_pts} % more of the calls uncovered",
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
    ReasonCode.DOWNGRADE: (
        "PENGGANTI: semua unit {missing} sibuk; unit {has} dikirim, tiba ±{eta_min} "
        "menit",
        "SUBSTITUTE: every {missing} unit is busy; sends a {has} unit, ~{eta_min} min",
    ),
    ReasonCode.ALTERNATIVE: (
        "Alternatif, tiba ±{eta_min} menit",
        "Alternative, arrives in ~{eta_min} min",
    ),
}


def reason_text(unit: RecommendedUnit, lang: str = "id") -> str:
    """The one-line explanation of a recommended unit, Indonesian or English."""
    template = _REASON_TEXT[unit.reason][1 if lang == "en" else 0]
    values: dict[str, str | int | float] = {
        "eta_min": max(1, round(unit.eta_seconds / 60)),
        "slot_unit_type": unit.slot_unit_type,
        "station": unit.station_id or "-",
        "from_priority": unit.preempted_priority or "-",
        "from_incident": unit.preempted_incident_id or "-",
        "missing": "-",
        "has": "-",
        "kept_pts": "-",
    }
    values.update(unit.params)
    return template.format(**values)


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


def _coverage_entry(
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    loss: NDArray[np.float64] | None,
    slot_mask: NDArray[np.bool_],
    taken: NDArray[np.bool_],
    c: int,
    slot_index: int,
    slot: PlanSlot,
) -> RecommendedUnit | None:
    """A KEEPS_COVERAGE entry when the rule chose a free unit over a faster one."""
    if loss is None or not pool.free[int(involved[c])]:
        return None
    faster = slot_mask[involved] & pool.free[involved] & ~taken & (etas < etas[c])
    if not faster.any():
        return None
    j = int(np.flatnonzero(faster)[np.argmin(etas[faster])])
    params: dict[str, str | int | float] = {
        "faster": pool.units[int(involved[j])].callsign,
        "slower_s": round(float(etas[c] - etas[j])),
        "kept_pts": round(100.0 * float(loss[j] - loss[c]), 1),
    }
    return _unit_entry(
        pool,
        int(involved[c]),
        slot_index,
        slot,
        float(etas[c]),
        ReasonCode.KEEPS_COVERAGE,
        params,
        False,
    )


def downgrade_entry(
    pool: UnitPool,
    index: int,
    slot_index: int,
    request: RecommendRequest,
    eta: float,
) -> RecommendedUnit:
    unit = pool.units[index]
    slot = request.slots[slot_index]
    missing = pool.compatibility.lacks(unit.unit_type, unit.capabilities, slot)
    have = pool.compatibility.effective(unit.capabilities) & {
        c for cap in (missing or ()) for c in pool.compatibility.fallback.get(cap, ())
    }
    params: dict[str, str | int | float] = {
        "missing": "/".join(sorted(missing or ())),
        "has": "/".join(sorted(have)),
    }
    return _unit_entry(
        pool,
        index,
        slot_index,
        slot,
        float(eta),
        ReasonCode.DOWNGRADE,
        params,
        False,
    )


def explain_choice(
    pool: UnitPool,
    involved: NDArray[np.intp],
    etas: NDArray[np.float64],
    loss: NDArray[np.float64] | None,
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
    kept = _coverage_entry(
        pool, involved, etas, loss, slot_mask, taken, c, slot_index, slot
    )
    if kept is not None:
        return kept
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


def alternatives_for(
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
