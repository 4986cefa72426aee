"""Engine services: the ordered queue with timers, recommendations, duplicates.

These adapt database rows to the pure engine modules (:mod:`dispatch.priority`,
:mod:`dispatch.recommend`, :mod:`dispatch.duplicates`) and their results to
frozen views. Accepting a recommendation assigns all its units in one
transaction: either every unit goes, or none and the operator is told why.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from dispatch import catalogue
from dispatch.duplicates import DuplicateQuery, OpenIncidentRef, find_duplicates
from dispatch.enums import Determinant, IncidentStatus, Priority, UnitStatus
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Assignment, Call, Incident, Station, Unit
from dispatch.priority import (
    QueueItem,
    TimerTargets,
    incident_timers,
    is_promoted,
    queue_key,
)
from dispatch.recommend import (
    Recommendation,
    RecommendedUnit,
    RecommendRequest,
    UnitCandidate,
    reason_text,
    recommend,
)
from dispatch.schemas import (
    AssignmentView,
    DuplicateView,
    QueueRow,
    RecommendationView,
    RecommendedUnitView,
    TimerView,
    UnfilledSlotView,
)
from dispatch.services.queries import OPEN_STATUSES, QueryServices, active_callsigns
from dispatch.services.units import UnitServices
from dispatch.services.views import incident_summary


class EngineServices(UnitServices, QueryServices):
    """Queue order, recommendations and duplicate checks over the database."""

    @cached_property
    def travel_model(self) -> Any:
        """The region pack's travel-time model (built once per service object)."""
        from geodata.travel import default_travel_model

        return default_travel_model(self.pack)

    # -- queue -------------------------------------------------------------------

    def queue(self) -> list[QueueRow]:
        """Open incidents in the engine's dispatch order, with live timers."""
        now = self.clock.now()
        with self._read() as session:
            incidents = session.scalars(
                select(Incident).where(Incident.status.in_(OPEN_STATUSES))
            ).all()
            units = active_callsigns(session, [i.id for i in incidents])
        cat = catalogue.get_catalogue()
        keyed = []
        for incident in incidents:
            priority = Priority(incident.priority)
            targets = TimerTargets.for_priority(
                priority,
                type_code=incident.type_code if incident.type_code in cat else None,
                determinant=Determinant(incident.determinant),
            )
            item = QueueItem(
                incident_id=incident.id,
                priority=priority,
                received_at=incident.call_received_at,
                created_at=incident.created_at,
                dispatch_target_s=targets.dispatch_s,
                status=IncidentStatus(incident.status),
            )
            keyed.append((queue_key(item, now), incident, item, targets))
        keyed.sort(key=lambda entry: entry[0])
        rows = []
        for position, (_, incident, item, targets) in enumerate(keyed, start=1):
            timers = incident_timers(
                now=now,
                received_at=incident.call_received_at,
                created_at=incident.created_at,
                targets=targets,
                first_assigned_at=incident.first_dispatched_at,
                first_on_scene_at=incident.first_on_scene_at,
                closed_at=incident.closed_at,
            )
            rows.append(
                QueueRow(
                    position=position,
                    incident=incident_summary(
                        incident, tuple(units.get(incident.id, ()))
                    ),
                    timers=tuple(
                        TimerView(
                            name=t.name,
                            elapsed_s=t.elapsed_s,
                            target_s=t.target_s,
                            state=t.state.value,
                            running=t.running,
                        )
                        for t in timers.all()
                    ),
                    worst_timer=timers.worst.value,
                    promoted=is_promoted(item, now),
                )
            )
        return rows

    # -- recommendation --------------------------------------------------------------

    def recommend(self, incident_id: int | str) -> RecommendationView:
        """The units the engine recommends for an incident, each with ETA and reason."""
        with self._read() as session:
            result = self._recommendation(session, incident_id)
        return _recommendation_view(result)

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
                self._assign(
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
        level = catalogue.get_catalogue().level(
            incident.type_code, Determinant(incident.determinant)
        )
        already = _AssignedTypes(session, incident.id)
        slots = []
        for slot in level.plan:
            missing = slot.count - already.pop_matching(slot.unit_type, slot.count)
            if missing > 0:
                slots.append(slot.model_copy(update={"count": missing}))
        request = RecommendRequest(
            incident_id=incident.id,
            lat=incident.lat,
            lon=incident.lon,
            priority=Priority(incident.priority),
            slots=tuple(slots),
        )
        return recommend(
            request, _candidates(session), self.travel_model, self.clock.now()
        )

    # -- duplicates ------------------------------------------------------------------

    def duplicate_candidates(
        self,
        *,
        lat: float | None,
        lon: float | None,
        type_code: str | None = None,
        caller_number: str | None = None,
        received_at: datetime | None = None,
        limit: int = 5,
    ) -> list[DuplicateView]:
        """Open incidents a new call may duplicate, best first."""
        now = self.clock.now()
        with self._read() as session:
            incidents = session.scalars(
                select(Incident).where(Incident.status.in_(OPEN_STATUSES))
            ).all()
            numbers: dict[int, set[str]] = defaultdict(set)
            for incident_id, number in session.execute(
                select(Call.incident_id, Call.caller_number).where(
                    Call.incident_id.in_([i.id for i in incidents]),
                    Call.caller_number.is_not(None),
                )
            ):
                if incident_id is not None and number is not None:
                    numbers[incident_id].add(number)
        refs = [
            OpenIncidentRef(
                id=i.id,
                number=i.number,
                type_code=i.type_code,
                lat=i.lat,
                lon=i.lon,
                created_at=i.created_at,
                caller_numbers=frozenset(numbers.get(i.id, ())),
            )
            for i in incidents
        ]
        by_id = {i.id: i for i in incidents}
        query = DuplicateQuery(
            lat=lat,
            lon=lon,
            type_code=type_code,
            caller_e164=caller_number,
            at=received_at or now,
        )
        return [
            DuplicateView(
                incident_id=c.incident_id,
                number=c.number,
                type_code=by_id[c.incident_id].type_code,
                place_name=by_id[c.incident_id].place_name,
                score=round(c.score, 3),
                distance_m=None if c.distance_m is None else round(c.distance_m, 1),
                age_s=round(c.age_s, 1),
                reasons=tuple(r.code.value for r in c.reasons),
            )
            for c in find_duplicates(query, refs, now, limit=limit)
        ]


class _AssignedTypes:
    """Unit types already working an incident, consumed slot by slot."""

    def __init__(self, session: Session, incident_id: int) -> None:
        rows = session.scalars(
            select(Unit.unit_type)
            .join(Assignment, Assignment.unit_id == Unit.id)
            .where(Assignment.incident_id == incident_id, Assignment.active == true())
        ).all()
        self._left: dict[str, int] = defaultdict(int)
        for unit_type in rows:
            self._left[unit_type] += 1

    def pop_matching(self, unit_type: str, wanted: int) -> int:
        """Take up to ``wanted`` units of ``unit_type``; return how many were there."""
        taken = min(wanted, self._left.get(unit_type, 0))
        self._left[unit_type] -= taken
        return taken


def _candidates(session: Session) -> list[UnitCandidate]:
    stations = {s.id: (s.lat, s.lon) for s in session.scalars(select(Station))}
    rows = session.execute(
        select(Unit, Assignment.incident_id, Incident.priority)
        .outerjoin(
            Assignment, (Assignment.unit_id == Unit.id) & Assignment.active == true()
        )
        .outerjoin(Incident, Incident.id == Assignment.incident_id)
    ).all()
    candidates = []
    for unit, incident_id, priority in rows:
        if unit.lat is not None and unit.lon is not None:
            lat, lon = unit.lat, unit.lon
        elif unit.station_id in stations:
            lat, lon = stations[unit.station_id]
        else:
            continue  # nowhere known: cannot estimate an arrival
        candidates.append(
            UnitCandidate(
                callsign=unit.callsign,
                agency=unit.agency_code,
                unit_type=unit.unit_type,
                capabilities=frozenset(unit.capabilities or ()),
                station_id=unit.station_id,
                lat=lat,
                lon=lon,
                status=UnitStatus(unit.status),
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
