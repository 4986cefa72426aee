"""Recommendation services: which units to send, and sending them all at once.

They adapt database rows to the pure engine (:mod:`dispatch.recommend`) and
its results to frozen views. Accepting a recommendation assigns all its units
in one transaction: either every unit goes, or none and the operator is told
why.
"""

from __future__ import annotations

import json

from sqlalchemy import String, cast, select, true
from sqlalchemy.orm import Session

from dispatch import catalogue
from dispatch.enums import Determinant, IncidentStatus, Priority, UnitStatus
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Assignment, Incident, Station, Unit
from dispatch.recommend import (
    Recommendation,
    RecommendedUnit,
    RecommendRequest,
    UnitCandidate,
    UnitCompatibility,
    open_slots,
    reason_text,
    recommend,
)
from dispatch.schemas import (
    AssignmentView,
    RecommendationView,
    RecommendedUnitView,
    UnfilledSlotView,
)
from dispatch.services.base import ServiceBase, ServiceContext
from dispatch.services.units import UnitService


class RecommendationService(ServiceBase):
    """Recommend units for an incident and accept the recommendation."""

    def __init__(self, ctx: ServiceContext, units: UnitService) -> None:
        super().__init__(ctx)
        self._units = units

    def recommend(self, incident_id: int | str) -> RecommendationView:
        """The units the engine recommends for an incident, each with ETA and reason."""
        with self._read() as session:
            result = self._recommendation(session, incident_id)
        return _recommendation_view(result)

    def unit_etas(self, incident_id: int | str) -> dict[str, float]:
        """Estimated arrival (s) at the incident of every unit with a known position.

        For the dispatcher's own pick: every unit, whatever its status.
        """
        with self._read() as session:
            incident = self._incident(session, incident_id)
            if incident.lat is None or incident.lon is None:
                raise InvalidInput("The incident has no location.", field="location")
            candidates = _candidates(session)
            dest = (incident.lat, incident.lon)
        if not candidates:
            return {}
        import numpy as np

        etas = self.ctx.travel_model.eta_many(
            np.array([(c.lat, c.lon) for c in candidates], dtype=np.float64),
            dest,
            [c.unit_type for c in candidates],
            when=self.clock.now(),
        )
        return {
            c.callsign: round(float(eta), 1)
            for c, eta in zip(candidates, etas, strict=True)
        }

    def accept_recommendation(
        self, incident_id: int | str, callsigns: list[str] | None = None
    ) -> list[AssignmentView]:
        """Assign the recommended units (or the chosen subset) in one transaction."""
        with self._write() as session:
            incident = self._incident(session, incident_id)
            result = self._recommendation(session, incident.id)
            chosen = [
                u
                for u in result.units
                if callsigns is None or u.callsign in set(callsigns)
            ]
            if not chosen:
                raise InvalidTransition(
                    f"No unit can be recommended for incident {incident.number} now.",
                    number=incident.number,
                )
            return [
                self._units.assign_in(
                    session,
                    incident,
                    self._unit(session, unit.callsign),
                    eta_seconds=round(unit.eta_seconds, 1),
                    preempt=unit.preemption,
                    reason=unit.reason.value,
                )
                for unit in chosen
            ]

    def _recommendation(
        self, session: Session, incident_id: int | str
    ) -> Recommendation:
        incident = self._incident(session, incident_id)
        if not IncidentStatus(incident.status).is_open:
            raise InvalidTransition(f"Incident {incident.number} is {incident.status}.")
        if incident.lat is None or incident.lon is None:
            raise InvalidInput("The incident has no location.", field="location")
        slots = open_plan_slots(session, incident, UnitCompatibility.from_catalogue())
        request = RecommendRequest(
            incident_id=incident.id,
            lat=incident.lat,
            lon=incident.lon,
            priority=Priority(incident.priority),
            slots=slots,
        )
        return recommend(
            request, _candidates(session), self.ctx.travel_model, self.clock.now()
        )


def open_plan_slots(
    session: Session, incident: Incident, compat: UnitCompatibility
) -> tuple[catalogue.PlanSlot, ...]:
    """The incident's response plan minus what its active units already fill."""
    level = catalogue.get_catalogue().level(
        incident.type_code, Determinant(incident.determinant)
    )
    working = session.execute(
        select(Unit.unit_type, Unit.capabilities)
        .join(Assignment, Assignment.unit_id == Unit.id)
        .where(Assignment.incident_id == incident.id, Assignment.active == true())
    ).all()
    return open_slots(
        level.plan,
        [(unit_type, frozenset(caps or ())) for unit_type, caps in working],
        compat,
    )


#: Every unit with its active assignment's incident: one Core statement (the
#: ORM's row loading cost more than the query at province size), capabilities
#: as their stored JSON text so that equal sets are parsed once.
_CANDIDATE_ROWS = (
    select(
        Unit.callsign,
        Unit.agency_code,
        Unit.unit_type,
        cast(Unit.capabilities, String),
        Unit.station_id,
        Unit.lat,
        Unit.lon,
        Unit.status,
        Assignment.incident_id,
        Incident.priority,
    )
    .outerjoin(
        Assignment, (Assignment.unit_id == Unit.id) & (Assignment.active == true())
    )
    .outerjoin(Incident, Incident.id == Assignment.incident_id)
)
_STATIONS = select(Station.id, Station.lat, Station.lon)


def _candidates(session: Session) -> list[UnitCandidate]:
    """Every unit where it is (or at its station), with the incident it works.

    Plain rows, not ORM objects: a province roster has thousands of units and
    this runs for every recommendation.
    """
    connection = session.connection()
    stations = {sid: (lat, lon) for sid, lat, lon in connection.execute(_STATIONS)}
    capability_sets: dict[str | None, frozenset[str]] = {}
    candidates = []
    for (
        callsign,
        agency,
        unit_type,
        capabilities,
        station_id,
        lat,
        lon,
        status,
        incident_id,
        priority,
    ) in connection.execute(_CANDIDATE_ROWS):
        if lat is None or lon is None:
            if station_id not in stations:
                continue  # nowhere known: cannot estimate an arrival
            lat, lon = stations[station_id]
        caps = capability_sets.get(capabilities)
        if caps is None:
            caps = frozenset(json.loads(capabilities) if capabilities else ())
            capability_sets[capabilities] = caps
        candidates.append(
            UnitCandidate(
                callsign=callsign,
                agency=agency,
                unit_type=unit_type,
                capabilities=caps,
                station_id=station_id,
                lat=lat,
                lon=lon,
                status=UnitStatus(status),
                assignment_priority=Priority(priority) if priority else None,
                assignment_incident_id=incident_id,
            )
        )
    return candidates


def _unit_view(unit: RecommendedUnit) -> RecommendedUnitView:
    return RecommendedUnitView(
        callsign=unit.callsign,
        agency_code=unit.agency,
        unit_type=unit.unit_type,
        slot_index=unit.slot_index,
        slot_unit_type=unit.slot_unit_type,
        eta_seconds=round(unit.eta_seconds, 1),
        reason_code=unit.reason.value,
        reason_id=reason_text(unit, "id"),
        reason_en=reason_text(unit, "en"),
        preemption=unit.preemption,
        preempted_incident_id=unit.preempted_incident_id,
    )


def _recommendation_view(result: Recommendation) -> RecommendationView:
    return RecommendationView(
        incident_id=result.incident_id,
        priority=result.priority,
        units=tuple(_unit_view(u) for u in result.units),
        unfilled=tuple(
            UnfilledSlotView(
                unit_type=s.unit_type,
                capabilities=tuple(sorted(s.capabilities)),
                missing=s.missing,
            )
            for s in result.unfilled
        ),
        alternatives=tuple(_unit_view(u) for u in result.alternatives),
        computed_at=result.computed_at,
    )
