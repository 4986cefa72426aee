"""Coordinates in text: decimal pairs, map links, DMS, plus codes."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geodata.coords import (
    decode_plus_code,
    encode_plus_code,
    parse_coordinates,
    recover_plus_code,
)

CENTRE = (-8.0985, 112.1652)


@pytest.mark.parametrize(
    ("text", "lat", "lon", "source"),
    [
        ("-8.0985, 112.1652", -8.0985, 112.1652, "decimal"),
        ("-8.0985 112.1652", -8.0985, 112.1652, "decimal"),
        ("lokasi: -8.0985,112.1652 tolong", -8.0985, 112.1652, "decimal"),
        ("112.1652, -8.0985", -8.0985, 112.1652, "decimal"),  # pasted lon, lat
        ("https://maps.google.com/?q=-8.0985,112.1652", -8.0985, 112.1652, "map_link"),
        (
            "https://www.google.com/maps/@-8.0985,112.1652,17z",
            -8.0985,
            112.1652,
            "map_link",
        ),
        (
            "https://www.google.com/maps/place/Alun-alun/@-8.09,112.16,17z/data=!3d-8.0981595!4d112.1651847",
            -8.0981595,
            112.1651847,
            "map_link",
        ),
        ("8°05'54.6\"S 112°09'54.7\"E", -8.0985, 112.16519, "dms"),
        ("8.0985 LS 112.1652 BT", -8.0985, 112.1652, "decimal"),
    ],
)
def test_formats(text: str, lat: float, lon: float, source: str) -> None:
    p = parse_coordinates(text, ref=CENTRE)
    assert p is not None
    assert p.lat == pytest.approx(lat, abs=1e-4)
    assert p.lon == pytest.approx(lon, abs=1e-4)
    assert p.source == source


@pytest.mark.parametrize(
    "text", ["jl kalimantan no 12", "rt 02 rw 05", "pasar legi", "", "12, 34"]
)
def test_no_coordinates(text: str) -> None:
    assert parse_coordinates(text, ref=CENTRE) is None


def test_plus_code_reference_example() -> None:
    # the example of the Open Location Code specification (Zürich)
    lat, lon = decode_plus_code("8FVC9G8F+6X")
    assert lat == pytest.approx(47.36557, abs=2e-4)
    assert lon == pytest.approx(8.52497, abs=2e-4)


@settings(max_examples=200, deadline=None)
@given(
    lat=st.floats(min_value=-8.14, max_value=-8.05),
    lon=st.floats(min_value=112.13, max_value=112.21),
    drop=st.sampled_from([0, 2, 4]),  # 6 dropped digits reach only ~2.7 km
)
def test_plus_code_round_trip_full_and_short(lat: float, lon: float, drop: int) -> None:
    code = encode_plus_code(lat, lon)
    got = recover_plus_code(code[drop:], *CENTRE)
    # a 10-digit cell is 0.000125° square: the centre is within ~10 m
    assert got[0] == pytest.approx(lat, abs=0.000125)
    assert got[1] == pytest.approx(lon, abs=0.000125)
    p = parse_coordinates(f"plus code {code[drop:]} Blitar", ref=CENTRE)
    assert p is not None
    assert p.source == "plus_code"


def test_short_code_needs_a_reference() -> None:
    assert parse_coordinates("W5JQ+2X") is None


def test_invalid_plus_code() -> None:
    with pytest.raises(ValueError, match="plus code"):
        decode_plus_code("6P3Q+")
    with pytest.raises(ValueError, match="not a full plus code"):
        decode_plus_code("W5JQ+2X")  # short code is not a full code
