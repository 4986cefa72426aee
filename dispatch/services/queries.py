"""Read-only services: the queue, the unit board, histories and the event feed."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.enums import IncidentStatus
from dispatch.models import Assignment, Event, Incident, Unit
from dispatch.schemas import (
    AssignmentView,
    EventView,
    IncidentDetail,
    IncidentSummary,
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


class QueryServices(ServiceBase):
    """What terminals read."""

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
