"""Calls, their autosaved drafts, and referrals to responsible agencies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base, BigId


class Call(Base):
    """One call to 112, from ring to outcome."""

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    received_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    state: Mapped[str] = mapped_column(String(10))
    outcome: Mapped[str | None] = mapped_column(String(20))
    operator: Mapped[str] = mapped_column(String(64))
    terminal: Mapped[str] = mapped_column(String(64))
    caller_number: Mapped[str | None] = mapped_column(String(20), index=True)
    caller_number_raw: Mapped[str | None] = mapped_column(String(40))
    caller_name: Mapped[str | None] = mapped_column(String(120))
    location_text: Mapped[str | None] = mapped_column(String(500))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    place_name: Mapped[str | None] = mapped_column(String(200))
    kelurahan_code: Mapped[str | None] = mapped_column(String(20))
    kelurahan: Mapped[str | None] = mapped_column(String(80))
    kecamatan: Mapped[str | None] = mapped_column(String(80))
    location_relation: Mapped[str | None] = mapped_column(String(20))
    location_confidence: Mapped[float | None]
    type_code: Mapped[str | None] = mapped_column(String(32))
    determinant: Mapped[str | None] = mapped_column(String(10))
    priority: Mapped[str | None] = mapped_column(String(2))
    answers: Mapped[dict[str, Any]] = mapped_column(default=dict)
    notes: Mapped[str | None] = mapped_column(Text)
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
    __table_args__ = (Index("ix_calls_received_at", "received_at"),)


class CallDraft(Base):
    """What a call taker has typed so far, kept so a crash loses nothing.

    Drafts are scratch state, not part of the record: they are not journaled
    and are deleted when the call gets its outcome.
    """

    __tablename__ = "call_drafts"

    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), primary_key=True)
    terminal: Mapped[str] = mapped_column(String(64), index=True)
    saved_at: Mapped[datetime]
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Referral(Base):
    """A non-emergency call handed to the agency that owns the problem."""

    __tablename__ = "referrals"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), unique=True)
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    channel: Mapped[str] = mapped_column(String(20))
    reference_number: Mapped[str | None] = mapped_column(String(64))
    sector: Mapped[str | None] = mapped_column(String(32))
    type_code: Mapped[str | None] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(20))
    sent_at: Mapped[datetime]
    acknowledged_at: Mapped[datetime | None]
    resolved_at: Mapped[datetime | None]
