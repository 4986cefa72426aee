"""Operators (the people at the terminals) and shifts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base


class Operator(Base):
    """A person who signs in at a terminal, with one role."""

    __tablename__ = "operators"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    role: Mapped[str] = mapped_column(String(20))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]


class Shift(Base):
    """A 24-hour shift window, recorded the first time it is used."""

    __tablename__ = "shifts"

    id: Mapped[int] = mapped_column(primary_key=True)
    starts_at: Mapped[datetime] = mapped_column(unique=True)
    ends_at: Mapped[datetime]
    supervisor: Mapped[str | None] = mapped_column(String(64))
