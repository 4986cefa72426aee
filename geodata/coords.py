"""Coordinates pasted by callers or units: decimal pairs, map links, DMS, plus codes.

:func:`parse_coordinates` finds a position in free text such as
``"-8.0985, 112.1652"``, ``"-8.0985 112.1652"``, a Google Maps link
(``?q=lat,lon``, ``@lat,lon,17z``, ``!3dlat!4dlon``), degrees-minutes-seconds
(``8°05'54.6"S 112°09'54.7"E``), ``8.0985 LS 112.1652 BT`` or an Open Location
Code ("plus code", full or short; short codes are recovered relative to a
reference point, normally the region pack's map centre). The plus-code
decoder is a small pure-Python port of the published algorithm
(github.com/google/open-location-code, Apache-2.0 specification).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "ParsedCoordinates",
    "decode_plus_code",
    "encode_plus_code",
    "parse_coordinates",
    "recover_plus_code",
]

_ALPHABET = "23456789CFGHJMPQRVWX"
_PAIR_RES = (20.0, 1.0, 0.05, 0.0025, 0.000125)
_SEPARATOR_POS = 8


@dataclass(frozen=True, slots=True)
class ParsedCoordinates:
    """A position found in text and how it was written."""

    lat: float
    lon: float
    source: str  # "decimal" | "dms" | "map_link" | "plus_code"
    text: str


def encode_plus_code(lat: float, lon: float) -> str:
    """Encode a point as a 10-digit Open Location Code (about 14 m cells)."""
    lat = min(max(lat, -90.0), 90.0 - 1e-10)
    lon = ((lon + 180.0) % 360.0) - 180.0
    la = lat + 90.0
    lo = lon + 180.0
    out = []
    for res in _PAIR_RES:
        dla = min(19, int(la // res))
        dlo = min(19, int(lo // res))
        la -= dla * res
        lo -= dlo * res
        out.append(_ALPHABET[dla])
        out.append(_ALPHABET[dlo])
    code = "".join(out)
    return code[:_SEPARATOR_POS] + "+" + code[_SEPARATOR_POS:]


def decode_plus_code(code: str) -> tuple[float, float]:
    """Decode a *full* plus code to the centre ``(lat, lon)`` of its cell.

    Raises:
        ValueError: when ``code`` is not a valid full code.
    """
    code = code.strip().upper()
    if code.count("+") != 1 or code.index("+") != _SEPARATOR_POS:
        raise ValueError(f"not a full plus code: {code!r}")
    digits = code.replace("+", "").rstrip("0")
    if len(digits) < 2 or (len(digits) % 2 and len(digits) < 10):
        raise ValueError(f"not a full plus code: {code!r}")
    if any(c not in _ALPHABET for c in digits):
        raise ValueError(f"invalid plus code character in {code!r}")
    lat = -90.0
    lon = -180.0
    lat_res = lon_res = 20.0
    for i, res in enumerate(_PAIR_RES):
        if 2 * i >= len(digits):
            break
        lat_res = lon_res = res
        lat += _ALPHABET.index(digits[2 * i]) * res
        lon += _ALPHABET.index(digits[2 * i + 1]) * res
    for c in digits[10:15]:
        lat_res /= 5.0
        lon_res /= 4.0
        row, col = divmod(_ALPHABET.index(c), 4)
        lat += row * lat_res
        lon += col * lon_res
    if lat + lat_res / 2 > 90 or not -180 <= lon < 180:
        raise ValueError(f"plus code out of range: {code!r}")
    return lat + lat_res / 2.0, lon + lon_res / 2.0


def recover_plus_code(code: str, ref_lat: float, ref_lon: float) -> tuple[float, float]:
    """Decode a full or *short* plus code, short ones relative to a reference point.

    Follows the specification's ``recoverNearest``: pad with the reference's
    leading digits, then shift by one cell when the result is more than half a
    cell away from the reference.
    """
    code = code.strip().upper()
    sep = code.find("+")
    if sep < 0 or sep > _SEPARATOR_POS or sep % 2:
        raise ValueError(f"not a plus code: {code!r}")
    if sep == _SEPARATOR_POS:
        return decode_plus_code(code)
    padding = _SEPARATOR_POS - sep
    resolution = 20.0 ** (2 - padding / 2)
    half = resolution / 2.0
    ref = encode_plus_code(ref_lat, ref_lon).replace("+", "")
    full = ref[:padding] + code.replace("+", "")
    lat, lon = decode_plus_code(full[:_SEPARATOR_POS] + "+" + full[_SEPARATOR_POS:])
    if ref_lat + half < lat and lat - resolution >= -90:
        lat -= resolution
    elif ref_lat - half > lat and lat + resolution <= 90:
        lat += resolution
    if ref_lon + half < lon:
        lon -= resolution
    elif ref_lon - half > lon:
        lon += resolution
    return lat, lon


_NUM = r"[-+]?\d{1,3}\.\d{2,}"
_LINK_PATTERNS = (
    re.compile(r"!3d(" + _NUM + r")!4d(" + _NUM + r")"),
    re.compile(
        r"[?&](?:q|ll|query|center|destination)=(" + _NUM + r"),\s*(" + _NUM + r")"
    ),
    re.compile(r"@(" + _NUM + r"),(" + _NUM + r")"),
)
_PAIR = re.compile(
    r"(?<![\w.])(" + _NUM + r")\s*(?:[,;]|\s)\s*(" + _NUM + r")(?![\w.])"
)
_HEMI = re.compile(
    r"(\d{1,2}(?:\.\d+)?)\s*°?\s*(LS|LU|S|N)\b[\s,;]*(\d{1,3}(?:\.\d+)?)\s*°?\s*(BT|BB|E|W)\b",
    re.IGNORECASE,
)
_DMS = re.compile(
    r"(\d{1,2})\s*°\s*(\d{1,2})\s*['′]\s*(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|'')?\s*([NSns])"
    r"[\s,;]*"
    r"(\d{1,3})\s*°\s*(\d{1,2})\s*['′]\s*(\d{1,2}(?:\.\d+)?)\s*(?:\"|″|'')?\s*([EWew])"
)
_PLUS = re.compile(
    r"(?<![0-9A-Z])([23456789CFGHJMPQRVWX]{2,8}\+[23456789CFGHJMPQRVWX]{0,7})(?![0-9A-Z])",
    re.IGNORECASE,
)


def _valid(lat: float, lon: float) -> tuple[float, float] | None:
    if abs(lat) > 90 and abs(lon) <= 90:
        lat, lon = lon, lat  # pasted as lon, lat
    if abs(lat) <= 90 and abs(lon) <= 180:
        return lat, lon
    return None


def _from_links(text: str) -> ParsedCoordinates | None:
    for pattern in _LINK_PATTERNS:
        m = pattern.search(text)
        if m:
            ok = _valid(float(m.group(1)), float(m.group(2)))
            if ok:
                return ParsedCoordinates(ok[0], ok[1], "map_link", m.group(0))
    return None


def _from_dms(text: str) -> ParsedCoordinates | None:
    m = _DMS.search(text)
    if not m:
        return None
    lat = float(m.group(1)) + float(m.group(2)) / 60 + float(m.group(3)) / 3600
    lon = float(m.group(5)) + float(m.group(6)) / 60 + float(m.group(7)) / 3600
    lat = -lat if m.group(4).upper() == "S" else lat
    lon = -lon if m.group(8).upper() == "W" else lon
    ok = _valid(lat, lon)
    return ParsedCoordinates(ok[0], ok[1], "dms", m.group(0)) if ok else None


def _from_hemispheres(text: str) -> ParsedCoordinates | None:
    m = _HEMI.search(text)
    if not m:
        return None
    lat = float(m.group(1)) * (-1 if m.group(2).upper() in ("LS", "S") else 1)
    lon = float(m.group(3)) * (-1 if m.group(4).upper() in ("BB", "W") else 1)
    ok = _valid(lat, lon)
    return ParsedCoordinates(ok[0], ok[1], "decimal", m.group(0)) if ok else None


def _from_pair(text: str) -> ParsedCoordinates | None:
    m = _PAIR.search(text)
    if not m:
        return None
    ok = _valid(float(m.group(1)), float(m.group(2)))
    return ParsedCoordinates(ok[0], ok[1], "decimal", m.group(0)) if ok else None


def _from_plus_code(
    text: str, ref: tuple[float, float] | None
) -> ParsedCoordinates | None:
    m = _PLUS.search(text)
    if not m:
        return None
    code = m.group(1).upper()
    try:
        if code.index("+") == _SEPARATOR_POS:
            lat, lon = decode_plus_code(code)
        elif ref is not None:
            lat, lon = recover_plus_code(code, ref[0], ref[1])
        else:
            return None
    except ValueError:
        return None
    return ParsedCoordinates(lat, lon, "plus_code", m.group(0))


def parse_coordinates(
    text: str, ref: tuple[float, float] | None = None
) -> ParsedCoordinates | None:
    """Find one position in ``text``, or ``None`` when there is none.

    Forms are tried from the most to the least specific: map links, degrees
    minutes seconds, hemisphere letters, a bare decimal pair, a plus code.

    Args:
        text: what the caller or unit sent.
        ref: reference ``(lat, lon)`` for short plus codes; without it short
            codes are ignored.
    """
    for finder in (_from_links, _from_dms, _from_hemispheres, _from_pair):
        found = finder(text)
        if found is not None:
            return found
    return _from_plus_code(text, ref)
