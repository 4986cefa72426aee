"""Indonesian address parsing: examples and Hypothesis properties."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.address import parse_address
from geodata.packs import RegionPack
from geodata.text import Lexicon, fold


@pytest.fixture(scope="module")
def lexicon(pack: RegionPack) -> Lexicon:
    return Lexicon((e.kind, e.phrase, e.canonical) for e in pack.lexicon)


def test_full_address(lexicon: Lexicon) -> None:
    a = parse_address(
        "Jl. Merdeka Barat No.12A, Gg. Mawar 3, RT 02/RW 05, Kel. Kepanjenlor, "
        "Kec. Kepanjenkidul, Kota Blitar 66117",
        lexicon,
    )
    assert a.street == "merdeka barat"
    assert a.house_number == "12A"
    assert a.gang == "mawar 3"
    assert (a.rt, a.rw) == (2, 5)
    assert a.kelurahan is not None
    assert a.kelurahan.text == "kepanjenlor"
    assert a.kecamatan is not None
    assert a.kecamatan.text == "kepanjenkidul"
    assert a.city is None  # "Kota Blitar" is the service area itself: filler
    assert a.postcode == "66117"
    assert a.relation is None
    assert a.free_words == ()


@pytest.mark.parametrize(
    ("text", "street", "relation", "free"),
    [
        ("jl kalimantan dekat SPBU", "kalimantan", "dekat", ("spbu",)),
        ("Jln. A. Yani depan bank bni", "a yani", "depan", ("bank", "bni")),
        ("jalan sudirman no 5", "sudirman", None, ()),
        ("dpn pasar legi", None, "depan", ("pasar", "legi")),
        ("sebelah utara alun2", None, "utara", ("alun", "alun")),
        ("perempatan jl kalimantan", "kalimantan", "perempatan", ()),
        ("pertigaan dekat masjid", None, "pertigaan", ("masjid",)),
        ("belakangnya stasiun", None, "belakang", ("stasiun",)),
        ("across from the hospital", None, "seberang", ("rs",)),
    ],
)
def test_examples(
    lexicon: Lexicon,
    text: str,
    street: str | None,
    relation: str | None,
    free: tuple[str, ...],
) -> None:
    a = parse_address(text, lexicon)
    assert a.street == street
    assert a.relation == relation
    assert a.free_words == free


@pytest.mark.parametrize(
    ("text", "rt", "rw"),
    [
        ("rt 02 rw 05", 2, 5),
        ("RT.002/RW.005", 2, 5),
        ("rt02rw05", 2, 5),
        ("rt/rw 3/4", 3, 4),
        ("RT 7", 7, None),
        ("rw 9", None, 9),
    ],
)
def test_rt_rw_forms(text: str, rt: int | None, rw: int | None) -> None:
    a = parse_address(text)
    assert (a.rt, a.rw) == (rt, rw)


def test_desa_and_kab(lexicon: Lexicon) -> None:
    a = parse_address("desa sentul kab blitar", lexicon)
    assert a.kelurahan is not None
    assert a.kelurahan.text == "sentul"
    assert a.city is not None
    assert a.city.keyword == "kabupaten"
    b = parse_address("kelurahan blitar", lexicon)
    assert b.kelurahan is not None
    assert b.kelurahan.text == "blitar"


# ------------------------------------------------------------------ properties
@settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_never_raises_on_any_text(text: str) -> None:
    a = parse_address(text)
    assert isinstance(a.free_words, tuple)
    assert a.query == text


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=120))
def test_never_raises_with_the_pack_lexicon(lexicon: Lexicon, text: str) -> None:
    parse_address(text, lexicon)


@settings(max_examples=200, deadline=None)
@given(
    rt=st.integers(min_value=0, max_value=999),
    rw=st.integers(min_value=0, max_value=999),
    sep=st.sampled_from(["/", " ", ", ", " / ", "."]),
    pad=st.sampled_from(["{:d}", "{:02d}", "{:03d}"]),
    prefix=st.sampled_from(["", "rumah pak budi ", "kel turi ", "jl mawar no 3 "]),
    upper=st.booleans(),
)
def test_rt_rw_round_trip(
    rt: int, rw: int, sep: str, pad: str, prefix: str, upper: bool
) -> None:
    text = f"{prefix}RT {pad.format(rt)}{sep}RW {pad.format(rw)}"
    a = parse_address(text.upper() if upper else text.lower())
    assert a.rt == rt
    assert a.rw == rw


@settings(max_examples=200, deadline=None)
@given(
    number=st.integers(min_value=1, max_value=9999),
    word=st.sampled_from(["no", "No.", "nomor"]),
)
def test_house_number_round_trip(number: int, word: str) -> None:
    a = parse_address(f"Jl. Kalimantan {word} {number}")
    assert a.street == "kalimantan"
    assert a.house_number == str(number)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_fold_is_idempotent_and_ascii(text: str) -> None:
    f = fold(text)
    assert fold(f) == f
    assert f.isascii()
    assert f == f.lower()
