"""The simulator's own copy of the board: what it changed, kept as it went.

The event loop is the only writer of its database, so it knows every
incident's units and every unit's status and position without asking. A
dispatch round used to read them all back through the service API — every
open incident, the queue, every unit — and at province size (1,100 open
incidents, 2,944 units) those reads were 96 % of the run. The policy now
reads :class:`MirrorBoard` instead; the decisions still call the desks' own
code (queue order :func:`~dispatch.priority.queue_key`, the batch step, the
recommender) and every write still goes through the services.

The copy must equal what the database holds: a test runs the same day with
the board read through the services and with this one and compares every
figure (``tests/dispatch/test_simulator_mirror.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dispatch.catalogue import PlanSlot
from dispatch.clock import FixedClock
from dispatch.enums import IncidentStatus, UnitStatus
from dispatch.priority import QueueItem, queue_key
from dispatch.recommend import UnitCandidate
from dispatch.schemas import IncidentSummary
from dispatch.simulator.metrics import IncidentRecord
from dispatch.simulator.policies import Need, missing_slots

__all__ = ["IncidentState", "MirrorBoard", "UnitState"]

Point = tuple[float, float]


@dataclass
class UnitState:
    """One unit as the simulator drives it."""

    callsign: str
    unit_type: str
    home: Point
    pos: Point
    agency: str = ""
    capabilities: frozenset[str] = frozenset()
    station_id: str | None = None
    reported: Point | None = None
    """Where the database last has it (what the engine counts from)."""
    status: UnitStatus = UnitStatus.AVAILABLE
    gen: int = 0
    incident_id: int | None = None
    move: tuple[Point, Point, float, float] | None = None
    """(from, to, t0, t1) while driving home, for interpolated positions."""
    since: float = 0.0
    busy_s: float = 0.0
    away_s: float = 0.0


@dataclass
class IncidentState:
    """One incident as the simulator works it."""

    record: IncidentRecord
    family: str
    lat: float
    lon: float
    plan: tuple[Any, ...]
    rng: np.random.Generator
    summary: IncidentSummary
    """The incident as the service created it (what a policy's need names)."""
    dispatch_target_s: float
    served: list[str] = field(default_factory=list)
    """Unit types that worked or work it (pulled-off units removed)."""
    active: set[str] = field(default_factory=set)
    worked: int = 0
    transported: bool = False
    closed: bool = False
    _missing: tuple[PlanSlot, ...] | None = None

    def serve(self, unit_type: str) -> None:
        """A unit of ``unit_type`` was assigned to it."""
        self.served.append(unit_type)
        self._missing = None

    def unserve(self, unit_type: str) -> None:
        """A unit of ``unit_type`` was pulled off it (pre-empted)."""
        if unit_type in self.served:
            self.served.remove(unit_type)
            self._missing = None

    def missing(self) -> tuple[PlanSlot, ...]:
        """The plan's slots no unit has covered yet (kept until units change)."""
        if self._missing is None:
            self._missing = missing_slots(self.plan, self.served)
        return self._missing


class MirrorBoard:
    """The :class:`~dispatch.simulator.policies.Board` the event loop keeps.

    ``incidents`` are the open ones: the loop drops an incident it closed, so
    a round costs what is open, not what the day has seen.
    """

    def __init__(
        self,
        incidents: Mapping[int, IncidentState],
        units: Mapping[str, UnitState],
        clock: FixedClock,
        sync: Callable[[], None],
    ) -> None:
        self.incidents = incidents
        self.units_by_callsign = units
        self.clock = clock
        self.sync = sync

    def before_engine_reads(self) -> None:
        """Report the positions the loop has moved units to (``sync``)."""
        self.sync()

    def needs(self, extra: Mapping[int, Sequence[str]] | None = None) -> list[Need]:
        """Open incidents short of units, counting ``extra`` types as served."""
        out = []
        for incident_id, state in self.incidents.items():
            added = extra.get(incident_id) if extra else None
            slots = (
                missing_slots(state.plan, [*state.served, *added])
                if added
                else state.missing()
            )
            if slots:
                out.append(Need(state.summary, slots))
        out.sort(key=lambda need: need.incident.id)
        return out

    def queue_order(self, incident_ids: Collection[int]) -> list[int]:
        """``incident_ids`` in the engine's queue order, as the board shows it.

        An incident with a unit on it counts as dispatched, one without as
        pending — the statuses the services give it (only the group matters
        to the order).
        """
        now = self.clock.now()
        keyed = []
        for incident_id in incident_ids:
            state = self.incidents[incident_id]
            summary = state.summary
            item = QueueItem(
                incident_id=incident_id,
                priority=summary.priority,
                received_at=summary.call_received_at,
                created_at=summary.created_at,
                dispatch_target_s=state.dispatch_target_s,
                status=(
                    IncidentStatus.DISPATCHED
                    if state.active
                    else IncidentStatus.PENDING
                ),
            )
            keyed.append((queue_key(item, now), incident_id))
        keyed.sort()
        return [incident_id for _, incident_id in keyed]

    def units(self) -> list[UnitCandidate]:
        """Every unit where the database has it once synced, with its status.

        A unit driving home is where the loop moved it this round (its
        automatic vehicle location, written at the next ``sync``); any other
        unit is where it last reported.
        """
        out = []
        for unit in self.units_by_callsign.values():
            where = unit.pos if unit.move is not None else unit.reported
            if where is None:
                continue
            out.append(
                UnitCandidate(
                    callsign=unit.callsign,
                    agency=unit.agency,
                    unit_type=unit.unit_type,
                    capabilities=unit.capabilities,
                    station_id=unit.station_id,
                    lat=where[0],
                    lon=where[1],
                    status=unit.status,
                )
            )
        return out
