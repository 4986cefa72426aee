"""Dispatch policies: who sends which unit, behind one interface.

A policy looks at the database through the service API and assigns units
through it too, so what the simulator measures is exactly what a dispatcher
pressing keys would cause. The simulator calls :meth:`DispatchPolicy.dispatch`
whenever something changed (a new incident, a unit freed, a unit pulled off
an incident) and schedules the journeys of the assignments it gets back.

Policies here:

``engine`` (default)
    Siaga's engine: incidents in the engine's queue order
    (:meth:`~dispatch.services.DispatchService.queue`). When two or more wait,
    one batch step (:func:`dispatch.batch.assign_batch`) shares the free units
    across all of them by priority; then each P1 still short of units gets
    the engine's recommendation, pre-emptions included. With one waiting,
    :meth:`~dispatch.services.DispatchService.accept_recommendation` as is.
``engine-sequential``
    The engine without the batch step: accept the recommendation of each
    waiting incident in queue order.
``closest-idle``
    The baseline every CAD offers: incidents first come first served; for
    each slot of the plan the idle (available) unit of the exact type and
    capabilities with the shortest ETA. No substitutes, no returning units,
    no pre-emption, no priority order.
``closest-free``
    JEMSS's nearest-free rule: like ``closest-idle`` but units returning to
    their station count as free, and the queue is ordered by priority, then
    call time.

"Still needs units" is judged the same way for every policy: the plan of the
incident's level minus every unit that worked or works it (not the units
pulled off it), so a slot is never filled twice.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Protocol

import numpy as np

from dispatch import catalogue
from dispatch.batch import assign_batch
from dispatch.catalogue import PlanSlot
from dispatch.enums import AssignmentStatus, Determinant, Priority, UnitStatus
from dispatch.errors import DispatchError
from dispatch.recommend import RecommendRequest, UnitCandidate, UnitCompatibility
from dispatch.schemas import AssignmentView, IncidentSummary, UnitView

if TYPE_CHECKING:
    from dispatch.services import DispatchService

__all__ = [
    "POLICY_NAMES",
    "Board",
    "ClosestIdlePolicy",
    "DispatchPolicy",
    "EnginePolicy",
    "Need",
    "ServiceBoard",
    "make_policy",
    "missing_slots",
    "open_needs",
]


@dataclass(frozen=True, slots=True)
class Need:
    """An open incident and the plan slots no unit has covered yet."""

    incident: IncidentSummary
    slots: tuple[PlanSlot, ...]


class Board(Protocol):
    """What a policy reads before it decides: the waiting work and the units.

    :class:`ServiceBoard` reads it through the service API, as a desk's
    screen does. The simulator passes its own copy instead
    (:class:`~dispatch.simulator.mirror.MirrorBoard`): it made every change
    itself, so reading 1,000 open incidents and 3,000 units back on every
    dispatch round only cost time (96 % of a province day). The decisions
    and the writes still go through the services either way.
    """

    def needs(self, extra: Mapping[int, Sequence[str]] | None = None) -> list[Need]:
        """Open incidents still short of units, in id order.

        ``extra`` maps an incident id to the unit types assigned to it this
        round that the board may not count yet.
        """
        ...

    def queue_order(self, incident_ids: Collection[int]) -> list[int]:
        """``incident_ids`` (open incidents) in the engine's dispatch order."""
        ...

    def units(self) -> list[UnitCandidate]:
        """Every unit with a known position, as the recommender sees it."""
        ...

    def before_engine_reads(self) -> None:
        """Make the database show what the board shows (positions included).

        A policy calls it before it asks the services for a recommendation,
        which reads the units from the database.
        """
        ...


class DispatchPolicy(Protocol):
    """Something that assigns units to waiting incidents."""

    name: str

    def dispatch(
        self, services: DispatchService, now: datetime, board: Board | None = None
    ) -> list[AssignmentView]:
        """Assign what should be assigned now; return the new assignments.

        Without ``board`` the policy reads through ``services``.
        """
        ...


def missing_slots(
    plan: Sequence[PlanSlot],
    unit_types: Sequence[str],
    compatibility: UnitCompatibility | None = None,
) -> tuple[PlanSlot, ...]:
    """The slots of ``plan`` left after counting the units of ``unit_types``.

    A unit counts against the first slot it may fill by type (its own type or
    a substitute the catalogue allows), like the engine's own count.
    """
    compat = compatibility or _compatibility()
    left = Counter(unit_types)
    out = []
    for slot in plan:
        need = slot.count
        for unit_type in (
            slot.unit_type,
            *sorted(compat.substitutes.get(slot.unit_type, ())),
        ):
            take = min(need, left[unit_type])
            left[unit_type] -= take
            need -= take
        if need > 0:
            out.append(slot.model_copy(update={"count": need}))
    return tuple(out)


def _plan(incident: IncidentSummary) -> tuple[PlanSlot, ...]:
    level = catalogue.get_catalogue().level(
        incident.type_code, Determinant(incident.determinant)
    )
    return level.plan


def open_needs(services: DispatchService) -> list[Need]:
    """Open incidents that still need units (incident id order).

    An incident whose active units do not fill its plan is read whole: units
    that came and went count as served. (A cache of those reads keyed by the
    incident's row version once sent a second unit to a covered slot: a unit
    that clears leaves the incident row as it was. The simulator reads its
    own board instead, :mod:`dispatch.simulator.mirror`.)
    """
    out = []
    for incident in services.open_incidents():
        plan = _plan(incident)
        active = [_unit_type(services, c) for c in incident.units]
        if not missing_slots(plan, active):
            continue
        detail = services.incident(incident.id)
        served = [
            a.unit_type
            for a in detail.assignments
            if a.status != AssignmentStatus.CANCELLED
        ]
        left = missing_slots(plan, served)
        if left:
            out.append(Need(incident, left))
    out.sort(key=lambda n: n.incident.id)
    return out


def _compatibility() -> UnitCompatibility:
    return UnitCompatibility.from_catalogue()


def _position(services: DispatchService, unit: UnitView) -> tuple[float, float] | None:
    if unit.lat is not None and unit.lon is not None:
        return unit.lat, unit.lon
    station = services.pack.station_by_id.get(unit.station_id or "")
    return (station.lat, station.lon) if station else None


def _unit_type(services: DispatchService, callsign: str) -> str:
    """A unit's type: the pack roster's (the simulator seeds the units from it).

    A unit not on the roster is asked of the database. Reading all units
    for every dispatch round cost a fifth of a second at province size.
    """
    unit = services.pack.unit_by_callsign.get(callsign)
    return unit.unit_type if unit else services.unit(callsign).unit_type


class ServiceBoard:
    """The board read through the service API (what a desk's screen shows)."""

    def __init__(
        self, services: DispatchService, sync: Callable[[], None] | None = None
    ) -> None:
        self.services = services
        self.sync = sync
        """Writes what the caller knows and the database does not yet."""

    def before_engine_reads(self) -> None:
        """Write what the database lacks (``sync``), if anything."""
        if self.sync is not None:
            self.sync()

    def needs(self, extra: Mapping[int, Sequence[str]] | None = None) -> list[Need]:
        """Read afresh: the database already counts this round's assignments."""
        return open_needs(self.services)

    def queue_order(self, incident_ids: Collection[int]) -> list[int]:
        """The engine's queue (:meth:`DispatchService.queue`), these ids only."""
        return [
            row.incident.id
            for row in self.services.queue()
            if row.incident.id in incident_ids
        ]

    def units(self) -> list[UnitCandidate]:
        """Every unit, where it last reported (its station if it never did)."""
        self.before_engine_reads()
        out = []
        for unit in self.services.units():
            pos = _position(self.services, unit)
            if pos is None:
                continue
            out.append(
                UnitCandidate(
                    callsign=unit.callsign,
                    agency=unit.agency_code,
                    unit_type=unit.unit_type,
                    capabilities=frozenset(unit.capabilities),
                    station_id=unit.station_id,
                    lat=pos[0],
                    lon=pos[1],
                    status=unit.status,
                )
            )
        return out


class ClosestIdlePolicy:
    """Nearest idle unit of the exact type, first come first served.

    ``include_returning=True`` with ``priority_order=True`` is JEMSS's
    nearest-free dispatch (``closest-free``).
    """

    def __init__(
        self, *, include_returning: bool = False, priority_order: bool = False
    ) -> None:
        self.include_returning = include_returning
        self.priority_order = priority_order
        self.name = "closest-free" if include_returning else "closest-idle"
        exact = _compatibility()
        self._fit = UnitCompatibility(substitutes={}, implies=exact.implies)

    def _free(self, status: UnitStatus) -> bool:
        return status == UnitStatus.AVAILABLE or (
            self.include_returning and status == UnitStatus.RETURNING
        )

    def dispatch(
        self, services: DispatchService, now: datetime, board: Board | None = None
    ) -> list[AssignmentView]:
        """Fill each waiting incident's slots with the nearest free fitting unit."""
        board = board or ServiceBoard(services)
        needs = self._in_order(board.needs())
        if not needs:
            return []
        free = [
            (unit, (unit.lat, unit.lon))
            for unit in board.units()
            if self._free(unit.status)
        ]
        made: list[AssignmentView] = []
        taken: set[str] = set()
        for need in needs:
            incident = need.incident
            if incident.lat is None or incident.lon is None:
                continue
            pool = [(u, p) for u, p in free if u.callsign not in taken]
            if not pool:
                break
            units = _nearest_first(services, pool, (incident.lat, incident.lon), now)
            for slot in need.slots:
                for _ in range(slot.count):
                    made += self._nearest_fit(services, incident.id, slot, units, taken)
        return made

    def _in_order(self, needs: list[Need]) -> list[Need]:
        """First come first served, or (``priority_order``) by priority first."""
        if self.priority_order:
            return sorted(
                needs,
                key=lambda n: (n.incident.priority.rank, n.incident.call_received_at),
            )
        return sorted(needs, key=lambda n: (n.incident.call_received_at, n.incident.id))

    def _nearest_fit(
        self,
        services: DispatchService,
        incident_id: int,
        slot: PlanSlot,
        units: list[tuple[UnitCandidate, float]],
        taken: set[str],
    ) -> list[AssignmentView]:
        """Assign the nearest untaken unit that fits ``slot`` (none if none can).

        ``units`` is nearest first, with ETAs; a unit the service refuses is
        passed over for the next.
        """
        for unit, eta in units:
            if unit.callsign in taken or not self._fit.fits(
                unit.unit_type, unit.capabilities, slot
            ):
                continue
            try:
                made = services.assign_unit(
                    incident_id,
                    unit.callsign,
                    eta_seconds=round(eta, 1),
                    reason=self.name,
                )
            except DispatchError:
                continue
            taken.add(unit.callsign)
            return [made]
        return []


def _nearest_first(
    services: DispatchService,
    pool: list[tuple[UnitCandidate, tuple[float, float]]],
    dest: tuple[float, float],
    now: datetime,
) -> list[tuple[UnitCandidate, float]]:
    """The units of ``pool`` with their ETAs to ``dest``, nearest first."""
    etas = np.asarray(
        services.travel_model.eta_many(
            np.array([p for _, p in pool], dtype=np.float64),
            dest,
            [u.unit_type for u, _ in pool],
            when=now,
        )
    )
    order = sorted(
        range(len(pool)), key=lambda i: (float(etas[i]), pool[i][0].callsign)
    )
    return [(pool[i][0], float(etas[i])) for i in order]


class EnginePolicy:
    """Siaga's engine: queue order, batch step, recommendations, P1 pre-emption."""

    def __init__(self, *, batch: bool = True) -> None:
        self.batch = batch
        self.name = "engine" if batch else "engine-sequential"

    def dispatch(
        self, services: DispatchService, now: datetime, board: Board | None = None
    ) -> list[AssignmentView]:
        """Serve the waiting incidents the way the engine recommends."""
        board = board or ServiceBoard(services)
        needs = {n.incident.id: n for n in board.needs()}
        if not needs:
            return []
        order = board.queue_order(needs.keys())
        made: list[AssignmentView] = []
        if self.batch and len(order) >= 2:
            made += self._batch_step(
                services, now, [needs[i] for i in order], board.units()
            )
            extra: dict[int, list[str]] = {}
            for assignment in made:
                extra.setdefault(assignment.incident_id, []).append(
                    assignment.unit_type
                )
            needs = {n.incident.id: n for n in board.needs(extra)}
            order = [
                i
                for i in order
                if i in needs and needs[i].incident.priority == Priority.P1
            ]
        for incident_id in order:
            made += self._accept(services, needs[incident_id], board)
        return made

    @staticmethod
    def _accept(
        services: DispatchService, need: Need, board: Board
    ) -> list[AssignmentView]:
        """Accept the recommended units that fill slots still missing."""
        board.before_engine_reads()
        try:
            rec = services.recommend(need.incident.id)
        except DispatchError:
            return []
        wanted = Counter[str]()
        for slot in need.slots:
            wanted[slot.unit_type] += slot.count
        chosen = []
        for unit in rec.units:
            if wanted[unit.slot_unit_type] > 0:
                wanted[unit.slot_unit_type] -= 1
                chosen.append(unit.callsign)
        if not chosen:
            return []
        try:
            return services.accept_recommendation(need.incident.id, chosen)
        except DispatchError:
            return []

    @staticmethod
    def _batch_step(
        services: DispatchService,
        now: datetime,
        needs: list[Need],
        candidates: list[UnitCandidate],
    ) -> list[AssignmentView]:
        requests = [
            RecommendRequest(
                incident_id=n.incident.id,
                lat=n.incident.lat,
                lon=n.incident.lon,
                priority=n.incident.priority,
                slots=n.slots,
            )
            for n in needs
            if n.incident.lat is not None and n.incident.lon is not None
        ]
        made = []
        for a in assign_batch(requests, candidates, services.travel_model, now):
            try:
                made.append(
                    services.assign_unit(
                        a.incident_id,
                        a.callsign,
                        eta_seconds=a.eta_seconds,
                        reason="batch",
                    )
                )
            except DispatchError:
                continue
        return made


def make_policy(name: str) -> DispatchPolicy:
    """A fresh policy by name (see the module docstring)."""
    if name == "engine":
        return EnginePolicy()
    if name == "engine-sequential":
        return EnginePolicy(batch=False)
    if name == "closest-idle":
        return ClosestIdlePolicy()
    if name == "closest-free":
        return ClosestIdlePolicy(include_returning=True, priority_order=True)
    raise ValueError(
        f"unknown policy {name!r}; choose one of {', '.join(POLICY_NAMES)}"
    )


POLICY_NAMES: tuple[str, ...] = (
    "engine",
    "engine-sequential",
    "closest-idle",
    "closest-free",
)
"""Every policy :func:`make_policy` knows, the default first."""
