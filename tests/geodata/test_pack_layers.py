"""The pack loader's registry: one loader per layer, in dependency order."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geodata.packs import PACKS_DIR, PackError, load_city, load_pack
from geodata.packs.layers import LAYER_LOADERS, PackParts
from geodata.packs.layers.services import load_agencies, load_units
from geodata.packs.manifest import Layer, read_manifest

ORDER = [layer for layer, _ in LAYER_LOADERS]


def test_every_manifest_layer_has_exactly_one_loader() -> None:
    assert sorted(ORDER) == sorted(Layer.__args__)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("layer", "needs"),
    [
        ("kelurahan", "kecamatan"),
        ("boundaries", "kelurahan"),
        ("landmarks", "kelurahan"),
        ("aliases", "landmarks"),
        ("aliases", "streets"),
        ("roads", "travel"),
        ("stations", "agencies"),
        ("units", "stations"),
    ],
)
def test_a_layer_loads_after_the_layers_it_refers_to(layer: str, needs: str) -> None:
    assert ORDER.index(layer) > ORDER.index(needs)


def test_one_layer_loader_on_its_own(tmp_path: Path) -> None:
    manifest, files = read_manifest(PACKS_DIR / "blitar")
    del manifest
    parts = PackParts(files)
    agencies = files.one("agencies")
    assert agencies is not None
    load_agencies(agencies, parts)
    assert parts.agencies["DAMKAR"].service == "fire"
    units = files.one("units")
    assert units is not None
    load_units(units, parts)  # no stations loaded: skipped and reported
    assert parts.units == {}
    assert files.missing[-1] == "units.csv (skipped: needs the stations layer)"


def test_city_data_reads_only_its_layers(tmp_path: Path) -> None:
    copy = tmp_path / "blitar"
    shutil.copytree(PACKS_DIR / "blitar", copy)
    (copy / "landmarks.csv").write_text("id,name\nbroken\n", encoding="utf-8")
    city = load_city(copy)  # agencies, catalogue, speech, simulation only
    assert len(city.agencies) == 16
    assert city.simulation_profile is not None
    with pytest.raises(PackError, match=r"landmarks\.csv, line 2: expected 2 fields"):
        load_pack(copy)


def test_a_catalogue_file_that_is_not_toml_is_named(tmp_path: Path) -> None:
    copy = tmp_path / "blitar"
    shutil.copytree(PACKS_DIR / "blitar", copy)
    (copy / "local.toml").write_text("[override.FLOOD\n", encoding="utf-8")
    with (copy / "manifest.toml").open("a", encoding="utf-8") as fh:
        fh.write('\n[[files]]\nlayer = "catalogue"\npath = "local.toml"\n')
    with pytest.raises(PackError, match=r"local\.toml: invalid TOML.*line 1"):
        load_pack(copy)
