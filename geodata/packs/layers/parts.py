"""The pack as it is being assembled, layer by layer.

Each layer loader reads its own files and fills its part of
:class:`PackParts`; later layers (aliases, stations, units) check their
references against the parts loaded before them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.packs.manifest import PackFiles
from geodata.packs.models import (
    Agency,
    Kecamatan,
    Kelurahan,
    Landmark,
    LexiconEntry,
    OutsidePlace,
    RoadGraph,
    SectorTarget,
    Station,
    Street,
    TravelConstants,
    Unit,
)

__all__ = ["PackParts"]


@dataclass
class PackParts:
    """Records loaded so far, keyed by their identifiers."""

    files: PackFiles
    kecamatan: dict[str, Kecamatan] = field(default_factory=dict)
    kelurahan: dict[str, Kelurahan] = field(default_factory=dict)
    agencies: dict[str, Agency] = field(default_factory=dict)
    lexicon: list[LexiconEntry] = field(default_factory=list)
    outside: list[OutsidePlace] = field(default_factory=list)
    travel: TravelConstants | None = None
    landmarks: dict[str, Landmark] = field(default_factory=dict)
    streets: dict[str, Street] = field(default_factory=dict)
    road_graph: RoadGraph | None = None
    stations: dict[str, Station] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    #: Referral follow-up targets keyed by sector (optional layer).
    sector_targets: dict[str, SectorTarget] = field(default_factory=dict)
    #: Incident-catalogue overlay files: ``(file path, parsed TOML)``.
    catalogue: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    #: Caller-speech vocabularies for the incident-type search (TOML files).
    speech: list[Path] = field(default_factory=list)
    #: The pack's simulation workload profile (TOML text and its file name).
    simulation: tuple[str, str] | None = None
