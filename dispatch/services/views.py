"""Turn ORM rows into the frozen read models front ends receive."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.models import Assignment, Call, Handoff, Incident, NarrativeEntry, Unit
from dispatch.schemas import (
    AssignmentView,
    HandoffView,
    IncidentDetail,
    IncidentSummary,
    NarrativeView,
    UnitView,
)


def assignment_view(assignment: Assignment, unit: Unit) -> AssignmentView:
    """One assignment with its unit's callsign and type."""
    return AssignmentView(
        id=assignment.id,
        incident_id=assignment.incident_id,
        callsign=unit.callsign,
        unit_type=unit.unit_type,
        agency_code=unit.agency_code,
        status=assignment.status,
        active=assignment.active,
        eta_seconds=assignment.eta_seconds,
        preempted_from=assignment.preempted_from,
        dispatched_at=assignment.dispatched_at,
        acknowledged_at=assignment.acknowledged_at,
        en_route_at=assignment.en_route_at,
        on_scene_at=assignment.on_scene_at,
        transporting_at=assignment.transporting_at,
        at_hospital_at=assignment.at_hospital_at,
        cleared_at=assignment.cleared_at,
        cancelled_at=assignment.cancelled_at,
    )


def incident_summary(
    incident: Incident, units: tuple[str, ...] = ()
) -> IncidentSummary:
    """A queue row."""
    return IncidentSummary.model_validate(
        {**incident_columns(incident), "units": units}
    )


def incident_detail(session: Session, incident: Incident) -> IncidentDetail:
    """Everything about one incident, read in the given session."""
    rows = session.execute(
        select(Assignment, Unit)
        .join(Unit, Unit.id == Assignment.unit_id)
        .where(Assignment.incident_id == incident.id)
        .order_by(Assignment.id)
    ).all()
    assignments = tuple(assignment_view(a, u) for a, u in rows)
    narrative = tuple(
        NarrativeView.model_validate(entry)
        for entry in session.scalars(
            select(NarrativeEntry)
            .where(NarrativeEntry.incident_id == incident.id)
            .order_by(NarrativeEntry.id)
        )
    )
    handoffs = tuple(
        HandoffView.model_validate(h)
        for h in session.scalars(
            select(Handoff)
            .where(Handoff.incident_id == incident.id)
            .order_by(Handoff.id)
        )
    )
    call_ids = tuple(
        session.scalars(
            select(Call.id).where(Call.incident_id == incident.id).order_by(Call.id)
        )
    )
    return IncidentDetail.model_validate(
        {
            **incident_columns(incident),
            "units": tuple(a.callsign for a in assignments if a.active),
            "assignments": assignments,
            "narrative": narrative,
            "handoffs": handoffs,
            "call_ids": call_ids,
        }
    )


def unit_view(unit: Unit, incident: Incident | None = None) -> UnitView:
    """A unit board row."""
    return UnitView(
        id=unit.id,
        callsign=unit.callsign,
        name=unit.name,
        agency_code=unit.agency_code,
        unit_type=unit.unit_type,
        capabilities=tuple(unit.capabilities or ()),
        station_id=unit.station_id,
        lat=unit.lat,
        lon=unit.lon,
        status=unit.status,
        status_since=unit.status_since,
        incident_id=incident.id if incident else None,
        incident_number=incident.number if incident else None,
        version=unit.version,
    )


def incident_columns(incident: Incident) -> dict[str, object]:
    return {
        column.key: getattr(incident, column.key)
        for column in Incident.__table__.columns
    }
