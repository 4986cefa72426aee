"""One loader per pack layer, run in dependency order.

:data:`LAYER_LOADERS` is the registry: each entry names a layer of the
manifest and the function that reads one of its files into
:class:`PackParts`. A layer is loaded after the layers it refers to
(kelurahan after kecamatan, aliases after landmarks and streets, units after
stations), so each loader can check its references as it reads.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from geodata.packs.layers.admin import load_boundaries, load_kecamatan, load_kelurahan
from geodata.packs.layers.aliases import load_aliases
from geodata.packs.layers.city import (
    load_catalogue_overlay,
    load_simulation,
    load_speech,
)
from geodata.packs.layers.parts import PackParts
from geodata.packs.layers.places import load_landmarks, load_streets
from geodata.packs.layers.roads import load_roads
from geodata.packs.layers.services import (
    load_agencies,
    load_referral_targets,
    load_stations,
    load_units,
)
from geodata.packs.layers.words import load_lexicon, load_outside_places, load_travel

__all__ = ["LAYER_LOADERS", "PackParts", "load_layers"]

LayerLoader = Callable[[Path, PackParts], None]

#: ``(layer, loader)`` in the order the layers are read.
LAYER_LOADERS: tuple[tuple[str, LayerLoader], ...] = (
    ("kecamatan", load_kecamatan),
    ("kelurahan", load_kelurahan),
    ("boundaries", load_boundaries),
    ("agencies", load_agencies),
    ("referral_targets", load_referral_targets),
    ("lexicon", load_lexicon),
    ("outside_places", load_outside_places),
    ("travel", load_travel),
    ("landmarks", load_landmarks),
    ("streets", load_streets),
    ("aliases", load_aliases),
    ("roads", load_roads),
    ("stations", load_stations),
    ("units", load_units),
    ("catalogue", load_catalogue_overlay),
    ("speech", load_speech),
    ("simulation", load_simulation),
)


def load_layers(parts: PackParts) -> None:
    """Run every layer's loader over the files the manifest lists for it."""
    for layer, loader in LAYER_LOADERS:
        for path in parts.files.all(layer):
            loader(path, parts)
