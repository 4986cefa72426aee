"""Steps shared by the incident, unit and hand-off services.

Each runs inside the caller's transaction: moving an incident or a unit
through its state machine, finishing assignments, clearing every unit of an
incident, and cleaning a free-text note.
"""

from __future__ import annotations

from sqlalchemy import bindparam, select, true
from sqlalchemy.orm import Session

from dispatch.enums import AssignmentStatus, IncidentStatus, UnitStatus
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Assignment, Incident, Unit
from dispatch.services.base import ServiceBase
from dispatch.states import check_incident_move, check_unit_move

MAX_NOTE = 4000


#: Built once (with its cache key): every assignment and status asks it.
_ACTIVE_ASSIGNMENT = select(Assignment).where(
    Assignment.unit_id == bindparam("unit_id"), Assignment.active == true()
)


class LifecycleSteps(ServiceBase):
    """State-machine steps the incident, unit and hand-off services share."""

    @staticmethod
    def _require_open(incident: Incident) -> None:
        if not IncidentStatus(incident.status).is_open:
            raise InvalidTransition(
                f"Incident {incident.number} is {incident.status}.",
                number=incident.number,
            )

    @staticmethod
    def _move_incident(incident: Incident, new: IncidentStatus) -> None:
        current = IncidentStatus(incident.status)
        if current != new:
            check_incident_move(incident.number, current, new)
            incident.status = new

    def _set_unit_status(self, unit: Unit, new: UnitStatus) -> None:
        current = UnitStatus(unit.status)
        if current != new:
            check_unit_move(unit.callsign, current, new)
            unit.status = new
            unit.status_since = self.clock.now()

    @staticmethod
    def _active_assignment(session: Session, unit_id: int) -> Assignment | None:
        return session.scalars(_ACTIVE_ASSIGNMENT, {"unit_id": unit_id}).one_or_none()

    def _finish_assignment(
        self,
        session: Session,
        assignment: Assignment,
        unit: Unit,
        end: AssignmentStatus,
    ) -> None:
        now = self.clock.now()
        assignment.status = end
        assignment.active = False
        if end == AssignmentStatus.CLEARED:
            assignment.cleared_at = now
        else:
            assignment.cancelled_at = now
        session.flush()

    def _clear_all(
        self, session: Session, incident: Incident, end: AssignmentStatus
    ) -> None:
        rows = session.execute(
            select(Assignment, Unit)
            .join(Unit, Unit.id == Assignment.unit_id)
            .where(Assignment.incident_id == incident.id, Assignment.active == true())
        ).all()
        for assignment, unit in rows:
            status = UnitStatus(unit.status)
            if status in (UnitStatus.TRANSPORTING, UnitStatus.AT_HOSPITAL):
                raise InvalidTransition(
                    f"{unit.callsign} is still {status.value}; "
                    "clear it before closing.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, assignment, unit, end)
            back = (
                UnitStatus.RETURNING
                if status == UnitStatus.ON_SCENE
                else UnitStatus.AVAILABLE
            )
            self._set_unit_status(unit, back)
            self._event(
                session,
                "unit.cleared",
                incident_id=incident.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                status=back.value,
            )

    def _refresh_incident_status(self, session: Session, incident: Incident) -> None:
        """After a unit leaves: back to pending when no unit works it any more."""
        if not IncidentStatus(incident.status).is_open:
            return
        active = session.scalars(
            select(Assignment.status).where(
                Assignment.incident_id == incident.id, Assignment.active == true()
            )
        ).all()
        if not active and incident.status in (
            IncidentStatus.DISPATCHED,
            IncidentStatus.ON_SCENE,
        ):
            incident.status = IncidentStatus.PENDING


def _note(text: str | None, *, field: str) -> str:
    cleaned = "".join(
        ch for ch in (text or "") if ch.isprintable() or ch in "\n\t"
    ).strip()
    if not cleaned:
        raise InvalidInput(f"The {field} must not be empty.", field=field)
    if len(cleaned) > MAX_NOTE:
        raise InvalidInput(
            f"The {field} is longer than {MAX_NOTE} characters.", field=field
        )
    return cleaned
