"""Read-only services: queue, unit board, histories, duplicates, event feed."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from dispatch import catalogue, journal
from dispatch.duplicates import DuplicateQuery, OpenIncidentRef, find_duplicates
from dispatch.enums import Determinant, IncidentStatus, Priority
from dispatch.models import Assignment, Call, Event, Incident, Unit
from dispatch.priority import (
    QueueItem,
    TimerTargets,
    incident_timers,
    is_promoted,
    queue_key,
)
from dispatch.schemas import (
    AssignmentView,
    DuplicateView,
    EventView,
    IncidentDetail,
    IncidentSummary,
    QueueRow,
    TimerView,
    UnitView,
)
from dispatch.services.base import ServiceBase
from dispatch.services.views import (
    assignment_view,
    incident_detail,
    incident_summary,
    unit_view,
)

OPEN_STATUSES = tuple(s.value for s in IncidentStatus if s.is_open)


class QueryService(ServiceBase):
    """What terminals read."""

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

    def open_incidents(self) -> list[IncidentSummary]:
        """Every open incident with its active units, oldest first."""
        with self._read() as session:
            incidents = session.scalars(
                select(Incident)
                .where(Incident.status.in_(OPEN_STATUSES))
                .order_by(Incident.id)
            ).all()
            units = active_callsigns(session, [i.id for i in incidents])
            return [incident_summary(i, tuple(units.get(i.id, ()))) for i in incidents]

    def incident(self, incident_id: int | str) -> IncidentDetail:
        """One incident with its assignments, narrative, hand-offs and calls."""
        with self._read() as session:
            return incident_detail(session, self._incident(session, incident_id))

    def incident_history(self, incident_id: int | str) -> list[EventView]:
        """Every journal event about one incident, oldest first."""
        with self._read() as session:
            incident = self._incident(session, incident_id)
            events = session.scalars(
                select(Event).where(Event.incident_id == incident.id).order_by(Event.id)
            ).all()
            return [EventView.model_validate(e) for e in events]

    def units(self) -> list[UnitView]:
        """The unit board: every unit with the incident it works, by callsign."""
        with self._read() as session:
            rows = session.execute(
                select(Unit, Incident)
                .outerjoin(
                    Assignment,
                    (Assignment.unit_id == Unit.id) & Assignment.active == true(),
                )
                .outerjoin(Incident, Incident.id == Assignment.incident_id)
                .order_by(Unit.agency_code, Unit.callsign)
            ).all()
            return [unit_view(unit, incident) for unit, incident in rows]

    def unit(self, callsign: str) -> UnitView:
        """One unit."""
        with self._read() as session:
            unit = self._unit(session, callsign)
            assignment = session.scalars(
                select(Assignment).where(
                    Assignment.unit_id == unit.id, Assignment.active == true()
                )
            ).one_or_none()
            incident = (
                session.get(Incident, assignment.incident_id) if assignment else None
            )
            return unit_view(unit, incident)

    def current_assignment(
        self, callsign: str
    ) -> tuple[AssignmentView, IncidentDetail] | None:
        """The unit's active assignment and its incident (the responder view)."""
        with self._read() as session:
            unit = self._unit(session, callsign)
            assignment = session.scalars(
                select(Assignment).where(
                    Assignment.unit_id == unit.id, Assignment.active == true()
                )
            ).one_or_none()
            if assignment is None:
                return None
            incident = self._incident(session, assignment.incident_id)
            return assignment_view(assignment, unit), incident_detail(session, incident)

    def events_after(self, after_id: int, limit: int = 500) -> list[EventView]:
        """Journal events after ``after_id``: what terminals follow to stay current."""
        with self._read() as session:
            return [
                EventView.model_validate(e)
                for e in journal.events_after(session, after_id, limit)
            ]

    def last_event_id(self) -> int:
        """Id of the newest journal event."""
        with self._read() as session:
            return journal.last_event_id(session)


def active_callsigns(session: Session, incident_ids: list[int]) -> dict[int, list[str]]:
    """Callsigns of the units actively assigned to each incident, in dispatch order."""
    result: dict[int, list[str]] = defaultdict(list)
    if not incident_ids:
        return result
    rows = session.execute(
        select(Assignment.incident_id, Unit.callsign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.active == true(), Assignment.incident_id.in_(incident_ids))
        .order_by(Assignment.id)
    ).all()
    for incident_id, callsign in rows:
        result[incident_id].append(callsign)
    return result
    rows = session.execute(
        select(Assignment.incident_id, Unit.callsign)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.active == true(), Assignment.incident_id.in_(incident_ids))
        .order_by(Assignment.id)
    ).all()
    for incident_id, callsign in rows:
        result[incident_id].append(callsign)
    return result
