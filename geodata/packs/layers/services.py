"""Service layers: agencies, the stations units respond from, the unit roster."""

from __future__ import annotations

from collections.abc import Container
from pathlib import Path

from geodata.packs.layers.parts import PackParts
from geodata.packs.models import Agency, SectorTarget, Station, Unit
from geodata.packs.reading import PackError, read_csv

__all__ = ["load_agencies", "load_referral_targets", "load_stations", "load_units"]


def load_agencies(path: Path, parts: PackParts) -> None:
    """``agencies.csv``: every organisation units belong to or calls go to."""
    for line, ag in read_csv(path, Agency):
        if ag.code in parts.agencies:
            raise PackError(f"{path}, line {line}: duplicate agency {ag.code}")
        parts.agencies[ag.code] = ag


def load_referral_targets(path: Path, parts: PackParts) -> None:
    """``referral_targets.csv``: hours a referral may stay open, per sector."""
    for line, target in read_csv(path, SectorTarget):
        if target.sector in parts.sector_targets:
            raise PackError(f"{path}, line {line}: duplicate sector {target.sector}")
        parts.sector_targets[target.sector] = target


def _check_known(
    path: Path, line: int, what: str, value: str | None, known: Container[str]
) -> None:
    if value is not None and value not in known:
        raise PackError(f"{path}, line {line}: unknown {what} {value}")


def load_stations(path: Path, parts: PackParts) -> None:
    """``stations.csv``: bases of a known agency, optionally in a kelurahan."""
    for line, st in read_csv(path, Station):
        if st.id in parts.stations:
            raise PackError(f"{path}, line {line}: duplicate station {st.id}")
        _check_known(path, line, "agency", st.agency, parts.agencies)
        _check_known(path, line, "kelurahan_code", st.kelurahan_code, parts.kelurahan)
        parts.stations[st.id] = st


def load_units(path: Path, parts: PackParts) -> None:
    """``units.csv``: the roster; skipped (and reported) without stations."""
    if not parts.stations:
        parts.files.missing.append(f"{path.name} (skipped: needs the stations layer)")
        return
    for line, un in read_csv(path, Unit):
        if un.callsign in parts.units:
            raise PackError(f"{path}, line {line}: duplicate callsign {un.callsign}")
        _check_known(path, line, "agency", un.agency, parts.agencies)
        _check_known(path, line, "station_id", un.station_id, parts.stations)
        parts.units[un.callsign] = un
