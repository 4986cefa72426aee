"""Writing a built pack: every layer file, the manifest, the attribution.

The files are exactly those :func:`geodata.packs.load_pack` reads (see
``docs/packs.md``); after writing, :func:`build_pack` loads the result once so
a pack that would not load is never left looking finished.
"""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from geodata.packbuild.boundary import Area, Boundary, slug
from geodata.packbuild.osm import OsmExtract, OsmPlace

__all__ = ["STATION_AGENCY", "write_pack"]


def _station_rules() -> dict[tuple[str, str], tuple[str, str]]:
    """``stations.toml``: OSM ``key=value`` → (agency code, station kind)."""
    with (Path(__file__).parent / "stations.toml").open("rb") as fh:
        rules = tomllib.load(fh)["station"]
    out: dict[tuple[str, str], tuple[str, str]] = {}
    for rule in rules:
        key, _, value = str(rule["tag"]).partition("=")
        out[(key, value)] = (str(rule["agency"]), str(rule["kind"]))
    return out


#: OSM tag → (agency code, station kind) of the stations layer (data file).
STATION_AGENCY = _station_rules()

_TRAVEL = """\
# Travel-time constants written by `siaga pack build`; review them for the city
# (docs/packs.md). Road classes come from OSM highway=* (see the builder).
circuity = 1.35
access_speed_kmh = 12.0
max_snap_m = 350.0
fallback_speed_kmh = 30.0
rush_factor = 0.8
rush_hours = [["06:30", "08:00"], ["16:00", "18:00"]]

[road_speed_kmh]
arterial = 50.0
collector = 45.0
local = 32.0
other = 22.0
path = 10.0

[unit_speed_factor]
AMBULANCE = 1.0
HEARSE = 0.8
FIRE_ENGINE = 0.85
WATER_TANKER = 0.75
RESCUE = 0.9
POLICE_PATROL = 1.05
BPBD_RESPONSE = 0.9
SATPOL_PATROL = 0.9

[turnout_s]
AMBULANCE = 60.0
HEARSE = 600.0
FIRE_ENGINE = 80.0
WATER_TANKER = 80.0
RESCUE = 80.0
POLICE_PATROL = 30.0
BPBD_RESPONSE = 180.0
SATPOL_PATROL = 120.0
"""

_ODBL = """\
# Attribution

The landmark, street, road and station layers of this pack ({files}) were
built by `siaga pack build` from OpenStreetMap data:

    {source} (read {when})

© OpenStreetMap contributors. The data is available under the
Open Database License (ODbL) 1.0: https://opendatacommons.org/licenses/odbl/1-0/
— see https://www.openstreetmap.org/copyright. These layers are a derivative
database under the ODbL: if you publish the pack, publish it (or the means to
rebuild it) under the same licence and keep this notice with it.

The boundary ({boundary}) is the centre's own input; state its source here.
"""


def _write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    n = 0
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        for row in rows:
            w.writerow(row)
            n += 1
    return n


def _kecamatan_codes(areas: Sequence[Area]) -> dict[str, str]:
    names = list(dict.fromkeys(a.kecamatan for a in areas))
    return {name: f"{i + 1:02d}" for i, name in enumerate(names)}


def _write_admin(out: Path, boundary: Boundary) -> None:
    kec = _kecamatan_codes(boundary.areas)
    rows = []
    for name, code in kec.items():
        members = [a.centroid for a in boundary.areas if a.kecamatan == name]
        lat = sum(c[0] for c in members) / len(members)
        lon = sum(c[1] for c in members) / len(members)
        rows.append((code, name, f"{lat:.6f}", f"{lon:.6f}"))
    _write_csv(
        out / "kecamatan.csv", ("code", "name", "centroid_lat", "centroid_lon"), rows
    )
    _write_csv(
        out / "kelurahan.csv",
        ("code", "name", "kecamatan_code", "postcode", "centroid_lat", "centroid_lon"),
        (
            (
                a.code,
                a.name,
                kec[a.kecamatan],
                "",
                f"{a.centroid[0]:.6f}",
                f"{a.centroid[1]:.6f}",
            )
            for a in boundary.areas
        ),
    )
    feats = [
        {
            "type": "Feature",
            "properties": {"code": a.code, "name": a.name},
            "geometry": {
                "type": "Polygon",
                "coordinates": [r.tolist() for r in a.rings],
            },
        }
        for a in boundary.areas
    ]
    _dump_features(out / "boundaries.geojson", feats)


def _dump_features(path: Path, feats: list[dict[str, Any]]) -> None:
    # one feature per line, so the loader's errors point at a useful line
    body = ",\n".join(json.dumps(f, ensure_ascii=False) for f in feats)
    path.write_text(
        '{"type": "FeatureCollection", "features": [\n' + body + "\n]}\n",
        encoding="utf-8",
    )


def _landmark_id(place: OsmPlace) -> str:
    return f"{slug(place.name)[:60]}-{place.osm_id}"


def _kel(boundary: Boundary, lat: float, lon: float) -> str:
    area = boundary.area_at(lon, lat)
    return area.code if area else ""


def _write_landmarks(out: Path, boundary: Boundary, osm: OsmExtract) -> int:
    return _write_csv(
        out / "landmarks.csv",
        (
            "id",
            "name",
            "kind",
            "category",
            "lat",
            "lon",
            "kelurahan_code",
            "source_ref",
        ),
        (
            (
                _landmark_id(p),
                p.name,
                p.kind,
                p.category,
                f"{p.lat:.7f}",
                f"{p.lon:.7f}",
                _kel(boundary, p.lat, p.lon),
                f"osm:{p.osm_id}",
            )
            for p in osm.places
        ),
    )


def _station_of(place: OsmPlace) -> tuple[str, str] | None:
    for (key, value), found in STATION_AGENCY.items():
        if place.tags.get(key) == value:
            return found
    return None


def _write_stations(out: Path, boundary: Boundary, osm: OsmExtract) -> int:
    rows = []
    for p in osm.places:
        found = _station_of(p)
        if found is None:
            continue
        agency, kind = found
        rows.append(
            (
                f"st-{p.osm_id}",
                p.name,
                agency,
                kind,
                f"{p.lat:.7f}",
                f"{p.lon:.7f}",
                _kel(boundary, p.lat, p.lon),
                _landmark_id(p),
            )
        )
    header = (
        "id",
        "name",
        "agency",
        "kind",
        "lat",
        "lon",
        "kelurahan_code",
        "landmark_id",
    )
    return _write_csv(out / "stations.csv", header, rows)


def _street_rows(boundary: Boundary, osm: OsmExtract) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for hw in osm.highways:
        if not hw.name:
            continue
        for lat, lon in hw.points:
            code = _kel(boundary, lat, lon)
            if code:  # only the part of a street inside the city
                rows.append(
                    (
                        slug(hw.name),
                        hw.name,
                        f"{lat:.7f}",
                        f"{lon:.7f}",
                        code,
                        f"osm:{hw.osm_id}",
                    )
                )
    return rows


def _write_streets(out: Path, boundary: Boundary, osm: OsmExtract) -> int:
    header = ("street_id", "name", "lat", "lon", "kelurahan_code", "source_object")
    return _write_csv(out / "streets.csv", header, _street_rows(boundary, osm))


def _write_roads(out: Path, osm: OsmExtract) -> int:
    feats = [
        {
            "type": "Feature",
            "properties": {"class": hw.road_class, "name": hw.name, "osm": hw.osm_id},
            "geometry": {
                "type": "LineString",
                "coordinates": [
                    [round(lon, 7), round(lat, 7)] for lat, lon in hw.points
                ],
            },
        }
        for hw in osm.highways
    ]
    _dump_features(out / "roads.geojson", feats)
    return len(feats)


def _manifest(
    name: str,
    title: str,
    timezone: str,
    boundary: Boundary,
    layers: list[tuple[str, str, bool, str]],
) -> str:
    lat = (boundary.min_lat + boundary.max_lat) / 2
    lon = (boundary.min_lon + boundary.max_lon) / 2
    lines = [
        "# Region pack manifest written by `siaga pack build` (docs/packs.md).",
        "format_version = 1",
        "",
        "[pack]",
        f"name = {json.dumps(name)}",
        f"title = {json.dumps(title)}",
        f"timezone = {json.dumps(timezone)}",
        "",
        "[service_area]",
        f"min_lat = {boundary.min_lat:.6f}",
        f"max_lat = {boundary.max_lat:.6f}",
        f"min_lon = {boundary.min_lon:.6f}",
        f"max_lon = {boundary.max_lon:.6f}",
        "boundary_tolerance_m = 75.0",
        "",
        "[map]",
        f"center_lat = {lat:.6f}",
        f"center_lon = {lon:.6f}",
        "zoom = 14",
    ]
    for layer, path, required, source in layers:
        lines += [
            "",
            "[[files]]",
            f"layer = {json.dumps(layer)}",
            f"path = {json.dumps(path)}",
            f"required = {'true' if required else 'false'}",
            f"source = {json.dumps(source)}",
        ]
    return "\n".join(lines) + "\n"


def write_pack(
    out: Path,
    *,
    name: str,
    title: str,
    timezone: str,
    boundary: Boundary,
    osm: OsmExtract,
    osm_path: Path,
    boundary_path: Path,
) -> dict[str, int]:
    """Write every file of the pack into ``out``; returns counts per layer."""
    out.mkdir(parents=True, exist_ok=True)
    _write_admin(out, boundary)
    starter = (Path(__file__).parent / "starter_agencies.csv").read_text("utf-8")
    (out / "agencies.csv").write_text(starter.replace("{city}", title), "utf-8")
    (out / "travel.toml").write_text(_TRAVEL, encoding="utf-8")
    lexicon = (Path(__file__).parent / "lexicon_id.csv").read_text(encoding="utf-8")
    (out / "lexicon.csv").write_text(
        lexicon + f"city_name,{name.replace('-', ' ')},\n", encoding="utf-8"
    )
    counts = {
        "kelurahan": len(boundary.areas),
        "landmarks": _write_landmarks(out, boundary, osm),
        "street points": _write_streets(out, boundary, osm),
        "roads": _write_roads(out, osm),
        "stations": _write_stations(out, boundary, osm),
    }
    osm_src = f"OpenStreetMap ({osm_path.name}), ODbL 1.0, see ATTRIBUTION.md"
    own = f"{boundary_path.name} (the centre's boundary)"
    layers = [
        ("kecamatan", "kecamatan.csv", True, own),
        ("kelurahan", "kelurahan.csv", True, own),
        ("boundaries", "boundaries.geojson", True, own),
        ("agencies", "agencies.csv", True, "Siaga 112 starter list: edit it"),
        ("lexicon", "lexicon.csv", True, "Siaga 112 starter lexicon (Indonesian)"),
        ("travel", "travel.toml", True, "Siaga 112 defaults"),
        ("landmarks", "landmarks.csv", False, osm_src),
        ("streets", "streets.csv", False, osm_src),
        ("stations", "stations.csv", False, osm_src),
    ]
    if counts["roads"]:
        layers.append(("roads", "roads.geojson", False, osm_src))
    else:
        (out / "roads.geojson").unlink()  # the loader refuses a graph without edges
    (out / "manifest.toml").write_text(
        _manifest(name, title, timezone, boundary, layers), encoding="utf-8"
    )
    when = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    (out / "ATTRIBUTION.md").write_text(
        _ODBL.format(
            files="landmarks.csv, streets.csv, roads.geojson, stations.csv",
            source=osm_path.name,
            when=when,
            boundary=boundary_path.name,
        ),
        encoding="utf-8",
    )
    return counts


def remove_partial(out: Path) -> None:
    """Remove a half-written pack folder (the build failed after creating it)."""
    shutil.rmtree(out, ignore_errors=True)
