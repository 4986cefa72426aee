"""Build a region pack from an OpenStreetMap extract and a boundary.

``build_pack(osm, boundary, name=..., out=...)`` (and ``siaga pack build``)
reads the extract once with pyosmium (:mod:`geodata.packbuild.osm`), keeps
what lies inside the boundary (:mod:`geodata.packbuild.boundary`), writes the
pack's files with OSM names and categories and the ODbL attribution
(:mod:`geodata.packbuild.write`), then loads the result to prove it is a
valid pack. How a centre does this for its own city: ``docs/packs.md``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from geodata.packbuild.boundary import PackBuildError, read_boundary
from geodata.packbuild.osm import read_osm
from geodata.packbuild.write import remove_partial, write_pack

__all__ = ["BuiltPack", "PackBuildError", "build_pack"]


@dataclass(frozen=True)
class BuiltPack:
    """Where the pack was written and how much of each layer it holds."""

    path: Path
    counts: dict[str, int]


def _check_out(out: Path) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise PackBuildError(
            f"{out}: already exists and is not empty; choose another --out "
            "or remove it first"
        )


def build_pack(
    osm: Path,
    boundary: Path,
    *,
    name: str,
    out: Path,
    title: str | None = None,
    timezone: str = "Asia/Jakarta",
) -> BuiltPack:
    """Build the pack ``name`` into ``out`` (which must not hold files yet).

    Raises:
        PackBuildError: an input is missing or unreadable, or the built pack
            would not load (nothing is left in ``out`` then).
    """
    from geodata.packs import PackError, load_pack

    if not _valid_name(name):
        raise PackBuildError(
            f"{name!r} is not a pack name (lower-case letters, digits, - and _)"
        )
    _check_out(out)
    area = read_boundary(boundary, title or name)
    extract = read_osm(osm, area)
    try:
        counts = write_pack(
            out,
            name=name,
            title=title or name.replace("-", " ").title(),
            timezone=timezone,
            boundary=area,
            osm=extract,
            osm_path=osm,
            boundary_path=boundary,
        )
        load_pack(out.resolve())
    except PackError as exc:
        remove_partial(out)
        raise PackBuildError(f"the built pack does not load: {exc}") from None
    return BuiltPack(out, counts)


def _valid_name(name: str) -> bool:
    return re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name) is not None
