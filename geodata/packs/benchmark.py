"""Benchmark packs: a published ambulance instance as data (stations, fleet, demand).

A benchmark pack is a folder with ``benchmark.toml`` instead of a region
pack's ``manifest.toml``: it has no gazetteer, no kelurahan and no roster of
agencies, only what a dispatch study needs — ambulance stations and the
fleet, hospitals, a demand raster calls are drawn from, the call and
service-time model, the response targets and a travel model. The Utrecht
instance of JEMSS.jl (``geodata/packs/utrecht/``) is the first one; the
format is in docs/simulator.md ("Benchmark packs").

The travel model is either ``crowfly`` (straight-line distance × circuity at
a mean speed, :class:`CrowFlyTravelModel`) or ``matrix`` (a node list and a
travel-time matrix, :mod:`geodata.packs.matrix`), so an outside matrix plugs
in by editing the TOML. Both answer the engine's travel interface.
"""

from __future__ import annotations

import csv
import functools
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geodata.distance import distances_m
from geodata.packs.matrix import MatrixError, MatrixTravelModel, load_travel_matrix

__all__ = [
    "BenchmarkError",
    "BenchmarkPack",
    "CallModel",
    "CrowFlyTravelModel",
    "DemandRaster",
    "is_benchmark_pack",
    "load_benchmark_pack",
]

FloatArray = npt.NDArray[np.float64]
_PACKS_DIR = Path(__file__).resolve().parent
AMBULANCE = "AMBULANCE"
"""The one unit type of a benchmark pack."""


class BenchmarkError(ValueError):
    """A benchmark pack cannot be loaded; the message names the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _Info(_Strict):
    name: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    timezone: str


class _Files(_Strict):
    stations: str
    ambulances: str
    hospitals: str
    demand_raster: str


class _Raster(_Strict):
    top_left_lon: float
    top_left_lat: float
    cell_dlon: float = Field(gt=0)
    cell_dlat: float = Field(gt=0)


class CallModel(_Strict):
    """Arrivals and service times of the instance (minutes)."""

    rate_per_hour: float = Field(gt=0)
    high_priority_share: float = Field(ge=0, le=1)
    dispatch_delay_min: float = Field(ge=0)
    on_scene_mean_min: float = Field(gt=0)
    transport_probability: float = Field(ge=0, le=1)
    handover_weibull_shape: float = Field(gt=0)
    handover_weibull_scale_min: float = Field(gt=0)


class Targets(_Strict):
    """Response targets (call → ambulance on scene), minutes."""

    high_min: float = Field(gt=0)
    low_min: float = Field(gt=0)


class _Travel(_Strict):
    model: Literal["crowfly", "matrix"]
    circuity: float = Field(default=1.3, ge=1)
    sirens_kmh: float = Field(default=60.0, gt=0)
    regular_factor: float = Field(default=1.0, ge=1)
    """Times without sirens (low priority, transport, return) = sirens × this."""
    turnout_s: float = Field(default=0.0, ge=0)
    nodes: str | None = None
    matrix: str | None = None
    access_kmh: float = Field(default=36.0, gt=0)


class _Document(_Strict):
    format_version: Literal[1]
    pack: _Info
    files: _Files
    raster: _Raster
    calls: CallModel
    targets: Targets
    travel: _Travel


class CrowFlyTravelModel:
    """Straight-line distance × circuity at one mean speed (+ turnout)."""

    def __init__(self, *, circuity: float, speed_kmh: float, turnout_s: float) -> None:
        self.circuity = circuity
        self.speed_kmh = speed_kmh
        self.turnout_s = turnout_s
        self._mps = speed_kmh / 3.6

    def travel_seconds_many(
        self,
        origins: npt.ArrayLike,
        dest: tuple[float, float],
        unit_types: Sequence[str] = (),
        when: datetime | None = None,
    ) -> FloatArray:
        """Driving seconds (no turnout) from many origins to one destination."""
        o = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
        out: FloatArray = (
            distances_m(o[:, 0], o[:, 1], dest[0], dest[1]) * self.circuity / self._mps
        )
        return out

    def eta_many(
        self,
        origins: npt.ArrayLike,
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """Turnout + travel seconds for many origins."""
        out: FloatArray = self.turnout_s + self.travel_seconds_many(origins, dest)
        return out

    def eta(
        self,
        origin: tuple[float, float],
        dest: tuple[float, float],
        unit_type: str,
        when: datetime | None = None,
    ) -> float:
        """Turnout + travel seconds from one point to another."""
        return float(self.eta_many([origin], dest, [unit_type], when)[0])


TravelModelLike = CrowFlyTravelModel | MatrixTravelModel


@dataclass(frozen=True)
class Site:
    """A station or hospital."""

    id: str
    name: str
    lat: float
    lon: float


@dataclass(frozen=True)
class DemandRaster:
    """Calls fall in a raster cell with probability ∝ its value (JEMSS)."""

    row: npt.NDArray[np.int64]
    col_start: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    cumulative: FloatArray
    """Cumulative run weight (value × cells), normalised to end at 1."""
    zone: tuple[str, ...]
    grid: _Raster

    def sample(self, rng: np.random.Generator, n: int) -> FloatArray:
        """``n`` (lat, lon) points: a run by weight, a cell in it, a point in it."""
        # One (n, 4) draw: call i's place uses row i only, whatever n is.
        r = rng.random((n, 4))
        run = np.searchsorted(self.cumulative, r[:, 0], side="right")
        run = np.minimum(run, len(self.cumulative) - 1)
        col = self.col_start[run] + np.floor(r[:, 1] * self.length[run])
        u, v = r[:, 2], r[:, 3]
        g = self.grid
        lon = g.top_left_lon + (col + u) * g.cell_dlon
        lat = g.top_left_lat - (self.row[run] + v) * g.cell_dlat
        return np.column_stack([lat, lon])

    def zone_points(self) -> tuple[FloatArray, FloatArray]:
        """Demand points for coverage: (lat, lon) per zone, and its call share."""
        g = self.grid
        weight = np.diff(np.concatenate([[0.0], self.cumulative]))
        mid = self.col_start + (self.length - 1) / 2 + 0.5
        lon = g.top_left_lon + mid * g.cell_dlon
        lat = g.top_left_lat - (self.row + 0.5) * g.cell_dlat
        names = sorted(set(self.zone))
        index = {z: i for i, z in enumerate(names)}
        zi = np.array([index[z] for z in self.zone], dtype=np.intp)
        total = np.bincount(zi, weights=weight, minlength=len(names))
        plat = np.bincount(zi, weights=weight * lat, minlength=len(names)) / total
        plon = np.bincount(zi, weights=weight * lon, minlength=len(names)) / total
        return np.column_stack([plat, plon]), total / total.sum()


@dataclass(frozen=True)
class BenchmarkPack:
    """A benchmark instance, loaded and checked."""

    name: str
    title: str
    timezone: str
    folder: Path
    stations: tuple[Site, ...]
    ambulances: tuple[tuple[str, str], ...]
    """(callsign, station id) per ambulance."""
    hospitals: tuple[Site, ...]
    demand: DemandRaster
    calls: CallModel
    targets: Targets
    travel: TravelModelLike
    regular_factor: float

    @property
    def station_by_id(self) -> dict[str, Site]:
        """Stations by id."""
        return {s.id: s for s in self.stations}


def _rows(path: Path, needed: set[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise BenchmarkError(f"{path.name}: file not found")
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = needed - set(reader.fieldnames or ())
        if missing:
            raise BenchmarkError(f"{path.name}: missing columns {sorted(missing)}")
        return list(reader)


def _sites(path: Path, key: str, name_key: str) -> tuple[Site, ...]:
    out = []
    for line, row in enumerate(_rows(path, {key, "lat", "lon", name_key}), start=2):
        try:
            out.append(
                Site(row[key], row[name_key], float(row["lat"]), float(row["lon"]))
            )
        except ValueError:
            raise BenchmarkError(
                f"{path.name} line {line}: lat/lon not a number"
            ) from None
    return tuple(out)


def _raster(path: Path, grid: _Raster) -> DemandRaster:
    rows = _rows(path, {"row", "col_start", "col_end", "value", "pc4"})
    try:
        row = np.array([int(r["row"]) for r in rows], dtype=np.int64)
        start = np.array([int(r["col_start"]) for r in rows], dtype=np.int64)
        end = np.array([int(r["col_end"]) for r in rows], dtype=np.int64)
        value = np.array([float(r["value"]) for r in rows], dtype=np.float64)
    except ValueError:
        raise BenchmarkError(
            f"{path.name}: a cell index or value is not a number"
        ) from None
    length = end - start + 1
    if len(rows) == 0 or np.any(length < 1) or np.any(value < 0):
        raise BenchmarkError(f"{path.name}: empty, reversed runs or negative values")
    cumulative = np.cumsum(value * length)
    return DemandRaster(
        row,
        start,
        length,
        cumulative / cumulative[-1],
        tuple(r["pc4"] for r in rows),
        grid,
    )


def _travel(folder: Path, spec: _Travel) -> TravelModelLike:
    if spec.model == "crowfly":
        return CrowFlyTravelModel(
            circuity=spec.circuity, speed_kmh=spec.sirens_kmh, turnout_s=spec.turnout_s
        )
    if not spec.nodes or not spec.matrix:
        raise BenchmarkError(
            "benchmark.toml: travel model 'matrix' needs nodes and matrix"
        )
    try:
        matrix = load_travel_matrix(folder / spec.nodes, folder / spec.matrix)
    except MatrixError as exc:
        raise BenchmarkError(str(exc)) from None
    return MatrixTravelModel(
        matrix, access_kmh=spec.access_kmh, turnout_s=spec.turnout_s
    )


def resolve_benchmark_path(name_or_path: str | Path) -> Path:
    """The folder of a shipped benchmark pack by name, or a folder path."""
    path = Path(name_or_path)
    if not path.is_dir():
        path = _PACKS_DIR / str(name_or_path)
    return path


def is_benchmark_pack(name_or_path: str | Path) -> bool:
    """True when the name or folder holds a ``benchmark.toml``."""
    return (resolve_benchmark_path(name_or_path) / "benchmark.toml").is_file()


@functools.cache
def _load(folder: Path) -> BenchmarkPack:
    toml = folder / "benchmark.toml"
    if not toml.is_file():
        raise BenchmarkError(f"{folder.name}: no benchmark.toml (not a benchmark pack)")
    try:
        doc = _Document.model_validate(tomllib.loads(toml.read_text("utf-8")))
    except (tomllib.TOMLDecodeError, ValidationError) as exc:
        first = str(exc).splitlines()[:3]
        raise BenchmarkError(f"benchmark.toml: {' '.join(first)}") from None
    stations = _sites(folder / doc.files.stations, "station_index", "city")
    hospitals = _sites(folder / doc.files.hospitals, "hospital_index", "address")
    known = {s.id for s in stations}
    fleet = []
    for line, row in enumerate(
        _rows(folder / doc.files.ambulances, {"ambulance_index", "station_index"}),
        start=2,
    ):
        if row["station_index"] not in known:
            raise BenchmarkError(
                f"{doc.files.ambulances} line {line}: unknown station "
                f"{row['station_index']}"
            )
        fleet.append((f"AMB-{int(row['ambulance_index']):02d}", row["station_index"]))
    return BenchmarkPack(
        name=doc.pack.name,
        title=doc.pack.title,
        timezone=doc.pack.timezone,
        folder=folder,
        stations=stations,
        ambulances=tuple(fleet),
        hospitals=hospitals,
        demand=_raster(folder / doc.files.demand_raster, doc.raster),
        calls=doc.calls,
        targets=doc.targets,
        travel=_travel(folder, doc.travel),
        regular_factor=doc.travel.regular_factor,
    )


def load_benchmark_pack(name_or_path: str | Path) -> BenchmarkPack:
    """Load (once per folder) a benchmark pack by shipped name or folder."""
    return _load(resolve_benchmark_path(name_or_path).resolve())
