"""Idempotency keys: what a front-end action already did, remembered by key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base

#: Longest idempotency key accepted (a uuid4 is 36 characters).
KEY_LENGTH = 64


class IdempotencyKey(Base):
    """One front-end action done under a key, with the result it answered.

    Written in the same transaction as the action, so the row exists exactly
    when the action committed: a desk that retries after a lost answer (a
    reconnect, a fail-over) gets ``result`` back instead of doing it twice.
    ``result`` is the unmasked view the service returned; it leaves through
    the asking principal's lens again on a replay. Rows older than
    ``idempotency_retention_hours`` are removed by the background duties.
    """

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(String(KEY_LENGTH), primary_key=True)
    action: Mapped[str] = mapped_column(String(48))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(index=True)
    result: Mapped[Any] = mapped_column(JSON, nullable=True)
