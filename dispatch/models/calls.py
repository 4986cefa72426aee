"""Calls, their autosaved drafts, and referrals to responsible agencies."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, Text, false
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base, BigId


class Call(Base):
    """One call to 112, from ring to outcome.

    Every time point of the call is a column written by the service that saw
    it happen, so every interval is a subtraction:

    * ``rang_at`` — the phone system signalled the ring (``None`` without a
      ring signal: the answer interval is then *not measured*, never 0);
    * ``received_at`` — the call reached the center: the ring when there was
      one, else the answer (reports window calls by it);
    * ``answered_at`` — a call taker took it;
    * ``located_at`` / ``classified_at`` — first place picked / first type set;
    * ``ended_at`` with ``outcome`` — the call's one outcome.

    The first unit dispatched is on the incident (``first_dispatched_at``).
    """

    __tablename__ = "calls"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    rang_at: Mapped[datetime | None]
    received_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    located_at: Mapped[datetime | None]
    classified_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    ring_line: Mapped[str | None] = mapped_column(String(32))
    """The phone line or extension the ring came in on (ring feed)."""
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


class Ring(Base):
    """One ring signalled by the phone system through the ring feed.

    A ring waits on its line until a call taker at the terminal the line is
    mapped to takes it (F2): the call then opens with the caller's number and
    the ring's time. A ring that ends unanswered becomes an abandoned call.
    """

    __tablename__ = "rings"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    line: Mapped[str] = mapped_column(String(32))
    terminal: Mapped[str | None] = mapped_column(String(64))
    """The terminal the line is mapped to when the ring came (``None``: unmapped)."""
    caller_number: Mapped[str | None] = mapped_column(String(20))
    caller_number_raw: Mapped[str | None] = mapped_column(String(40))
    rang_at: Mapped[datetime]
    answered_at: Mapped[datetime | None]
    """When the phone system says the handset was picked up."""
    ended_at: Mapped[datetime | None]
    call_id: Mapped[int | None] = mapped_column(ForeignKey("calls.id"), unique=True)

    __table_args__ = (
        Index("ix_rings_terminal_waiting", "terminal", "call_id", "ended_at"),
        Index("ix_rings_line", "line"),
    )


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
    note: Mapped[str | None] = mapped_column(String(500))
    """The last follow-up note (acknowledgement or resolution)."""
    overdue_at: Mapped[datetime | None]
    """When the follow-up duty flagged the referral as past its target."""
    callback_requested: Mapped[bool] = mapped_column(
        default=False, server_default=false()
    )
    """The caller asked to be told when the agency has solved it."""
    callback_at: Mapped[datetime | None]
    callback_outcome: Mapped[str | None] = mapped_column(String(16))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default="{}")
    """What the responsible office asks (households, since when, customer
    number, photos to), keyed by the catalogue's detail id; typed at referral."""

    __table_args__ = (Index("ix_referrals_status", "status"),)
