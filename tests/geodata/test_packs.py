"""The Blitar region pack: contents, contracts, optional layers, malformed files."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from geodata.geocoder import OfflineGeocoder
from geodata.packs import (
    CAPABILITIES,
    PACKS_DIR,
    UNIT_TYPES,
    PackError,
    RegionPack,
    clear_cache,
    load_pack,
)

BLITAR = PACKS_DIR / "blitar"
OPTIONAL_UNLICENSED = (
    "landmarks.csv",
    "schools.csv",
    "streets.csv",
    "roads.geojson",
    "stations.csv",
)

# verified points from the sources' sanity checks (lat, lon, kelurahan)
KNOWN_POINTS = [
    (-8.08512, 112.17607, "Bendogerit"),  # Makam Bung Karno
    (-8.10134, 112.16280, "Kepanjenkidul"),  # Stasiun Blitar
    (-8.09816, 112.16518, "Kepanjenlor"),  # Alun-alun
    (-8.09942, 112.16451, "Kepanjenkidul"),  # Kantor Walikota
    (-8.10946, 112.17983, "Karangtengah"),  # RSUD Mardi Waluyo
]


def test_admin_units(pack: RegionPack) -> None:
    assert pack.name == "blitar"
    assert pack.timezone == "Asia/Jakarta"
    assert len(pack.kecamatan) == 3
    assert len(pack.kelurahan) == 21
    assert {k.name for k in pack.kecamatan} == {
        "Kepanjenkidul",
        "Sukorejo",
        "Sananwetan",
    }
    turi = next(k for k in pack.kelurahan if k.name == "Turi")
    assert turi.code == "35.72.02.1004"
    assert turi.kecamatan_name == "Sukorejo"
    assert turi.postcode == "66126"
    for k in pack.kelurahan:
        assert k.code.startswith(k.kecamatan_code + ".")
        assert k.polygon, k.name
        # lat/lon order at the GeoJSON boundary: Blitar is at -8°, 112°
        lat, lon = k.polygon[0][0]
        assert -8.2 < lat < -8.0
        assert 112.1 < lon < 112.25
        assert pack.kelurahan_at(k.centroid_lat, k.centroid_lon) == k


def test_landmarks_and_streets(pack: RegionPack) -> None:
    assert len(pack.landmarks) > 350
    rsud = pack.landmark_by_id["rsud-mardi-waluyo"]
    assert rsud.kind == "hospital"
    assert "RSUD" in rsud.aliases
    kinds = {lm.kind for lm in pack.landmarks}
    for needed in (
        "hospital",
        "puskesmas",
        "police",
        "fire_station",
        "market",
        "station",
        "terminal",
        "park",
        "monument",
        "sports",
        "worship",
        "school",
        "government",
    ):
        assert needed in kinds
    supriyadi = next(s for s in pack.streets if s.id == "jl-sodanco-supriyadi")
    assert len(supriyadi.points) > 5  # "S. Supriadi" and "Sodanco Supriyadi" merged
    assert "S Supriadi" in supriyadi.aliases


def test_agencies_stations_units_contract(pack: RegionPack) -> None:
    codes = {a.code for a in pack.agencies}
    assert {
        "DAMKAR",
        "PSC119",
        "RSUD",
        "PMI",
        "POLRES",
        "BPBD",
        "SATPOLPP",
        "DINSOS",
        "PUPR",
        "PERKIM",
        "DLH",
        "PDAM",
        "PLN",
        "DISHUB",
        "DISKOMINFOTIK",
    } <= codes
    assert pack.agency_by_code["DISKOMINFOTIK"].kind == "operator"
    assert pack.agency_by_code["PLN"].kind == "referral"
    assert pack.agency_by_code["DAMKAR"].kind == "emergency"
    by_type: dict[str, int] = {}
    for u in pack.units:
        assert u.unit_type in UNIT_TYPES
        assert set(u.capabilities) <= set(CAPABILITIES)
        assert u.station_id in pack.station_by_id
        assert u.agency in codes
        by_type[u.unit_type] = by_type.get(u.unit_type, 0) + 1
    assert 4 <= by_type["AMBULANCE"] <= 6
    assert by_type["FIRE_ENGINE"] == 3
    assert by_type["WATER_TANKER"] == 2
    assert by_type["RESCUE"] == 1
    assert 5 <= by_type["POLICE_PATROL"] <= 7
    assert by_type["BPBD_RESPONSE"] == 2
    assert 1 <= by_type["SATPOL_PATROL"] <= 2
    assert 1 <= by_type["HEARSE"] <= 2
    assert "AMB-01" in pack.unit_by_callsign
    for st in pack.stations:
        assert pack.point_in_service_area(st.lat, st.lon), st.id


@pytest.mark.parametrize(("lat", "lon", "name"), KNOWN_POINTS)
def test_kelurahan_at_known_points(
    pack: RegionPack, lat: float, lon: float, name: str
) -> None:
    kel = pack.kelurahan_at(lat, lon)
    assert kel is not None
    assert kel.name == name


def test_service_area(pack: RegionPack) -> None:
    assert pack.point_in_service_area(-8.0985, 112.1652)
    assert not pack.point_in_service_area(-7.8167, 112.0112)  # Kediri
    assert not pack.point_in_service_area(-8.1400, 112.2200)  # Kabupaten Blitar, east
    assert not pack.point_in_service_area(float("nan"), 112.16)
    assert pack.kelurahan_at(-7.9666, 112.6326) is None  # Malang


def test_road_graph(pack: RegionPack) -> None:
    g = pack.road_graph
    assert g is not None
    assert g.node_count == 3888
    assert 4000 < g.edge_count < 4200
    assert set(g.class_names) >= {"collector", "local", "other", "path"}
    total_km = float(g.edge_length_m.sum()) / 1000
    assert 190 < total_km < 205  # SOURCES.md: 198 km


def test_load_is_cached(pack: RegionPack) -> None:
    assert load_pack("blitar") is pack
    assert load_pack(BLITAR) is pack


def test_attribution_and_licence_travel_with_the_pack() -> None:
    attribution = (BLITAR / "ATTRIBUTION.md").read_text(encoding="utf-8")
    for origin in (
        "rizHarism/geojsongis",
        "rizharism/gis-pendidikan",
        "cahyadsn/wilayah",
        "Rupabumi",
    ):
        assert origin in attribution
    assert "MIT" in (BLITAR / "LICENSE-cahyadsn.txt").read_text(encoding="utf-8")


# ---------------------------------------------------------------- optional layers
@pytest.fixture
def pack_copy(tmp_path: Path) -> Iterator[Path]:
    dest = tmp_path / "blitar"
    shutil.copytree(BLITAR, dest)
    yield dest
    clear_cache()


def test_pack_works_without_unlicensed_layers(pack_copy: Path) -> None:
    for name in OPTIONAL_UNLICENSED:
        (pack_copy / name).unlink()
    pack = load_pack(pack_copy)
    assert len(pack.kelurahan) == 21
    assert pack.landmarks == ()
    assert pack.streets == ()
    assert pack.road_graph is None
    assert pack.units == ()  # the roster needs station positions
    assert set(OPTIONAL_UNLICENSED) <= set(pack.missing_optional)
    g = OfflineGeocoder(pack)
    result = g.lookup("Kelurahan Turi RT 02")
    assert result.match is not None
    assert result.match.kelurahan_code == "35.72.02.1004"
    assert g.lookup("kel. kepanjen kidul").match.kelurahan == "Kepanjenkidul"  # type: ignore[union-attr]
    assert g.lookup("jalan pahlawan kota malang").status == "outside_service_area"
    rev = g.reverse_lookup(-8.08512, 112.17607)
    assert rev.kelurahan is not None
    assert rev.kelurahan.name == "Bendogerit"
    assert rev.nearest_landmark is None
    from geodata.travel import GeodesicTravelModel, default_travel_model

    assert type(default_travel_model(pack)) is GeodesicTravelModel


# ---------------------------------------------------------------- malformed packs
def _replace_line(path: Path, lineno: int, new: str) -> None:
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[lineno - 1] = new
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_bad_csv_value_names_file_and_line(pack_copy: Path) -> None:
    path = pack_copy / "landmarks.csv"
    line = path.read_text(encoding="utf-8").splitlines()[11].split(",")
    line[4] = "minus eight"
    _replace_line(path, 12, ",".join(line))
    with pytest.raises(PackError, match=r"landmarks\.csv, line 12: lat"):
        load_pack(pack_copy)


def test_short_csv_row_names_file_and_line(pack_copy: Path) -> None:
    _replace_line(pack_copy / "kelurahan.csv", 5, "35.72.01.1004,Kauman")
    with pytest.raises(PackError, match=r"kelurahan\.csv, line 5: expected 6 fields"):
        load_pack(pack_copy)


def test_unknown_reference_names_file_and_line(pack_copy: Path) -> None:
    path = pack_copy / "units.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    _replace_line(path, 3, rows[2].replace("st-pkm-sukorejo", "st-nowhere"))
    with pytest.raises(
        PackError, match=r"units\.csv, line 3: unknown station_id st-nowhere"
    ):
        load_pack(pack_copy)


def test_unknown_unit_type_is_rejected(pack_copy: Path) -> None:
    path = pack_copy / "units.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    _replace_line(path, 2, rows[1].replace("AMBULANCE", "SPACESHIP"))
    with pytest.raises(PackError, match=r"units\.csv, line 2: unit_type"):
        load_pack(pack_copy)


def test_unknown_column(pack_copy: Path) -> None:
    _replace_line(
        pack_copy / "agencies.csv", 1, "code,name,short_name,kind,self_dispatching,fax"
    )
    with pytest.raises(
        PackError, match=r"agencies\.csv, line 1: unknown column\(s\) fax"
    ):
        load_pack(pack_copy)


def test_duplicate_id(pack_copy: Path) -> None:
    path = pack_copy / "stations.csv"
    rows = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([*rows, rows[1]]) + "\n", encoding="utf-8")
    with pytest.raises(
        PackError, match=rf"stations\.csv, line {len(rows) + 1}: duplicate"
    ):
        load_pack(pack_copy)


def test_invalid_json_names_line(pack_copy: Path) -> None:
    path = pack_copy / "boundaries.geojson"
    text = path.read_text(encoding="utf-8").splitlines()
    text[3] = text[3][:-5]  # truncate one feature
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(PackError, match=r"boundaries\.geojson, line \d+: invalid JSON"):
        load_pack(pack_copy)


def test_feature_error_names_its_line(pack_copy: Path) -> None:
    path = pack_copy / "boundaries.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["features"][4]["properties"]["code"] = "99.99"
    lines = [json.dumps(f) for f in doc["features"]]
    path.write_text(
        '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n",
        encoding="utf-8",
    )
    with pytest.raises(
        PackError, match=r"boundaries\.geojson, line 6: unknown kelurahan"
    ):
        load_pack(pack_copy)


def test_swapped_geojson_order_is_caught(pack_copy: Path) -> None:
    path = pack_copy / "boundaries.geojson"
    doc = json.loads(path.read_text(encoding="utf-8"))
    ring = doc["features"][0]["geometry"]["coordinates"][0]
    doc["features"][0]["geometry"]["coordinates"][0] = [[c[1] * 20, c[0]] for c in ring]
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(PackError, match=r"boundaries\.geojson.*\[lon, lat\]"):
        load_pack(pack_copy)


def test_bad_manifest(pack_copy: Path) -> None:
    path = pack_copy / "manifest.toml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("zoom = 14", 'zoom = "far"')
    )
    with pytest.raises(PackError, match=r"manifest\.toml: map\.zoom"):
        load_pack(pack_copy)


def test_broken_toml_names_line(pack_copy: Path) -> None:
    path = pack_copy / "travel.toml"
    path.write_text(path.read_text(encoding="utf-8") + "\nthis is = = not toml\n")
    with pytest.raises(PackError, match=r"travel\.toml: invalid TOML.*line"):
        load_pack(pack_copy)


def test_missing_required_file(pack_copy: Path) -> None:
    (pack_copy / "kelurahan.csv").unlink()
    with pytest.raises(PackError, match=r"kelurahan\.csv: required file"):
        load_pack(pack_copy)


def test_missing_pack() -> None:
    with pytest.raises(PackError, match="not found"):
        load_pack("atlantis")
    with pytest.raises(PackError):
        load_pack("../etc")
