"""Load a region pack's agencies, stations and unit roster into the database.

Loading is an upsert keyed by code, station id and callsign: running it again
after the pack changed updates names and capabilities but never touches a
unit's live status or position, so it is safe on a running center.
"""

from __future__ import annotations

from collections.abc import Callable
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

#: The demo operators ``siaga init --demo`` creates, one per desk role plus a
#: responder bound to the roster's first unit. The administrator is not among
#: them: ``siaga init`` creates that one from a prompt or the environment.
DEMO_OPERATORS: tuple[tuple[str, str, Role], ...] = (
    ("operator", "Operator 112", Role.CALL_TAKER),
    ("dispatcher", "Dispatcher 112", Role.DISPATCHER),
    ("supervisor", "Supervisor 112", Role.SUPERVISOR),
    ("responder", "Responder 112", Role.RESPONDER),
)


@dataclass(frozen=True)
class RosterReport:
    """How many rows a roster load added or changed."""

    agencies: int
    stations: int
    units_added: int
    units_updated: int
    """Units whose name, agency, type, capabilities or station changed."""
    agencies_changed: int = 0
    stations_changed: int = 0

    @property
    def changed(self) -> bool:
        """True when the load wrote anything (and so journaled it)."""
        return bool(
            self.units_added
            or self.units_updated
            or self.agencies_changed
            or self.stations_changed
        )


def _assign(row: object, **values: object) -> bool:
    """Set the attributes that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(row, name, None) != value:
            setattr(row, name, value)
            changed = True
    return changed


def load_roster(
    session: Session, pack: RegionPack, *, now: datetime, actor: str, terminal: str
) -> RosterReport:
    """Upsert the pack's agencies, stations and units; journal what changed.

    Loading the same pack again changes nothing and journals nothing.
    """
    agencies_changed = 0
    for agency in pack.agencies:
        row = session.get(Agency, agency.code)
        if row is None:
            row = Agency(code=agency.code)
            session.add(row)
        agencies_changed += _assign(
            row,
            name=agency.name,
            short_name=agency.short_name,
            kind=agency.kind,
            self_dispatching=agency.self_dispatching,
            phone=agency.phone,
        )
    session.flush()
    stations = {}
    stations_changed = 0
    for station in pack.stations:
        post = session.get(Station, station.id)
        if post is None:
            post = Station(id=station.id)
            session.add(post)
        stations_changed += _assign(
            post,
            name=station.name,
            agency_code=station.agency,
            kind=station.kind,
            lat=station.lat,
            lon=station.lon,
            kelurahan_code=station.kelurahan_code,
        )
        stations[station.id] = post
    session.flush()
    existing = {u.callsign: u for u in session.scalars(select(Unit))}
    added = updated = 0
    for spec in pack.units:
        home = stations.get(spec.station_id) if spec.station_id else None
        unit = existing.get(spec.callsign)
        is_new = unit is None
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
        changed = _assign(
            unit,
            name=spec.name,
            agency_code=spec.agency,
            unit_type=spec.unit_type,
            capabilities=sorted(spec.capabilities),
            station_id=spec.station_id,
        )
        if is_new:
            added += 1
        elif changed:
            updated += 1
    session.flush()
    report = RosterReport(
        len(pack.agencies),
        len(pack.stations),
        added,
        updated,
        agencies_changed,
        stations_changed,
    )
    if report.changed:
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
                "agencies_changed": agencies_changed,
                "stations_changed": stations_changed,
                "units_added": added,
                "units_updated": updated,
            },
        )
    return report


def ensure_demo_operators(
    session: Session,
    *,
    now: datetime,
    password_for: Callable[[str], str] | None = None,
) -> list[tuple[str, str | None]]:
    """Create the demo operators that do not exist yet.

    ``password_for(name)`` gives each new operator its password (hashed here);
    without it they have none and cannot sign on until an administrator sets
    one. Returns ``(name, password)`` for every operator made.
    """
    from dispatch.passwords import hash_password

    made: list[tuple[str, str | None]] = []
    first_unit = session.scalars(select(Unit.callsign).order_by(Unit.callsign)).first()
    for username, name, role in DEMO_OPERATORS:
        if role == Role.RESPONDER and first_unit is None:
            continue
        if session.scalars(
            select(Operator).where(Operator.username == username)
        ).first():
            continue
        password = password_for(username) if password_for else None
        session.add(
            Operator(
                username=username,
                display_name=name,
                role=role,
                created_at=now,
                password_hash=hash_password(password) if password else None,
                password_changed_at=now if password else None,
                unit_callsign=first_unit if role == Role.RESPONDER else None,
            )
        )
        made.append((username, password))
    return made
