"""Coverage-aware dispatch: weigh the coverage a unit leaves behind.

Closest-idle sends the unit that arrives first and ignores what its departure
does to the rest of the area. When a busy region has a unit that arrives
almost as fast but leaves a well-covered part of the map, sending it keeps
the next caller in the thinly covered part reachable in time. This is the
idea of the Jagtenberg, Bhulai & van der Mei (2017) dispatch heuristic, built
on the MEXCLP coverage measure of Daskin (1983):

* demand points *j* with call shares *w_j*; a free unit *covers* *j* when it
  can reach it within the cover time (the target less the call-handling
  delay); with *k_j* free units covering *j* and every unit busy with
  probability *q*, the expected covered demand is Σ w_j (1 − q^k_j);
* sending unit *i* loses Σ_{j covered by i} w_j (1 − q) q^(k_j − 1) of it —
  its *coverage loss*, a share of all calls.

:class:`CoverageRule` turns this into a cost the recommender adds: among the
free units that arrive **on time** (within the request's ``on_time_s``) and
at most ``slack_s`` later than the fastest free unit, the cost is the ETA plus
``seconds_per_point`` for every percentage point of coverage lost; units
outside that set keep their plain ETA plus a large offset, so they are sent
only when nothing inside fits. The slack bounds what the rule may cost the
caller in front of us (the mean response time), and the on-time condition
makes sure it never trades a late arrival for coverage. Both are tuned on
the benchmark's validation days (docs/simulator.md).

Reach is computed from each unit's position to every demand point with the
travel model's ``eta_many`` (point → unit, i.e. the symmetric estimate), and
cached per position, so units at their stations cost nothing after the first
call.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from dispatch.enums import Priority

__all__ = ["OUTSIDE_OFFSET_S", "CoverageModel", "CoverageRule"]

OUTSIDE_OFFSET_S = 1e5
"""Added to the cost of a free unit outside the rule's set (late or too slow)."""


@dataclass
class CoverageModel:
    """Demand points, their call shares, and who covers them (MEXCLP)."""

    points: NDArray[np.float64]
    """Shape (m, 2): lat, lon of each demand point."""
    weights: NDArray[np.float64]
    """Call share per point (sums to 1)."""
    cover_s: float
    """A unit covers a point it reaches within this many seconds."""
    busy_fraction: float = 0.3
    """q: the chance a covering unit is busy (the region's mean utilisation)."""
    _reach: dict[tuple[float, float], NDArray[np.bool_]] = field(
        default_factory=dict, repr=False
    )

    def __post_init__(self) -> None:
        if not 0 <= self.busy_fraction < 1:
            raise ValueError("busy_fraction must be in [0, 1)")
        if self.points.shape != (len(self.weights), 2):
            raise ValueError("points must be (m, 2) with one weight each")

    def reach(
        self, coords: NDArray[np.float64], travel_model: object, unit_type: str
    ) -> NDArray[np.bool_]:
        """Shape (n, m): which points each position reaches within ``cover_s``."""
        eta_many = travel_model.eta_many  # type: ignore[attr-defined]
        rows = []
        for lat, lon in coords.tolist():
            key = (round(lat, 5), round(lon, 5))
            hit = self._reach.get(key)
            if hit is None:
                if len(self._reach) > 4096:
                    self._reach.clear()
                times = np.asarray(
                    eta_many(self.points, (lat, lon), [unit_type] * len(self.points))
                )
                hit = self._reach[key] = times <= self.cover_s
            rows.append(hit)
        if not rows:
            return np.zeros((0, len(self.weights)), dtype=bool)
        return np.stack(rows)


@dataclass(frozen=True)
class CoverageRule:
    """How the recommender trades arrival time for coverage kept."""

    model: CoverageModel
    slack_s: Mapping[Priority, float]
    """Most seconds a unit may arrive after the fastest free one, by priority;
    a priority not listed gets no coverage weighing (plain fastest)."""
    seconds_per_point: float = 60.0
    """ETA seconds one percentage point of coverage kept is worth."""

    def costs(
        self,
        etas: NDArray[np.float64],
        free: NDArray[np.bool_],
        coords: NDArray[np.float64],
        all_free_coords: NDArray[np.float64],
        travel_model: object,
        unit_type: str,
        priority: Priority,
        on_time_s: float | None,
    ) -> tuple[NDArray[np.float64], NDArray[np.float64]] | None:
        """Costs for the candidates, and their coverage loss; None = rule idle.

        ``etas``/``free``/``coords`` describe the candidates; ``all_free_coords``
        every free unit of the type (they make up the coverage). Busy
        candidates (pre-emptions) keep their plain ETA.
        """
        slack = self.slack_s.get(priority)
        if slack is None or not free.any():
            return None
        best = float(etas[free].min())
        inside = free & (etas <= best + slack)
        if on_time_s is not None:
            if best > on_time_s:
                return None  # nobody on time: the fastest, as closest-idle
            inside &= etas <= on_time_s
        if int(inside.sum()) < 2:
            return None
        everyone = self.model.reach(all_free_coords, travel_model, unit_type)
        k = everyone.sum(axis=0)
        q = self.model.busy_fraction
        marginal = self.model.weights * (1 - q) * np.power(q, np.maximum(k - 1, 0))
        mine = self.model.reach(coords, travel_model, unit_type)
        loss = mine.astype(np.float64) @ marginal
        cost = np.where(
            inside,
            etas + self.seconds_per_point * 100.0 * loss,
            etas + np.where(free, OUTSIDE_OFFSET_S, 0.0),
        )
        return cost, loss
