"""OfflineGeocoder: caller text → a place in the region pack, with honest confidence.

The pipeline, per query (fast enough to run on every keystroke):

1. reject unusable input (:class:`GeocoderQueryError`);
2. pasted coordinates, map links and plus codes short-circuit to a reverse
   lookup (:mod:`geodata.coords`);
3. the lexicon folds the text and :func:`geodata.address.parse_address`
   splits structure (street, kelurahan, kecamatan, city, RT/RW…) from the
   relation (``depan``…) and the free words;
4. :class:`geodata.ranking.Ranker` resolves the named streets and areas,
   scores the free words' name matches through small named stages whose
   weights live in ``geodata/ranking/weights.toml``, places the answer
   (street + landmark, distance + direction) and decides: below the
   threshold there is no match (the best kelurahan is offered with its
   confidence), never a wild guess. A place named outside the service area
   (another city, a kecamatan of Kabupaten Blitar) gives
   ``outside_service_area``.

:meth:`OfflineGeocoder.geocode` and :meth:`OfflineGeocoder.reverse` follow
geopy's geocoder interface and return :class:`geopy.location.Location`.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Sequence
from typing import Any, Literal, Protocol, overload

import numpy as np
from geopy import exc as geopy_exc
from geopy.location import Location
from geopy.point import Point
from rapidfuzz import fuzz

from geodata.address import ParsedAddress, parse_address
from geodata.coords import parse_coordinates
from geodata.distance import distances_m
from geodata.gazetteer import Gazetteer
from geodata.packs import RegionPack, load_pack
from geodata.ranking import Ranker, Weights, default_weights
from geodata.results import Candidate, GeocodeResult, ReverseResult, Status
from geodata.text import Lexicon, fold

__all__ = [
    "MATCH_THRESHOLD",
    "MAX_QUERY_LENGTH",
    "Candidate",
    "GeocodeResult",
    "Geocoder",
    "GeocoderQueryError",
    "OfflineGeocoder",
    "ReverseResult",
    "Status",
    "geocoder_for",
]

#: Longest query accepted (characters); a caller's place fits in far less.
MAX_QUERY_LENGTH = 300
#: Below this confidence the geocoder answers "no match" (``weights.toml``).
MATCH_THRESHOLD = default_weights().decision.threshold


# geopy ships no type hints, so its exception is Any to mypy
class GeocoderQueryError(geopy_exc.GeocoderQueryError, ValueError):  # type: ignore[misc]
    """The query cannot be geocoded at all (empty, too long, control characters)."""


class Geocoder(Protocol):
    """The geopy-style interface the console codes against (offline or online)."""

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
    ) -> Location | list[Location] | None:
        """Places matching ``query``."""
        ...

    def reverse(
        self, query: Any, *, exactly_one: bool = True, timeout: float | None = None
    ) -> Location | list[Location] | None:
        """The place at a point."""
        ...


def _outside_index(
    pack: RegionPack,
) -> tuple[dict[str, str], dict[tuple[str, ...], str]]:
    """Outside places by folded name: one-word names, and longer ones."""
    singles: dict[str, str] = {}
    multi: dict[tuple[str, ...], str] = {}
    for o in pack.outside_places:
        key = tuple(fold(o.name).split())
        label = f"{o.name.title()} ({o.region})" if o.region else o.name.title()
        if len(key) == 1:
            singles[key[0]] = label
        elif key:
            multi[key] = label
    return singles, multi


def _check_query(query: object) -> str:
    if not isinstance(query, str):
        raise GeocoderQueryError(f"query must be text, not {type(query).__name__}")
    if len(query) > MAX_QUERY_LENGTH:
        raise GeocoderQueryError(
            f"query too long ({len(query)} characters; at most {MAX_QUERY_LENGTH})"
        )
    for ch in query:
        if ch in "\t\n\r":
            continue
        if unicodedata.category(ch) in ("Cc", "Cs", "Co"):
            raise GeocoderQueryError(f"query contains a control character {ch!r}")
    if not query.strip():
        raise GeocoderQueryError("query is empty")
    return " ".join(query.split())


class OfflineGeocoder:
    """Geocode caller text against a region pack, offline.

    Args:
        pack: a loaded :class:`RegionPack` or a pack name / folder.
        fallback: an optional online geopy geocoder (e.g. ``Nominatim``) asked
            by :meth:`geocode` only when the offline index has no match; its
            answer is kept only inside the service area. Off by default.
        min_confidence: the no-match threshold.
        weights: ranking weights (default: ``geodata/ranking/weights.toml``).
    """

    def __init__(
        self,
        pack: RegionPack | str = "blitar",
        *,
        fallback: Any | None = None,
        min_confidence: float = MATCH_THRESHOLD,
        weights: Weights | None = None,
    ) -> None:
        """Build the name index (about 30 ms for Kota Blitar)."""
        self.pack = pack if isinstance(pack, RegionPack) else load_pack(pack)
        self.lexicon = Lexicon(
            (e.kind, e.phrase, e.canonical) for e in self.pack.lexicon
        )
        self.gazetteer = Gazetteer(self.pack, self.lexicon)
        self.fallback = fallback
        self.min_confidence = min_confidence
        base = weights or default_weights()
        self.weights = base.replace("decision.threshold", min_confidence)
        self.ranker = Ranker(self.pack, self.gazetteer, self.weights)
        self._city_words = frozenset(
            fold(e.phrase) for e in self.pack.lexicon if e.kind == "city_name"
        )
        self._outside_single, self._outside_multi = _outside_index(self.pack)
        lms = self.pack.landmarks
        self._lm_lat = np.array([lm.lat for lm in lms], dtype=np.float64)
        self._lm_lon = np.array([lm.lon for lm in lms], dtype=np.float64)
        st_rows = [(i, p) for i, s in enumerate(self.pack.streets) for p in s.points]
        self._st_idx = np.array([i for i, _ in st_rows], dtype=np.int64)
        self._st_lat = np.array([p[0] for _, p in st_rows], dtype=np.float64)
        self._st_lon = np.array([p[1] for _, p in st_rows], dtype=np.float64)

    # ------------------------------------------------------------ geopy API
    @overload
    def geocode(
        self,
        query: str,
        *,
        exactly_one: Literal[True] = ...,
        timeout: float | None = ...,
        limit: int | None = ...,
        bbox: Any = ...,
    ) -> Location | None: ...

    @overload
    def geocode(
        self,
        query: str,
        *,
        exactly_one: Literal[False],
        timeout: float | None = ...,
        limit: int | None = ...,
        bbox: Any = ...,
    ) -> list[Location] | None: ...

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        limit: int | None = None,
        bbox: Any = None,
    ) -> Location | list[Location] | None:
        """geopy-compatible geocoding; ``raw`` holds the candidate record.

        With ``exactly_one=False`` returns the match and alternatives (up to
        ``limit``), or ``None`` when there is no confident match.
        ``timeout`` and ``bbox`` are accepted for compatibility (the service
        area already bounds the search).
        """
        result = self.lookup(query, limit=limit or 5)
        if result.match is None:
            if self.fallback is not None and result.status == "no_match":
                return self._ask_fallback(query, exactly_one, timeout)
            return None
        cands = [result.match, *result.alternatives]
        if exactly_one:
            return self._location(cands[0], result)
        return [self._location(c, result) for c in cands[: limit or len(cands)]]

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        timeout: float | None = None,
        language: str | None = None,
    ) -> Location | list[Location] | None:
        """geopy-compatible reverse geocoding of a point ("lat, lon", tuple, Point)."""
        try:
            point = Point(query)
        except (ValueError, TypeError) as exc:
            raise GeocoderQueryError(f"not a point: {query!r}") from exc
        rev = self.reverse_lookup(point.latitude, point.longitude)
        if not rev.in_service_area and rev.kelurahan is None:
            return None
        raw = rev.to_dict()
        loc = Location(rev.describe(), (rev.lat, rev.lon, 0.0), raw)
        return loc if exactly_one else [loc]

    # ------------------------------------------------------------- rich API
    def lookup(
        self, query: str, limit: int = 5, *, prefix: bool = False
    ) -> GeocodeResult:
        """Parse and rank ``query``; the match (or none) and ranked alternatives.

        Args:
            query: what the caller said.
            limit: how many candidates in all (match + alternatives).
            prefix: treat the last word as possibly unfinished (typing).

        Raises:
            GeocoderQueryError: empty, too long or containing control characters.
        """
        text = _check_query(query)
        coords = parse_coordinates(text, ref=self.pack.map_center)
        if coords is not None:
            return self._from_coordinates(query, coords.lat, coords.lon)
        parsed = parse_address(text, self.lexicon)
        return self._rank(query, parsed, max(1, limit), prefix)

    def reverse_lookup(self, lat: float, lon: float) -> ReverseResult:
        """Kelurahan, kecamatan, nearest landmark and street of a point."""
        if not (math.isfinite(lat) and math.isfinite(lon)):
            raise GeocoderQueryError("coordinates must be finite numbers")
        pack = self.pack
        kel = pack.kelurahan_at(lat, lon)
        inside = kel is not None or pack.point_in_service_area(lat, lon)
        if kel is None and inside:
            near = pack.nearest_kelurahan(lat, lon, max_m=pack.boundary_tolerance_m)
            kel = near[0] if near else None
        kec = pack.kecamatan_of(kel) if kel else None
        lm = lm_d = st = st_d = None
        if len(self._lm_lat):
            d = distances_m(self._lm_lat, self._lm_lon, lat, lon)
            i = int(np.argmin(d))
            lm, lm_d = pack.landmarks[i], float(d[i])
        if len(self._st_lat):
            d = distances_m(self._st_lat, self._st_lon, lat, lon)
            i = int(np.argmin(d))
            st, st_d = pack.streets[int(self._st_idx[i])], float(d[i])
        return ReverseResult(lat, lon, inside, kel, kec, lm, lm_d, st, st_d)

    # ------------------------------------------------------------ internals
    def _location(self, c: Candidate, result: GeocodeResult) -> Location:
        raw = c.to_dict()
        raw["status"] = result.status
        raw["address"] = c.address
        return Location(c.address, (c.lat, c.lon, 0.0), raw)

    def _ask_fallback(
        self, query: str, exactly_one: bool, timeout: float | None
    ) -> Location | list[Location] | None:
        assert self.fallback is not None
        q = f"{query}, {self.pack.title}"
        try:
            found = self.fallback.geocode(q, exactly_one=False, timeout=timeout)
        except geopy_exc.GeopyError:
            return None
        kept = [
            loc
            for loc in (found or [])
            if self.pack.point_in_service_area(loc.latitude, loc.longitude)
        ]
        if not kept:
            return None
        return kept[0] if exactly_one else kept

    def _from_coordinates(self, query: str, lat: float, lon: float) -> GeocodeResult:
        rev = self.reverse_lookup(lat, lon)
        cand = Candidate(
            name=f"{lat:.6f}, {lon:.6f}",
            kind="coordinates",
            lat=lat,
            lon=lon,
            kelurahan=rev.kelurahan.name if rev.kelurahan else None,
            kecamatan=rev.kecamatan.name if rev.kecamatan else None,
            relation=None,
            confidence=1.0,
            kelurahan_code=rev.kelurahan.code if rev.kelurahan else None,
            kecamatan_code=rev.kecamatan.code if rev.kecamatan else None,
        )
        if not rev.in_service_area:
            return GeocodeResult(
                query,
                None,
                "outside_service_area",
                None,
                (cand,),
                note="coordinates outside the service area",
            )
        return GeocodeResult(query, None, "coordinates", cand, (), note=rev.describe())

    def _outside(self, parsed: ParsedAddress, words: Sequence[str]) -> str | None:
        """A place outside the service area the query names, if any."""
        city = parsed.city
        if city is not None and (
            city.keyword == "kabupaten" or not set(city.words) <= self._city_words
        ):
            return f"{city.keyword.title()} {city.text.title()}"
        singles = self._outside_single
        for w in words:
            if w in singles:
                return singles[w]
            if len(w) >= 6:
                for name, label in singles.items():
                    if abs(len(name) - len(w)) <= 2 and fuzz.ratio(w, name) >= 90:
                        return label
        n = len(words)
        for key, label in self._outside_multi.items():
            k = len(key)
            target = " ".join(key)
            for i in range(n - k + 1):
                if fuzz.ratio(" ".join(words[i : i + k]), target) >= 88:
                    return label
        return None

    def _rank(
        self, query: str, parsed: ParsedAddress, limit: int, prefix: bool
    ) -> GeocodeResult:
        return self.ranker.rank(query, parsed, limit, prefix, self._outside)


_shared: dict[int, tuple[RegionPack, OfflineGeocoder]] = {}
_shared_lock = threading.Lock()


def geocoder_for(pack: RegionPack | str = "blitar") -> OfflineGeocoder:
    """A shared :class:`OfflineGeocoder` per pack (built once, thread-safe)."""
    region = pack if isinstance(pack, RegionPack) else load_pack(pack)
    with _shared_lock:
        hit = _shared.get(id(region))
        if hit is not None and hit[0] is region:
            return hit[1]
        geocoder = OfflineGeocoder(region)
        _shared[id(region)] = (region, geocoder)
        return geocoder
