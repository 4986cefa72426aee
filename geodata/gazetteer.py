"""Indexed place names and aliases of a region pack, searched fuzzily with rapidfuzz.

Every landmark, street, kelurahan and kecamatan contributes one entry per
name or alias, folded through the pack lexicon (so ``"Rumah Sakit Umum
Daerah Mardi Waluyo"`` and ``"RSUD Mardi Waluyo"`` index the same tokens).
A query token is matched against the token vocabulary with
:func:`rapidfuzz.fuzz.ratio` (typos), joined neighbours match compound
spellings (``"kepanjen kidul"`` ↔ ``"kepanjenkidul"``, ``"mardiwaluyo"``), and
each entry is scored by how much of its *distinctive* weight (inverse
document frequency: ``legi`` outweighs ``pasar``) the query covers, and how
much of the query the entry explains.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from geodata.address import GANG, JALAN, KECAMATAN, KELURAHAN
from geodata.bounded_search import (
    Group,
    PostingArrays,
    better,
    bounded_search,
    group_weights,
    upper_bounds,
)
from geodata.distance import distances_m
from geodata.packs.models import RegionPack
from geodata.postings import Credit, file_entry, keys_of, raise_best
from geodata.text import Lexicon

__all__ = ["Gazetteer", "Hit", "QueryToken", "Target"]

_KIND_PRIOR = {"landmark": 1.0, "kelurahan": 1.0, "street": 0.97, "kecamatan": 0.9}
_DROP_FROM_NAMES = JALAN | GANG
_AREA_WORDS = KELURAHAN | KECAMATAN
#: Weight of a query word the index does not know (noise like "warung", "bu").
UNKNOWN_WEIGHT = 2.0
#: Above this many postings a query's entries are ranked by upper bounds
#: (:mod:`geodata.bounded_search`) instead of being scored one by one.
DIRECT_POSTINGS = 4_000


@dataclass(frozen=True, slots=True)
class Target:
    """Something a query can resolve to."""

    kind: str  # "landmark" | "street" | "kelurahan" | "kecamatan"
    ref: str  # landmark id, street id or Kemendagri code
    name: str
    lat: float
    lon: float
    kelurahan_code: str | None
    kecamatan_code: str | None
    subkind: str = ""  # landmark kind ("hospital"…)


@dataclass(frozen=True, slots=True)
class QueryToken:
    """A folded query word.

    Context words (inside a parsed street/kelurahan span) help an entry's
    coverage but do not count against it when unmatched.
    """

    text: str
    free: bool = True


@dataclass(frozen=True, slots=True)
class Hit:
    """A scored target."""

    target: int
    score: float
    name_cov: float
    query_cov: float
    entry: int
    matched: frozenset[int]  # query token positions that matched


@dataclass(slots=True)
class _Entry:
    target: int
    tokens: tuple[str, ...]
    weights: tuple[float, ...]
    total: float
    prior: float
    text: str


def _sim(score: float, n: int) -> float:
    """Map a rapidfuzz ratio to a similarity; one typo in a long word costs less."""
    r = score / 100.0
    return r**2 if n >= 7 else r**3


def _cutoff(q: str) -> float:
    n = len(q)
    if n <= 2:
        return 100.0
    if n == 3:
        return 85.0
    if n <= 5:
        return 75.0
    return 72.0


class Gazetteer:
    """The searchable name index of one pack."""

    def __init__(self, pack: RegionPack, lexicon: Lexicon) -> None:
        """Index every name and alias of ``pack``."""
        self.pack = pack
        self.lexicon = lexicon
        self.targets: list[Target] = []
        self.street_points: dict[int, np.ndarray] = {}
        self._raw: list[tuple[int, str]] = []
        self._add_landmarks(pack)
        self._add_areas(pack)
        self._add_streets(pack)
        self._build_index()
        self.type_words = self._find_type_words()
        self.type_kinds = self._find_type_kinds()

    def _add(self, target: Target, names: Iterable[str]) -> int:
        idx = len(self.targets)
        self.targets.append(target)
        for name in dict.fromkeys(names):
            self._raw.append((idx, name))
        return idx

    def _add_landmarks(self, pack: RegionPack) -> None:
        kel = pack.kelurahan_by_code
        for lm in pack.landmarks:
            k = kel.get(lm.kelurahan_code or "")
            target = Target(
                "landmark",
                lm.id,
                lm.name,
                lm.lat,
                lm.lon,
                lm.kelurahan_code,
                k.kecamatan_code if k else None,
                lm.kind,
            )
            self._add(target, (lm.name, *lm.aliases))

    def _add_areas(self, pack: RegionPack) -> None:
        for k in pack.kelurahan:
            target = Target(
                "kelurahan",
                k.code,
                k.name,
                k.centroid_lat,
                k.centroid_lon,
                k.code,
                k.kecamatan_code,
            )
            self._add(target, (k.name, *k.aliases))
        for kc in pack.kecamatan:
            target = Target(
                "kecamatan",
                kc.code,
                kc.name,
                kc.centroid_lat,
                kc.centroid_lon,
                None,
                kc.code,
            )
            self._add(target, (kc.name, *kc.aliases))

    def _add_streets(self, pack: RegionPack) -> None:
        for st in pack.streets:
            pts = np.asarray(st.points, dtype=np.float64).reshape(-1, 2)
            # medoid: the known point closest to all others
            if len(pts) > 2:
                sums = [distances_m(pts[:, 0], pts[:, 1], a, b).sum() for a, b in pts]
                mlat, mlon = pts[int(np.argmin(sums))]
            else:
                mlat, mlon = pts[0]
            owner = pack.kelurahan_at(float(mlat), float(mlon))
            target = Target(
                "street",
                st.id,
                st.name,
                float(mlat),
                float(mlon),
                owner.code if owner else None,
                owner.kecamatan_code if owner else None,
            )
            self.street_points[self._add(target, (st.name, *st.aliases))] = pts

    def _build_index(self) -> None:
        """Fold names into tokens; IDF weights, postings and joined bigrams."""
        toks_per: list[tuple[int, tuple[str, ...], str]] = []
        for idx, name in self._raw:
            toks = self.name_tokens(name)
            if toks:
                toks_per.append((idx, toks, name))
        df: dict[str, set[int]] = {}
        for idx, toks, _ in toks_per:
            for t in toks:
                df.setdefault(t, set()).add(idx)
        n_targets = max(1, len(self.targets))
        self.idf = {t: math.log(1.0 + n_targets / len(s)) for t, s in df.items()}
        self.entries: list[_Entry] = []
        postings: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        bigrams: dict[str, list[tuple[int, tuple[int, ...]]]] = {}
        for idx, toks, name in toks_per:
            e = len(self.entries)
            weights = tuple(self.idf[t] for t in toks)
            prior = _KIND_PRIOR[self.targets[idx].kind]
            self.entries.append(_Entry(idx, toks, weights, sum(weights), prior, name))
            file_entry(postings, bigrams, e, toks)
        self.postings = postings
        self.vocab: list[str] = sorted(postings)
        self._vocab_set = frozenset(self.vocab)
        for t, lst in bigrams.items():
            if t not in postings:
                postings[t] = lst
        self.bivocab: list[str] = sorted(t for t in bigrams if t not in self._vocab_set)
        self._hit_cache: dict[tuple[str, bool], dict[str, float]] = {}
        self._entry_kind = [self.targets[entry.target].kind for entry in self.entries]
        self.arrays = PostingArrays(postings, self.entries, self._entry_kind)

    def _find_type_kinds(self) -> dict[str, frozenset[str]]:
        """Landmark kinds each type word heads ("sd", "sdn" → school)."""
        kinds: dict[str, set[str]] = {}
        for entry in self.entries:
            tgt = self.targets[entry.target]
            if tgt.kind == "landmark" and entry.tokens and tgt.subkind:
                kinds.setdefault(entry.tokens[0], set()).add(tgt.subkind)
        return {w: frozenset(kinds[w]) for w in self.type_words if w in kinds}

    def kinds_of_type_word(self, q: str) -> frozenset[str]:
        """Landmark kinds a category word the caller said stands for."""
        if q in self.type_kinds:
            return self.type_kinds[q]
        hits = self.token_hits(q)
        found = [self.type_kinds[v] for v in hits if v in self.type_kinds]
        return frozenset().union(*found) if found else frozenset()

    def _find_type_words(self) -> frozenset[str]:
        heads: dict[str, int] = {}
        for entry in self.entries:
            tgt = self.targets[entry.target]
            if tgt.kind == "landmark" and entry.text == tgt.name and entry.tokens:
                heads[entry.tokens[0]] = heads.get(entry.tokens[0], 0) + 1
        return frozenset(w for w, c in heads.items() if c >= 3)

    # ------------------------------------------------------------------
    def name_tokens(self, name: str) -> tuple[str, ...]:
        """Index tokens of a place name (lexicon applied, keywords and fillers dropped).

        The city name is dropped ("Stasiun Blitar" is "stasiun" in Kota
        Blitar) except where it names a kelurahan ("Kantor Kelurahan Blitar").
        """
        out: list[str] = []
        city: list[str] = []
        for t in self.lexicon.tokens(name):
            if t.kind in ("word", "num") and t.text not in _DROP_FROM_NAMES:
                out.append(t.text)
            elif t.kind == "rel":
                out.extend(t.said.split())
            elif t.kind == "city" and out and out[-1] in _AREA_WORDS:
                out.append(t.text)
            elif t.kind == "city":
                city.append(t.text)
        # a name that is only the city word (Kelurahan Blitar) keeps it
        return tuple(out or city)

    def is_type_word(self, q: str) -> bool:
        """Whether a query word is a category head ("masjid", "pasar", "spbu").

        A type word starts the names of at least three landmarks; on its own
        it names a kind of place, not a place.
        """
        if q in self.type_words:
            return True
        hits = self.token_hits(q)
        if not hits:
            return False
        best = max(hits, key=lambda v: hits[v])
        return hits[best] >= 0.6 and best in self.type_words

    def known(self, token: str) -> bool:
        """Whether ``token`` is exactly a vocabulary token."""
        return token in self._vocab_set

    def token_hits(self, q: str, prefix: bool = False) -> dict[str, float]:
        """Vocabulary tokens similar to ``q`` with a similarity in (0, 1]."""
        key = (q, prefix)
        cached = self._hit_cache.get(key)
        if cached is not None:
            return cached
        if q.isdigit():
            hits = self._number_hits(q)
        elif len(q) <= 2:
            hits = {q: 1.0} if q in self._vocab_set else {}
        else:
            hits = self._fuzzy_hits(q, prefix)
        if len(self._hit_cache) > 20_000:
            self._hit_cache.clear()
        self._hit_cache[key] = hits
        return hits

    def _number_hits(self, q: str) -> dict[str, float]:
        if q in self._vocab_set:
            return {q: 1.0}
        if q.lstrip("0") in self._vocab_set:
            return {q.lstrip("0"): 1.0}
        return {}

    def _fuzzy_hits(self, q: str, prefix: bool) -> dict[str, float]:
        hits: dict[str, float] = {}
        for choice, score, _ in process.extract(
            q, self.vocab, scorer=fuzz.ratio, score_cutoff=_cutoff(q), limit=20
        ):
            hits[choice] = _sim(score, len(q))
        if len(q) >= 6:
            for choice, score, _ in process.extract(
                q, self.bivocab, scorer=fuzz.ratio, score_cutoff=88, limit=5
            ):
                hits[choice] = (score / 100.0) ** 3
        if prefix and len(q) >= 3 and q not in self._vocab_set:
            i = bisect_left(self.vocab, q)
            while i < len(self.vocab) and self.vocab[i].startswith(q):
                v = self.vocab[i]
                hits[v] = max(hits.get(v, 0.0), 0.8)
                i += 1
        return hits

    def search(
        self,
        query: Sequence[QueryToken],
        kinds: frozenset[str] | None = None,
        limit: int = 20,
        prefix_last: bool = False,
    ) -> list[Hit]:
        """Targets matching the query tokens, best first (one hit per target)."""
        n = len(query)
        if n == 0:
            return []
        per_q: list[dict[str, float]] = [
            self.token_hits(q.text, prefix=prefix_last and j == n - 1)
            for j, q in enumerate(query)
        ]
        pair_hits = self._pair_hits(query)
        q_weight = self._query_weights(per_q, pair_hits)
        groups: list[Group] = [((j,), hits) for j, hits in enumerate(per_q)]
        groups += [((j, j + 1), hits) for j, hits in pair_hits]
        if self.postings_touched(groups) <= DIRECT_POSTINGS:
            best = self._score_every_entry(groups, query, q_weight, kinds)
        else:
            best = self._score_by_bounds(groups, query, q_weight, kinds, limit)
        ranked = sorted(best.values(), key=lambda h: (-h.score, h.entry))
        return ranked[:limit]

    def postings_touched(self, groups: Sequence[Group]) -> int:
        """How many postings the query's matches reach: the cost of scoring each."""
        keys = {key for _, hits in groups for key in hits}
        return sum(len(self.postings.get(key, ())) for key in keys)

    def _score_every_entry(
        self,
        groups: Sequence[Group],
        query: Sequence[QueryToken],
        q_weight: list[float],
        kinds: frozenset[str] | None,
    ) -> dict[int, Hit]:
        """Every entry that shares a key with the query, scored: the best per target."""
        credit = Credit(self.postings, self._entry_kind, kinds)
        for positions, hits in groups:
            credit.add(positions, hits)
        free_total = sum(q_weight[j] for j, q in enumerate(query) if q.free)
        best: dict[int, Hit] = {}
        for e, pb in credit.pos_best.items():
            hit = self._score_entry(
                e, pb, credit.q_best[e], query, q_weight, free_total
            )
            old = best.get(hit.target)
            if old is None or better(hit, old):
                best[hit.target] = hit
        return best

    def _score_by_bounds(
        self,
        groups: Sequence[Group],
        query: Sequence[QueryToken],
        q_weight: list[float],
        kinds: frozenset[str] | None,
        limit: int,
    ) -> dict[int, Hit]:
        """The same best hits, scoring exactly only entries whose bound can win."""
        weights = group_weights(groups, query, q_weight)
        touched, bound = upper_bounds(self.arrays, groups, weights, kinds)
        free_total = sum(q_weight[j] for j, q in enumerate(query) if q.free)

        def exact(e: int) -> Hit:
            pb: dict[int, float] = {}
            qb: dict[int, float] = {}
            for key, positions in self.entry_keys(e).items():
                for qpos, hits in groups:
                    sim = hits.get(key)
                    if sim:
                        raise_best(pb, positions, sim)
                        raise_best(qb, qpos, sim)
            return self._score_entry(e, pb, qb, query, q_weight, free_total)

        return bounded_search(touched, bound, exact, limit)

    def entry_keys(self, e: int) -> dict[str, tuple[int, ...]]:
        """Entry ``e``'s index keys and their positions, as the index files them."""
        return keys_of(self.entries[e].tokens, self._vocab_set)

    def _pair_hits(
        self, query: Sequence[QueryToken]
    ) -> list[tuple[int, dict[str, float]]]:
        """Compound spellings: "kepanjen kidul" -> "kepanjenkidul"."""
        out: list[tuple[int, dict[str, float]]] = []
        for j in range(len(query) - 1):
            a, b = query[j].text, query[j + 1].text
            if not (a.isalpha() and b.isalpha()):
                continue
            h = {
                c: (s / 100.0) ** 3
                for c, s, _ in process.extract(
                    a + b, self.vocab, scorer=fuzz.ratio, score_cutoff=88, limit=5
                )
            }
            if h:
                out.append((j, h))
        return out

    def _query_weights(
        self,
        per_q: list[dict[str, float]],
        pair_hits: list[tuple[int, dict[str, float]]],
    ) -> list[float]:
        """How much each query word matters: its best match's IDF."""
        idf = self.idf
        q_weight = [
            max(idf.get(v, UNKNOWN_WEIGHT) for v in hits) if hits else UNKNOWN_WEIGHT
            for hits in per_q
        ]
        for j, h in pair_hits:
            w = max(idf.get(v, UNKNOWN_WEIGHT) for v in h)
            q_weight[j] = max(q_weight[j], w / 2)
            q_weight[j + 1] = max(q_weight[j + 1], w / 2)
        return q_weight

    def _score_entry(
        self,
        e: int,
        pb: dict[int, float],
        qb: dict[int, float],
        query: Sequence[QueryToken],
        q_weight: list[float],
        free_total: float,
    ) -> Hit:
        """Name coverage × query coverage of one entry."""
        entry = self.entries[e]
        # summed in position order: the same float whichever way the credit came
        name_cov = sum(entry.weights[p] * pb[p] for p in sorted(pb)) / entry.total
        if free_total > 0:
            covered = sum(q_weight[j] * qb[j] for j in sorted(qb) if query[j].free)
            query_cov = covered / free_total
        else:
            query_cov = 1.0
        score = entry.prior * name_cov**1.3 * (0.55 + 0.45 * query_cov)
        matched = frozenset(j for j, s in qb.items() if s >= 0.5)
        return Hit(entry.target, score, name_cov, query_cov, e, matched)
