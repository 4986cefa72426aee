"""Load a region pack folder: the manifest, then every layer, validated.

A pack is a folder with ``manifest.toml`` (see ``docs/packs.md``) and the
CSV/GeoJSON/TOML files it lists. The manifest is read by
:mod:`geodata.packs.manifest`, each layer by its own loader in
:mod:`geodata.packs.layers`; every problem is reported as a
:class:`PackError` naming the file and, where there is one, the line.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path

from geodata.distance import BBox
from geodata.packs.city import clear_city_cache
from geodata.packs.layers import PackParts, load_layers
from geodata.packs.manifest import Manifest, read_manifest
from geodata.packs.models import RegionPack
from geodata.packs.reading import PackError

__all__ = [
    "PACKS_DIR",
    "Manifest",
    "PackError",
    "clear_cache",
    "load_pack",
    "resolve_pack_path",
]

#: Where packs shipped with Siaga 112 live; a bare name resolves here.
PACKS_DIR = Path(__file__).resolve().parent

_cache: dict[Path, RegionPack] = {}
_lock = threading.Lock()


def resolve_pack_path(name_or_path: str | Path) -> Path:
    """The folder of a pack: a bare name means a pack shipped in :data:`PACKS_DIR`."""
    if isinstance(name_or_path, Path) or "/" in name_or_path or "\\" in name_or_path:
        return Path(name_or_path).expanduser().resolve()
    if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name_or_path):
        raise PackError(f"{name_or_path!r} is not a pack name or a folder path")
    return PACKS_DIR / name_or_path


def load_pack(name_or_path: str | Path = "blitar") -> RegionPack:
    """Load (once per folder, then from cache) a region pack.

    Args:
        name_or_path: a pack shipped with Siaga 112 (``"blitar"``) or the path
            of a pack folder.

    Raises:
        PackError: the folder, the manifest or a data file is missing or
            malformed; the message names the file and line.
    """
    folder = resolve_pack_path(name_or_path)
    with _lock:
        pack = _cache.get(folder)
        if pack is None:
            pack = _load(folder)
            _cache[folder] = pack
        return pack


def clear_cache() -> None:
    """Forget loaded packs (tests, or after editing pack files)."""
    with _lock:
        _cache.clear()
    clear_city_cache()


def _load(folder: Path) -> RegionPack:
    manifest, files = read_manifest(folder)
    parts = PackParts(files)
    load_layers(parts)
    return _assemble(folder, manifest, parts)


def _assemble(folder: Path, manifest: Manifest, parts: PackParts) -> RegionPack:
    assert parts.travel is not None  # an always-required layer
    sa = manifest.service_area
    return RegionPack(
        name=manifest.pack.name,
        title=manifest.pack.title,
        timezone=manifest.pack.timezone,
        path=folder,
        bbox=BBox(sa.min_lat, sa.min_lon, sa.max_lat, sa.max_lon),
        boundary_tolerance_m=sa.boundary_tolerance_m,
        map_center=(manifest.map.center_lat, manifest.map.center_lon),
        map_zoom=manifest.map.zoom,
        kecamatan=tuple(parts.kecamatan.values()),
        kelurahan=tuple(parts.kelurahan.values()),
        landmarks=tuple(parts.landmarks.values()),
        streets=tuple(parts.streets.values()),
        stations=tuple(parts.stations.values()),
        agencies=tuple(parts.agencies.values()),
        units=tuple(parts.units.values()),
        outside_places=tuple(parts.outside),
        lexicon=tuple(parts.lexicon),
        travel=parts.travel,
        road_graph=parts.road_graph,
        sector_targets=tuple(parts.sector_targets.values()),
        layers=frozenset(parts.files.present),
        missing_optional=tuple(parts.files.missing),
        catalogue_overlay=tuple(parts.catalogue),
        speech_files=tuple(parts.speech),
        simulation_profile=parts.simulation,
    )
