"""Fuzzy search over incident types (code, names, synonyms), fast per keystroke.

The index is built once per catalogue: every search term is normalised
(lower case, accents and punctuation removed), then a query is scored against
all terms in one vectorised rapidfuzz call and each type keeps its best term.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from dispatch.catalogue._models import IncidentType

if TYPE_CHECKING:  # numpy loads when the index is built, not at import
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["SearchHit", "SearchIndex", "normalise"]

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_only).strip()


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked search result."""

    code: str
    score: float
    """0..100; 100 = exact match of a term."""
    matched: str
    """The catalogue term (code, name or synonym) that matched best."""


class SearchIndex:
    """A prepared index of the search terms of a set of incident types.

    Scoring, per term: the best of the whole-string similarity (rapidfuzz
    ``ratio``) and a word-level score — for each query word the best
    similarity to a word of the term (a word the query word starts, as when
    still typing, counts 90+), averaged over the query words, times 0.95.
    That finds misspellings ("kbakaran rumah"), reordered words and half-typed
    words, using only fast vectorised ``ratio`` calls.
    """

    def __init__(self, types: Sequence[IncidentType]) -> None:
        import numpy as np

        self._codes: list[str] = []
        terms: list[str] = []
        originals: list[str] = []
        owners: list[int] = []
        for index, itype in enumerate(sorted(types, key=lambda t: (t.order, t.code))):
            self._codes.append(itype.code)
            seen: set[str] = set()
            for term in itype.search_terms():
                norm = normalise(term)
                if norm and norm not in seen:
                    seen.add(norm)
                    terms.append(norm)
                    originals.append(term)
                    owners.append(index)
        self._terms = terms
        self._originals = originals
        self._owners = np.asarray(owners, dtype=np.intp)
        # Terms are grouped by owner, in owner order: [start, end) per type.
        self._owner_start = np.searchsorted(self._owners, np.arange(len(self._codes)))
        self._owner_end = np.searchsorted(
            self._owners, np.arange(len(self._codes)), side="right"
        )
        words: dict[str, int] = {}
        flat: list[int] = []
        offsets: list[int] = []
        for term in terms:
            offsets.append(len(flat))
            for word in term.split():
                flat.append(words.setdefault(word, len(words)))
        self._words = list(words)
        self._word_array = np.array(self._words)
        self._flat = np.asarray(flat, dtype=np.intp)
        self._offsets = np.asarray(offsets, dtype=np.intp)
        self._word_len = np.array([len(w) for w in self._words], dtype=np.float64)

    def _word_scores(self, query_word: str) -> NDArray[np.float64]:
        import numpy as np

        scores = process.cdist(
            [query_word], self._words, scorer=fuzz.ratio, dtype=np.float32, workers=1
        )[0].astype(np.float64)
        if len(query_word) >= 2:
            prefix = np.char.startswith(self._word_array, query_word)
            bonus = 90.0 + 10.0 * len(query_word) / self._word_len
            scores = np.where(prefix, np.maximum(scores, bonus), scores)
        return np.asarray(scores, dtype=np.float64)

    def scores(self, query: str) -> NDArray[np.float64]:
        """Score of every term (0..100) for an already normalised query."""
        import numpy as np

        whole = process.cdist(
            [query], self._terms, scorer=fuzz.ratio, dtype=np.float32, workers=1
        )[0].astype(np.float64)
        query_words = query.split()
        per_word = np.zeros(len(self._terms))
        for word in query_words:
            gathered = self._word_scores(word)[self._flat]
            per_word += np.maximum.reduceat(gathered, self._offsets)
        per_word *= 0.95 / len(query_words)
        return np.asarray(np.maximum(whole, per_word), dtype=np.float64)

    def search(
        self, text: str, limit: int = 10, min_score: float = 60.0
    ) -> list[SearchHit]:
        """Types ranked by how well ``text`` matches one of their terms.

        Exact matches score 100. Ties keep catalogue order, which lists the
        more common types first.
        """
        import numpy as np

        query = normalise(text)
        if not query or limit <= 0 or not self._terms:
            return []
        scores = self.scores(query)
        best = np.maximum.reduceat(scores, self._owner_start)
        order = np.lexsort((np.arange(len(best)), -best))
        hits: list[SearchHit] = []
        for owner in order[:limit].tolist():
            score = float(best[owner])
            if score < min_score:
                break
            start = int(self._owner_start[owner])
            term = start + int(np.argmax(scores[start : self._owner_end[owner]]))
            hits.append(
                SearchHit(
                    code=self._codes[owner],
                    score=round(score, 1),
                    matched=self._originals[term],
                )
            )
        return hits
