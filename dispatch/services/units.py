"""Unit services: assign, release, acknowledge, status reports, positions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from dispatch.enums import AssignmentStatus, IncidentStatus, Priority, UnitStatus
from dispatch.errors import InvalidInput, InvalidTransition, UnitAlreadyAssigned
from dispatch.models import Assignment, Incident, Unit
from dispatch.schemas import AssignmentView, UnitView
from dispatch.services.lifecycle import LifecycleSteps, _note
from dispatch.services.views import assignment_view, unit_view
from dispatch.states import UNIT_TO_ASSIGNMENT, check_assignment_move, check_unit_move

_ASSIGNMENT_TIME = {
    AssignmentStatus.ACKNOWLEDGED: "acknowledged_at",
    AssignmentStatus.EN_ROUTE: "en_route_at",
    AssignmentStatus.ON_SCENE: "on_scene_at",
    AssignmentStatus.TRANSPORTING: "transporting_at",
    AssignmentStatus.AT_HOSPITAL: "at_hospital_at",
    AssignmentStatus.CLEARED: "cleared_at",
    AssignmentStatus.CANCELLED: "cancelled_at",
}


class UnitService(LifecycleSteps):
    """Sending units, and what responders (or dispatchers for them) report."""

    def assign_unit(
        self,
        incident_id: int | str,
        callsign: str,
        *,
        eta_seconds: float | None = None,
        preempt: bool = False,
        reason: str | None = None,
    ) -> AssignmentView:
        """Send a unit to an incident, atomically; pre-empt only when asked."""
        with self._write() as session:
            incident = self._incident(session, incident_id)
            unit = self._unit(session, callsign)
            return self.assign_in(
                session,
                incident,
                unit,
                eta_seconds=eta_seconds,
                preempt=preempt,
                reason=reason,
            )

    def assign_in(
        self,
        session: Session,
        incident: Incident,
        unit: Unit,
        *,
        eta_seconds: float | None,
        preempt: bool,
        reason: str | None,
    ) -> AssignmentView:
        """Assign inside the caller's transaction (single and batch assignment)."""
        self._require_open(incident)
        current = self._active_assignment(session, unit.id)
        preempted_from: int | None = None
        if current is not None:
            if current.incident_id == incident.id:
                raise UnitAlreadyAssigned(
                    f"{unit.callsign} is already on incident {incident.number}.",
                    callsign=unit.callsign,
                )
            other = self._incident(session, current.incident_id)
            if not preempt:
                raise UnitAlreadyAssigned(
                    f"{unit.callsign} is busy on incident {other.number}.",
                    callsign=unit.callsign,
                    incident=other.number,
                )
            if Priority(other.priority).rank <= Priority(incident.priority).rank:
                raise InvalidTransition(
                    f"{unit.callsign} works a {other.priority} incident; only a more "
                    f"urgent incident may take it.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, current, unit, AssignmentStatus.CANCELLED)
            preempted_from = other.id
            self._event(
                session,
                "assignment.preempted",
                incident_id=other.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                by_incident=incident.number,
            )
            self._refresh_incident_status(session, other)
        elif not UnitStatus(unit.status).is_assignable:
            raise UnitAlreadyAssigned(
                f"{unit.callsign} is {unit.status} and cannot be assigned.",
                callsign=unit.callsign,
                status=unit.status,
            )
        now = self.clock.now()
        if (
            unit.status != UnitStatus.DISPATCHED
        ):  # a pre-empted unit may be redispatched
            check_unit_move(
                unit.callsign, UnitStatus(unit.status), UnitStatus.DISPATCHED
            )
        assignment = Assignment(
            incident_id=incident.id,
            unit_id=unit.id,
            status=AssignmentStatus.DISPATCHED,
            active=True,
            preempted_from=preempted_from,
            eta_seconds=eta_seconds,
            dispatched_at=now,
            dispatched_by=self.actor.operator,
        )
        session.add(assignment)
        unit.status = UnitStatus.DISPATCHED
        unit.status_since = now
        if incident.first_dispatched_at is None:
            incident.first_dispatched_at = now
        if incident.status != IncidentStatus.ON_SCENE:
            self._move_incident(incident, IncidentStatus.DISPATCHED)
        session.flush()
        self._event(
            session,
            "unit.assigned",
            incident_id=incident.id,
            unit_id=unit.id,
            callsign=unit.callsign,
            number=incident.number,
            eta_seconds=eta_seconds,
            preempted_from=preempted_from,
            reason=reason,
        )
        return assignment_view(assignment, unit)

    def release_unit(
        self, incident_id: int | str, callsign: str, reason: str
    ) -> AssignmentView:
        """Recall a unit from an incident before it finished (it becomes available)."""
        text = _note(reason, field="reason")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            unit = self._unit(session, callsign)
            current = self._active_assignment(session, unit.id)
            if current is None or current.incident_id != incident.id:
                raise InvalidTransition(
                    f"{unit.callsign} is not assigned to incident {incident.number}.",
                    callsign=unit.callsign,
                )
            self._finish_assignment(session, current, unit, AssignmentStatus.CANCELLED)
            self._set_unit_status(unit, UnitStatus.AVAILABLE)
            self._event(
                session,
                "unit.released",
                incident_id=incident.id,
                unit_id=unit.id,
                callsign=unit.callsign,
                reason=text,
            )
            self._refresh_incident_status(session, incident)
            return assignment_view(current, unit)

    def acknowledge_assignment(self, callsign: str) -> AssignmentView:
        """The unit confirms it received its assignment."""
        with self._write() as session:
            unit = self._unit(session, callsign)
            assignment = self._active_assignment(session, unit.id)
            if assignment is None:
                raise InvalidTransition(
                    f"{unit.callsign} has no assignment to acknowledge."
                )
            check_assignment_move(
                unit.callsign,
                AssignmentStatus(assignment.status),
                AssignmentStatus.ACKNOWLEDGED,
            )
            assignment.status = AssignmentStatus.ACKNOWLEDGED
            assignment.acknowledged_at = self.clock.now()
            self._event(
                session,
                "assignment.acknowledged",
                incident_id=assignment.incident_id,
                unit_id=unit.id,
                callsign=unit.callsign,
            )
            return assignment_view(assignment, unit)

    def report_status(
        self,
        callsign: str,
        status: UnitStatus | str,
        *,
        lat: float | None = None,
        lon: float | None = None,
    ) -> UnitView:
        """A unit reports a new status; its assignment and incident follow."""
        new = _reported_status(status)
        _check_position(lat, lon)
        with self._write() as session:
            unit = self._unit(session, callsign)
            current = UnitStatus(unit.status)
            if current == new:
                raise InvalidTransition(f"{unit.callsign} is already {new.value}.")
            check_unit_move(unit.callsign, current, new)
            assignment = self._active_assignment(session, unit.id)
            incident: Incident | None = None
            now = self.clock.now()
            if assignment is not None:
                incident = self._follow_status(session, unit, assignment, new, now)
            elif new in (
                UnitStatus.EN_ROUTE,
                UnitStatus.ON_SCENE,
                UnitStatus.TRANSPORTING,
            ):
                raise InvalidTransition(f"{unit.callsign} has no assignment.")
            unit.status = new
            unit.status_since = now
            _place_unit(unit, new, incident, lat, lon, now)
            session.flush()
            self._event(
                session,
                "unit.status",
                incident_id=assignment.incident_id if assignment else None,
                unit_id=unit.id,
                callsign=unit.callsign,
                status=new.value,
                previous=current.value,
                lat=lat,
                lon=lon,
            )
            if assignment is None or assignment.active:
                return unit_view(unit, incident)
            if incident is not None:
                self._refresh_incident_status(session, incident)
            return unit_view(unit, None)

    def _follow_status(
        self,
        session: Session,
        unit: Unit,
        assignment: Assignment,
        new: UnitStatus,
        now: datetime,
    ) -> Incident | None:
        """Move the unit's assignment (and its incident, on scene) with its status.

        Returns the assignment's incident.
        """
        incident = self._incident(session, assignment.incident_id)
        step = UNIT_TO_ASSIGNMENT.get(new)
        if step is not None and step != assignment.status:
            check_assignment_move(
                unit.callsign, AssignmentStatus(assignment.status), step
            )
            assignment.status = step
            setattr(assignment, _ASSIGNMENT_TIME[step], now)
            if not step.is_active:
                assignment.active = False
        if incident is not None and new == UnitStatus.ON_SCENE:
            if incident.first_on_scene_at is None:
                incident.first_on_scene_at = now
            if incident.status == IncidentStatus.DISPATCHED:
                self._move_incident(incident, IncidentStatus.ON_SCENE)
        return incident

    def report_position(self, callsign: str, lat: float, lon: float) -> UnitView:
        """Automatic vehicle location: the unit's last known position."""
        _check_position(lat, lon)
        with self._write() as session:
            unit = self._unit(session, callsign)
            unit.lat, unit.lon, unit.position_at = lat, lon, self.clock.now()
            self._event(
                session,
                "unit.position",
                unit_id=unit.id,
                callsign=unit.callsign,
                lat=lat,
                lon=lon,
            )
            return unit_view(unit)


def _reported_status(status: UnitStatus | str) -> UnitStatus:
    """The status a unit may report; dispatched is set by assigning, not reported."""
    try:
        new = UnitStatus(status)
    except ValueError as exc:
        raise InvalidInput(f"Unknown unit status {status!r}.", field="status") from exc
    if new == UnitStatus.DISPATCHED:
        raise InvalidInput("Units are dispatched by assigning them.", field="status")
    return new


def _place_unit(
    unit: Unit,
    new: UnitStatus,
    incident: Incident | None,
    lat: float | None,
    lon: float | None,
    now: datetime,
) -> None:
    """Take the reported position, or the incident's when on scene without one.

    Without a GPS fix, a unit on scene is where the incident is: the
    recommender then counts its next ETA from there, not its station.
    """
    if lat is not None and lon is not None:
        unit.lat, unit.lon, unit.position_at = lat, lon, now
    elif (
        new == UnitStatus.ON_SCENE and incident is not None and incident.lat is not None
    ):
        unit.lat, unit.lon, unit.position_at = incident.lat, incident.lon, now


def _check_position(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both latitude and longitude.", field="position")
    if (
        lat is not None
        and lon is not None
        and not (-90 <= lat <= 90 and -180 <= lon <= 180)
    ):
        raise InvalidInput("That is not a position on Earth.", field="position")
