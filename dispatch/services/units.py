"""Unit services: acknowledgements, status reports and positions."""

from __future__ import annotations

from dispatch.enums import AssignmentStatus, IncidentStatus, UnitStatus
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Incident
from dispatch.schemas import AssignmentView, UnitView
from dispatch.services.incidents import IncidentServices
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


class UnitServices(IncidentServices):
    """What responders (and dispatchers on their behalf) report."""

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
        try:
            new = UnitStatus(status)
        except ValueError as exc:
            raise InvalidInput(
                f"Unknown unit status {status!r}.", field="status"
            ) from exc
        if new == UnitStatus.DISPATCHED:
            raise InvalidInput(
                "Units are dispatched by assigning them.", field="status"
            )
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
                incident = session.get(Incident, assignment.incident_id)
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
            elif new in (
                UnitStatus.EN_ROUTE,
                UnitStatus.ON_SCENE,
                UnitStatus.TRANSPORTING,
            ):
                raise InvalidTransition(f"{unit.callsign} has no assignment.")
            unit.status = new
            unit.status_since = now
            if lat is not None and lon is not None:
                unit.lat, unit.lon, unit.position_at = lat, lon, now
            elif (
                new == UnitStatus.ON_SCENE
                and incident is not None
                and incident.lat is not None
            ):
                # Without a GPS fix, a unit on scene is where the incident is: the
                # recommender then counts its next ETA from there, not its station.
                unit.lat, unit.lon, unit.position_at = incident.lat, incident.lon, now
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
            if (
                incident is not None
                and assignment is not None
                and not assignment.active
            ):
                self._refresh_incident_status(session, incident)
            active_incident = (
                incident if assignment is not None and assignment.active else None
            )
            return unit_view(unit, active_incident)

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


def _check_position(lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        raise InvalidInput("Give both latitude and longitude.", field="position")
    if (
        lat is not None
        and lon is not None
        and not (-90 <= lat <= 90 and -180 <= lon <= 180)
    ):
        raise InvalidInput("That is not a position on Earth.", field="position")
