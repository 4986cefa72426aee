"""The harder caller speech of issue 15: sets, accuracy, and without unlicensed layers.

Run with ``-s`` to see the accuracy table::

    .venv/bin/python -m pytest tests/geodata/test_hard_phrases.py -s -p no:cacheprovider
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from geodata.geocoder import OfflineGeocoder
from geodata.packs import RegionPack, load_pack
from tests.geodata.phrase_sets import (
    HARD_DEV,
    HARD_HOLDOUT,
    OLD_SETS,
    accuracy,
    expected_point,
    rows,
)

BLITAR = Path(__file__).resolve().parents[2] / "geodata" / "packs" / "blitar"
#: the layers from repositories that state no licence (ATTRIBUTION.md)
UNLICENSED = (
    "landmarks.csv",
    "schools.csv",
    "streets.csv",
    "roads.geojson",
    "stations.csv",
)
KINDS = {"distance_direction", "javanese", "street_landmark", "gang", "rt_rw", "none"}


@pytest.fixture(scope="module")
def licensed_pack(tmp_path_factory: pytest.TempPathFactory) -> RegionPack:
    """The Blitar pack with the five unlicensed layers removed."""
    dest = tmp_path_factory.mktemp("licensed") / "blitar"
    shutil.copytree(BLITAR, dest)
    for name in UNLICENSED:
        (dest / name).unlink()
    # not cleared afterwards: other tests hold the shared "blitar" pack
    return load_pack(dest)


@pytest.mark.parametrize(("name", "least"), [(HARD_HOLDOUT, 50), (HARD_DEV, 150)])
def test_hard_sets_are_big_valid_and_varied(
    pack: RegionPack, name: str, least: int
) -> None:
    found = rows(name)
    assert len(found) >= least
    assert len({r["phrase"].lower() for r in found}) == len(found)
    assert {r["kind"] for r in found} == KINDS
    for r in found:
        if r["expect"] in ("landmark", "offset", "street_near"):
            lat, lon = expected_point(pack, r)
            assert pack.point_in_service_area(lat, lon) or r["expect"] == "offset", r
        elif r["expect"] == "kelurahan":
            assert r["target"] in pack.kelurahan_by_code, r
        elif r["expect"] == "street":
            assert any(s.id == r["target"] for s in pack.streets), r
        else:
            assert r["expect"] == "none", r


def test_sets_do_not_overlap() -> None:
    dev = {r["phrase"].lower() for r in rows(HARD_DEV)}
    hold = {r["phrase"].lower() for r in rows(HARD_HOLDOUT)}
    old = {r["phrase"].lower() for name in OLD_SETS for r in rows(name)}
    assert not dev & hold
    assert not (dev | hold) & old


def _report(label: str, share: float, n: int, failures: list[str]) -> None:
    print(f"\n{label}: {share:.3f} ({n - len(failures)}/{n})")
    for line in failures:
        print("  FAIL", line)


@pytest.mark.parametrize(
    ("names", "floor"),
    [
        (OLD_SETS, 0.95),
        ((HARD_DEV,), 0.0),
        ((HARD_HOLDOUT,), 0.0),
    ],
)
def test_accuracy(
    pack: RegionPack,
    geocoder: OfflineGeocoder,
    names: tuple[str, ...],
    floor: float,
) -> None:
    found = [r for name in names for r in rows(name)]
    share, failures = accuracy(pack, geocoder.lookup, found)
    _report("+".join(names), share, len(found), failures)
    assert share >= floor, "\n".join(failures)


def test_accuracy_without_the_unlicensed_layers(
    pack: RegionPack, geocoder: OfflineGeocoder, licensed_pack: RegionPack
) -> None:
    """The cost of removing the five unlicensed layers, on every phrase set.

    Expectations are judged against the full pack (where the places are);
    the answers come from the pack without the layers. Kelurahan-only
    answers must not suffer; the rest is reported, not hidden.
    """
    assert licensed_pack.landmarks == ()
    bare = OfflineGeocoder(licensed_pack)
    for names in (OLD_SETS, (HARD_DEV,), (HARD_HOLDOUT,)):
        found = [r for name in names for r in rows(name)]
        full, _ = accuracy(pack, geocoder.lookup, found)
        share, _ = accuracy(pack, bare.lookup, found)
        print(f"\n{'+'.join(names)}: with {full:.3f}, without {share:.3f}")
        assert share < full  # the layers carry landmark and street answers
        kel_rows = [r for r in found if r["expect"] == "kelurahan"]
        kel_full, _ = accuracy(pack, geocoder.lookup, kel_rows)
        kel_bare, kel_fail = accuracy(pack, bare.lookup, kel_rows)
        assert kel_bare >= kel_full - 0.05, kel_fail
