"""Read a region pack folder: the manifest, then every listed file, validated.

A pack is a folder with ``manifest.toml`` (see ``docs/geodata.md``) and the
CSV/GeoJSON/TOML files it lists. Every problem is reported as a
:class:`PackError` naming the file and, where there is one, the line.
"""

from __future__ import annotations

import csv
import json
import re
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal, TypeVar

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from geodata.distance import BBox
from geodata.packs.models import (
    Agency,
    Kecamatan,
    Kelurahan,
    Landmark,
    LexiconEntry,
    OutsidePlace,
    RegionPack,
    RoadGraph,
    Station,
    Street,
    StreetPointRow,
    TravelConstants,
    Unit,
)

__all__ = ["PACKS_DIR", "Manifest", "PackError", "load_pack"]

#: Where packs shipped with Siaga 112 live; a bare name resolves here.
PACKS_DIR = Path(__file__).resolve().parent

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
]
_SINGLE_LAYERS = {
    "kecamatan",
    "kelurahan",
    "boundaries",
    "agencies",
    "lexicon",
    "aliases",
    "outside_places",
    "travel",
    "streets",
    "roads",
    "stations",
    "units",
}
_ALWAYS_REQUIRED = ("kecamatan", "kelurahan", "agencies", "travel")


class PackError(ValueError):
    """A region pack cannot be loaded; the message names the file and line."""


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


# --------------------------------------------------------------------- helpers
M = TypeVar("M", bound=BaseModel)


def _describe(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{loc}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(parts)


def _read_csv(
    path: Path, model: type[M], fixed: dict[str, Any] | None = None
) -> Iterator[tuple[int, M]]:
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror}") from exc
    with fh:
        reader = csv.DictReader(fh, restval=None)
        header = reader.fieldnames
        if not header:
            raise PackError(f"{path}, line 1: empty file, expected a header row")
        unknown = [h for h in header if h not in model.model_fields]
        if unknown:
            raise PackError(
                f"{path}, line 1: unknown column(s) {', '.join(unknown)}; "
                f"expected {', '.join(model.model_fields)}"
            )
        try:
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    raise PackError(
                        f"{path}, line {line}: expected {len(header)} fields "
                        f"({', '.join(header)})"
                    )
                data: dict[str, Any] = dict(row)
                if fixed:
                    data.update(fixed)
                try:
                    yield line, model.model_validate(data)
                except ValidationError as exc:
                    raise PackError(f"{path}, line {line}: {_describe(exc)}") from None
        except csv.Error as exc:
            raise PackError(f"{path}, line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError as exc:
            raise PackError(f"{path}: not UTF-8 text ({exc.reason})") from None


_FEATURE = re.compile(r'"type"\s*:\s*"Feature"')


class _Lines:
    """Line number of the i-th feature, computed only when an error needs it."""

    def __init__(self, text: str, starts: list[int], count: int) -> None:
        self._text = text
        self._starts = starts if len(starts) == count else [0] * count
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> int:
        return self._text.count("\n", 0, self._starts[i]) + 1


def _read_geojson(path: Path) -> tuple[list[dict[str, Any]], _Lines]:
    """Features of a FeatureCollection plus (lazily) the line each starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError(f"{path}, line {exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise PackError(f"{path}, line 1: expected a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise PackError(f"{path}, line 1: FeatureCollection without features")
    starts = [m.start() for m in _FEATURE.finditer(text)]
    return feats, _Lines(text, starts, len(feats))


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        # the message ends with "(at line L, column C)"
        raise PackError(f"{path}: invalid TOML: {exc}") from None


def _ring(
    coords: Any, path: Path, lines: _Lines, i: int
) -> tuple[tuple[float, float], ...]:
    try:
        ring = tuple((float(c[1]), float(c[0])) for c in coords)
    except (TypeError, ValueError, IndexError):
        raise PackError(f"{path}, line {lines[i]}: bad coordinates in ring") from None
    if len(ring) < 4:
        raise PackError(f"{path}, line {lines[i]}: ring with fewer than 4 positions")
    for lat, lon in ring:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PackError(
                f"{path}, line {lines[i]}: position ({lon}, {lat}) out of range "
                "(GeoJSON order is [lon, lat])"
            )
    return ring


# ----------------------------------------------------------------- the loader
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
            pack = _Loader(folder).load()
            _cache[folder] = pack
        return pack


def clear_cache() -> None:
    """Forget loaded packs (tests, or after editing pack files)."""
    with _lock:
        _cache.clear()


class _Loader:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def load(self) -> RegionPack:
        folder = self.folder
        mpath = folder / "manifest.toml"
        if not folder.is_dir():
            raise PackError(f"{folder}: region pack folder not found")
        if not mpath.is_file():
            raise PackError(f"{mpath}: manifest not found")
        try:
            manifest = Manifest.model_validate(_read_toml(mpath))
        except ValidationError as exc:
            raise PackError(f"{mpath}: {_describe(exc)}") from None

        present: dict[str, list[Path]] = {}
        missing: list[str] = []
        missing_layers: set[str] = set()
        for spec in manifest.files:
            p = folder / spec.path
            if not p.resolve().is_relative_to(folder.resolve()):
                raise PackError(f"{mpath}: file {spec.path!r} lies outside the pack")
            if p.is_file():
                if spec.layer in _SINGLE_LAYERS and spec.layer in present:
                    raise PackError(f"{mpath}: layer {spec.layer!r} listed twice")
                present.setdefault(spec.layer, []).append(p)
            elif spec.required or spec.layer in _ALWAYS_REQUIRED:
                raise PackError(f"{p}: required file listed in {mpath.name} is missing")
            else:
                missing.append(spec.path)
                missing_layers.add(spec.layer)
        for layer in _ALWAYS_REQUIRED:
            if layer not in present:
                raise PackError(f"{mpath}: no file for required layer {layer!r}")

        def one(layer: str) -> Path | None:
            paths = present.get(layer)
            return paths[0] if paths else None

        # administrative units
        kpath = one("kecamatan")
        assert kpath is not None
        kecamatan: dict[str, Kecamatan] = {}
        for line, kc in _read_csv(kpath, Kecamatan):
            if kc.code in kecamatan:
                raise PackError(f"{kpath}, line {line}: duplicate code {kc.code}")
            kecamatan[kc.code] = kc
        lpath = one("kelurahan")
        assert lpath is not None
        kelurahan: dict[str, Kelurahan] = {}
        for line, kl in _read_csv(lpath, Kelurahan):
            if kl.code in kelurahan:
                raise PackError(f"{lpath}, line {line}: duplicate code {kl.code}")
            parent = kecamatan.get(kl.kecamatan_code)
            if parent is None:
                raise PackError(
                    f"{lpath}, line {line}: unknown kecamatan_code {kl.kecamatan_code}"
                )
            kelurahan[kl.code] = kl.model_copy(update={"kecamatan_name": parent.name})

        bpath = one("boundaries")
        if bpath is not None:
            feats, lines = _read_geojson(bpath)
            for i, feat in enumerate(feats):
                props = feat.get("properties") or {}
                code = props.get("code")
                geom = feat.get("geometry") or {}
                if code not in kelurahan:
                    raise PackError(
                        f"{bpath}, line {lines[i]}: unknown kelurahan code {code!r}"
                    )
                if geom.get("type") == "Polygon":
                    rings_src = geom.get("coordinates") or []
                elif geom.get("type") == "MultiPolygon":
                    parts = geom.get("coordinates") or []
                    rings_src = max(parts, key=lambda p: len(p[0])) if parts else []
                else:
                    raise PackError(
                        f"{bpath}, line {lines[i]}: expected Polygon or MultiPolygon"
                    )
                rings = tuple(_ring(r, bpath, lines, i) for r in rings_src)
                if not rings:
                    raise PackError(f"{bpath}, line {lines[i]}: empty polygon")
                kelurahan[code] = kelurahan[code].model_copy(update={"polygon": rings})

        # agencies, lexicon, outside places, travel constants
        apath = one("agencies")
        assert apath is not None
        agencies: dict[str, Agency] = {}
        for line, ag in _read_csv(apath, Agency):
            if ag.code in agencies:
                raise PackError(f"{apath}, line {line}: duplicate agency {ag.code}")
            agencies[ag.code] = ag
        lexicon: list[LexiconEntry] = []
        xpath = one("lexicon")
        if xpath is not None:
            lexicon = [e for _, e in _read_csv(xpath, LexiconEntry)]
        outside: list[OutsidePlace] = []
        opath = one("outside_places")
        if opath is not None:
            outside = [o for _, o in _read_csv(opath, OutsidePlace)]
        tpath = one("travel")
        assert tpath is not None
        try:
            travel = TravelConstants.model_validate(_read_toml(tpath))
        except ValidationError as exc:
            raise PackError(f"{tpath}: {_describe(exc)}") from None

        # landmarks (several files may feed the layer)
        landmarks: dict[str, Landmark] = {}
        for path in present.get("landmarks", []):
            for line, lm in _read_csv(path, Landmark):
                if lm.id in landmarks:
                    raise PackError(
                        f"{path}, line {line}: duplicate landmark id {lm.id}"
                    )
                if lm.kelurahan_code is not None and lm.kelurahan_code not in kelurahan:
                    raise PackError(
                        f"{path}, line {line}: unknown kelurahan_code "
                        f"{lm.kelurahan_code}"
                    )
                landmarks[lm.id] = lm

        # streets: one row per known point, grouped by street id
        streets: dict[str, Street] = {}
        spath = one("streets")
        if spath is not None:
            pts: dict[str, list[StreetPointRow]] = {}
            for line, sp in _read_csv(spath, StreetPointRow):
                first = pts.setdefault(sp.street_id, [sp])[0]
                if first is not sp:
                    if first.name != sp.name:
                        raise PackError(
                            f"{spath}, line {line}: street {sp.street_id} named "
                            f"{sp.name!r}, earlier {first.name!r}"
                        )
                    pts[sp.street_id].append(sp)
            for sid, rows in pts.items():
                streets[sid] = Street(
                    id=sid,
                    name=rows[0].name,
                    points=tuple((r.lat, r.lon) for r in rows),
                    kelurahan_codes=tuple(
                        dict.fromkeys(
                            r.kelurahan_code for r in rows if r.kelurahan_code
                        )
                    ),
                )

        # aliases
        alpath = one("aliases")
        if alpath is not None:
            self._apply_aliases(
                alpath, kecamatan, kelurahan, landmarks, streets, missing_layers
            )

        # roads
        road_graph = None
        rpath = one("roads")
        if rpath is not None:
            road_graph = _read_roads(rpath, travel)

        # stations and units
        stations: dict[str, Station] = {}
        stpath = one("stations")
        if stpath is not None:
            for line, st in _read_csv(stpath, Station):
                if st.id in stations:
                    raise PackError(f"{stpath}, line {line}: duplicate station {st.id}")
                if st.agency not in agencies:
                    raise PackError(
                        f"{stpath}, line {line}: unknown agency {st.agency}"
                    )
                if st.kelurahan_code is not None and st.kelurahan_code not in kelurahan:
                    raise PackError(
                        f"{stpath}, line {line}: unknown kelurahan_code "
                        f"{st.kelurahan_code}"
                    )
                stations[st.id] = st
        units: dict[str, Unit] = {}
        upath = one("units")
        if upath is not None and stations:
            for line, un in _read_csv(upath, Unit):
                if un.callsign in units:
                    raise PackError(
                        f"{upath}, line {line}: duplicate callsign {un.callsign}"
                    )
                if un.agency not in agencies:
                    raise PackError(f"{upath}, line {line}: unknown agency {un.agency}")
                if un.station_id not in stations:
                    raise PackError(
                        f"{upath}, line {line}: unknown station_id {un.station_id}"
                    )
                units[un.callsign] = un
        elif upath is not None:
            missing.append(f"{upath.name} (skipped: needs the stations layer)")

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
            kecamatan=tuple(kecamatan.values()),
            kelurahan=tuple(kelurahan.values()),
            landmarks=tuple(landmarks.values()),
            streets=tuple(streets.values()),
            stations=tuple(stations.values()),
            agencies=tuple(agencies.values()),
            units=tuple(units.values()),
            outside_places=tuple(outside),
            lexicon=tuple(lexicon),
            travel=travel,
            road_graph=road_graph,
            layers=frozenset(present),
            missing_optional=tuple(missing),
        )

    def _apply_aliases(
        self,
        path: Path,
        kecamatan: dict[str, Kecamatan],
        kelurahan: dict[str, Kelurahan],
        landmarks: dict[str, Landmark],
        streets: dict[str, Street],
        missing_layers: set[str],
    ) -> None:
        # a target may be absent only when a file of the layer providing it is
        found: dict[str, dict[str, list[str]]] = {
            "kecamatan": {},
            "kelurahan": {},
            "landmark": {},
            "street": {},
        }
        for line, row in _read_csv(path, _AliasRow):
            kind, _, ident = row.target.partition(":")
            if kind not in found or not ident:
                raise PackError(
                    f"{path}, line {line}: target {row.target!r} must be "
                    "kecamatan:<code>, kelurahan:<code>, landmark:<id> or street:<id>"
                )
            layers: dict[str, dict[str, Any]] = {
                "kecamatan": kecamatan,
                "kelurahan": kelurahan,
                "landmark": landmarks,
                "street": streets,
            }
            known = layers[kind]
            if ident not in known:
                tolerated = (kind == "landmark" and "landmarks" in missing_layers) or (
                    kind == "street" and "streets" in missing_layers
                )
                if tolerated:
                    continue
                raise PackError(f"{path}, line {line}: unknown {kind} {ident!r}")
            found[kind].setdefault(ident, []).append(row.alias)
        for code, al in found["kecamatan"].items():
            kecamatan[code] = kecamatan[code].model_copy(update={"aliases": tuple(al)})
        for code, al in found["kelurahan"].items():
            kelurahan[code] = kelurahan[code].model_copy(update={"aliases": tuple(al)})
        for ident, al in found["landmark"].items():
            landmarks[ident] = landmarks[ident].model_copy(
                update={"aliases": tuple(al)}
            )
        for ident, al in found["street"].items():
            streets[ident] = streets[ident].model_copy(update={"aliases": tuple(al)})


class _AliasRow(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    target: str = Field(min_length=3)
    alias: str = Field(min_length=1)


def _read_roads(path: Path, travel: TravelConstants) -> RoadGraph:
    feats, lines = _read_geojson(path)
    classes = tuple(travel.road_speed_kmh)
    class_index = {c: i for i, c in enumerate(classes)}
    index: dict[tuple[int, int], int] = {}
    lat: list[float] = []
    lon: list[float] = []
    us: list[int] = []
    vs: list[int] = []
    cls: list[int] = []

    def node(c: Any) -> int:
        key = (round(c[0] * 1e6), round(c[1] * 1e6))
        i = index.get(key)
        if i is None:
            i = index[key] = len(lat)
            lat.append(float(c[1]))
            lon.append(float(c[0]))
        return i

    for i, feat in enumerate(feats):
        props = feat.get("properties") or {}
        geom = feat.get("geometry") or {}
        cname = props.get("class")
        if cname not in class_index:
            raise PackError(
                f"{path}, line {lines[i]}: road class {cname!r} has no speed in "
                f"travel.toml (known: {', '.join(classes)})"
            )
        if geom.get("type") == "LineString":
            parts = [geom.get("coordinates") or []]
        elif geom.get("type") == "MultiLineString":
            parts = geom.get("coordinates") or []
        else:
            raise PackError(f"{path}, line {lines[i]}: expected (Multi)LineString")
        try:
            for part in parts:
                prev = node(part[0])
                for c in part[1:]:
                    n = node(c)
                    if n != prev:
                        us.append(prev)
                        vs.append(n)
                        cls.append(class_index[cname])
                    prev = n
        except (TypeError, IndexError, ValueError):
            raise PackError(f"{path}, line {lines[i]}: bad line coordinates") from None
    if not us:
        raise PackError(f"{path}: road layer without edges")
    node_lat = np.asarray(lat, dtype=np.float64)
    node_lon = np.asarray(lon, dtype=np.float64)
    u = np.asarray(us, dtype=np.int32)
    v = np.asarray(vs, dtype=np.int32)
    # per-edge haversine length (vectorised over all edges at once)
    la1, lo1, la2, lo2 = (
        np.radians(a) for a in (node_lat[u], node_lon[u], node_lat[v], node_lon[v])
    )
    h = (
        np.sin((la2 - la1) / 2) ** 2
        + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    )
    length = 2 * 6_371_008.8 * np.arcsin(np.sqrt(np.minimum(h, 1.0)))
    return RoadGraph(
        node_lat=node_lat,
        node_lon=node_lon,
        edge_u=u,
        edge_v=v,
        edge_length_m=length,
        edge_class=np.asarray(cls, dtype=np.int16),
        class_names=classes,
    )
