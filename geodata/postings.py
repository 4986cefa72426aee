"""How the gazetteer files an entry under its keys, and credits it for one query.

An entry's keys are its tokens and, where two neighbouring words are
letters, the two written together ("mardi waluyo" is also filed under
"mardiwaluyo") unless that spelling is itself a token. Scoring one query
credits every filed position with the best similarity of a query word that
matched its key.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: ``{key: [(entry, positions), …]}``
Postings = dict[str, list[tuple[int, tuple[int, ...]]]]


def file_entry(
    postings: Postings, bigrams: Postings, e: int, toks: tuple[str, ...]
) -> None:
    """Record entry ``e``'s token positions, and its joined neighbour pairs."""
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


def keys_of(
    tokens: tuple[str, ...], vocabulary: frozenset[str]
) -> dict[str, tuple[int, ...]]:
    """One entry's keys and positions, as :func:`file_entry` and the index keep them.

    A joined pair that is also a token of the vocabulary is filed as that
    token only (the index keeps token postings over pair postings).
    """
    keys: dict[str, tuple[int, ...]] = {}
    for pos, t in enumerate(tokens):
        keys[t] = (*keys.get(t, ()), pos)
    for pos in range(len(tokens) - 1):
        a, b = tokens[pos], tokens[pos + 1]
        joined = a + b
        if a.isalpha() and b.isalpha() and joined not in vocabulary:
            keys[joined] = (*keys.get(joined, ()), pos, pos + 1)
    return keys


class Credit:
    """Best similarity per entry position and per query word, for one search."""

    def __init__(
        self,
        postings: Mapping[str, Sequence[tuple[int, tuple[int, ...]]]],
        entry_kind: Sequence[str],
        kinds: frozenset[str] | None,
    ) -> None:
        """Credit entries of ``postings`` whose kind is in ``kinds`` (all: ``None``)."""
        self.postings = postings
        self.entry_kind = entry_kind
        self.kinds = kinds
        self.pos_best: dict[int, dict[int, float]] = {}
        self.q_best: dict[int, dict[int, float]] = {}

    def add(self, qpos: tuple[int, ...], hits: Mapping[str, float]) -> None:
        """Credit every entry filed under a matched key."""
        for v, sim in hits.items():
            for e, poss in self.postings.get(v, ()):
                if self.kinds is not None and self.entry_kind[e] not in self.kinds:
                    continue
                raise_best(self.pos_best.setdefault(e, {}), poss, sim)
                raise_best(self.q_best.setdefault(e, {}), qpos, sim)


def raise_best(best: dict[int, float], keys: tuple[int, ...], sim: float) -> None:
    """Raise ``best[k]`` to ``sim`` for every ``k`` it is below."""
    for k in keys:
        if sim > best.get(k, 0.0):
            best[k] = sim
