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
* **Stated substitution.** A slot no free unit can fill, because every unit
  with a required capability is busy, may take a unit with a lesser
  capability the catalogue names as its fallback (``capability_fallback``:
  a BLS ambulance for an ALS slot). It is never silent: the unit carries the
  reason code ``downgrade`` and a sentence saying what it lacks and why it
  was chosen, so the dispatcher sees a substitute, not "no unit available".
* **Assignment.** All slots of the plan are filled together by a minimum-cost
  assignment (``scipy.optimize.linear_sum_assignment``), so the only ALS
  ambulance goes to the ALS slot, not to a BLS slot any ambulance could fill.
  When units are short, earlier slots of the plan are filled first, and what
  stays empty is reported as :class:`UnfilledSlot`.

ETAs come from one vectorised ``eta_many`` call per recommendation.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from dispatch.recommend.model import (
    INFEASIBLE as INFEASIBLE,
)
from dispatch.recommend.model import (
    ReasonCode,
    Recommendation,
    RecommendedUnit,
    RecommendRequest,
    TravelModel,
    UnfilledSlot,
    UnitCandidate,
)
from dispatch.recommend.pool import UnitCompatibility, UnitPool, open_slots
from dispatch.recommend.reasons import (
    alternatives_for,
    downgrade_entry,
    explain_choice,
    reason_text,
)
from dispatch.recommend.scoring import (
    RecommendConfig,
    cheapest_free,
    fill_with_substitutes,
    preempt_mask,
    preempt_rows,
    stage_costs,
    unfilled_of,
)

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
    "open_slots",
    "reason_text",
    "recommend",
]


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
    cfg = config or RecommendConfig()
    pool = units if isinstance(units, UnitPool) else UnitPool(units, cfg.compatibility)
    if not request.slots or not len(pool):
        return _empty(request, now)
    preempt = preempt_mask(pool, request, cfg)
    usable = pool.free | preempt
    masks = [pool.fit_mask(slot) & usable for slot in request.slots]
    lesser = [pool.downgrade_mask(slot) & pool.free for slot in request.slots]
    involved = np.flatnonzero(np.logical_or.reduce(masks + lesser))
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
    cost, loss = stage_costs(cfg, pool, involved, etas, free_in, travel_model, request)
    row_slot = [i for i, s in enumerate(request.slots) for _ in range(s.count)]
    chosen = cheapest_free(row_slot, masks, involved, free_in, cost)
    displaced = preempt_rows(
        row_slot, masks, involved, preempt[involved], etas, chosen, cfg
    )
    downgraded = fill_with_substitutes(
        row_slot, [m[involved] for m in lesser], etas, chosen
    )
    taken = np.zeros(involved.size, dtype=bool)
    taken[list(chosen.values())] = True

    picked: list[RecommendedUnit] = []
    for r in sorted(chosen):
        slot_index = row_slot[r]
        if r in downgraded:
            picked.append(
                downgrade_entry(
                    pool, int(involved[chosen[r]]), slot_index, request, etas[chosen[r]]
                )
            )
            continue
        picked.append(
            explain_choice(
                pool,
                involved,
                etas,
                loss,
                masks[slot_index],
                taken,
                preempt,
                chosen[r],
                displaced.get(r),
                slot_index,
                request.slots[slot_index],
            )
        )
    alternatives = alternatives_for(
        pool, involved, etas, cost, masks, taken, preempt, request, cfg
    )
    return Recommendation(
        request.incident_id,
        request.priority,
        tuple(picked),
        unfilled_of(request, row_slot, chosen),
        alternatives,
        now,
    )
