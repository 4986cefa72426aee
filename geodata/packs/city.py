"""The city data of a pack that the dispatch engine needs, read cheaply.

The engine's incident catalogue is shared by every city; a pack adds to it
and overrides it (its agencies, ``catalogue`` and ``speech`` layers). Reading
those few files does not need the whole pack (landmarks, roads, polygons),
so :func:`load_city` reads only the manifest and these layers — fast enough
for the first keystroke of a call. The data is handed over as plain records
(``geodata`` knows nothing of incidents; ``dispatch`` validates the content).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from geodata.packs.layers.city import (
    load_catalogue_overlay,
    load_simulation,
    load_speech,
)
from geodata.packs.layers.parts import PackParts
from geodata.packs.layers.services import load_agencies
from geodata.packs.manifest import read_manifest
from geodata.packs.models import Agency, RegionPack

__all__ = ["CityData", "load_city"]


@dataclass(frozen=True)
class CityData:
    """A pack's agencies and its additions to the shared incident catalogue."""

    name: str
    path: Path
    agencies: tuple[Agency, ...]
    #: ``(file path, parsed TOML)`` of each catalogue overlay, manifest order.
    catalogue_overlay: tuple[tuple[str, dict[str, Any]], ...]
    speech_files: tuple[Path, ...]
    simulation_profile: tuple[str, str] | None

    @classmethod
    def of(cls, pack: RegionPack) -> CityData:
        """The city data of a fully loaded pack."""
        return cls(
            name=pack.name,
            path=pack.path,
            agencies=pack.agencies,
            catalogue_overlay=pack.catalogue_overlay,
            speech_files=pack.speech_files,
            simulation_profile=pack.simulation_profile,
        )


_cache: dict[Path, CityData] = {}
_lock = threading.Lock()

_CITY_LAYERS = (
    ("agencies", load_agencies),
    ("catalogue", load_catalogue_overlay),
    ("speech", load_speech),
    ("simulation", load_simulation),
)


def clear_city_cache() -> None:
    """Forget read city data (called by :func:`geodata.packs.clear_cache`)."""
    with _lock:
        _cache.clear()


def load_city(name_or_path: str | Path) -> CityData:
    """The city data of a pack (cached per folder); errors as :class:`PackError`."""
    from geodata.packs.loader import resolve_pack_path

    folder = resolve_pack_path(name_or_path)
    with _lock:
        city = _cache.get(folder)
        if city is None:
            manifest, files = read_manifest(folder)
            parts = PackParts(files)
            for layer, loader in _CITY_LAYERS:
                for path in files.all(layer):
                    loader(path, parts)
            city = _cache[folder] = CityData(
                name=manifest.pack.name,
                path=folder,
                agencies=tuple(parts.agencies.values()),
                catalogue_overlay=tuple(parts.catalogue),
                speech_files=tuple(parts.speech),
                simulation_profile=parts.simulation,
            )
        return city
