"""Record types of a region pack, and :class:`RegionPack`, the loaded whole.

Records are frozen pydantic models, validated when the pack is read (see
:mod:`geodata.packs.loader`). Coordinates are always ``lat``/``lon`` in WGS84
decimal degrees; polygons are rings of ``(lat, lon)`` tuples (the GeoJSON files
store ``[lon, lat]``; the loader swaps them once, at the boundary).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
from pydantic import BaseModel, ConfigDict, Field, field_validator

from geodata.distance import EARTH_RADIUS_M, BBox, BoxGrid, local_xy

__all__ = [
    "CAPABILITIES",
    "UNIT_TYPES",
    "Agency",
    "Capability",
    "Kecamatan",
    "Kelurahan",
    "Landmark",
    "LexiconEntry",
    "OutsidePlace",
    "RegionPack",
    "RoadGraph",
    "Station",
    "Street",
    "TravelConstants",
    "Unit",
    "UnitType",
]

UnitType = Literal[
    "AMBULANCE",
    "HEARSE",
    "FIRE_ENGINE",
    "WATER_TANKER",
    "RESCUE",
    "POLICE_PATROL",
    "BPBD_RESPONSE",
    "SATPOL_PATROL",
]
#: The unit-type vocabulary shared with the dispatch engine's response plans.
UNIT_TYPES: tuple[str, ...] = UnitType.__args__  # type: ignore[attr-defined]

Capability = Literal[
    "ALS",
    "BLS",
    "PATIENT_TRANSPORT",
    "PUMP",
    "WATER",
    "LADDER",
    "RESCUE_TOOLS",
    "EXTRICATION",
    "CHAINSAW",
    "BOAT",
    "ANIMAL_HANDLING",
    "HAZMAT",
    "EVACUATION",
    "LOGISTICS",
    "TRAFFIC",
    "ARMED",
]
#: The capability vocabulary.
CAPABILITIES: tuple[str, ...] = Capability.__args__  # type: ignore[attr-defined]

AgencyService = Literal[
    "psap", "fire", "ems", "police", "sea_rescue", "mountain_rescue", "other"
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

Lat = Field(ge=-90.0, le=90.0)
Lon = Field(ge=-180.0, le=180.0)


def _blank_to_none(v: object) -> object:
    return None if v == "" else v


class Kecamatan(BaseModel):
    """A district (kecamatan)."""

    model_config = _FROZEN
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    centroid_lat: float = Lat
    centroid_lon: float = Lon
    aliases: tuple[str, ...] = ()


class Kelurahan(BaseModel):
    """An urban village (kelurahan; rural ones are called desa)."""

    model_config = _FROZEN
    code: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kecamatan_code: str
    kecamatan_name: str = ""
    postcode: str = ""
    centroid_lat: float = Lat
    centroid_lon: float = Lon
    #: Outer ring first, then holes; each ring a tuple of ``(lat, lon)``.
    polygon: tuple[tuple[tuple[float, float], ...], ...] = ()
    aliases: tuple[str, ...] = ()


class Landmark(BaseModel):
    """A named place callers refer to: facility, office, market, school…."""

    model_config = _FROZEN
    id: str = Field(min_length=1, pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    category: str = ""
    lat: float = Lat
    lon: float = Lon
    kelurahan_code: str | None = None
    aliases: tuple[str, ...] = ()
    source_ref: str = ""

    _none = field_validator("kelurahan_code", mode="before")(_blank_to_none)


class Street(BaseModel):
    """A named street and the points where it is known to run."""

    model_config = _FROZEN
    id: str
    name: str
    aliases: tuple[str, ...] = ()
    points: tuple[tuple[float, float], ...] = ()
    kelurahan_codes: tuple[str, ...] = ()


class StreetPointRow(BaseModel):
    """One row of ``streets.csv`` (a street seen at one point)."""

    model_config = _FROZEN
    street_id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    lat: float = Lat
    lon: float = Lon
    kelurahan_code: str | None = None
    source_object: str = ""

    _none = field_validator("kelurahan_code", mode="before")(_blank_to_none)


class Agency(BaseModel):
    """An organisation units belong to or calls are referred to."""

    model_config = _FROZEN
    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    name: str = Field(min_length=1)
    short_name: str = Field(min_length=1)
    kind: Literal["emergency", "referral", "operator"]
    self_dispatching: bool
    phone: str | None = None
    handoff_ack_target_s: int | None = Field(default=None, gt=0, le=3600)
    """Seconds within which the agency should acknowledge a hand-off; past it
    the hand-off escalates (none: the engine's ``handoff_escalation_seconds``)."""
    referral_target_h: int | None = Field(default=None, gt=0, le=24 * 60)
    """Hours within which a referral to the agency should be resolved; past it
    the referral is flagged overdue (none: the engine's default)."""

    service: AgencyService | None = None
    """What the agency is, as the IANA ``urn:emergency:service:responder``
    sub-service the EIDO export names (none: ``psap`` for the operator, else
    ``other``)."""
    channels: tuple[str, ...] = ()
    """Referral channels the agency takes complaints through, preferred first
    (``ulpim sp4n-lapor``); the dispatch catalogue checks the names."""

    _none = field_validator(
        "phone", "handoff_ack_target_s", "referral_target_h", "service", mode="before"
    )(_blank_to_none)

    @field_validator("channels", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return tuple(v.split())
        return v


class SectorTarget(BaseModel):
    """How long referrals in one sector may stay open before they are overdue.

    Kept per sector (drinking water, sanitation, roads…) because what a caller
    can wait for depends on the problem more than on the office: no drinking
    water is urgent, a pothole less so. The engine checks the sector names
    against its list when it starts.
    """

    model_config = _FROZEN
    sector: str = Field(pattern=r"^[a-z][a-z_]*$")
    referral_target_h: int = Field(gt=0, le=24 * 60)
    note: str = ""


class Station(BaseModel):
    """A base units respond from (fire station, hospital, police post…)."""

    model_config = _FROZEN
    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    agency: str
    kind: str
    lat: float = Lat
    lon: float = Lon
    kelurahan_code: str | None = None
    landmark_id: str | None = None

    _none = field_validator("kelurahan_code", "landmark_id", mode="before")(
        _blank_to_none
    )


class Unit(BaseModel):
    """A response unit of the demo roster."""

    model_config = _FROZEN
    callsign: str = Field(pattern=r"^[A-Z0-9][A-Z0-9-]*$")
    agency: str
    unit_type: UnitType
    capabilities: tuple[Capability, ...] = ()
    station_id: str
    name: str = ""

    @field_validator("capabilities", mode="before")
    @classmethod
    def _split(cls, v: object) -> object:
        if isinstance(v, str):
            return tuple(v.split())
        return v


class OutsidePlace(BaseModel):
    """A place name known to lie outside the service area."""

    model_config = _FROZEN
    name: str = Field(min_length=2)
    kind: str = ""
    region: str = ""


class LexiconEntry(BaseModel):
    """A phrase the geocoder rewrites, ignores (filler) or keeps (relation)."""

    model_config = _FROZEN
    kind: Literal["synonym", "filler", "relation", "city_name"]
    phrase: str = Field(min_length=1)
    canonical: str = ""


class TravelConstants(BaseModel):
    """Travel-time constants of a pack (``travel.toml``)."""

    model_config = _FROZEN
    circuity: float = Field(ge=1.0, le=3.0)
    access_speed_kmh: float = Field(gt=0)
    max_snap_m: float = Field(gt=0)
    fallback_speed_kmh: float = Field(gt=0)
    rush_factor: float = Field(gt=0, le=1.0)
    rush_hours: tuple[tuple[str, str], ...] = ()
    road_speed_kmh: dict[str, float]
    unit_speed_factor: dict[str, float]
    turnout_s: dict[str, float]

    @field_validator("rush_hours")
    @classmethod
    def _hhmm(cls, v: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
        for pair in v:
            for hhmm in pair:
                hh, _, mm = hhmm.partition(":")
                if not (
                    hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60
                ):
                    raise ValueError(f"rush hour {hhmm!r} is not HH:MM")
        return v


@dataclass(frozen=True, eq=False)
class RoadGraph:
    """An undirected road graph: nodes with positions, edges with length and class.

    ``edge_class`` indexes :attr:`class_names` (``collector``, ``local``…).
    """

    node_lat: npt.NDArray[np.float64]
    node_lon: npt.NDArray[np.float64]
    edge_u: npt.NDArray[np.int32]
    edge_v: npt.NDArray[np.int32]
    edge_length_m: npt.NDArray[np.float64]
    edge_class: npt.NDArray[np.int16]
    class_names: tuple[str, ...]

    @property
    def node_count(self) -> int:
        """Number of nodes."""
        return int(self.node_lat.shape[0])

    @property
    def edge_count(self) -> int:
        """Number of edges."""
        return int(self.edge_u.shape[0])


class _Ring:
    """A polygon ring with precomputed arrays for containment and distance."""

    __slots__ = ("ab", "ax", "ay", "denom", "x", "x2", "y", "y2")

    def __init__(
        self, ring: npt.NDArray[np.float64], centre: tuple[float, float]
    ) -> None:
        self.y = ring[:, 0]
        self.x = ring[:, 1]
        self.y2 = np.roll(self.y, -1)
        self.x2 = np.roll(self.x, -1)
        xy = local_xy(ring[:, 0], ring[:, 1], centre[0], centre[1])
        self.ax = xy[:, 0]
        self.ay = xy[:, 1]
        b = np.roll(xy, -1, axis=0)
        self.ab = b - xy
        self.denom = np.einsum("ij,ij->i", self.ab, self.ab)

    def contains(self, lat: float, lon: float) -> bool:
        crosses = (self.y > lat) != (self.y2 > lat)
        with np.errstate(divide="ignore", invalid="ignore"):
            xi = self.x + (lat - self.y) * (self.x2 - self.x) / (self.y2 - self.y)
        return bool(np.count_nonzero(crosses & (lon < xi)) % 2)

    def distance_m(self, px: float, py: float) -> float:
        ax = self.ax - px
        ay = self.ay - py
        abx = self.ab[:, 0]
        aby = self.ab[:, 1]
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(self.denom > 0, -(ax * abx + ay * aby) / self.denom, 0.0)
        t = np.clip(t, 0.0, 1.0)
        dx = ax + abx * t
        dy = ay + aby * t
        return float(np.sqrt((dx * dx + dy * dy).min()))


@dataclass(frozen=True, slots=True)
class _Poly:
    kelurahan: Kelurahan
    bbox: BBox
    rings: tuple[_Ring, ...]


@dataclass(frozen=True, eq=False)
class RegionPack:
    """Everything place-specific about one service area, loaded from its folder.

    Build it with :func:`geodata.packs.load_pack`; optional layers that were
    absent are empty tuples (or ``None`` for :attr:`road_graph`).
    """

    name: str
    title: str
    timezone: str
    path: Path
    bbox: BBox
    boundary_tolerance_m: float
    map_center: tuple[float, float]
    map_zoom: int
    kecamatan: tuple[Kecamatan, ...]
    kelurahan: tuple[Kelurahan, ...]
    landmarks: tuple[Landmark, ...]
    streets: tuple[Street, ...]
    stations: tuple[Station, ...]
    agencies: tuple[Agency, ...]
    units: tuple[Unit, ...]
    outside_places: tuple[OutsidePlace, ...]
    lexicon: tuple[LexiconEntry, ...]
    travel: TravelConstants
    road_graph: RoadGraph | None
    #: Per-sector referral follow-up targets (optional layer).
    sector_targets: tuple[SectorTarget, ...] = ()
    #: Layers actually read (``"landmarks"``, ``"roads"``…).
    layers: frozenset[str] = field(default_factory=frozenset)
    #: Files listed as optional in the manifest but absent from the folder.
    missing_optional: tuple[str, ...] = ()
    #: Local incident-catalogue additions/overrides, as plain data:
    #: ``(file name, parsed TOML)`` in manifest order; dispatch validates them.
    catalogue_overlay: tuple[tuple[str, dict[str, Any]], ...] = ()
    #: Caller-speech vocabularies for the incident-type search.
    speech_files: tuple[Path, ...] = ()
    #: The pack's simulation workload profile ``(file name, TOML text)``.
    simulation_profile: tuple[str, str] | None = None

    # -- lookups ---------------------------------------------------------
    @cached_property
    def kelurahan_by_code(self) -> dict[str, Kelurahan]:
        """Kelurahan keyed by Kemendagri code."""
        return {k.code: k for k in self.kelurahan}

    @cached_property
    def kecamatan_by_code(self) -> dict[str, Kecamatan]:
        """Kecamatan keyed by Kemendagri code."""
        return {k.code: k for k in self.kecamatan}

    @cached_property
    def landmark_by_id(self) -> dict[str, Landmark]:
        """Landmarks keyed by id."""
        return {lm.id: lm for lm in self.landmarks}

    @cached_property
    def station_by_id(self) -> dict[str, Station]:
        """Stations keyed by id."""
        return {s.id: s for s in self.stations}

    @cached_property
    def agency_by_code(self) -> dict[str, Agency]:
        """Agencies keyed by code."""
        return {a.code: a for a in self.agencies}

    @cached_property
    def sector_target_h(self) -> dict[str, int]:
        """Referral follow-up targets (hours) keyed by sector."""
        return {t.sector: t.referral_target_h for t in self.sector_targets}

    @cached_property
    def unit_by_callsign(self) -> dict[str, Unit]:
        """Units keyed by callsign."""
        return {u.callsign: u for u in self.units}

    # -- geometry --------------------------------------------------------
    @cached_property
    def _polys(self) -> tuple[_Poly, ...]:
        out = []
        for k in self.kelurahan:
            if not k.polygon:
                continue
            arrays = [np.asarray(r, dtype=np.float64) for r in k.polygon]
            outer = arrays[0]
            box = BBox(
                float(outer[:, 0].min()),
                float(outer[:, 1].min()),
                float(outer[:, 0].max()),
                float(outer[:, 1].max()),
            )
            rings = tuple(_Ring(r, self.map_center) for r in arrays)
            out.append(_Poly(k, box, rings))
        return tuple(out)

    @cached_property
    def _poly_grid(self) -> BoxGrid:
        return BoxGrid([p.bbox for p in self._polys])

    @cached_property
    def _poly_by_code(self) -> dict[str, _Poly]:
        return {p.kelurahan.code: p for p in self._polys}

    def _xy(self, lat: float, lon: float) -> tuple[float, float]:
        # scalar twin of geodata.distance.local_xy
        lat0, lon0 = self.map_center
        k = math.pi / 180.0 * EARTH_RADIUS_M
        return (lon - lon0) * k * math.cos(math.radians(lat0)), (lat - lat0) * k

    def kelurahan_at(self, lat: float, lon: float) -> Kelurahan | None:
        """The kelurahan whose polygon contains the point, or ``None``."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return None
        for i in self._poly_grid.candidates(lat, lon):
            p = self._polys[i]
            if not p.bbox.contains(lat, lon):
                continue
            if p.rings[0].contains(lat, lon) and not any(
                h.contains(lat, lon) for h in p.rings[1:]
            ):
                return p.kelurahan
        return None

    def nearest_kelurahan(
        self, lat: float, lon: float, max_m: float = math.inf
    ) -> tuple[Kelurahan, float] | None:
        """The kelurahan containing the point (distance 0) or the closest one.

        Returns ``(kelurahan, metres to its boundary)`` or ``None`` when none
        lies within ``max_m``.
        """
        inside = self.kelurahan_at(lat, lon)
        if inside is not None:
            return inside, 0.0
        best: tuple[Kelurahan, float] | None = None
        px, py = self._xy(lat, lon)
        for p in self._polys:
            if not p.bbox.contains(lat, lon, margin_m=min(max_m, 50_000.0)):
                continue
            d = p.rings[0].distance_m(px, py)
            if d <= max_m and (best is None or d < best[1]):
                best = (p.kelurahan, d)
        return best

    def distance_to_kelurahan_m(self, code: str, lat: float, lon: float) -> float:
        """Metres from the point to a kelurahan's boundary (0 inside, inf unknown)."""
        p = self._poly_by_code.get(code)
        if p is None:
            return math.inf
        if p.bbox.contains(lat, lon) and p.rings[0].contains(lat, lon):
            return 0.0
        return p.rings[0].distance_m(*self._xy(lat, lon))

    def point_in_service_area(self, lat: float, lon: float) -> bool:
        """Whether the point is in the service area (kelurahan union + tolerance).

        Without polygons the manifest's bounding box decides.
        """
        if not (math.isfinite(lat) and math.isfinite(lon)):
            return False
        if not self.bbox.contains(lat, lon, margin_m=self.boundary_tolerance_m):
            return False
        if not self._polys:
            return True
        return (
            self.nearest_kelurahan(lat, lon, max_m=self.boundary_tolerance_m)
            is not None
        )

    def kecamatan_of(self, kelurahan: Kelurahan) -> Kecamatan | None:
        """The kecamatan a kelurahan belongs to."""
        return self.kecamatan_by_code.get(kelurahan.kecamatan_code)

    @cached_property
    def landmark_xy(self) -> npt.NDArray[np.float64]:
        """Landmark positions on the local plane (metres), for k-d trees."""
        return local_xy(
            [lm.lat for lm in self.landmarks],
            [lm.lon for lm in self.landmarks],
            self.map_center[0],
            self.map_center[1],
        )
