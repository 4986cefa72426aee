"""Where a freed ambulance should go: DMEXCLP-style relocation.

When a unit clears a call, sending it back to its own station is the simple
rule. DMEXCLP (Jagtenberg, Bhulai & van der Mei 2015, the dynamic MEXCLP)
sends it instead to the station where one more unit adds the most expected
coverage, given where the other free units are or are heading: with *k_j*
of them covering demand point *j* and each busy with probability *q*, a unit
at station *s* adds Σ_j w_j (1 − q) q^k_j over the points *s* covers. The
home station wins ties, so a unit only moves when it buys coverage.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from dispatch.coverage import CoverageModel

__all__ = ["best_station"]


def best_station(
    model: CoverageModel,
    travel_model: object,
    unit_type: str,
    stations: NDArray[np.float64],
    others: NDArray[np.float64],
    home: int,
) -> int:
    """Index of the station where one more unit adds the most coverage.

    ``stations`` and ``others`` are (n, 2) lat/lon arrays: the candidate
    stations and the positions (or destinations) of the other free units.
    """
    k = model.reach(others, travel_model, unit_type).sum(axis=0)
    q = model.busy_fraction
    marginal = model.weights * (1 - q) * np.power(q, k)
    gain = model.reach(stations, travel_model, unit_type).astype(np.float64) @ marginal
    best = int(np.argmax(gain))
    return home if gain[home] >= gain[best] - 1e-12 else best
