"""``manifest.toml``: a pack's identity, service area, map view and file list.

:func:`read_manifest` validates the manifest and resolves its file list into
:class:`PackFiles` — which files of which layer are present, and which
optional ones are absent — so each layer loader only sees its own paths.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from geodata.packs.reading import PackError, validate_toml

__all__ = ["Layer", "Manifest", "PackFiles", "read_manifest"]

Layer = Literal[
    "kecamatan",
    "kelurahan",
    "boundaries",
    "agencies",
    "lexicon",
    "aliases",
    "outside_places",
    "travel",
    "landmarks",
    "streets",
    "roads",
    "stations",
    "units",
    "catalogue",
    "speech",
    "simulation",
    "referral_targets",
]
#: Layers fed by several files (the others take exactly one).
MULTI_FILE_LAYERS = frozenset({"landmarks", "catalogue", "speech"})
#: Layers every pack has, whatever the manifest says about ``required``.
ALWAYS_REQUIRED = ("kecamatan", "kelurahan", "agencies", "travel")


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FileSpec(_Strict):
    """One data file of the pack."""

    layer: Layer
    path: str = Field(min_length=1)
    required: bool = True
    source: str = ""


class PackInfo(_Strict):
    """Identity of the pack."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    country: str = "ID"
    region_code: str = ""
    timezone: str = Field(pattern=r"^[A-Za-z_]+(/[A-Za-z0-9_+-]+)+$|^UTC$")
    population: int | None = None
    area_km2: float | None = None


class ServiceArea(_Strict):
    """Bounding box of the service area (prefilter for the polygons)."""

    min_lat: float = Field(ge=-90, le=90)
    max_lat: float = Field(ge=-90, le=90)
    min_lon: float = Field(ge=-180, le=180)
    max_lon: float = Field(ge=-180, le=180)
    boundary_tolerance_m: float = Field(default=75.0, ge=0)


class MapView(_Strict):
    """Default map view of the console."""

    center_lat: float = Field(ge=-90, le=90)
    center_lon: float = Field(ge=-180, le=180)
    zoom: int = Field(ge=1, le=20)


class Manifest(_Strict):
    """``manifest.toml``."""

    format_version: Literal[1]
    pack: PackInfo
    service_area: ServiceArea
    map: MapView
    files: tuple[FileSpec, ...]


@dataclass
class PackFiles:
    """The manifest's files, resolved against the folder."""

    manifest_path: Path
    present: dict[str, list[Path]] = field(default_factory=dict)
    #: Optional files listed but absent (as written in the manifest).
    missing: list[str] = field(default_factory=list)
    #: Layers with at least one absent optional file.
    missing_layers: set[str] = field(default_factory=set)

    def one(self, layer: str) -> Path | None:
        """The single file of a layer, or ``None`` when it has none."""
        paths = self.present.get(layer)
        return paths[0] if paths else None

    def all(self, layer: str) -> list[Path]:
        """Every present file of a layer, in manifest order."""
        return self.present.get(layer, [])


def _add(files: PackFiles, folder: Path, spec: FileSpec) -> None:
    mpath = files.manifest_path
    p = folder / spec.path
    if not p.resolve().is_relative_to(folder.resolve()):
        raise PackError(f"{mpath}: file {spec.path!r} lies outside the pack")
    if p.is_file():
        if spec.layer not in MULTI_FILE_LAYERS and spec.layer in files.present:
            raise PackError(f"{mpath}: layer {spec.layer!r} listed twice")
        files.present.setdefault(spec.layer, []).append(p)
    elif spec.required or spec.layer in ALWAYS_REQUIRED:
        raise PackError(f"{p}: required file listed in {mpath.name} is missing")
    else:
        files.missing.append(spec.path)
        files.missing_layers.add(spec.layer)


def read_manifest(folder: Path) -> tuple[Manifest, PackFiles]:
    """The validated manifest of a pack folder and its resolved file list."""
    mpath = folder / "manifest.toml"
    if not folder.is_dir():
        raise PackError(f"{folder}: region pack folder not found")
    if not mpath.is_file():
        raise PackError(f"{mpath}: manifest not found")
    manifest = validate_toml(mpath, Manifest)
    files = PackFiles(mpath)
    for spec in manifest.files:
        _add(files, folder, spec)
    for layer in ALWAYS_REQUIRED:
        if layer not in files.present:
            raise PackError(f"{mpath}: no file for required layer {layer!r}")
    return manifest, files
