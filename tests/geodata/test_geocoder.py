"""OfflineGeocoder: the caller phrase set, relations, statuses, geopy API, reverse."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from geopy.location import Location
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.distance import distance_m
from geodata.geocoder import (
    MAX_QUERY_LENGTH,
    GeocodeResult,
    GeocoderQueryError,
    OfflineGeocoder,
)
from geodata.packs import RegionPack

DATA = Path(__file__).parent / "data"
#: the development set (lexicon and aliases were tuned on its failures) and a
#: hold-out set written afterwards and never tuned on
PHRASE_FILES = ("caller_phrases.csv", "caller_phrases_holdout.csv")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as fh:
        return [{**row, "set": name} for row in csv.DictReader(fh)]


ROWS = [row for name in PHRASE_FILES for row in _rows(name)]
RADIUS_M = 300.0
#: Phrases the geocoder gets wrong today (kept visible, not hidden): each is
#: an xfail; fixing one shows up as XPASS.
KNOWN_FAILURES = {
    "jalan kalimanten",  # right street, confidence 0.49 just under the threshold
}


def judge(pack: RegionPack, row: dict[str, str], result: GeocodeResult) -> bool:
    """Right place within 300 m, right kelurahan, or no match where expected."""
    m = result.match
    expect, target = row["expect"], row["target"]
    if expect == "none":
        return m is None
    if m is None:
        return False
    if expect == "landmark":
        lm = pack.landmark_by_id[target]
        return distance_m(m.lat, m.lon, lm.lat, lm.lon) <= RADIUS_M
    if expect == "kelurahan":
        return m.kelurahan_code == target
    if expect == "street":
        street = next(s for s in pack.streets if s.id == target)
        return min(distance_m(m.lat, m.lon, a, b) for a, b in street.points) <= RADIUS_M
    if expect == "point":
        lat, lon = map(float, target.split())
        return distance_m(m.lat, m.lon, lat, lon) <= RADIUS_M
    raise AssertionError(f"unknown expectation {expect!r}")


def test_phrase_set_is_big_and_valid(pack: RegionPack) -> None:
    assert len(ROWS) >= 200
    assert len({r["phrase"] for r in ROWS}) == len(ROWS)
    for r in ROWS:
        if r["expect"] == "landmark":
            assert r["target"] in pack.landmark_by_id, r
        elif r["expect"] == "kelurahan":
            assert r["target"] in pack.kelurahan_by_code, r
    assert sum(r["expect"] == "none" for r in ROWS) >= 20


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(r, id=r["phrase"], marks=pytest.mark.xfail(reason="known failure"))
        if r["phrase"] in KNOWN_FAILURES
        else pytest.param(r, id=r["phrase"])
        for r in ROWS
    ],
)
def test_caller_phrase(
    pack: RegionPack, geocoder: OfflineGeocoder, row: dict[str, str]
) -> None:
    result = geocoder.lookup(row["phrase"])
    assert judge(pack, row, result), (
        result.status,
        result.match,
        result.alternatives[:2],
    )


def test_overall_accuracy(pack: RegionPack, geocoder: OfflineGeocoder) -> None:
    failed: list[dict[str, str]] = []
    lines = []
    for row in ROWS:
        result = geocoder.lookup(row["phrase"])
        if not judge(pack, row, result):
            got = result.match.name if result.match else result.status
            failed.append(row)
            expected = f"{row['expect']} {row['target']}"
            lines.append(f"{row['phrase']!r}: expected {expected}, got {got}")
    accuracy = 1 - len(failed) / len(ROWS)
    print(f"\naccuracy {accuracy:.3f} ({len(ROWS) - len(failed)}/{len(ROWS)})")
    for name in PHRASE_FILES:
        total = sum(r["set"] == name for r in ROWS)
        bad = sum(r["set"] == name for r in failed)
        print(f"  {name}: {total - bad}/{total}")
    for line in lines:
        print("  FAIL", line)
    assert accuracy >= 0.95, "\n".join(lines)


# ------------------------------------------------------------------ behaviour
def test_relation_is_kept(geocoder: OfflineGeocoder) -> None:
    for phrase, relation in [
        ("depan RSUD Mardi Waluyo", "depan"),
        ("belakang stasiun", "belakang"),
        ("dkt pasar legi", "dekat"),
        ("sebelah utara alun-alun", "utara"),
        ("seberang pasar wage", "seberang"),
        ("samping rsud", "samping"),
        ("in front of the train station", "depan"),
    ]:
        result = geocoder.lookup(phrase)
        assert result.match is not None, phrase
        assert result.match.relation == relation, phrase


def test_compass_word_inside_a_name_is_not_a_relation(
    geocoder: OfflineGeocoder,
) -> None:
    result = geocoder.lookup("gereja advent jemaat blitar barat")
    assert result.match is not None
    assert result.match.landmark_id == "gereja-advent-jemaat-blitar-barat"
    assert result.match.relation is None


def test_structure_narrows_a_landmark(geocoder: OfflineGeocoder) -> None:
    # an SPBU on Jl. Kalimantan, not any SPBU
    r = geocoder.lookup("jl kalimantan dekat spbu")
    assert r.match is not None
    assert r.match.landmark_id == "spbu-jl-kalimantan"
    # "spbu" alone is a kind of place, not a place
    assert geocoder.lookup("spbu").match is None


def test_kelurahan_only_answer(geocoder: OfflineGeocoder) -> None:
    r = geocoder.lookup("Kelurahan Turi RT 02")
    assert r.status == "ok"
    assert r.match is not None
    assert r.match.kind == "kelurahan"
    assert r.match.kelurahan == "Turi"
    assert r.match.kecamatan == "Sukorejo"
    assert r.parsed is not None
    assert r.parsed.rt == 2


def test_outside_service_area(geocoder: OfflineGeocoder) -> None:
    for q in (
        "jalan pahlawan kota malang",
        "rsud ngudi waluyo wlingi",
        "kab. blitar",
        "pasar srengat",
    ):
        r = geocoder.lookup(q)
        assert r.status == "outside_service_area", q
        assert r.match is None
    # a Blitar street named after another city is not outside
    r = geocoder.lookup("jalan raya kediri blitar")
    assert r.status == "ok"


def test_no_wild_guess(geocoder: OfflineGeocoder) -> None:
    for q in (
        "tolong cepat",
        "xyzzy qwerty",
        "rumah saya",
        "pasar",
        "masjid",
        "pasar besar",  # not in Blitar; must not become "Masjid Besar"
        "masjid jami",  # several in town
        "indomaret",
        "hotel",
    ):
        r = geocoder.lookup(q)
        assert r.match is None, (q, r.match)
        assert r.status == "no_match"


def test_confidence_is_bounded_and_ranked(geocoder: OfflineGeocoder) -> None:
    r = geocoder.lookup("pasar legi", limit=5)
    assert r.match is not None
    confs = [r.match.confidence, *(a.confidence for a in r.alternatives)]
    assert all(0.0 <= c <= 1.0 for c in confs)
    assert confs == sorted(confs, reverse=True)
    assert len(confs) <= 5


def test_coordinates_and_links(geocoder: OfflineGeocoder) -> None:
    for q in (
        "-8.0985, 112.1652",
        "-8.0985 112.1652",
        "https://www.google.com/maps?q=-8.0985,112.1652",
        "https://www.google.com/maps/@-8.0985,112.1652,17z",
    ):
        r = geocoder.lookup(q)
        assert r.status == "coordinates", q
        assert r.match is not None
        assert r.match.kelurahan == "Kepanjenlor"
    r = geocoder.lookup("-7.8167, 112.0112")  # Kediri
    assert r.status == "outside_service_area"
    assert r.match is None


def test_plus_code_relative_to_pack_centre(geocoder: OfflineGeocoder) -> None:
    from geodata.coords import encode_plus_code

    full = encode_plus_code(-8.10134, 112.16280)  # Stasiun Blitar
    short = full[4:]
    r = geocoder.lookup(f"{short} Kota Blitar")
    assert r.status == "coordinates"
    assert r.match is not None
    assert distance_m(r.match.lat, r.match.lon, -8.10134, 112.16280) < 20


@pytest.mark.parametrize(
    "bad",
    ["", "   ", "x" * (MAX_QUERY_LENGTH + 1), "pasar\x00legi", "alun\x1balun", 12345],
)
def test_unusable_queries(geocoder: OfflineGeocoder, bad: object) -> None:
    with pytest.raises(GeocoderQueryError):
        geocoder.lookup(bad)  # type: ignore[arg-type]
    with pytest.raises(
        ValueError, match=r"."
    ):  # also a ValueError, like the built-in it resembles
        geocoder.lookup(bad)  # type: ignore[arg-type]


def test_prefix_typing(geocoder: OfflineGeocoder) -> None:
    r = geocoder.lookup("pasar templ", prefix=True)
    assert r.match is not None
    assert r.match.landmark_id == "pasar-templek"


# ------------------------------------------------------------------ geopy API
def test_geopy_geocode(geocoder: OfflineGeocoder) -> None:
    loc = geocoder.geocode("depan rsud mardi waluyo")
    assert isinstance(loc, Location)
    assert abs(loc.latitude - -8.1094617) < 1e-6
    assert abs(loc.longitude - 112.1798257) < 1e-6
    assert loc.raw["kelurahan"] == "Karangtengah"
    assert loc.raw["kecamatan"] == "Sananwetan"
    assert loc.raw["relation"] == "depan"
    assert 0.5 <= loc.raw["confidence"] <= 1.0
    assert "RSUD Mardi Waluyo" in loc.address
    many = geocoder.geocode("pasar legi", exactly_one=False, limit=3)
    assert isinstance(many, list)
    assert 1 <= len(many) <= 3
    assert geocoder.geocode("kota malang") is None


def test_geopy_reverse(geocoder: OfflineGeocoder) -> None:
    loc = geocoder.reverse("-8.08512, 112.17607")
    assert isinstance(loc, Location)
    assert loc.raw["kelurahan"] == "Bendogerit"
    assert loc.raw["nearest_landmark"] == "Makam Bung Karno"
    assert geocoder.reverse((-7.2575, 112.7521)) is None  # Surabaya
    with pytest.raises(GeocoderQueryError):
        geocoder.reverse("not a point")


def test_fallback_is_off_by_default_and_bounded(pack: RegionPack) -> None:
    calls = []

    class FakeOnline:
        def geocode(
            self, query: str, exactly_one: bool = True, timeout: float | None = None
        ) -> list[Location]:
            calls.append(query)
            return [
                Location("far away", (-7.2575, 112.7521, 0), {}),
                Location("in town", (-8.0985, 112.1652, 0), {}),
            ]

    assert OfflineGeocoder(pack).fallback is None
    g = OfflineGeocoder(pack, fallback=FakeOnline())
    loc = g.geocode("toko roti pak kumis")
    assert loc is not None
    assert loc.address == "in town"
    assert calls == ["toko roti pak kumis, Kota Blitar"]
    assert g.geocode("rsud mardi waluyo") is not None
    assert len(calls) == 1  # not asked when the offline index is sure


# ------------------------------------------------------------------ reverse
@pytest.mark.parametrize(
    ("lat", "lon", "kelurahan", "kecamatan", "landmark"),
    [
        (-8.08512, 112.17607, "Bendogerit", "Sananwetan", "makam-bung-karno"),
        (-8.10134, 112.16280, "Kepanjenkidul", "Kepanjenkidul", "stasiun-blitar"),
        (-8.09816, 112.16518, "Kepanjenlor", "Kepanjenkidul", "alun-alun"),
        (-8.10946, 112.17983, "Karangtengah", "Sananwetan", "rsud-mardi-waluyo"),
        (-8.09812, 112.17630, "Sananwetan", "Sananwetan", "istana-gebang"),
        (-8.09403, 112.17715, "Bendogerit", "Sananwetan", "monumen-peta"),
    ],
)
def test_reverse_known_points(
    geocoder: OfflineGeocoder,
    lat: float,
    lon: float,
    kelurahan: str,
    kecamatan: str,
    landmark: str,
) -> None:
    rev = geocoder.reverse_lookup(lat, lon)
    assert rev.in_service_area
    assert rev.kelurahan is not None
    assert rev.kelurahan.name == kelurahan
    assert rev.kecamatan is not None
    assert rev.kecamatan.name == kecamatan
    assert rev.nearest_landmark is not None
    assert rev.nearest_landmark.id == landmark
    assert rev.landmark_distance_m is not None
    assert rev.landmark_distance_m < 30
    assert rev.nearest_street is not None
    assert rev.street_distance_m is not None
    assert kelurahan in rev.describe()


def test_reverse_outside(geocoder: OfflineGeocoder) -> None:
    rev = geocoder.reverse_lookup(-7.8167, 112.0112)
    assert not rev.in_service_area
    assert rev.kelurahan is None
    assert "luar wilayah" in rev.describe()
    with pytest.raises(GeocoderQueryError):
        geocoder.reverse_lookup(float("nan"), 112.0)


def test_intersection_of_two_streets(
    pack: RegionPack, geocoder: OfflineGeocoder
) -> None:
    r = geocoder.lookup("perempatan jl cokroaminoto jl sudirman")
    m = r.match
    assert m is not None
    assert m.kind == "intersection"
    assert m.relation == "perempatan"
    for sid in ("jl-hos-cokroaminoto", "jl-jenderal-sudirman"):
        street = next(s for s in pack.streets if s.id == sid)
        nearest = min(distance_m(m.lat, m.lon, a, b) for a, b in street.points)
        assert nearest < 200
    r = geocoder.lookup("pertigaan jl imam bonjol dan jl kalimantan")
    assert r.match is not None
    assert r.match.kind == "intersection"
    assert r.match.relation == "pertigaan"


def test_public_api_is_reexported() -> None:
    import geodata

    assert geodata.OfflineGeocoder is OfflineGeocoder
    assert callable(geodata.load_pack)
    assert callable(geodata.default_travel_model)


def test_shared_geocoder(pack: RegionPack) -> None:
    from geodata.geocoder import geocoder_for

    assert geocoder_for(pack) is geocoder_for("blitar")


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        alphabet=st.characters(blacklist_categories=["Cs"]), min_size=0, max_size=120
    )
)
def test_lookup_never_fails_unexpectedly(geocoder: OfflineGeocoder, text: str) -> None:
    try:
        result = geocoder.lookup(text, prefix=True)
    except GeocoderQueryError:
        return
    assert result.status in ("ok", "no_match", "outside_service_area", "coordinates")
    if result.status == "ok":
        assert result.match is not None
    for c in [result.match, *result.alternatives]:
        if c is not None:
            assert 0.0 <= c.confidence <= 1.0
            assert -90 <= c.lat <= 90
            assert -180 <= c.lon <= 180


_WORDS = [
    "jl",
    "jln",
    "gg",
    "no",
    "rt",
    "rw",
    "kel",
    "desa",
    "kec",
    "kota",
    "kab",
    "blitar",
    "kediri",
    "depan",
    "dekat",
    "belakang",
    "sebelah",
    "utara",
    "barat",
    "pasar",
    "legi",
    "rsud",
    "mardi",
    "waluyo",
    "alun2",
    "stasiun",
    "spbu",
    "pom",
    "bensin",
    "sdn",
    "smpn",
    "1",
    "2",
    "02",
    "05",
    "66117",
    "turi",
    "sentul",
    "kepanjen",
    "kidul",
    "kalimantan",
    "sudirman",
    ",",
    ".",
    "/",
    "-",
    "tolong",
    "pak",
    "ada",
    "kecelakaan",
    "the",
    "near",
    "perempatan",
    "pertigaan",
    "masjid",
    "agung",
    "x",
]


@settings(max_examples=300, deadline=None)
@given(words=st.lists(st.sampled_from(_WORDS), max_size=14))
def test_lookup_on_word_salad(geocoder: OfflineGeocoder, words: list[str]) -> None:
    text = " ".join(words)
    if not text.strip():
        return
    result = geocoder.lookup(text)
    if result.match is not None:
        assert result.match.confidence >= geocoder.min_confidence
        assert geocoder.pack.point_in_service_area(result.match.lat, result.match.lon)
