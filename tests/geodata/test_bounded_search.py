"""Search by upper bounds gives the answer of scoring every entry, only cheaper.

The gazetteer scores a query one entry at a time while it touches few
postings, and by upper bounds (:mod:`geodata.bounded_search`) above
``DIRECT_POSTINGS``. Both paths are forced here on the Blitar pack and must
agree hit for hit, on every caller phrase of the accuracy sets and on random
word mixes.
"""

from __future__ import annotations

import csv

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geodata import gazetteer as gazetteer_module
from geodata.bounded_search import (
    Group,
    better,
    bounded_search,
    group_weights,
    upper_bounds,
)
from geodata.gazetteer import Gazetteer, Hit, QueryToken
from geodata.geocoder import OfflineGeocoder
from tests.bench.test_geodata_bench import DATA, PHRASE_FILES

ALWAYS_BOUNDED = 0
NEVER_BOUNDED = 10**12


def _phrases() -> list[str]:
    said: list[str] = []
    for name in PHRASE_FILES:
        with (DATA / name).open(encoding="utf-8", newline="") as fh:
            said += [row["phrase"] for row in csv.DictReader(fh)]
    return said


def _search(
    g: Gazetteer,
    monkeypatch: pytest.MonkeyPatch,
    direct_postings: int,
    words: list[QueryToken],
    **kwargs: object,
) -> list[Hit]:
    monkeypatch.setattr(gazetteer_module, "DIRECT_POSTINGS", direct_postings)
    return g.search(words, **kwargs)  # type: ignore[arg-type]


def test_both_paths_geocode_every_caller_phrase_alike(
    geocoder: OfflineGeocoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    phrases = _phrases()
    assert len(phrases) > 700
    bounded = []
    monkeypatch.setattr(gazetteer_module, "DIRECT_POSTINGS", ALWAYS_BOUNDED)
    for phrase in phrases:
        bounded.append(geocoder.lookup(phrase))
    monkeypatch.setattr(gazetteer_module, "DIRECT_POSTINGS", NEVER_BOUNDED)
    for phrase, answer in zip(phrases, bounded, strict=True):
        assert geocoder.lookup(phrase) == answer, phrase


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_both_paths_return_the_same_hits_for_any_word_mix(
    geocoder: OfflineGeocoder, monkeypatch: pytest.MonkeyPatch, data: st.DataObject
) -> None:
    g = geocoder.gazetteer
    vocabulary = st.sampled_from(g.vocab)
    typo = st.text(alphabet="aiueokmnrst", min_size=1, max_size=9)
    words = data.draw(st.lists(st.one_of(vocabulary, typo), min_size=1, max_size=6))
    free = data.draw(st.lists(st.booleans(), min_size=len(words), max_size=len(words)))
    query = [QueryToken(w, f) for w, f in zip(words, free, strict=True)]
    kinds = data.draw(
        st.one_of(
            st.none(),
            st.sampled_from(
                [frozenset({"street"}), frozenset({"landmark", "kelurahan"})]
            ),
        )
    )
    limit = data.draw(st.sampled_from([1, 3, 20, 40, 400]))
    direct = _search(g, monkeypatch, NEVER_BOUNDED, query, kinds=kinds, limit=limit)
    bounded = _search(g, monkeypatch, ALWAYS_BOUNDED, query, kinds=kinds, limit=limit)
    assert bounded == direct


def test_an_entry_score_never_exceeds_its_bound(geocoder: OfflineGeocoder) -> None:
    g = geocoder.gazetteer
    query = [QueryToken(w) for w in ("masjid", "pasar", "legi", "merdeka")]
    per_q = [g.token_hits(q.text) for q in query]
    groups: list[Group] = [((j,), hits) for j, hits in enumerate(per_q)]
    q_weight = [max(g.idf[v] for v in hits) for hits in per_q]
    touched, bound = upper_bounds(
        g.arrays, groups, group_weights(groups, query, q_weight), None
    )
    assert len(touched) > 50
    every = {h.entry: h.score for h in _all_hits(g, query)}
    assert set(every) == set(touched.tolist())
    exact = np.array([every[e] for e in touched.tolist()])
    assert np.all(exact <= bound + 1e-12)
    assert np.any(np.isclose(exact, bound))  # tight where one word covers a name


def _all_hits(g: Gazetteer, query: list[QueryToken]) -> list[Hit]:
    """Every entry's exact hit (not only the best per target)."""
    per_q = [g.token_hits(q.text) for q in query]
    q_weight = [max(g.idf[v] for v in hits) for hits in per_q]
    free_total = sum(q_weight)
    hits = []
    for e in range(len(g.entries)):
        keys = g.entry_keys(e)
        pb: dict[int, float] = {}
        qb: dict[int, float] = {}
        for j, matches in enumerate(per_q):
            for key, positions in keys.items():
                sim = matches.get(key)
                if sim:
                    for p in positions:
                        pb[p] = max(pb.get(p, 0.0), sim)
                    qb[j] = max(qb.get(j, 0.0), sim)
        if pb:
            hits.append(g._score_entry(e, pb, qb, query, q_weight, free_total))
    return hits


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.floats(0.01, 1.0),  # bound
            st.floats(0.0, 1.0),  # exact score as a share of the bound
            st.integers(0, 30),  # target
        ),
        min_size=1,
        max_size=600,
    ),
    limit=st.integers(1, 40),
)
def test_the_search_stops_only_when_no_entry_left_can_win(
    rows: list[tuple[float, float, int]], limit: int
) -> None:
    bound = np.array([b for b, _, _ in rows])
    touched = np.arange(len(rows))

    def exact(e: int) -> Hit:
        b, share, target = rows[e]
        return Hit(target, b * share, 1.0, 1.0, e, frozenset())

    found = bounded_search(touched, bound, exact, limit)
    every: dict[int, Hit] = {}
    for e in range(len(rows)):
        hit = exact(e)
        old = every.get(hit.target)
        if old is None or better(hit, old):
            every[hit.target] = hit

    def top(hits: dict[int, Hit]) -> list[Hit]:
        return sorted(hits.values(), key=lambda h: (-h.score, h.entry))[:limit]

    assert top(found) == top(every)
