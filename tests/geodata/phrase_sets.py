"""The caller phrase sets and how an answer is judged against them.

Two families of CSV files live in ``tests/geodata/data``:

* ``caller_phrases*.csv`` (``phrase, expect, target``): the original sets,
  judged within 300 m;
* ``hard_phrases*.csv`` (``phrase, expect, target, tolerance_m, rt, rw,
  kind``): the harder caller speech of issue 15, written by
  ``scripts/make_hard_phrases.py``; the hold-out set was committed before
  the geocoder was tuned on the development set.

Expected points are computed here from the pack, never stored: ``offset``
moves a landmark with geopy's ``distance.destination``; ``street_near`` is
the known point of a street nearest a landmark.
"""

from __future__ import annotations

import csv
from pathlib import Path

from geopy.distance import distance as geopy_distance
from geopy.point import Point

from geodata.distance import distance_m
from geodata.geocoder import GeocodeResult
from geodata.packs import RegionPack

DATA = Path(__file__).parent / "data"
OLD_SETS = ("caller_phrases.csv", "caller_phrases_holdout.csv")
HARD_DEV = "hard_phrases.csv"
HARD_HOLDOUT = "hard_phrases_holdout.csv"
DEFAULT_TOLERANCE_M = 300.0


def rows(name: str) -> list[dict[str, str]]:
    """The rows of one phrase file, each tagged with its file name."""
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return [{**row, "set": name} for row in csv.DictReader(fh)]


def expected_point(pack: RegionPack, row: dict[str, str]) -> tuple[float, float]:
    """The point a row expects (``landmark``, ``offset``, ``street_near``)."""
    expect, target = row["expect"], row["target"]
    if expect == "landmark":
        lm = pack.landmark_by_id[target]
        return lm.lat, lm.lon
    if expect == "offset":
        lid, bearing, metres = target.split()
        lm = pack.landmark_by_id[lid]
        dest = geopy_distance(meters=float(metres)).destination(
            Point(lm.lat, lm.lon), bearing=float(bearing)
        )
        return dest.latitude, dest.longitude
    if expect == "street_near":
        sid, lid = target.split()
        lm = pack.landmark_by_id[lid]
        street = next(s for s in pack.streets if s.id == sid)
        return min(street.points, key=lambda p: distance_m(p[0], p[1], lm.lat, lm.lon))
    if expect == "point":
        lat, lon = map(float, target.split())
        return lat, lon
    raise AssertionError(f"no point for expectation {expect!r}")


def _rt_rw_ok(row: dict[str, str], result: GeocodeResult) -> bool:
    m = result.match
    if m is None:
        return False
    for key in ("rt", "rw"):
        want = row.get(key) or ""
        if want and getattr(m, key, None) != int(want):
            return False
    return True


def judge(pack: RegionPack, row: dict[str, str], result: GeocodeResult) -> bool:
    """Right place within tolerance, right kelurahan, or no match where expected."""
    m = result.match
    expect, target = row["expect"], row["target"]
    tolerance = float(row.get("tolerance_m") or DEFAULT_TOLERANCE_M) or (
        DEFAULT_TOLERANCE_M
    )
    if expect == "none":
        return m is None
    if m is None or not _rt_rw_ok(row, result):
        return False
    if expect == "kelurahan":
        return m.kelurahan_code == target
    if expect == "street":
        street = next(s for s in pack.streets if s.id == target)
        nearest = min(distance_m(m.lat, m.lon, a, b) for a, b in street.points)
        return nearest <= tolerance
    lat, lon = expected_point(pack, row)
    return distance_m(m.lat, m.lon, lat, lon) <= tolerance


def accuracy(
    pack: RegionPack, lookup: object, phrase_rows: list[dict[str, str]]
) -> tuple[float, list[str]]:
    """Share of rows judged right, and a line per failure."""
    failures: list[str] = []
    for row in phrase_rows:
        result = lookup(row["phrase"])  # type: ignore[operator]
        if not judge(pack, row, result):
            got = (
                f"{result.match.name} ({result.match.lat:.5f}, {result.match.lon:.5f})"
                if result.match
                else result.status
            )
            want = f"{row['expect']} {row['target']}"
            failures.append(f"{row['phrase']!r}: expected {want}, got {got}")
    share = 1 - len(failures) / len(phrase_rows) if phrase_rows else 0.0
    return share, failures
