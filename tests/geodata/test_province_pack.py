"""The synthetic province pack (issue #12): it loads, has the planned size,
its renamed places geocode to their own tile, and its roads join the tiles."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from console.cli import main as cli
from geodata.geocoder import OfflineGeocoder
from geodata.packbuild.province import (
    ProvinceBuildError,
    ProvincePlan,
    build_province,
    parse_tiles,
)
from geodata.packbuild.province_names import tile_names
from geodata.packs import RegionPack, load_pack
from geodata.packs.loader import resolve_pack_path

PLAN = ProvincePlan()  # the benchmark plan: 4x2 tiles


@pytest.fixture
def province(province_pack: RegionPack) -> RegionPack:
    return province_pack


@pytest.fixture
def geo(province_geocoder: OfflineGeocoder) -> OfflineGeocoder:
    return province_geocoder


@pytest.mark.slow
def test_planned_counts(province: RegionPack, geo: OfflineGeocoder) -> None:
    city = load_pack("blitar")
    tiles = PLAN.cols * PLAN.rows
    assert len(province.stations) == tiles * len(city.stations) == 104
    assert len(province.units) == tiles * PLAN.unit_copies * len(city.units) == 2944
    assert len(province.kelurahan) == tiles * len(city.kelurahan)
    assert len(province.landmarks) == tiles * (
        len(city.landmarks) + PLAN.small_places_per_tile
    )
    assert len({u.callsign for u in province.units}) == len(province.units)
    assert 290_000 <= len(geo.gazetteer.entries) <= 310_000


@pytest.mark.slow
def test_renamed_place_in_far_tile(province: RegionPack, geo: OfflineGeocoder) -> None:
    far = tile_names(PLAN.cols * PLAN.rows)[-1]
    hit = geo.lookup(f"RSUD Mardi Waluyo {far}").match
    assert hit is not None
    assert hit.landmark_id == "rsud-mardi-waluyo-p08"
    kel = geo.lookup(f"kelurahan Kepanjenkidul {far}").match
    assert kel is not None
    assert kel.kelurahan_code == "P08.35.72.01.1001"
    # the far tile lies north-east of the city's own extent
    city = load_pack("blitar")
    assert kel.lat > city.bbox.max_lat
    assert kel.lon > city.bbox.max_lon
    assert province.kelurahan_at(kel.lat, kel.lon) is not None


@pytest.mark.slow
def test_roads_join_the_tiles(province: RegionPack) -> None:
    g = province.road_graph
    assert g is not None
    n = g.node_count
    adj = coo_matrix((np.ones(g.edge_count), (g.edge_u, g.edge_v)), shape=(n, n))
    _, label = connected_components(adj, directed=False)
    biggest = np.bincount(label).argmax()
    city = load_pack("blitar").bbox
    dlat, dlon = city.max_lat - city.min_lat, city.max_lon - city.min_lon
    in_big = label == biggest
    for r in range(PLAN.rows):
        for c in range(PLAN.cols):
            lat0, lon0 = city.min_lat + r * dlat, city.min_lon + c * dlon
            inside = (
                (g.node_lat >= lat0)
                & (g.node_lat < lat0 + dlat)
                & (g.node_lon >= lon0)
                & (g.node_lon < lon0 + dlon)
            )
            # most of every tile's roads are in the one network spanning them all
            assert in_big[inside].mean() > 0.5, (r, c)


def test_bad_tiles_and_busy_folder(tmp_path: Path) -> None:
    assert parse_tiles("3X2") == (3, 2)
    for bad in ("4", "0x2", "axb", "4x"):
        with pytest.raises(ProvinceBuildError, match="COLSxROWS"):
            parse_tiles(bad)
    (tmp_path / "x.txt").write_text("x")
    with pytest.raises(ProvinceBuildError, match="already holds files"):
        build_province(resolve_pack_path("blitar"), tmp_path)


def test_cli_small_province(tmp_path: Path) -> None:
    out = tmp_path / "p"
    args = ["pack", "province", "--tiles", "2x1", "--unit-copies", "2"]
    res = CliRunner().invoke(cli, [*args, "--small-places", "100", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert "104 stations" not in res.output
    assert "26 stations" in res.output
    pack = load_pack(out)
    assert len(pack.units) == 2 * 2 * 23
    assert len(pack.landmarks) == 2 * (401 + 100)
    bad = CliRunner().invoke(
        cli, ["pack", "province", "--tiles", "2", "--out", str(out)]
    )
    assert bad.exit_code != 0
    assert "COLSxROWS" in bad.output
