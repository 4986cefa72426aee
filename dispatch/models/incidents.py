"""Incidents, their narrative, unit assignments and agency hand-offs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base, BigId


class Incident(Base):
    """Something that needs (or needed) a response."""

    __tablename__ = "incidents"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    type_code: Mapped[str] = mapped_column(String(32))
    determinant: Mapped[str] = mapped_column(String(10))
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(20), index=True)
    call_received_at: Mapped[datetime]
    created_at: Mapped[datetime]
    first_dispatched_at: Mapped[datetime | None]
    first_on_scene_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    location_text: Mapped[str | None] = mapped_column(String(500))
    place_name: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    kelurahan_code: Mapped[str | None] = mapped_column(String(20))
    kelurahan: Mapped[str | None] = mapped_column(String(80))
    kecamatan: Mapped[str | None] = mapped_column(String(80))
    caller_number: Mapped[str | None] = mapped_column(String(20))
    caller_name: Mapped[str | None] = mapped_column(String(120))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    disposition: Mapped[str | None] = mapped_column(String(32))
    cancel_reason: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API


class NarrativeEntry(Base):
    """An append-only note on an incident; a correction points at what it corrects."""

    __tablename__ = "narrative_entries"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    at: Mapped[datetime]
    author: Mapped[str] = mapped_column(String(64))
    text: Mapped[str] = mapped_column(Text)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("narrative_entries.id"))


class Assignment(Base):
    """One unit sent to one incident, with the time of every status.

    ``active`` is true until the assignment is cleared or cancelled. A partial
    unique index on ``unit_id`` where ``active`` makes it impossible, at the
    schema level, for a unit to hold two active assignments, even when two
    terminals commit at the same instant.
    """

    __tablename__ = "assignments"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    status: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    preempted_from: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    eta_seconds: Mapped[float | None]
    dispatched_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    en_route_at: Mapped[datetime | None]
    on_scene_at: Mapped[datetime | None]
    transporting_at: Mapped[datetime | None]
    at_hospital_at: Mapped[datetime | None]
    cleared_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    dispatched_by: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index(
            "uq_assignments_active_unit",
            "unit_id",
            unique=True,
            sqlite_where=text("active = 1"),
            postgresql_where=text("active"),
        ),
    )


class Handoff(Base):
    """An incident handed to the agency that dispatches its own units."""

    __tablename__ = "handoffs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id"), index=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    status: Mapped[str] = mapped_column(String(20))
    requested_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    acknowledged_by: Mapped[str | None] = mapped_column(String(120))
    escalated_at: Mapped[datetime | None]
    requested_by: Mapped[str] = mapped_column(String(64))
    acknowledged_via: Mapped[str | None] = mapped_column(String(16))
    escalation_level: Mapped[int] = mapped_column(default=0, server_default="0")
    """Highest escalation reached (0 none, 1 desk alarm, 2 supervisor)."""

    __table_args__ = (Index("ix_handoffs_status", "status"),)


class HandoffEscalation(Base):
    """One escalation step of one hand-off; the unique key makes it happen once."""

    __tablename__ = "handoff_escalations"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    handoff_id: Mapped[int] = mapped_column(ForeignKey("handoffs.id"))
    level: Mapped[int]
    at: Mapped[datetime]
    due_at: Mapped[datetime]
    actor: Mapped[str] = mapped_column(String(64))
    terminal: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("handoff_id", "level"),)
