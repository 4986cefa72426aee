"""Agencies, their stations and their response units."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dispatch.models.base import Base


class Agency(Base):
    """An organisation that owns units or receives referrals."""

    __tablename__ = "agencies"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(60))
    kind: Mapped[str] = mapped_column(String(20))
    self_dispatching: Mapped[bool] = mapped_column(default=False)
    phone: Mapped[str | None] = mapped_column(String(40))


class Station(Base):
    """A post or base where units wait (pos / markas)."""

    __tablename__ = "stations"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    kind: Mapped[str] = mapped_column(String(40))
    lat: Mapped[float]
    lon: Mapped[float]
    kelurahan_code: Mapped[str | None] = mapped_column(String(20))


class Unit(Base):
    """A response unit (ambulance, fire engine, patrol car …)."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    callsign: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    agency_code: Mapped[str] = mapped_column(ForeignKey("agencies.code"))
    unit_type: Mapped[str] = mapped_column(String(32))
    capabilities: Mapped[list[Any]] = mapped_column(default=list)
    station_id: Mapped[str | None] = mapped_column(ForeignKey("stations.id"))
    lat: Mapped[float | None]
    lon: Mapped[float | None]
    position_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20))
    status_since: Mapped[datetime]
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's API
