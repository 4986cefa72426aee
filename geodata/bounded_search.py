"""Search a large name index by upper bounds, scoring exactly only the few that can win.

A province-size index holds hundreds of thousands of entries, and one word a
caller says (a town name, "toko", "masjid") can occur in tens of thousands of
them; scoring every entry that shares a word with the query costs a second.
The gazetteer's score of an entry is ``prior × name_cov^1.3 × (0.55 + 0.45 ×
query_cov)``, increasing in both coverages, and each coverage is at most a
*sum* of per-word contributions that can be precomputed per posting. So:

1. numpy adds those contributions for every touched entry at once
   (:func:`numpy.bincount`): an upper bound of every entry's score;
2. entries are taken in falling bound order and scored exactly, as the
   small-index path scores them;
3. the search stops when the next bound is below the ``limit``-th best exact
   score: no entry left can enter the answer.

The answer is the same as scoring every entry (a test compares the two on
every caller phrase of the Blitar sets); only the work differs.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

if TYPE_CHECKING:
    from geodata.gazetteer import Hit, QueryToken

#: ``((query positions), {index key: similarity})``: one query word's matches,
#: or a joined pair's ("kepanjen kidul" → "kepanjenkidul").
Group = tuple[tuple[int, ...], Mapping[str, float]]

#: Bounds within this relative margin of the cut-off are still scored
#: exactly (floating point sums in a different order).
_SLACK = 1e-9
#: Entries whose bounds are ordered first; more (4× each time) only if needed.
_FIRST_BATCH = 256


class EntryShape(Protocol):
    """What the arrays need to know of one index entry."""

    @property
    def weights(self) -> tuple[float, ...]: ...
    @property
    def total(self) -> float: ...
    @property
    def prior(self) -> float: ...


class PostingArrays:
    """Per index key: the entries holding it and the share of their weight it covers."""

    def __init__(
        self,
        postings: Mapping[str, Sequence[tuple[int, tuple[int, ...]]]],
        entries: Sequence[EntryShape],
        kinds: Sequence[str],
    ) -> None:
        """Precompute the arrays from the gazetteer's postings (once, at index time).

        ``kinds[e]`` is the kind of entry ``e``'s target ("landmark", "street"…).
        """
        self.size = len(entries)
        self.prior = np.fromiter((e.prior for e in entries), np.float64, self.size)
        self.kind_names = sorted(set(kinds))
        code = {name: i for i, name in enumerate(self.kind_names)}
        self.kind = np.fromiter((code[k] for k in kinds), np.int16, self.size)
        self.entries_of: dict[str, np.ndarray] = {}
        self.share_of: dict[str, np.ndarray] = {}
        for key, posts in postings.items():
            self.entries_of[key] = np.fromiter(
                (e for e, _ in posts), np.int32, len(posts)
            )
            self.share_of[key] = np.fromiter(
                (_share(entries[e], poss) for e, poss in posts), np.float64, len(posts)
            )

    def allowed(self, kinds: frozenset[str] | None) -> np.ndarray | None:
        """Which entry kind codes ``kinds`` allows (``None``: all)."""
        if kinds is None:
            return None
        return np.array([k in kinds for k in self.kind_names], dtype=bool)


def _share(entry: EntryShape, positions: tuple[int, ...]) -> float:
    return sum(entry.weights[p] for p in positions) / entry.total


def upper_bounds(
    arrays: PostingArrays,
    groups: Sequence[Group],
    group_weights: Sequence[float] | None,
    kinds: frozenset[str] | None,
) -> tuple[np.ndarray, np.ndarray]:
    """The touched entries and an upper bound of each one's score.

    ``group_weights[g]`` is the share of the query's free weight group ``g``
    covers when it matches (``None``: the query has no free weight, and every
    entry's query coverage is 1).
    """
    best: dict[str, float] = {}
    for _, hits in groups:
        for key, sim in hits.items():
            if key in arrays.entries_of and sim > best.get(key, 0.0):
                best[key] = sim
    if not best:
        return np.empty(0, np.int64), np.empty(0, np.float64)
    # name coverage: each key covers at most its share of the entry's weight
    name_cov = _summed(arrays, best.items(), shared=True)
    touched = np.flatnonzero(name_cov)
    if group_weights is None:
        query_cov = np.ones(len(touched))
    else:
        # query coverage: each matching group covers at most its weight
        parts = [
            (key, sim * weight)
            for (_, hits), weight in zip(groups, group_weights, strict=True)
            if weight > 0
            for key, sim in hits.items()
            if key in arrays.entries_of
        ]
        query_cov = _summed(arrays, parts, shared=False)[touched]
    allowed = arrays.allowed(kinds)
    if allowed is not None:
        keep = allowed[arrays.kind[touched]]
        touched, query_cov = touched[keep], query_cov[keep]
    names = np.minimum(name_cov[touched], 1.0)
    query = np.minimum(query_cov, 1.0)
    bound = arrays.prior[touched] * names**1.3 * (0.55 + 0.45 * query)
    return touched, bound


def _summed(
    arrays: PostingArrays, parts: Iterable[tuple[str, float]], *, shared: bool
) -> np.ndarray:
    """Per entry: the sum of each part's factor (× the key's share if ``shared``)."""
    entries: list[np.ndarray] = []
    values: list[np.ndarray] = []
    for key, factor in parts:
        holders = arrays.entries_of[key]
        entries.append(holders)
        if shared:
            values.append(arrays.share_of[key] * factor)
        else:
            values.append(np.full(len(holders), factor))
    if not entries:
        return np.zeros(arrays.size)
    return np.bincount(
        np.concatenate(entries), weights=np.concatenate(values), minlength=arrays.size
    )


def by_falling_bound(
    touched: np.ndarray, bound: np.ndarray
) -> Iterator[tuple[int, float]]:
    """(entry, bound) in falling bound order (ties: lower entry first), each once.

    Ordered in batches that double (a partial sort of what is left each
    time): a search that stops after a few hundred entries never sorts the
    hundreds of thousands it did not need.
    """
    batch = _FIRST_BATCH
    while len(touched) > batch:
        first = np.argpartition(-bound, batch)[:batch]
        order = first[np.lexsort((touched[first], -bound[first]))]
        yield from zip(touched[order].tolist(), bound[order].tolist(), strict=True)
        rest = np.ones(len(touched), dtype=bool)
        rest[first] = False  # what the partial sort left out: no higher bound
        touched, bound = touched[rest], bound[rest]
        batch *= 4
    order = np.lexsort((touched, -bound))
    yield from zip(touched[order].tolist(), bound[order].tolist(), strict=True)


def bounded_search(
    touched: np.ndarray,
    bound: np.ndarray,
    exact: Callable[[int], Hit | None],
    limit: int,
) -> dict[int, Hit]:
    """The best exact hit of every target that can be in the top ``limit``."""
    best: dict[int, Hit] = {}
    top: list[float] = []  # min-heap of the best ``limit`` target scores
    for e, upper in by_falling_bound(touched, bound):
        if len(top) >= limit and upper < top[0] * (1 - _SLACK):
            break
        hit = exact(e)
        if hit is None:
            continue
        old = best.get(hit.target)
        if old is not None and not better(hit, old):
            continue
        best[hit.target] = hit
        if old is None:
            heapq.heappush(top, hit.score)
            if len(top) > limit:
                heapq.heappop(top)
        else:  # a target's score rose: rebuild (rare: its aliases come later)
            top = heapq.nlargest(limit, (h.score for h in best.values()))
            heapq.heapify(top)
    return best


def better(hit: Hit, old: Hit) -> bool:
    """Whether ``hit`` replaces ``old`` as its target's hit (ties: lower entry)."""
    return hit.score > old.score or (hit.score == old.score and hit.entry < old.entry)


def group_weights(
    groups: Sequence[Group], query: Sequence[QueryToken], q_weight: Sequence[float]
) -> list[float] | None:
    """The share of the free query weight each group's query positions carry.

    ``None`` when the query has no free weight (every entry then covers it).
    """
    free_total = sum(q_weight[j] for j, q in enumerate(query) if q.free)
    if free_total <= 0:
        return None
    return [
        sum(q_weight[j] for j in positions if query[j].free) / free_total
        for positions, _ in groups
    ]
