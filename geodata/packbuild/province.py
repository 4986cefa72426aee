"""A synthetic province pack: one city pack tiled side by side (issue #12).

No province's data is at hand, so the province-scale benchmarks run on a
pack made from a real city pack (Blitar): the city is copied into a grid of
tiles, each shifted by the city's extent so the tiles sit next to each other
inside one big service area. Each tile gets a made-up town name, appended to
its kecamatan, kelurahan, landmark, street and alias names (so "Sukorejo"
is ambiguous across the province, as such names are, while "Sukorejo
Tirtoagung" is not), codes and ids get a tile tag, the road graph is shifted
and neighbouring tiles are joined by connector roads, and each station gets
``unit_copies`` times the city's roster. Small made-up places
(:mod:`~geodata.packbuild.province_names`) bring the gazetteer to province
size. The result is an ordinary pack: ``load_pack(folder)`` validates it.
"""

from __future__ import annotations

import csv
import json
import random
import shutil
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geodata.packbuild.province_names import small_place_names, tile_names

__all__ = ["ProvinceBuildError", "ProvincePlan", "build_province", "parse_tiles"]

Row = dict[str, str]


class ProvinceBuildError(ValueError):
    """The province pack cannot be made; the message says why."""


@dataclass(frozen=True)
class ProvincePlan:
    """What to make: the grid, the roster copies and the small places."""

    cols: int = 4
    rows: int = 2
    unit_copies: int = 16
    small_places_per_tile: int = 36_800
    connectors_per_edge: int = 3
    seed: int = 12


def parse_tiles(text: str) -> tuple[int, int]:
    """``"4x2"`` → ``(4, 2)``: columns (east-west) by rows (north-south).

    Raises:
        ProvinceBuildError: not two positive whole numbers joined by ``x``.
    """
    cols, sep, rows = text.strip().lower().partition("x")
    if not (sep and cols.isdigit() and rows.isdigit()) or not int(cols) * int(rows):
        raise ProvinceBuildError(f"--tiles {text!r}: expected COLSxROWS, e.g. 4x2")
    return int(cols), int(rows)


@dataclass
class _Tile:
    index: int
    name: str
    dlat: float
    dlon: float

    @property
    def tag(self) -> str:
        return f"P{self.index + 1:02d}"

    @property
    def slug(self) -> str:
        return f"p{self.index + 1:02d}"

    def code(self, code: str) -> str:
        return f"{self.tag}.{code}" if code else code

    def ident(self, ident: str) -> str:
        return f"{ident}-{self.slug}" if ident else ident

    def named(self, name: str) -> str:
        return f"{name} {self.name}"

    def lat(self, v: str) -> str:
        return f"{float(v) + self.dlat:.7f}"

    def lon(self, v: str) -> str:
        return f"{float(v) + self.dlon:.7f}"


@dataclass
class _Out:
    folder: Path
    counts: dict[str, int] = field(default_factory=dict)


def _read(path: Path) -> tuple[list[str], list[Row]]:
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[Row]) -> int:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


def _place_row(r: Row, t: _Tile, id_key: str) -> Row:
    out = dict(r, **{id_key: t.ident(r[id_key]), "name": t.named(r["name"])})
    out["lat"], out["lon"] = t.lat(r["lat"]), t.lon(r["lon"])
    if r.get("kelurahan_code"):
        out["kelurahan_code"] = t.code(r["kelurahan_code"])
    return out


def _area_row(r: Row, t: _Tile) -> Row:
    out = dict(r, code=t.code(r["code"]), name=t.named(r["name"]))
    out["centroid_lat"] = t.lat(r["centroid_lat"])
    out["centroid_lon"] = t.lon(r["centroid_lon"])
    if "kecamatan_code" in r:
        out["kecamatan_code"] = t.code(r["kecamatan_code"])
    return out


def _alias_row(r: Row, t: _Tile) -> Row:
    kind, _, ident = r["target"].partition(":")
    new = t.code(ident) if kind in ("kecamatan", "kelurahan") else t.ident(ident)
    return {"target": f"{kind}:{new}", "alias": t.named(r["alias"])}


def _station_row(r: Row, t: _Tile) -> Row:
    out = _place_row(r, t, "id")
    if r.get("landmark_id"):
        out["landmark_id"] = t.ident(r["landmark_id"])
    return out


def _unit_rows(rows: list[Row], t: _Tile, copies: int) -> list[Row]:
    return [
        dict(
            r,
            callsign=f"{r['callsign']}-{t.tag}-{k + 1:02d}",
            station_id=t.ident(r["station_id"]),
            name=f"{t.named(r['name'])} #{k + 1}",
        )
        for k in range(copies)
        for r in rows
    ]


_ROW_MAKERS: dict[str, Callable[[Row, _Tile], Row]] = {
    "kecamatan": _area_row,
    "kelurahan": _area_row,
    "landmarks": lambda r, t: _place_row(r, t, "id"),
    "streets": lambda r, t: _place_row(r, t, "street_id"),
    "aliases": _alias_row,
    "stations": _station_row,
}


def _tile_csv(src: Path, dst: Path, layer: str, tiles: list[_Tile], copies: int) -> int:
    header, rows = _read(src)
    out: list[Row] = []
    for t in tiles:
        if layer == "units":
            out += _unit_rows(rows, t, copies)
        else:
            out += [_ROW_MAKERS[layer](r, t) for r in rows]
    return _write(dst, header, out)


def _shift(coords: Any, dlat: float, dlon: float) -> Any:
    if coords and isinstance(coords[0], (int, float)):
        return [round(coords[0] + dlon, 7), round(coords[1] + dlat, 7), *coords[2:]]
    return [_shift(c, dlat, dlon) for c in coords]


def _tile_geojson(src: Path, dst: Path, tiles: list[_Tile], extra: list[Any]) -> int:
    base = json.loads(src.read_text(encoding="utf-8"))["features"]
    feats: list[Any] = []
    for t in tiles:
        for f in base:
            props = dict(f.get("properties") or {})
            if "code" in props:
                props["code"] = t.code(props["code"])
            if "name" in props:
                props["name"] = t.named(props["name"])
            geom = dict(f["geometry"])
            geom["coordinates"] = _shift(geom["coordinates"], t.dlat, t.dlon)
            feats.append({"type": "Feature", "properties": props, "geometry": geom})
    feats += extra
    with dst.open("w", encoding="utf-8") as fh:
        fh.write('{"type":"FeatureCollection","features":[\n')
        fh.write(",\n".join(json.dumps(f, separators=(",", ":")) for f in feats))
        fh.write("\n]}\n")
    return len(feats)


def _road_positions(src: Path) -> list[tuple[float, float]]:
    pts: list[tuple[float, float]] = []

    def walk(c: Any) -> None:
        if c and isinstance(c[0], (int, float)):
            pts.append((float(c[1]), float(c[0])))
        else:
            for x in c:
                walk(x)

    for f in json.loads(src.read_text(encoding="utf-8"))["features"]:
        walk(f["geometry"]["coordinates"])
    return pts


def _edge_nodes(
    pts: list[tuple[float, float]], axis: int, far: bool, bands: int
) -> list[tuple[float, float]]:
    """The outermost road node (along ``axis``) in each of ``bands`` strips."""
    other = 1 - axis
    lo = min(p[other] for p in pts)
    width = (max(p[other] for p in pts) - lo) / bands or 1.0
    best: dict[int, tuple[float, float]] = {}
    for p in pts:
        b = min(bands - 1, int((p[other] - lo) / width))
        cur = best.get(b)
        if cur is None or (p[axis] > cur[axis] if far else p[axis] < cur[axis]):
            best[b] = p
    return [best[b] for b in sorted(best)]


def _connectors(
    pts: list[tuple[float, float]], grid: dict[tuple[int, int], _Tile], n: int, cls: str
) -> list[Any]:
    """Roads joining each tile to its east and north neighbours."""
    east, west = _edge_nodes(pts, 1, True, n), _edge_nodes(pts, 1, False, n)
    north, south = _edge_nodes(pts, 0, True, n), _edge_nodes(pts, 0, False, n)
    feats = []
    for (r, c), t in grid.items():
        for nb, a_nodes, b_nodes in (
            (grid.get((r, c + 1)), east, west),
            (grid.get((r + 1, c)), north, south),
        ):
            if nb is None:
                continue
            for a, b in zip(a_nodes, b_nodes, strict=False):
                line = [
                    [round(a[1] + t.dlon, 7), round(a[0] + t.dlat, 7)],
                    [round(b[1] + nb.dlon, 7), round(b[0] + nb.dlat, 7)],
                ]
                geom = {"type": "LineString", "coordinates": line}
                props = {"class": cls, "connector": True}
                feats.append({"type": "Feature", "properties": props, "geometry": geom})
    return feats


def _small_places(
    src_rows: list[Row], tiles: list[_Tile], plan: ProvincePlan
) -> list[Row]:
    """Made-up small places near the city's own landmarks, per tile."""
    anchors = [r for r in src_rows if r.get("kelurahan_code")]
    rows: list[Row] = []
    for t in tiles:
        rng = random.Random(plan.seed * 1000 + t.index)
        names = small_place_names(plan.small_places_per_tile, plan.seed + t.index)
        for i, (name, kind) in enumerate(names):
            a = anchors[rng.randrange(len(anchors))]
            # within about 150 m of the anchor: the same kelurahan, nearly always
            lat = float(a["lat"]) + rng.uniform(-0.0013, 0.0013) + t.dlat
            lon = float(a["lon"]) + rng.uniform(-0.0013, 0.0013) + t.dlon
            rows.append(
                {
                    "id": f"{t.slug}-place-{i + 1:05d}",
                    "name": t.named(name),
                    "kind": kind,
                    "category": "SYNTHETIC",
                    "lat": f"{lat:.7f}",
                    "lon": f"{lon:.7f}",
                    "kelurahan_code": t.code(a["kelurahan_code"]),
                    "source_ref": "synthetic",
                }
            )
    return rows


def _manifest_text(
    base: dict[str, Any], name: str, cols: int, rows: int, files: list[dict[str, Any]]
) -> str:
    sa, pk = base["service_area"], base["pack"]
    dlat, dlon = sa["max_lat"] - sa["min_lat"], sa["max_lon"] - sa["min_lon"]
    box = {
        "min_lat": sa["min_lat"],
        "max_lat": sa["min_lat"] + rows * dlat,
        "min_lon": sa["min_lon"],
        "max_lon": sa["min_lon"] + cols * dlon,
    }
    title = f"Provinsi Sintetis ({pk['title']} x{cols * rows})"
    lines = [
        "# Synthetic province pack written by `siaga pack province` (docs/packs.md).",
        f"# {cols}x{rows} tiles of the {pk['name']} pack; made-up names.",
        "format_version = 1",
        "",
        "[pack]",
        f"name = {json.dumps(name)}",
        f"title = {json.dumps(title)}",
        f"timezone = {json.dumps(pk['timezone'])}",
        "",
        "[service_area]",
        *(f"{k} = {v:.6f}" for k, v in box.items()),
        f"boundary_tolerance_m = {sa.get('boundary_tolerance_m', 75.0)}",
        "",
        "[map]",
        f"center_lat = {(box['min_lat'] + box['max_lat']) / 2:.6f}",
        f"center_lon = {(box['min_lon'] + box['max_lon']) / 2:.6f}",
        "zoom = 11",
    ]
    for f in files:
        lines += ["", "[[files]]"]
        lines += [f"{k} = {json.dumps(v)}" for k, v in f.items()]
    return "\n".join(lines) + "\n"


_TILED_CSV = frozenset(
    {"kecamatan", "kelurahan", "landmarks", "streets", "aliases", "stations", "units"}
)


def _plan_tiles(
    base: dict[str, Any], plan: ProvincePlan
) -> dict[tuple[int, int], _Tile]:
    sa = base["service_area"]
    dlat, dlon = sa["max_lat"] - sa["min_lat"], sa["max_lon"] - sa["min_lon"]
    names = tile_names(plan.cols * plan.rows)
    grid = {}
    for r in range(plan.rows):
        for c in range(plan.cols):
            i = r * plan.cols + c
            grid[(r, c)] = _Tile(i, names[i], r * dlat, c * dlon)
    return grid


def _road_class(src: Path) -> str:
    speeds = tomllib.loads(src.read_text(encoding="utf-8")).get("road_speed_kmh", {})
    if not speeds:
        raise ProvinceBuildError(f"{src}: no [road_speed_kmh] for the connector roads")
    return str(max(speeds, key=lambda k: speeds[k]))


def _write_layers(
    src: Path,
    out: _Out,
    files: list[dict[str, Any]],
    grid: dict[tuple[int, int], _Tile],
    plan: ProvincePlan,
) -> None:
    tiles = list(grid.values())
    travel = next(f["path"] for f in files if f["layer"] == "travel")
    for f in files:
        s, d, layer = src / f["path"], out.folder / f["path"], f["layer"]
        if not s.exists():
            continue
        d.parent.mkdir(parents=True, exist_ok=True)
        if layer in _TILED_CSV:
            n = _tile_csv(s, d, layer, tiles, plan.unit_copies)
        elif layer == "boundaries":
            n = _tile_geojson(s, d, tiles, [])
        elif layer == "roads":
            extra = _connectors(
                _road_positions(s),
                grid,
                plan.connectors_per_edge,
                _road_class(src / travel),
            )
            n = _tile_geojson(s, d, tiles, extra)
        else:
            shutil.copyfile(s, d)
            continue
        out.counts[layer] = out.counts.get(layer, 0) + n


def build_province(
    source: Path, out: Path, name: str = "province", plan: ProvincePlan | None = None
) -> dict[str, int]:
    """Write the province pack made from the pack folder ``source`` into ``out``.

    Returns:
        Rows (features for GeoJSON layers) written per layer.

    Raises:
        ProvinceBuildError: ``out`` holds files, ``source`` is no pack, or the
            plan asks for more tiles or places than there are names for.
    """
    plan = plan or ProvincePlan()
    base, grid = _read_base(source, out, plan)
    out.mkdir(parents=True, exist_ok=True)
    result = _Out(out)
    files = [dict(f) for f in base.get("files", [])]
    _write_layers(source, result, files, grid, plan)
    _add_small_places(source, result, files, list(grid.values()), plan)
    for extra in sorted(source.glob("*.md")) + sorted(source.glob("LICENSE*")):
        shutil.copyfile(extra, out / extra.name)
    (out / "manifest.toml").write_text(
        _manifest_text(base, name, plan.cols, plan.rows, files), encoding="utf-8"
    )
    return result.counts


def _read_base(
    source: Path, out: Path, plan: ProvincePlan
) -> tuple[dict[str, Any], dict[tuple[int, int], _Tile]]:
    """The source manifest and the tile grid, or the reason there are none."""
    if plan.cols < 1 or plan.rows < 1 or plan.unit_copies < 1:
        raise ProvinceBuildError("tiles and unit copies must be at least 1")
    if out.exists() and any(out.iterdir()):
        raise ProvinceBuildError(f"{out} already holds files; choose an empty folder")
    try:
        base = tomllib.loads((source / "manifest.toml").read_text(encoding="utf-8"))
        return base, _plan_tiles(base, plan)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ProvinceBuildError(
            f"{source}: no readable manifest.toml ({exc})"
        ) from None
    except KeyError as exc:
        raise ProvinceBuildError(f"{source}/manifest.toml: no {exc} setting") from None
    except ValueError as exc:
        raise ProvinceBuildError(str(exc)) from None


def _add_small_places(
    source: Path,
    out: _Out,
    files: list[dict[str, Any]],
    tiles: list[_Tile],
    plan: ProvincePlan,
) -> None:
    if plan.small_places_per_tile <= 0:
        return
    first = next((f for f in files if f["layer"] == "landmarks"), None)
    if first is None:
        raise ProvinceBuildError(f"{source}: small places need a landmarks layer")
    header, rows = _read(source / first["path"])
    try:
        places = _small_places(rows, tiles, plan)
    except ValueError as exc:
        raise ProvinceBuildError(str(exc)) from None
    out.counts["landmarks"] += _write(out.folder / "small_places.csv", header, places)
    files.append(
        {
            "layer": "landmarks",
            "path": "small_places.csv",
            "required": False,
            "source": "synthetic small places (geodata/packbuild/province_names.py)",
        }
    )
