"""The event journal: one append-only, hash-chained table, and its head."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base


class Event(Base):
    """One thing that happened. Never updated, never deleted (only archived).

    ``id`` is assigned by :mod:`dispatch.journal` from the head row under a
    lock, so ids grow by one in commit order and a follower that asks for
    "events after N" can never miss one that committed late.
    """

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(index=True)
    actor: Mapped[str] = mapped_column(String(64))
    terminal: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(48))
    incident_id: Mapped[int | None] = mapped_column(BigInteger)
    call_id: Mapped[int | None] = mapped_column(BigInteger)
    unit_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_events_incident_id", "incident_id"),
        Index("ix_events_kind", "kind"),
    )


class JournalHead(Base):
    """The single row that serialises writers and remembers the chain's end.

    ``base_id``/``base_hash`` describe where the online chain starts once old
    shifts have been archived (the genesis is id 0 with a hash of zeros).
    """

    __tablename__ = "journal_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    last_id: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    base_id: Mapped[int] = mapped_column(BigInteger, default=0)
    base_hash: Mapped[str] = mapped_column(String(64))
