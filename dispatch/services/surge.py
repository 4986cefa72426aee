"""Surge: accept the engine's recommendations across the whole queue at once.

When many incidents wait (a storm, a flood), recommending one incident at a
time lets the first one served take the ambulance a more urgent one needs.
:meth:`SurgeService.surge_plan` solves one batch assignment over every open
plan slot of every waiting incident (:func:`dispatch.batch.assign_batch`:
P1 slots before P2 slots, then the least weighted ETA) and returns the
plan — incident, unit, ETA — without changing anything.
:meth:`SurgeService.commit_surge` then commits exactly those lines, one
transaction per incident: an incident gets all of its planned units or, when
one of them was taken meanwhile or its needs changed, none, with the reason.
"""

from __future__ import annotations

from sqlalchemy import select

from dispatch.batch import assign_batch, unfilled_slots
from dispatch.enums import IncidentStatus, Priority
from dispatch.errors import DispatchError, InvalidTransition
from dispatch.models import Incident
from dispatch.recommend import RecommendRequest, UnitCompatibility, open_slots
from dispatch.schemas import (
    SurgeLine,
    SurgeOutcome,
    SurgePlan,
    SurgeResult,
    SurgeSkip,
)
from dispatch.services.base import ServiceBase, ServiceContext
from dispatch.services.recommendations import _candidates, open_plan_slots
from dispatch.services.units import UnitService

#: Incidents the surge serves: open and not handed to an agency that
#: dispatches its own units.
SURGE_STATUSES = (
    IncidentStatus.PENDING,
    IncidentStatus.DISPATCHED,
    IncidentStatus.ON_SCENE,
)


class SurgeService(ServiceBase):
    """The supervisor's surge key: plan across the queue, then commit per incident."""

    def __init__(self, ctx: ServiceContext, units: UnitService) -> None:
        super().__init__(ctx)
        self._units = units

    def surge_plan(self) -> SurgePlan:
        """Every unit the batch assignment would send now (nothing is changed)."""
        now = self.clock.now()
        compat = UnitCompatibility.from_catalogue()
        with self._read() as session:
            incidents = session.scalars(
                select(Incident).where(Incident.status.in_(SURGE_STATUSES))
            ).all()
            requests: list[RecommendRequest] = []
            skipped: list[SurgeSkip] = []
            by_id = {i.id: i for i in incidents}
            for incident in incidents:
                slots = open_plan_slots(session, incident, compat)
                if not slots:
                    continue
                if incident.lat is None or incident.lon is None:
                    skipped.append(_skip(incident, "no_location"))
                    continue
                requests.append(
                    RecommendRequest(
                        incident_id=incident.id,
                        lat=incident.lat,
                        lon=incident.lon,
                        priority=Priority(incident.priority),
                        slots=slots,
                    )
                )
            candidates = _candidates(session)
        batch = assign_batch(requests, candidates, self.ctx.travel_model, now)
        served = {a.incident_id for a in batch}
        for incident_id in unfilled_slots(requests, batch):
            if incident_id not in served:
                skipped.append(_skip(by_id[incident_id], "no_unit"))
        lines = tuple(
            SurgeLine(
                incident_id=a.incident_id,
                number=by_id[a.incident_id].number,
                priority=a.priority,
                type_code=by_id[a.incident_id].type_code,
                callsign=a.callsign,
                unit_type=a.unit_type,
                eta_seconds=a.eta_seconds,
            )
            for a in batch
        )
        order = {p: p.rank for p in Priority}
        # Within a priority, oldest first: row ids count up as incidents are
        # made (their numbers' text order breaks past "…-9999").
        skipped.sort(
            key=lambda s: (
                order[Priority(by_id[s.incident_id].priority)],
                s.incident_id,
            )
        )
        return SurgePlan(lines=lines, skipped=tuple(skipped), computed_at=now)

    def commit_surge(self, plan: SurgePlan) -> SurgeResult:
        """Assign the plan's units, one transaction per incident, in queue order."""
        outcomes = []
        for incident_id in plan.incident_ids:
            lines = [line for line in plan.lines if line.incident_id == incident_id]
            try:
                assigned = self._commit_incident(incident_id, lines)
            except DispatchError as error:
                outcomes.append(
                    SurgeOutcome(
                        incident_id=incident_id,
                        number=lines[0].number,
                        assigned=(),
                        error=error.message,
                    )
                )
            else:
                outcomes.append(
                    SurgeOutcome(
                        incident_id=incident_id,
                        number=lines[0].number,
                        assigned=assigned,
                    )
                )
        return SurgeResult(outcomes=tuple(outcomes))

    def _commit_incident(
        self, incident_id: int, lines: list[SurgeLine]
    ) -> tuple[str, ...]:
        with self._write() as session:
            incident = self._incident(session, incident_id)
            units = [self._unit(session, line.callsign) for line in lines]
            compat = UnitCompatibility.from_catalogue()
            still_open = open_plan_slots(session, incident, compat)
            left = open_slots(
                still_open,
                [(u.unit_type, frozenset(u.capabilities or ())) for u in units],
                compat,
            )
            wanted = sum(s.count for s in still_open) - len(units)
            if sum(s.count for s in left) != wanted:
                raise InvalidTransition(
                    f"Incident {incident.number} no longer needs these units "
                    "(someone assigned units meanwhile); nothing was assigned to it.",
                    number=incident.number,
                )
            for unit, line in zip(units, lines, strict=True):
                self._units.assign_in(
                    session,
                    incident,
                    unit,
                    eta_seconds=line.eta_seconds,
                    preempt=False,
                    reason="surge",
                )
            return tuple(line.callsign for line in lines)


def _skip(incident: Incident, code: str) -> SurgeSkip:
    return SurgeSkip(incident_id=incident.id, number=incident.number, code=code)
