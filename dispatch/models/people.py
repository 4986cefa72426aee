"""Operators (the people at the terminals) and their sign-ons at terminals."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base


class Operator(Base):
    """A person who signs on at a terminal, with one role.

    ``password_hash`` is an argon2id hash (``None`` until a password is set:
    such an operator cannot sign on). ``active`` is the enabled/disabled flag.
    ``unit_callsign`` binds a responder to the one unit it may sign on to.
    Failed attempts are counted in :class:`SignOnThrottle`, keyed by the name
    typed rather than by this row, so unknown names are slowed exactly alike.
    """

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    password_hash: Mapped[str | None] = mapped_column(String(255))
    password_changed_at: Mapped[datetime | None]
    unit_callsign: Mapped[str | None] = mapped_column(
        ForeignKey("units.callsign", ondelete="SET NULL")
    )
    last_signon_at: Mapped[datetime | None]


class SignOn(Base):
    """One operator signed on at one terminal, from sign-on to sign-off.

    Open rows (``ended_at`` is ``None``) say who is signed on where; a new
    sign-on at a terminal ends the one left open there (a crash, a lock).
    """

    __tablename__ = "signons"

    id: Mapped[int] = mapped_column(primary_key=True)
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id"))
    username: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(20))
    terminal: Mapped[str] = mapped_column(String(64))
    unit_callsign: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))

    __table_args__ = (
        Index(
            "ix_signons_open_terminal",
            "terminal",
            sqlite_where=text("ended_at IS NULL"),
            postgresql_where=text("ended_at IS NULL"),
        ),
    )


class SignOnThrottle(Base):
    """Consecutive failed sign-ons for one name or one terminal, and the wait.

    ``scope`` is ``"name"`` (the lower-cased name typed, known or not) or
    ``"terminal"``. Stored in the database so a restart does not reset it.
    """

    __tablename__ = "signon_throttle"

    scope: Mapped[str] = mapped_column(String(10), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(default=0)
    last_failure_at: Mapped[datetime]
    blocked_until: Mapped[datetime | None]
