"""OfflineGeocoder: caller text → a place in the region pack, with honest confidence.

The pipeline, per query (fast enough to run on every keystroke):

1. reject unusable input (:class:`GeocoderQueryError`);
2. pasted coordinates, map links and plus codes short-circuit to a reverse
   lookup (:mod:`geodata.coords`);
3. the lexicon folds the text and :func:`geodata.address.parse_address`
   splits structure (street, kelurahan, kecamatan, city, RT/RW…) from the
   relation (``depan``…) and the free words;
4. named streets, kelurahan and kecamatan are resolved in the
   :class:`~geodata.gazetteer.Gazetteer`; the free words (helped by the span
   words as context) rank landmarks, streets and areas, and the structure
   narrows them (a landmark inside the kelurahan named, near the street
   named, gains; one far away loses);
5. confidence = score × a margin factor against the best *different*
   place (> 300 m away); below :data:`MATCH_THRESHOLD` there is no match,
   never a wild guess. A place named outside the service area (another
   city, a kecamatan of Kabupaten Blitar) gives ``outside_service_area``.

:meth:`OfflineGeocoder.geocode` and :meth:`OfflineGeocoder.reverse` follow
geopy's geocoder interface and return :class:`geopy.location.Location`.
"""

from __future__ import annotations

import math
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal, Protocol, overload

import numpy as np
from geopy import exc as geopy_exc
from geopy.location import Location
from geopy.point import Point
from rapidfuzz import fuzz

from geodata.address import ParsedAddress, parse_address
from geodata.coords import parse_coordinates
from geodata.distance import distance_m, distances_m
from geodata.gazetteer import Gazetteer, Hit, QueryToken, Target
from geodata.packs import Kecamatan, Kelurahan, Landmark, RegionPack, Street, load_pack
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
#: Below this confidence the geocoder answers "no match".
MATCH_THRESHOLD = 0.5
#: Two candidates closer than this are "the same place" for ambiguity.
SAME_PLACE_M = 300.0

Status = Literal["ok", "no_match", "outside_service_area", "coordinates"]


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


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible answer to a query."""

    name: str
    kind: str  # landmark | street | intersection | kelurahan | kecamatan | coordinates
    lat: float
    lon: float
    kelurahan: str | None
    kecamatan: str | None
    relation: str | None
    confidence: float
    category: str | None = None  # landmark kind: hospital, market…
    landmark_id: str | None = None
    street_id: str | None = None
    kelurahan_code: str | None = None
    kecamatan_code: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        d = asdict(self)
        d["confidence"] = round(self.confidence, 3)
        d["lat"] = round(self.lat, 7)
        d["lon"] = round(self.lon, 7)
        return d

    @property
    def address(self) -> str:
        """A one-line human address (Indonesian)."""
        parts = [f"{self.relation} {self.name}" if self.relation else self.name]
        if self.kelurahan and self.kind != "kelurahan":
            parts.append(f"Kel. {self.kelurahan}")
        if self.kecamatan and self.kind != "kecamatan":
            parts.append(f"Kec. {self.kecamatan}")
        return ", ".join(parts)


@dataclass(frozen=True)
class GeocodeResult:
    """Everything :meth:`OfflineGeocoder.lookup` found for one query."""

    query: str
    parsed: ParsedAddress | None
    status: Status
    match: Candidate | None
    alternatives: tuple[Candidate, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape."""
        p = self.parsed
        return {
            "query": self.query,
            "status": self.status,
            "match": self.match.to_dict() if self.match else None,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "parsed": None
            if p is None
            else {
                "street": p.street,
                "house_number": p.house_number,
                "gang": p.gang,
                "rt": p.rt,
                "rw": p.rw,
                "kelurahan": p.kelurahan.text if p.kelurahan else None,
                "kecamatan": p.kecamatan.text if p.kecamatan else None,
                "city": p.city.text if p.city else None,
                "postcode": p.postcode,
                "relation": p.relation,
                "free_text": p.free_text,
            },
            "note": self.note,
        }


@dataclass(frozen=True)
class ReverseResult:
    """What lies at a point."""

    lat: float
    lon: float
    in_service_area: bool
    kelurahan: Kelurahan | None
    kecamatan: Kecamatan | None
    nearest_landmark: Landmark | None = None
    landmark_distance_m: float | None = None
    nearest_street: Street | None = None
    street_distance_m: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line in Indonesian, e.g. ``"80 m dari Pasar Legi, Kel. Sukorejo, …"``."""
        parts: list[str] = []
        if self.nearest_landmark is not None and self.landmark_distance_m is not None:
            if self.landmark_distance_m < 30:
                parts.append(self.nearest_landmark.name)
            else:
                parts.append(
                    f"{self.landmark_distance_m:.0f} m dari "
                    f"{self.nearest_landmark.name}"
                )
        if self.nearest_street is not None and (self.street_distance_m or 0) < 300:
            parts.append(f"dekat {self.nearest_street.name}")
        if self.kelurahan is not None:
            parts.append(f"Kel. {self.kelurahan.name}")
        if self.kecamatan is not None:
            parts.append(f"Kec. {self.kecamatan.name}")
        if not self.in_service_area:
            parts.append("di luar wilayah layanan")
        return ", ".join(parts) or f"{self.lat:.6f}, {self.lon:.6f}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "lat": self.lat,
            "lon": self.lon,
            "in_service_area": self.in_service_area,
            "kelurahan": self.kelurahan.name if self.kelurahan else None,
            "kelurahan_code": self.kelurahan.code if self.kelurahan else None,
            "kecamatan": self.kecamatan.name if self.kecamatan else None,
            "nearest_landmark": self.nearest_landmark.name
            if self.nearest_landmark
            else None,
            "landmark_distance_m": None
            if self.landmark_distance_m is None
            else round(self.landmark_distance_m, 1),
            "nearest_street": self.nearest_street.name if self.nearest_street else None,
            "street_distance_m": None
            if self.street_distance_m is None
            else round(self.street_distance_m, 1),
            "description": self.describe(),
        }


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
    """

    def __init__(
        self,
        pack: RegionPack | str = "blitar",
        *,
        fallback: Any | None = None,
        min_confidence: float = MATCH_THRESHOLD,
    ) -> None:
        """Build the name index (about 30 ms for Kota Blitar)."""
        self.pack = pack if isinstance(pack, RegionPack) else load_pack(pack)
        self.lexicon = Lexicon(
            (e.kind, e.phrase, e.canonical) for e in self.pack.lexicon
        )
        self.gazetteer = Gazetteer(self.pack, self.lexicon)
        self.fallback = fallback
        self.min_confidence = min_confidence
        self._city_words = frozenset(
            fold(e.phrase) for e in self.pack.lexicon if e.kind == "city_name"
        )
        singles: dict[str, str] = {}
        multi: dict[tuple[str, ...], str] = {}
        for o in self.pack.outside_places:
            key = tuple(fold(o.name).split())
            label = f"{o.name.title()} ({o.region})" if o.region else o.name.title()
            if len(key) == 1:
                singles[key[0]] = label
            elif key:
                multi[key] = label
        self._outside_single = singles
        self._outside_multi = multi
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

    def _candidate(
        self, t: Target, confidence: float, relation: str | None, **over: Any
    ) -> Candidate:
        pack = self.pack
        kel = pack.kelurahan_by_code.get(t.kelurahan_code or "")
        kec = pack.kecamatan_by_code.get(t.kecamatan_code or "")
        values: dict[str, Any] = {
            "name": t.name,
            "kind": t.kind,
            "lat": t.lat,
            "lon": t.lon,
            "kelurahan": kel.name if kel else None,
            "kecamatan": kec.name if kec else None,
            "relation": relation,
            "confidence": max(0.0, min(1.0, confidence)),
            "category": t.subkind or None,
            "landmark_id": t.ref if t.kind == "landmark" else None,
            "street_id": t.ref if t.kind == "street" else None,
            "kelurahan_code": t.kelurahan_code,
            "kecamatan_code": t.kecamatan_code,
        }
        values.update(over)
        return Candidate(**values)

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

    def _resolve_span(
        self, words: Sequence[str], kind: str, floor: float
    ) -> tuple[Hit | None, list[str]]:
        hits = self.gazetteer.search(
            [QueryToken(w) for w in words], frozenset({kind}), 3
        )
        if not hits or hits[0].score < floor:
            return None, list(words)
        top = hits[0]
        rest = [w for j, w in enumerate(words) if j not in top.matched]
        return top, rest

    def _rank(
        self, query: str, parsed: ParsedAddress, limit: int, prefix: bool
    ) -> GeocodeResult:
        g = self.gazetteer
        targets = g.targets
        relation = parsed.relation

        kel_hit = kec_hit = None
        free = list(parsed.free_words)
        context: list[str] = []
        unresolved: list[str] = []
        if parsed.kelurahan is not None:
            kel_hit, rest = self._resolve_span(parsed.kelurahan.words, "kelurahan", 0.6)
            if kel_hit is None:  # "desa X" may name a kecamatan too
                kec_try, _ = self._resolve_span(
                    parsed.kelurahan.words, "kecamatan", 0.7
                )
                kec_hit = kec_try
            free.extend(rest)
            context.append("kelurahan")
            context.extend(w for w in parsed.kelurahan.words if w not in rest)
        if parsed.kecamatan is not None:
            hit, rest = self._resolve_span(parsed.kecamatan.words, "kecamatan", 0.6)
            kec_hit = hit or kec_hit
            free.extend(rest)
            context.append("kecamatan")
            context.extend(w for w in parsed.kecamatan.words if w not in rest)
        street_hits: list[Hit] = []
        for span in parsed.streets:
            hit, rest = self._resolve_span(span.words, "street", 0.55)
            if hit is not None:
                street_hits.append(hit)
                context.extend(w for w in span.words if w not in rest)
                free.extend(rest)
            else:
                context.extend(span.words)
                unresolved.extend(span.words)

        # words a resolved in-city street or area explains cannot name an
        # outside place ("Jl. Raya Kediri-Blitar" is a Blitar street)
        explained = set(context) - set(unresolved)
        all_words = [w for w in [*free, *unresolved] if w not in explained]
        if parsed.city is not None:
            all_words.extend(parsed.city.words)
        if parsed.kelurahan is not None and kel_hit is None and kec_hit is None:
            all_words.extend(parsed.kelurahan.words)
        if parsed.kecamatan is not None and kec_hit is None:
            all_words.extend(parsed.kecamatan.words)
        outside = self._outside(parsed, all_words)

        hint_targets = {h.target for h in street_hits}
        if kel_hit:
            hint_targets.add(kel_hit.target)
        if kec_hit:
            hint_targets.add(kec_hit.target)

        scored: list[tuple[float, int, Hit]] = []
        if free:
            qtoks = [QueryToken(w) for w in free] + [
                QueryToken(w, free=False) for w in context
            ]
            n_free = len(free)
            # category words the caller said ("pasar" in "pasar besar")
            said_types = [j for j in range(n_free) if g.is_type_word(free[j])]
            for h in g.search(qtoks, limit=40, prefix_last=prefix and not context):
                if h.target in hint_targets or not any(j < n_free for j in h.matched):
                    continue
                t = targets[h.target]
                s = h.score * self._structure_factor(
                    t, parsed, kel_hit, kec_hit, street_hits
                )
                if all(g.is_type_word(qtoks[j].text) for j in h.matched):
                    s = min(s, 0.4)  # "masjid", "pasar": a kind of place, not a place
                head = g.entries[h.entry].tokens[0]
                if (
                    said_types
                    and not any(j in h.matched for j in said_types)
                    and head in g.type_words
                ):
                    s *= 0.5  # the caller said "pasar", this is a "masjid"
                scored.append((s, h.target, h))
            scored.sort(key=lambda x: -x[0])

        outside_explained = False
        if outside and scored and scored[0][0] >= 0.5:
            # the best in-city name itself contains the outside word(s)?
            top_tokens = g.entries[scored[0][2].entry].tokens
            outside_explained = any(
                fold(part) in top_tokens for part in outside.split(" (")[0].split()
            )
        if outside and not outside_explained:
            alts = tuple(
                self._candidate(targets[t], s * 0.5, relation)
                for s, t, _ in scored[:limit]
            )
            return GeocodeResult(
                query,
                parsed,
                "outside_service_area",
                None,
                alts,
                note=f"di luar wilayah layanan: {outside}",
            )

        cands: list[Candidate] = []
        if scored and scored[0][0] >= 0.45:
            top_s, top_t, _ = scored[0]
            tt = targets[top_t]
            second = 0.0
            for s, ti, _ in scored[1:]:
                ot = targets[ti]
                if distance_m(tt.lat, tt.lon, ot.lat, ot.lon) > SAME_PLACE_M:
                    second = s
                    break
            margin = (top_s - second) / top_s if top_s > 0 else 0.0
            conf = min(1.0, top_s) * min(1.0, 0.45 + 2.5 * margin)
            cands.append(self._candidate(tt, conf, relation))
            for s, ti, _ in scored[1:limit]:
                cands.append(self._candidate(targets[ti], min(1.0, s) * 0.6, relation))
        elif street_hits:
            cands.append(self._street_candidate(street_hits, kel_hit, relation))
        elif kel_hit is not None:
            cands.append(
                self._candidate(targets[kel_hit.target], kel_hit.score * 0.95, relation)
            )
        elif kec_hit is not None:
            cands.append(
                self._candidate(targets[kec_hit.target], kec_hit.score * 0.8, relation)
            )
        else:
            for s, ti, _ in scored[:limit]:
                cands.append(self._candidate(targets[ti], min(1.0, s) * 0.6, relation))
        # areas named in the query are always worth offering
        for area in (kel_hit, kec_hit):
            if (
                area is not None
                and cands
                and cands[0].kind not in ("kelurahan", "kecamatan")
            ):
                cands.append(
                    self._candidate(targets[area.target], area.score * 0.5, relation)
                )
        cands = [c for i, c in enumerate(cands) if i == 0 or c.confidence >= 0.05][
            :limit
        ]
        if cands and cands[0].confidence >= self.min_confidence:
            return GeocodeResult(query, parsed, "ok", cands[0], tuple(cands[1:]))
        return GeocodeResult(query, parsed, "no_match", None, tuple(cands))

    def _structure_factor(
        self,
        t: Target,
        parsed: ParsedAddress,
        kel_hit: Hit | None,
        kec_hit: Hit | None,
        street_hits: list[Hit],
    ) -> float:
        f = 1.0
        g = self.gazetteer
        if kel_hit is not None and t.kind != "kelurahan":
            code = g.targets[kel_hit.target].ref
            if t.kelurahan_code == code:
                f *= 1.1
            elif self.pack.distance_to_kelurahan_m(code, t.lat, t.lon) > SAME_PLACE_M:
                f *= 0.7
        if kec_hit is not None and t.kind not in ("kecamatan",):
            if t.kecamatan_code == g.targets[kec_hit.target].ref:
                f *= 1.05
            else:
                f *= 0.8
        for sh in street_hits:
            pts = g.street_points[sh.target]
            d = float(distances_m(pts[:, 0], pts[:, 1], t.lat, t.lon).min())
            if d <= SAME_PLACE_M:
                f *= 1.1
            elif d > 1000:
                f *= 0.8
        if parsed.postcode is not None and t.kelurahan_code:
            k = self.pack.kelurahan_by_code.get(t.kelurahan_code)
            if k is not None and k.postcode:
                f *= 1.05 if k.postcode == parsed.postcode else 0.9
        return f

    def _street_candidate(
        self, street_hits: list[Hit], kel_hit: Hit | None, relation: str | None
    ) -> Candidate:
        g = self.gazetteer
        first = street_hits[0]
        t = g.targets[first.target]
        pts = g.street_points[first.target]
        if len(street_hits) >= 2:
            other = g.targets[street_hits[1].target]
            opts = g.street_points[street_hits[1].target]
            best = (math.inf, 0, 0)
            for i, (a, b) in enumerate(pts):
                d = distances_m(opts[:, 0], opts[:, 1], a, b)
                j = int(np.argmin(d))
                if d[j] < best[0]:
                    best = (float(d[j]), i, j)
            if best[0] <= 400:
                lat = (pts[best[1], 0] + opts[best[2], 0]) / 2
                lon = (pts[best[1], 1] + opts[best[2], 1]) / 2
                kel = self.pack.kelurahan_at(float(lat), float(lon))
                conf = min(first.score, street_hits[1].score) * 0.85
                return self._candidate(
                    t,
                    conf,
                    relation,
                    name=f"{t.name} × {other.name}",
                    kind="intersection",
                    lat=float(lat),
                    lon=float(lon),
                    kelurahan=kel.name if kel else None,
                    kelurahan_code=kel.code if kel else None,
                    kecamatan=kel.kecamatan_name if kel else None,
                    kecamatan_code=kel.kecamatan_code if kel else None,
                    street_id=t.ref,
                )
        lat, lon = t.lat, t.lon
        spread = float(distances_m(pts[:, 0], pts[:, 1], lat, lon).max())
        conf = first.score * 0.85 * (1.0 if spread <= 700 else 0.85)
        if kel_hit is not None:
            code = g.targets[kel_hit.target].ref
            kel = self.pack.kelurahan_by_code[code]
            d = distances_m(pts[:, 0], pts[:, 1], kel.centroid_lat, kel.centroid_lon)
            inside = [
                i
                for i, (a, b) in enumerate(pts)
                if self.pack.distance_to_kelurahan_m(code, float(a), float(b)) <= 100
            ]
            pick = min(inside, key=lambda i: d[i]) if inside else int(np.argmin(d))
            lat, lon = float(pts[pick, 0]), float(pts[pick, 1])
            conf = first.score * 0.9 if inside else conf * 0.8
        kel_at = self.pack.kelurahan_at(lat, lon)
        return self._candidate(
            t,
            conf,
            relation,
            lat=lat,
            lon=lon,
            kelurahan=kel_at.name if kel_at else None,
            kelurahan_code=kel_at.code if kel_at else None,
            kecamatan=kel_at.kecamatan_name if kel_at else None,
            kecamatan_code=kel_at.kecamatan_code if kel_at else None,
        )


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
