"""Place layers: landmarks (several files may feed it) and streets."""

from __future__ import annotations

from pathlib import Path

from geodata.packs.layers.parts import PackParts
from geodata.packs.models import Landmark, Street, StreetPointRow
from geodata.packs.reading import PackError, read_csv

__all__ = ["load_landmarks", "load_streets"]


def load_landmarks(path: Path, parts: PackParts) -> None:
    """One landmarks file: unique ids, kelurahan codes that exist."""
    for line, lm in read_csv(path, Landmark):
        if lm.id in parts.landmarks:
            raise PackError(f"{path}, line {line}: duplicate landmark id {lm.id}")
        if lm.kelurahan_code is not None and lm.kelurahan_code not in parts.kelurahan:
            raise PackError(
                f"{path}, line {line}: unknown kelurahan_code {lm.kelurahan_code}"
            )
        parts.landmarks[lm.id] = lm


def _street_points(path: Path) -> dict[str, list[StreetPointRow]]:
    pts: dict[str, list[StreetPointRow]] = {}
    for line, sp in read_csv(path, StreetPointRow):
        first = pts.setdefault(sp.street_id, [sp])[0]
        if first is sp:
            continue
        if first.name != sp.name:
            raise PackError(
                f"{path}, line {line}: street {sp.street_id} named "
                f"{sp.name!r}, earlier {first.name!r}"
            )
        pts[sp.street_id].append(sp)
    return pts


def load_streets(path: Path, parts: PackParts) -> None:
    """``streets.csv``: one row per known point, grouped by street id."""
    for sid, rows in _street_points(path).items():
        parts.streets[sid] = Street(
            id=sid,
            name=rows[0].name,
            points=tuple((r.lat, r.lon) for r in rows),
            kelurahan_codes=tuple(
                dict.fromkeys(r.kelurahan_code for r in rows if r.kelurahan_code)
            ),
        )
