"""The simulator's figures, as pure functions over plain records.

Definitions (the same in the summary, the JSON and docs/simulator.md):

* **response time** — call received (the phone rang) → first unit on scene;
  per unit type, call received → first unit *of that type* on scene, over
  the incidents that type was sent to (a substitute counts as its own type;
  plan slots never filled are counted apart as ``dropped_slots``).
* **within target** — response time ≤ the incident's on-scene target from
  the catalogue (``TimerTargets.for_priority(...).on_scene_s``: per priority,
  or per type and level where the catalogue says). An incident never reached
  counts as *not* within target; the share is over all incidents.
* **mean / median / p90** — over the incidents reached; p90 is numpy's
  default (linear interpolation between closest ranks).
* **queue wait** — incident created → first unit assigned (per unit type:
  first unit of that type); the longest is reported.
* **utilisation** — time a unit is committed (dispatched, en route, on
  scene, transporting, at hospital) ÷ the period, summed over the units of a
  type; ``away`` adds the drive home (returning).

Only incidents whose call rang inside the period count; the drain after it
serves them, so none is left unreached unless a slot was dropped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dispatch.enums import Priority

__all__ = ["IncidentRecord", "UnitRecord", "summarise"]


@dataclass
class IncidentRecord:
    """What the simulator saw of one incident (seconds from the start)."""

    incident_id: int
    number: str
    type_code: str
    priority: Priority
    received_s: float
    created_s: float
    target_s: float
    plan_types: tuple[str, ...] = ()
    first_assigned_s: float | None = None
    first_on_scene_s: float | None = None
    closed_s: float | None = None
    first_assigned_by_type: dict[str, float] = field(default_factory=dict)
    first_on_scene_by_type: dict[str, float] = field(default_factory=dict)

    @property
    def response_s(self) -> float | None:
        """Call received → first unit on scene."""
        if self.first_on_scene_s is None:
            return None
        return self.first_on_scene_s - self.received_s


@dataclass(frozen=True, slots=True)
class UnitRecord:
    """Busy and away seconds of one unit inside the period."""

    callsign: str
    unit_type: str
    busy_s: float
    away_s: float


def _r(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(float(value), digits)


def _stats(
    responses: Sequence[float | None], targets: Sequence[float], waits: Sequence[float]
) -> dict[str, Any]:
    reached = [r for r in responses if r is not None]
    within = sum(
        1 for r, t in zip(responses, targets, strict=True) if r is not None and r <= t
    )
    n = len(responses)
    arr = np.asarray(reached, dtype=np.float64)
    return {
        "n": n,
        "reached": len(reached),
        "mean_s": _r(arr.mean()) if arr.size else None,
        "median_s": _r(np.median(arr)) if arr.size else None,
        "p90_s": _r(np.percentile(arr, 90)) if arr.size else None,
        "within_target": within,
        "within_target_share": _r(within / n, 4) if n else None,
        "longest_queue_wait_s": _r(max(waits)) if waits else None,
    }


def summarise(
    incidents: Sequence[IncidentRecord],
    units: Sequence[UnitRecord],
    period_s: float,
) -> dict[str, Any]:
    """Per priority, per unit type and overall figures (see module docstring)."""
    inside = [i for i in incidents if i.received_s < period_s]
    by_priority: dict[str, Any] = {}
    for prio in sorted(Priority, key=lambda p: p.rank):
        by_priority[prio.value] = _group_stats(
            [i for i in inside if i.priority == prio]
        )
    by_priority["all"] = _group_stats(inside)
    by_type: dict[str, Any] = {}
    for unit_type in sorted({u.unit_type for u in units}):
        by_type[unit_type] = _type_figures(unit_type, units, inside, period_s)
    return {
        "by_priority": by_priority,
        "by_unit_type": by_type,
        "queue": _queue(inside),
    }


def _group_stats(rows: Sequence[IncidentRecord]) -> dict[str, Any]:
    """Response and queue-wait figures over a group of incidents."""
    return _stats(
        [i.response_s for i in rows],
        [i.target_s for i in rows],
        [
            i.first_assigned_s - i.created_s
            for i in rows
            if i.first_assigned_s is not None
        ],
    )


def _share(seconds: float, capacity: float) -> float | None:
    """Seconds as a share of the type's capacity; None for no capacity."""
    return _r(seconds / capacity, 4) if capacity else None


def _type_figures(
    unit_type: str,
    units: Sequence[UnitRecord],
    inside: Sequence[IncidentRecord],
    period_s: float,
) -> dict[str, Any]:
    """One unit type's figures: its first-on-scene times and its utilisation."""
    mine = [u for u in units if u.unit_type == unit_type]
    rows = [i for i in inside if unit_type in i.first_assigned_by_type]
    responses = [
        i.first_on_scene_by_type[unit_type] - i.received_s
        if unit_type in i.first_on_scene_by_type
        else None
        for i in rows
    ]
    waits = [
        i.first_assigned_by_type[unit_type] - i.created_s
        for i in rows
        if unit_type in i.first_assigned_by_type
    ]
    capacity = len(mine) * period_s
    return {
        "units": len(mine),
        **_stats(responses, [i.target_s for i in rows], waits),
        "utilisation": _share(sum(u.busy_s for u in mine), capacity),
        "away_share": _share(sum(u.away_s for u in mine), capacity),
    }


def _queue(inside: Sequence[IncidentRecord]) -> dict[str, Any]:
    """The incident that waited longest for its first unit (ties: lowest id)."""
    longest = max(
        (i for i in inside if i.first_assigned_s is not None),
        key=lambda i: (i.first_assigned_s - i.created_s, -i.incident_id),  # type: ignore[operator]
        default=None,
    )
    if longest is None:
        return {
            "longest_wait_s": None,
            "longest_wait_incident": None,
            "longest_wait_priority": None,
        }
    return {
        "longest_wait_s": _r(longest.first_assigned_s - longest.created_s),  # type: ignore[operator]
        "longest_wait_incident": longest.number,
        "longest_wait_priority": longest.priority.value,
    }
