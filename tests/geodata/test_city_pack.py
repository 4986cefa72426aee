"""The made-up second city (data/sukamaju) loads and geocodes like Blitar."""

from __future__ import annotations

from pathlib import Path

import pytest

from geodata.geocoder import OfflineGeocoder
from geodata.packs import load_pack

CITY = Path(__file__).parent / "data" / "sukamaju"


@pytest.fixture(scope="module")
def geocoder() -> OfflineGeocoder:
    return OfflineGeocoder(load_pack(CITY))


def test_the_city_loads_every_layer() -> None:
    pack = load_pack(CITY)
    assert pack.name == "sukamaju"
    assert pack.layers >= {
        "kecamatan",
        "kelurahan",
        "boundaries",
        "agencies",
        "lexicon",
        "aliases",
        "travel",
        "landmarks",
        "streets",
        "roads",
        "stations",
        "units",
        "catalogue",
        "simulation",
    }
    assert pack.missing_optional == ()
    assert len(pack.units) == 8
    assert pack.road_graph is not None


@pytest.mark.parametrize(
    ("query", "name", "kelurahan"),
    [
        ("jl merdeka", "Jalan Merdeka", None),
        ("jalan raya sukamaju", "Jalan Merdeka", None),  # an alias
        ("depan pasar gede", "Pasar Sukamaju", "Kauman"),  # an alias
        ("masjid al ikhlas", "Masjid Al Ikhlas", "Karanganyar"),
        ("rs harapan sehat", "RS Harapan Sehat", "Karanganyar"),
        ("kel kauman", "Kauman", "Kauman"),
    ],
)
def test_the_city_geocodes(
    geocoder: OfflineGeocoder, query: str, name: str, kelurahan: str | None
) -> None:
    loc = geocoder.geocode(query)
    assert loc is not None, query
    assert loc.raw["name"] == name
    if kelurahan:
        assert loc.raw["kelurahan"] == kelurahan


def test_blitar_places_are_not_found_in_the_city(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("rsud mardi waluyo") is None
    assert geocoder.geocode("kepanjenkidul") is None


def test_siaga_geocode_uses_the_configured_pack(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from click.testing import CliRunner

    from console.cli import main

    monkeypatch.setenv("SIAGA_REGION_PACK", str(CITY))
    result = CliRunner().invoke(main, ["geocode", "depan pasar gede", "--json"])
    assert result.exit_code == 0, result.output
    assert '"name": "Pasar Sukamaju"' in result.output
