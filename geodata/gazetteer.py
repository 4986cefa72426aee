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
from geodata.distance import distances_m
from geodata.packs.models import RegionPack
from geodata.text import Lexicon

__all__ = ["Gazetteer", "Hit", "QueryToken", "Target"]

_KIND_PRIOR = {"landmark": 1.0, "kelurahan": 1.0, "street": 0.97, "kecamatan": 0.9}
_DROP_FROM_NAMES = JALAN | GANG
_AREA_WORDS = KELURAHAN | KECAMATAN
#: Weight of a query word the index does not know (noise like "warung", "bu").
UNKNOWN_WEIGHT = 2.0


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
        raw: list[tuple[int, str]] = []
        kel = pack.kelurahan_by_code

        def add(target: Target, names: Iterable[str]) -> int:
            idx = len(self.targets)
            self.targets.append(target)
            for name in dict.fromkeys(names):
                raw.append((idx, name))
            return idx

        for lm in pack.landmarks:
            k = kel.get(lm.kelurahan_code or "")
            add(
                Target(
                    "landmark",
                    lm.id,
                    lm.name,
                    lm.lat,
                    lm.lon,
                    lm.kelurahan_code,
                    k.kecamatan_code if k else None,
                    lm.kind,
                ),
                (lm.name, *lm.aliases),
            )
        for k in pack.kelurahan:
            add(
                Target(
                    "kelurahan",
                    k.code,
                    k.name,
                    k.centroid_lat,
                    k.centroid_lon,
                    k.code,
                    k.kecamatan_code,
                ),
                (k.name, *k.aliases),
            )
        for kc in pack.kecamatan:
            add(
                Target(
                    "kecamatan",
                    kc.code,
                    kc.name,
                    kc.centroid_lat,
                    kc.centroid_lon,
                    None,
                    kc.code,
                ),
                (kc.name, *kc.aliases),
            )
        for st in pack.streets:
            pts = np.asarray(st.points, dtype=np.float64).reshape(-1, 2)
            # medoid: the known point closest to all others
            if len(pts) > 2:
                sums = [distances_m(pts[:, 0], pts[:, 1], a, b).sum() for a, b in pts]
                mlat, mlon = pts[int(np.argmin(sums))]
            else:
                mlat, mlon = pts[0]
            owner = pack.kelurahan_at(float(mlat), float(mlon))
            idx = add(
                Target(
                    "street",
                    st.id,
                    st.name,
                    float(mlat),
                    float(mlon),
                    owner.code if owner else None,
                    owner.kecamatan_code if owner else None,
                ),
                (st.name, *st.aliases),
            )
            self.street_points[idx] = pts

        # fold names into tokens
        toks_per: list[tuple[int, tuple[str, ...], str]] = []
        for idx, name in raw:
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
            weights = tuple(self.idf[t] for t in toks)
            e = len(self.entries)
            self.entries.append(
                _Entry(
                    idx,
                    toks,
                    weights,
                    sum(weights),
                    _KIND_PRIOR[self.targets[idx].kind],
                    name,
                )
            )
            seen: dict[str, list[int]] = {}
            for pos, t in enumerate(toks):
                seen.setdefault(t, []).append(pos)
            for t, poss in seen.items():
                postings.setdefault(t, []).append((e, tuple(poss)))
            # compounds written together: "mardiwaluyo", "alunalun"
            for pos in range(len(toks) - 1):
                a, b = toks[pos], toks[pos + 1]
                if a.isalpha() and b.isalpha():
                    bigrams.setdefault(a + b, []).append((e, (pos, pos + 1)))
        self.postings = postings
        self.vocab: list[str] = sorted(postings)
        self._vocab_set = frozenset(self.vocab)
        for t, lst in bigrams.items():
            if t not in postings:
                postings[t] = lst
        self.bivocab: list[str] = sorted(t for t in bigrams if t not in self._vocab_set)
        self._hit_cache: dict[tuple[str, bool], dict[str, float]] = {}
        heads: dict[str, int] = {}
        for entry in self.entries:
            tgt = self.targets[entry.target]
            if tgt.kind == "landmark" and entry.text == tgt.name and entry.tokens:
                heads[entry.tokens[0]] = heads.get(entry.tokens[0], 0) + 1
        self.type_words = frozenset(w for w, c in heads.items() if c >= 3)

    # ------------------------------------------------------------------
    def name_tokens(self, name: str) -> tuple[str, ...]:
        """Index tokens of a place name (lexicon applied, keywords and fillers dropped).

        The city name is dropped ("Stasiun Blitar" is "stasiun" in Kota
        Blitar) except where it names a kelurahan ("Kantor Kelurahan Blitar").
        """
        out: list[str] = []
        for t in self.lexicon.tokens(name):
            if t.kind in ("word", "num") and t.text not in _DROP_FROM_NAMES:
                out.append(t.text)
            elif t.kind == "rel":
                out.extend(t.said.split())
            elif t.kind == "city" and out and out[-1] in _AREA_WORDS:
                out.append(t.text)
        return tuple(out)

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
        hits: dict[str, float] = {}
        if q.isdigit():
            if q in self._vocab_set:
                hits[q] = 1.0
            elif q.lstrip("0") in self._vocab_set:
                hits[q.lstrip("0")] = 1.0
        elif len(q) <= 2:
            if q in self._vocab_set:
                hits[q] = 1.0
        else:
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
        if len(self._hit_cache) > 20_000:
            self._hit_cache.clear()
        self._hit_cache[key] = hits
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
        # compound spellings: "kepanjen kidul" -> "kepanjenkidul"
        pair_hits: list[tuple[int, dict[str, float]]] = []
        for j in range(n - 1):
            a, b = query[j].text, query[j + 1].text
            if a.isalpha() and b.isalpha():
                joined = a + b
                h = {
                    c: (s / 100.0) ** 3
                    for c, s, _ in process.extract(
                        joined, self.vocab, scorer=fuzz.ratio, score_cutoff=88, limit=5
                    )
                }
                if h:
                    pair_hits.append((j, h))
        q_weight = []
        for hits in per_q:
            if hits:
                q_weight.append(max(self.idf.get(v, UNKNOWN_WEIGHT) for v in hits))
            else:
                q_weight.append(UNKNOWN_WEIGHT)
        for j, h in pair_hits:
            w = max(self.idf.get(v, UNKNOWN_WEIGHT) for v in h)
            q_weight[j] = max(q_weight[j], w / 2)
            q_weight[j + 1] = max(q_weight[j + 1], w / 2)

        pos_best: dict[int, dict[int, float]] = {}
        q_best: dict[int, dict[int, float]] = {}
        entries = self.entries
        targets = self.targets
        postings = self.postings

        def credit(qpos: tuple[int, ...], hits: dict[str, float]) -> None:
            for v, sim in hits.items():
                for e, poss in postings.get(v, ()):
                    if (
                        kinds is not None
                        and targets[entries[e].target].kind not in kinds
                    ):
                        continue
                    pb = pos_best.setdefault(e, {})
                    for p in poss:
                        if sim > pb.get(p, 0.0):
                            pb[p] = sim
                    qb = q_best.setdefault(e, {})
                    for j in qpos:
                        if sim > qb.get(j, 0.0):
                            qb[j] = sim

        for j, hits in enumerate(per_q):
            credit((j,), hits)
        for j, h in pair_hits:
            credit((j, j + 1), h)

        free_total = sum(q_weight[j] for j in range(n) if query[j].free)
        best: dict[int, Hit] = {}
        for e, pb in pos_best.items():
            entry = entries[e]
            name_cov = sum(entry.weights[p] * s for p, s in pb.items()) / entry.total
            qb = q_best[e]
            if free_total > 0:
                query_cov = (
                    sum(q_weight[j] * s for j, s in qb.items() if query[j].free)
                    / free_total
                )
            else:
                query_cov = 1.0
            score = entry.prior * name_cov**1.3 * (0.55 + 0.45 * query_cov)
            t = entry.target
            old = best.get(t)
            if old is None or score > old.score:
                best[t] = Hit(
                    t,
                    score,
                    name_cov,
                    query_cov,
                    e,
                    frozenset(j for j, s in qb.items() if s >= 0.5),
                )
        ranked = sorted(best.values(), key=lambda h: -h.score)
        return ranked[:limit]
