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

import numpy as np
from rapidfuzz import fuzz, process

from dispatch.catalogue._models import IncidentType

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
    """A prepared index of the search terms of a set of incident types."""

    def __init__(self, types: Sequence[IncidentType]) -> None:
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

    def search(
        self, text: str, limit: int = 10, min_score: float = 60.0
    ) -> list[SearchHit]:
        """Types ranked by how well ``text`` matches one of their terms.

        Exact matches score 100, a term that starts with the query scores 90
        or more (so typing "keba" already offers the fires), anything else the
        rapidfuzz ``WRatio`` similarity. Ties keep catalogue order, which
        lists the more common types first.
        """
        query = normalise(text)
        if not query or limit <= 0:
            return []
        scores = process.cdist(
            [query], self._terms, scorer=fuzz.WRatio, dtype=np.float32, workers=1
        )[0].astype(np.float64)
        if len(query) >= 2:
            for i, term in enumerate(self._terms):
                if term.startswith(query) and term != query:
                    scores[i] = max(scores[i], 90.0 + 9.0 * len(query) / len(term))
        best = np.full(len(self._codes), -1.0)
        best_term = np.full(len(self._codes), -1, dtype=np.intp)
        # Terms are grouped by owner in catalogue order; keep the first best term.
        for i in np.argsort(-scores, kind="stable"):
            owner = self._owners[i]
            if best_term[owner] < 0:
                best[owner] = scores[i]
                best_term[owner] = i
        order = np.lexsort((np.arange(len(best)), -best))
        hits: list[SearchHit] = []
        for owner in order:
            score = float(best[owner])
            if score < min_score or len(hits) >= limit:
                break
            hits.append(
                SearchHit(
                    code=self._codes[owner],
                    score=round(score, 1),
                    matched=self._originals[int(best_term[owner])],
                )
            )
        return hits
