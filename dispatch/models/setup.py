"""Marks ``siaga init`` leaves so a later start can tell nothing changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base


class SetupMark(Base):
    """One key/value mark, e.g. the fingerprint of the roster last loaded."""

    __tablename__ = "setup_marks"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    at: Mapped[datetime]
