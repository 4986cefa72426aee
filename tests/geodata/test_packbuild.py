"""``siaga pack build``: a pack from an OSM extract the test writes itself."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import main
from geodata.geocoder import OfflineGeocoder
from geodata.packbuild import PackBuildError, build_pack
from geodata.packs import load_pack
from tests.geodata.osm_fixture import write_boundary, write_osm


@pytest.fixture
def inputs(tmp_path: Path) -> tuple[Path, Path]:
    return write_osm(tmp_path / "city.osm.pbf"), write_boundary(
        tmp_path / "city.geojson"
    )


@pytest.fixture
def built(inputs: tuple[Path, Path], tmp_path: Path) -> Path:
    osm, boundary = inputs
    out = tmp_path / "sukamaju"
    build_pack(osm, boundary, name="sukamaju", out=out, title="Kota Sukamaju")
    return out


def test_built_pack_loads_with_every_osm_layer(built: Path) -> None:
    pack = load_pack(built)
    assert pack.name == "sukamaju"
    assert pack.title == "Kota Sukamaju"
    assert {"landmarks", "streets", "roads", "stations"} <= pack.layers
    assert [k.name for k in pack.kelurahan] == ["Kauman", "Karanganyar"]
    assert all(k.polygon for k in pack.kelurahan)
    names = {lm.name for lm in pack.landmarks}
    # named places inside the boundary, the school drawn as a closed way too;
    # the unnamed bench and the cafe outside the boundary are left out
    assert names == {
        "Pasar Sukamaju",
        "Masjid Al Ikhlas",
        "Pos Pemadam Sukamaju",
        "Polsek Sukamaju",
        "RS Harapan Sehat",
        "SD Negeri 2 Sukamaju",
    }
    market = next(lm for lm in pack.landmarks if lm.name == "Pasar Sukamaju")
    assert (market.category, market.kind) == ("amenity", "marketplace")
    assert market.kelurahan_code == "01.01"
    assert (market.lat, market.lon) == pytest.approx((-7.5031, 110.0032))
    school = next(lm for lm in pack.landmarks if lm.kind == "school")
    assert (school.lat, school.lon) == pytest.approx((-7.5025, 110.0125))


def test_stations_get_an_agency_by_osm_tag(built: Path) -> None:
    pack = load_pack(built)
    by_kind = {s.kind: s.agency for s in pack.stations}
    assert by_kind == {"fire_station": "DAMKAR", "police": "POLRES", "hospital": "RSUD"}
    agencies = {a.code: a for a in pack.agencies}
    assert agencies["DAMKAR"].service == "fire"
    assert agencies["DAMKAR"].name == "Dinas Pemadam Kebakaran Kota Sukamaju"


def test_road_graph_has_lengths_and_classes(built: Path) -> None:
    graph = load_pack(built).road_graph
    assert graph is not None
    # Merdeka 2 edges, Melati 2, Kenanga 2, the service road 1
    assert graph.edge_count == 7
    # one edge of Jalan Merdeka spans 0.009 degrees of longitude at 7.5 S
    assert graph.edge_length_m.max() == pytest.approx(993, abs=5)
    classes = {graph.class_names[c] for c in graph.edge_class}
    assert classes == {"collector", "local", "other"}
    # 3 + 3 + 3 nodes, and the service road shares Merdeka's node at 110.010
    assert graph.node_count == 10


def test_built_pack_geocodes_a_street_and_a_landmark(built: Path) -> None:
    geocoder = OfflineGeocoder(load_pack(built))
    street = geocoder.geocode("jl merdeka")
    assert street is not None
    assert street.raw["name"] == "Jalan Merdeka"
    assert street.latitude == pytest.approx(-7.505, abs=1e-4)
    landmark = geocoder.geocode("depan pasar sukamaju")
    assert landmark is not None
    assert landmark.raw["name"] == "Pasar Sukamaju"
    assert landmark.raw["kelurahan"] == "Kauman"
    assert geocoder.geocode("warung di luar kota") is None


def test_attribution_names_osm_and_the_odbl(built: Path) -> None:
    text = (built / "ATTRIBUTION.md").read_text()
    assert "OpenStreetMap contributors" in text
    assert "Open Database License" in text
    assert "city.osm.pbf" in text
    manifest = (built / "manifest.toml").read_text()
    assert "ODbL" in manifest


def test_streets_keep_only_points_inside_the_city(built: Path) -> None:
    with (built / "streets.csv").open() as fh:
        rows = list(csv.DictReader(fh))
    assert {r["name"] for r in rows} == {
        "Jalan Merdeka",
        "Jalan Melati",
        "Jalan Kenanga",
    }
    assert all(r["kelurahan_code"] in {"01.01", "01.02"} for r in rows)


def test_xml_extract_builds_too(tmp_path: Path) -> None:
    osm = write_osm(tmp_path / "city.osm")
    out = tmp_path / "p"
    built = build_pack(osm, write_boundary(tmp_path / "b.geojson"), name="x", out=out)
    assert built.counts["landmarks"] == 6


def test_missing_osm_file_is_named(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    _, boundary = inputs
    with pytest.raises(PackBuildError, match=r"nowhere\.osm\.pbf: OSM file not found"):
        build_pack(tmp_path / "nowhere.osm.pbf", boundary, name="x", out=tmp_path / "o")


def test_corrupt_osm_file_is_named(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    _, boundary = inputs
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"\x00\x00\x00\x0dthis is not a pbf file at all" * 10)
    out = tmp_path / "o"
    with pytest.raises(PackBuildError, match=r"bad\.osm\.pbf: not a readable OSM file"):
        build_pack(bad, boundary, name="x", out=out)
    assert not out.exists()


def test_bad_boundary_is_named(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    osm, _ = inputs
    with pytest.raises(PackBuildError, match="boundary file not found"):
        build_pack(osm, tmp_path / "none.geojson", name="x", out=tmp_path / "o")
    broken = tmp_path / "broken.geojson"
    broken.write_text('{"type": "FeatureCollection",\n "features": [}')
    with pytest.raises(PackBuildError, match=r"broken\.geojson, line 2: invalid JSON"):
        build_pack(osm, broken, name="x", out=tmp_path / "o")
    line = tmp_path / "line.geojson"
    line.write_text('{"type": "LineString", "coordinates": [[0, 0], [1, 1]]}')
    with pytest.raises(PackBuildError, match="FeatureCollection, Feature or"):
        build_pack(osm, line, name="x", out=tmp_path / "o")


def test_refuses_a_folder_with_files_and_a_bad_name(
    inputs: tuple[Path, Path], tmp_path: Path
) -> None:
    osm, boundary = inputs
    out = tmp_path / "taken"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(PackBuildError, match="not empty"):
        build_pack(osm, boundary, name="x", out=out)
    assert (out / "keep.txt").read_text() == "mine"
    with pytest.raises(PackBuildError, match="not a pack name"):
        build_pack(osm, boundary, name="Kota Baru", out=tmp_path / "o")


def test_cli_builds_and_checks(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    osm, boundary = inputs
    out = tmp_path / "cli-pack"
    runner = CliRunner()
    result = runner.invoke(
        main,
        [
            "pack",
            "build",
            "--osm",
            str(osm),
            "--boundary",
            str(boundary),
            "--name",
            "sukamaju",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "6 landmarks" in result.output
    checked = runner.invoke(main, ["pack", "check", str(out)])
    assert checked.exit_code == 0, checked.output
    assert "2 kelurahan, 6 landmarks, 3 streets, 3 stations" in checked.output
    assert "52 incident types" in checked.output  # the shared catalogue fits


def test_cli_error_is_one_line(inputs: tuple[Path, Path], tmp_path: Path) -> None:
    _, boundary = inputs
    result = CliRunner().invoke(
        main,
        [
            "pack",
            "build",
            "--osm",
            str(tmp_path / "no.osm.pbf"),
            "--boundary",
            str(boundary),
            "--name",
            "x",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "no.osm.pbf: OSM file not found" in result.output
