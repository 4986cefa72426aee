"""Load a region pack's agencies, stations and unit roster into the database.

Loading is an upsert keyed by code, station id and callsign: running it again
after the pack changed updates names and capabilities but never touches a
unit's live status or position, so it is safe on a running center.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.enums import Role, UnitStatus
from dispatch.models import Agency, Operator, Station, Unit

if TYPE_CHECKING:
    from geodata.packs import RegionPack

#: The demo operators ``siaga init --demo`` creates, one per role.
DEMO_OPERATORS: tuple[tuple[str, str, Role], ...] = (
    ("operator", "Operator 112", Role.CALL_TAKER),
    ("dispatcher", "Dispatcher 112", Role.DISPATCHER),
    ("supervisor", "Supervisor 112", Role.SUPERVISOR),
    ("admin", "Admin", Role.ADMIN),
)


@dataclass(frozen=True)
class RosterReport:
    """How many rows a roster load added or updated."""

    agencies: int
    stations: int
    units_added: int
    units_updated: int


def load_roster(
    session: Session, pack: RegionPack, *, now: datetime, actor: str, terminal: str
) -> RosterReport:
    """Upsert the pack's agencies, stations and units; journal what changed."""
    for agency in pack.agencies:
        row = session.get(Agency, agency.code) or Agency(code=agency.code)
        row.name = agency.name
        row.short_name = agency.short_name
        row.kind = agency.kind
        row.self_dispatching = agency.self_dispatching
        row.phone = agency.phone
        session.add(row)
    session.flush()
    stations = {}
    for station in pack.stations:
        post = session.get(Station, station.id) or Station(id=station.id)
        post.name = station.name
        post.agency_code = station.agency
        post.kind = station.kind
        post.lat, post.lon = station.lat, station.lon
        post.kelurahan_code = station.kelurahan_code
        session.add(post)
        stations[station.id] = post
    session.flush()
    existing = {u.callsign: u for u in session.scalars(select(Unit))}
    added = updated = 0
    for spec in pack.units:
        home = stations.get(spec.station_id) if spec.station_id else None
        unit = existing.get(spec.callsign)
        if unit is None:
            unit = Unit(
                callsign=spec.callsign,
                status=UnitStatus.AVAILABLE,
                status_since=now,
                lat=home.lat if home else None,
                lon=home.lon if home else None,
                position_at=now if home else None,
            )
            session.add(unit)
            added += 1
        else:
            updated += 1
        unit.name = spec.name
        unit.agency_code = spec.agency
        unit.unit_type = spec.unit_type
        unit.capabilities = sorted(spec.capabilities)
        unit.station_id = spec.station_id
    session.flush()
    journal.append(
        session,
        at=now,
        actor=actor,
        terminal=terminal,
        kind="roster.loaded",
        payload={
            "pack": pack.name,
            "agencies": len(pack.agencies),
            "stations": len(pack.stations),
            "units_added": added,
            "units_updated": updated,
        },
    )
    return RosterReport(len(pack.agencies), len(pack.stations), added, updated)


def ensure_demo_operators(session: Session, *, now: datetime) -> int:
    """Create the demo operators that do not exist yet; return how many were made."""
    made = 0
    for username, name, role in DEMO_OPERATORS:
        if session.scalars(
            select(Operator).where(Operator.username == username)
        ).first():
            continue
        session.add(
            Operator(username=username, display_name=name, role=role, created_at=now)
        )
        made += 1
    return made
