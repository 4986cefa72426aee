"""Geocoding accuracy of the Blitar pack with and without its unlicensed layers.

The landmark, school, street, road and station layers of the Blitar pack come
from repositories that state no licence (geodata/packs/blitar/ATTRIBUTION.md).
This prints the caller-phrase accuracy (tests/geodata/data, judged as the
geocoder tests judge it: right place within 300 m, right kelurahan, or no
match where none is expected) on the full pack and on a copy without those
layers, so the cost of removing them is known. Run from the repository root:

    .venv/bin/python scripts/pack_accuracy.py
"""

from __future__ import annotations

# ruff: noqa: T201 (a report script: printing is its job)
import shutil
import sys
import tempfile
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geodata.geocoder import OfflineGeocoder
from geodata.packs import PACKS_DIR, load_pack
from tests.geodata.test_geocoder import PHRASE_FILES, ROWS, judge

UNLICENSED = (
    "landmarks.csv",
    "schools.csv",
    "streets.csv",
    "roads.geojson",
    "stations.csv",
)


def _score(geocoder: OfflineGeocoder) -> Counter[str]:
    truth = load_pack("blitar")  # where each expected place really is
    ok: Counter[str] = Counter()
    for row in ROWS:
        if judge(truth, row, geocoder.lookup(row["phrase"])):
            ok[row["set"]] += 1
            ok[f"{row['set']}:{row['expect']}"] += 1
    return ok


def main() -> None:
    """Print accuracy per phrase set and per expectation, full vs stripped."""
    full = _score(OfflineGeocoder(load_pack("blitar")))
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "blitar"
        shutil.copytree(PACKS_DIR / "blitar", copy)
        for name in UNLICENSED:
            (copy / name).unlink()
        stripped = _score(OfflineGeocoder(load_pack(copy)))
    totals = Counter(r["set"] for r in ROWS) + Counter(
        f"{r['set']}:{r['expect']}" for r in ROWS
    )
    print(f"{'set':45} {'full pack':>15} {'no unlicensed':>15}")
    for key in sorted(totals, key=lambda k: (k.split(":")[0], ":" in k, k)):
        n = totals[key]
        print(f"{key:45} {_cell(full[key], n)} {_cell(stripped[key], n)}")
    f_all = sum(full[name] for name in PHRASE_FILES)
    s_all = sum(stripped[name] for name in PHRASE_FILES)
    print(f"{'all':45} {_cell(f_all, len(ROWS))} {_cell(s_all, len(ROWS))}")


def _cell(ok: int, n: int) -> str:
    return f"{ok:>5}/{n:<4} {ok / n:4.0%}"


if __name__ == "__main__":
    main()
