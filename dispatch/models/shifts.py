"""Shifts as stored facts, and who signed on to each at which terminal."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base, BigId


class Shift(Base):
    """One 24-hour shift: opened at the change-over, closed at the handover.

    ``starts_at`` is unique, so however many desks (or a ``siaga watch``
    process) open the shift at the change-over, the database keeps one row.
    ``report`` is the handover report generated at the close, stored as the
    JSON text whose SHA-256 (``report_sha256``) the ``shift.closed`` journal
    event carries.
    """

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(unique=True)
    ends_at: Mapped[datetime]
    opened_at: Mapped[datetime]
    opened_by: Mapped[str] = mapped_column(String(64))
    closed_at: Mapped[datetime | None]
    closed_by: Mapped[str | None] = mapped_column(String(64))
    report: Mapped[str | None] = mapped_column(Text)
    report_sha256: Mapped[str | None] = mapped_column(String(64))


class ShiftSignOn(Base):
    """An operator signed on to a shift at one terminal (until signed off).

    At most one operator is signed on at a terminal at a time (a partial
    unique index on the rows not yet signed off); ``session_id`` names the
    sign-on session record when the front end has one.
    """

    __tablename__ = "shift_sign_ons"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    shift_id: Mapped[int] = mapped_column(ForeignKey("shifts.id"), index=True)
    operator: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    terminal: Mapped[str] = mapped_column(String(64))
    session_id: Mapped[int | None]
    signed_on_at: Mapped[datetime]
    signed_off_at: Mapped[datetime | None]

    __table_args__ = (
        Index(
            "uq_shift_sign_ons_active_terminal",
            "terminal",
            unique=True,
            sqlite_where=text("signed_off_at IS NULL"),
            postgresql_where=text("signed_off_at IS NULL"),
        ),
    )
