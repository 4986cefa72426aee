"""Incident-type search for what callers say, fast enough for every keystroke.

A query is read word by word (:mod:`dispatch.catalogue._text`): standard
forms from the speech lexicon, filler words, negation and concepts. Then every
search term of every type (code, names, synonyms) is scored:

* each term word takes the best similarity of a query word — 1 for the same
  word, 0.8 / 0.65 for one / two typing errors (rapidfuzz Levenshtein, only for
  words the catalogue does not know and long enough: 6+ letters for one
  error, 9+ for two), less for a word still being typed (a prefix);
* a word weighs ``1 / sqrt(number of types using it)`` (filler: 0.2), so
  "tawon" says more than "rumah";
* a term all of whose words were said scores their weights plus 0.5 per
  extra word (a phrase beats a word); a term half said scores half;
* a type scores its best term plus 0.3 x the weight of its other words said,
  plus 0.02 for each of its terms (up to 5) with a word said — a tie-break
  that puts TREE, whose terms are about "pohon", before the one injury term
  with "pohon" in it;
* a type with a condition (``search.affirms`` / ``search.denies``) that the
  caller met takes the best score of its family plus the concepts' weights;
  one whose condition was contradicted keeps 0.4 of its score;
* the words of the concepts a met condition affirms, or a type
  ``absorbs``, count for that family / type only — when it has other
  evidence — so "overdosis obat, tidak sadar" is a poisoning, not an
  unconscious person.

Each hit says why (:attr:`SearchHit.why`) and carries the key-question
answers the words imply (:attr:`SearchHit.answers`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from dispatch.catalogue._models import IncidentType, TypeSearch
from dispatch.catalogue._text import Reader, Reading, answers_for, normalise

if TYPE_CHECKING:  # numpy loads when the index is built, not at import
    import numpy as np
    from numpy.typing import NDArray

    from dispatch.catalogue._speech import Speech

    Vector = NDArray[np.float64]

__all__ = ["InferredAnswer", "SearchHit", "SearchIndex", "normalise"]

FILLER_WEIGHT = 0.2
PHRASE_BONUS = 0.5
PARTIAL_FACTOR = 0.5
OTHER_WORDS_FACTOR = 0.3
CONTRADICTED_FACTOR = 0.4
MIN_SCORE = 0.15
SPREAD_BONUS = 0.02
SPREAD_CAP = 5


@dataclass(frozen=True, slots=True)
class InferredAnswer:
    """A key-question answer implied by the caller's words."""

    question: str
    """Question id of the type (``trapped``)."""
    answer: str
    """Answer key (``y``)."""
    concept: str
    """Speech concept that implied it (``trapped``)."""
    evidence: str
    """The words as the caller said them (``kejepit``)."""
    denied: bool
    """True when the caller denied the concept ("tidak ada yang luka")."""


@dataclass(frozen=True, slots=True)
class _Scores:
    own: Vector
    """Score of each type from its own terms."""
    strong: Vector
    """Best fully said term of each type (0 when none)."""
    best: Vector
    """Similarity of each catalogue word to the query."""
    best_term: NDArray[np.intp]
    """Index of each type's best term."""


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked search result."""

    code: str
    score: float
    """Evidence in points (see the module docstring); higher is better."""
    matched: str
    """The catalogue term (code, name or synonym) that matched best."""
    why: tuple[str, ...] = ()
    """Why this type, one reason a line (words matched, conditions met)."""
    answers: tuple[InferredAnswer, ...] = ()
    """Key-question answers of this type implied by the query."""

    @property
    def answer_map(self) -> dict[str, str]:
        """``{question id: answer key}`` to pre-fill the key questions."""
        return {a.question: a.answer for a in self.answers}


class SearchIndex:
    """A prepared index of the search terms of a set of incident types."""

    def __init__(
        self, types: Sequence[IncidentType], speech: Speech | None = None
    ) -> None:
        import numpy as np

        from dispatch.catalogue._speech import Speech

        self._speech = speech if speech is not None else Speech()
        plain = Reader(self._speech, ())
        ordered = sorted(types, key=lambda t: (t.order, t.code))
        self._types = ordered
        self._codes = [t.code for t in ordered]
        self._words, term_words, self._terms, term_owner = self._collect_terms(
            ordered, plain
        )
        self._reader = Reader(self._speech, self._words)
        type_words: list[set[int]] = [set() for _ in ordered]
        for t, owner in zip(term_words, term_owner, strict=True):
            type_words[owner].update(t)
        filler = np.array([plain.is_filler(w) for w in self._words], dtype=np.bool_)
        self._weight = _word_weights(filler, type_words, len(self._words))
        self._term_words = term_words
        self._flat, self._offsets = _csr(term_words)
        self._required = _required_words(term_words, filler)
        self._n_required = np.add.reduceat(
            self._required.astype(np.float64), self._offsets
        )
        self._owners = np.asarray(term_owner, dtype=np.intp)
        self._owner_start = np.searchsorted(self._owners, np.arange(len(ordered)))
        self._type_flat, self._type_offsets = _csr([sorted(t) for t in type_words])
        self._word_array = np.array(self._words)
        self._word_len = np.array([len(w) for w in self._words], dtype=np.float64)
        self._index_of = {w: i for i, w in enumerate(self._words)}
        self._index_conditions(ordered)

    def _index_conditions(self, ordered: Sequence[IncidentType]) -> None:
        """Families, conditional and absorbing types, and concept implications."""
        self._families: dict[str, list[int]] = {}
        for k, itype in enumerate(ordered):
            self._families.setdefault(itype.family, []).append(k)
        self._conditional = [k for k, t in enumerate(ordered) if t.search.conditional]
        self._absorbing = [k for k, t in enumerate(ordered) if t.search.absorbs]
        self._implying: dict[str, set[str]] = {}
        for name, concept in self._speech.concepts.items():
            for other in concept.implies:
                self._implying.setdefault(other, set()).add(name)
        self._concepts = {
            name: (dict(c.if_said), dict(c.if_denied))
            for name, c in self._speech.concepts.items()
        }

    def _collect_terms(
        self, ordered: Sequence[IncidentType], plain: Reader
    ) -> tuple[list[str], list[list[int]], list[str], list[int]]:
        """Words, each term's word ids, the terms and each term's type.

        A type's terms are its own plus the speech file's synonyms; a term
        whose standard words repeat an earlier term of the type is dropped.
        """
        words: dict[str, int] = {}
        term_words: list[list[int]] = []
        terms: list[str] = []
        term_owner: list[int] = []
        for owner, itype in enumerate(ordered):
            seen: set[tuple[str, ...]] = set()
            extra = self._speech.synonyms.get(itype.code, ())
            for term in (*itype.search_terms(), *extra):
                standard = tuple(plain.standard_words(term))
                if not standard or standard in seen:
                    continue
                seen.add(standard)
                term_words.append([words.setdefault(w, len(words)) for w in standard])
                terms.append(term)
                term_owner.append(owner)
        return list(words), term_words, terms, term_owner

    @property
    def reader(self) -> Reader:
        """The reader of queries (standard words, negation, concepts)."""
        return self._reader

    # -- scoring -----------------------------------------------------------------

    def _similarity(self, reading: Reading, hidden: frozenset[int]) -> Vector:
        """Best similarity of a query word to each catalogue word (0..1)."""
        import numpy as np

        best = np.zeros(len(self._words))
        fuzzy: list[str] = []
        for pos, token in enumerate(reading.tokens):
            if pos in hidden:
                continue
            hit = self._index_of.get(token.word)
            if hit is not None:
                best[hit] = 1.0
            elif not token.known and len(token.word) >= 3:
                fuzzy.append(token.word)
        if fuzzy:
            dist = process.cdist(
                fuzzy,
                self._words,
                scorer=Levenshtein.distance,
                score_cutoff=2,
                dtype=np.int32,
                workers=1,
            )
            for row, word in enumerate(fuzzy):
                allowed = 0 if len(word) < 6 else (1 if len(word) < 9 else 2)
                sim = np.where(dist[row] <= allowed, 0.95 - 0.15 * dist[row], 0.0)
                prefix = np.char.startswith(self._word_array, word)
                typed = 0.55 + 0.4 * len(word) / self._word_len
                best = np.maximum(best, np.maximum(sim, np.where(prefix, typed, 0.0)))
        return best

    def _scores(self, reading: Reading, hidden: frozenset[int]) -> _Scores:
        import numpy as np

        best = self._similarity(reading, hidden)
        gained = self._weight * best
        sums = np.add.reduceat(gained[self._flat], self._offsets)
        said = np.where(self._required, best[self._flat] > 0, True)
        covered = np.minimum.reduceat(said, self._offsets).astype(bool)
        bonus = PHRASE_BONUS * np.maximum(self._n_required - 1, 0)
        terms = np.where(covered, sums + bonus, PARTIAL_FACTOR * sums)
        strong = np.maximum.reduceat(np.where(covered, terms, 0.0), self._owner_start)
        best_term = np.lexsort((-terms, self._owners))[self._owner_start]
        all_words = np.add.reduceat(gained[self._type_flat], self._type_offsets)
        extra = np.maximum(all_words - sums[best_term], 0.0)
        touched = np.maximum.reduceat(best[self._flat] > 0, self._offsets)
        spread = np.add.reduceat(touched.astype(np.float64), self._owner_start)
        own = (
            terms[best_term]
            + OTHER_WORDS_FACTOR * extra
            + SPREAD_BONUS * np.minimum(spread, SPREAD_CAP)
        )
        return _Scores(own, strong, best, best_term)

    def _met(self, said: frozenset[str], denied: frozenset[str]) -> dict[int, bool]:
        """Conditional types: True when met, False when contradicted."""
        out: dict[int, bool] = {}
        for k in self._conditional:
            cond = self._types[k].search
            if any(c in denied for c in cond.affirms) or any(
                c in said for c in cond.denies
            ):
                out[k] = False
            elif all(c in said for c in cond.affirms) and all(
                c in denied for c in cond.denies
            ):
                out[k] = True
        return out

    def _claims(
        self, reading: Reading, met: dict[int, bool]
    ) -> dict[tuple[int, ...], set[int]]:
        """Words of said concepts that a type (or a family) may take for itself.

        A met condition claims its concepts' words for the type's family; a
        type's ``search.absorbs`` claims those concepts' words for the type.
        Keyed by the types that must show other evidence for the claim.
        """
        wanted: list[tuple[tuple[int, ...], tuple[str, ...]]] = []
        for k, ok in met.items():
            if ok:
                family = tuple(self._families[self._types[k].family])
                wanted.append((family, self._types[k].search.affirms))
        wanted += [((k,), self._types[k].search.absorbs) for k in self._absorbing]
        claims: dict[tuple[int, ...], set[int]] = {}
        for owners, concepts in wanted:
            mine = self._implied_by(concepts)
            spots = {
                p
                for o in reading.occurrences
                if not o.denied and o.concept in mine
                for p in range(o.start, o.end)
            }
            if spots:
                claims.setdefault(owners, set()).update(spots)
        return claims

    def _rank(self, reading: Reading) -> tuple[Vector, _Scores, dict[int, str]]:
        """Final scores: conditions and claims applied (module doc)."""
        said = self._implied(reading.said)
        met = self._met(said, reading.denied - said)
        claims = self._claims(reading, met)
        plain = self._scores(reading, reading.hidden)
        scores, valid = self._claimed_scores(reading, claims, plain)
        final = scores.own.copy()
        notes: dict[int, str] = {}
        for owners in valid:
            if len(owners) == 1:
                words = ", ".join(
                    repr(reading.tokens[p].said) for p in sorted(claims[owners])
                )
                notes[owners[0]] = f"{words} taken as part of this type"
        for k, ok in met.items():
            self._apply_condition(k, ok, final, plain, scores, claims, valid, notes)
        return final, scores, notes

    def _claimed_scores(
        self,
        reading: Reading,
        claims: dict[tuple[int, ...], set[int]],
        plain: _Scores,
    ) -> tuple[_Scores, set[tuple[int, ...]]]:
        """Scores with claimed words hidden, and the claims that stand.

        A claim stands when its owners still show other evidence once the
        claimed words are hidden; the words of claims that fall are given back.
        """
        if not claims:
            return plain, set()
        claimed = frozenset().union(*claims.values())
        scores = self._scores(reading, reading.hidden | claimed)
        valid = {
            owners for owners in claims if max(scores.strong[j] for j in owners) > 0
        }
        if valid != set(claims):
            kept = frozenset().union(*(claims[o] for o in valid))
            scores = self._scores(reading, reading.hidden | kept) if kept else plain
        return scores, valid

    def _apply_condition(
        self,
        k: int,
        ok: bool,
        final: Vector,
        plain: _Scores,
        scores: _Scores,
        claims: dict[tuple[int, ...], set[int]],
        valid: set[tuple[int, ...]],
        notes: dict[int, str],
    ) -> None:
        """Score conditional type ``k``: down when contradicted, up when met."""
        itype = self._types[k]
        cond = itype.search
        if not ok:
            final[k] = plain.own[k] * CONTRADICTED_FACTOR
            notes[k] = f"caller contradicted {self._condition_text(cond)}: x0.4"
            return
        family = tuple(self._families[itype.family])
        evidence = max(float(scores.strong[j]) for j in family)
        if evidence <= 0 or (family in claims and family not in valid):
            final[k] = plain.own[k]
            return
        weight = sum(
            self._speech.concepts[c].weight for c in (*cond.affirms, *cond.denies)
        )
        final[k] = max(float(scores.own[k]), evidence) + weight
        notes[k] = (
            f"caller {self._condition_text(cond)}: "
            f"{itype.family} evidence {evidence:.2f} +{weight:.2f}"
        )

    @staticmethod
    def _condition_text(cond: TypeSearch) -> str:
        return ", ".join(
            [f"said {c}" for c in cond.affirms] + [f"denied {c}" for c in cond.denies]
        )

    def _implied(self, said: frozenset[str]) -> frozenset[str]:
        """``said`` and every concept one of them implies."""
        out = set(said)
        for name in said:
            out.update(self._speech.concepts[name].implies)
        return frozenset(out)

    def _implied_by(self, concepts: Iterable[str]) -> frozenset[str]:
        """``concepts`` and every concept that implies one of them."""
        out = set(concepts)
        for name in tuple(out):
            out.update(self._implying.get(name, ()))
        return frozenset(out)

    # -- results -----------------------------------------------------------------

    def search(
        self, text: str, limit: int = 10, min_score: float = MIN_SCORE
    ) -> list[SearchHit]:
        """Types ranked by how well ``text`` — a word or a caller's sentence — fits.

        Ties keep catalogue order, which lists the more common types first.
        """
        import numpy as np

        if limit <= 0 or not self._words:
            return []
        reading = self._reader.read(text)
        if not reading.tokens:
            return []
        final, scores, notes = self._rank(reading)
        order = np.lexsort((np.arange(len(final)), -final))
        hits: list[SearchHit] = []
        for k in order[:limit].tolist():
            score = float(final[k])
            if score < min_score:
                break
            term = int(scores.best_term[k])
            hits.append(
                SearchHit(
                    code=self._codes[k],
                    score=round(score, 2),
                    matched=self._terms[term],
                    why=self._why(reading, term, scores.best, notes.get(k)),
                    answers=self._answers(reading, self._types[k]),
                )
            )
        return hits

    def _why(
        self, reading: Reading, term: int, best: NDArray[np.float64], note: str | None
    ) -> tuple[str, ...]:
        said = [self._words[w] for w in self._term_words[term] if best[w] > 0]
        lines = [f"term {self._terms[term]!r}: said {', '.join(said) or 'nothing'}"]
        typed = {t.word: t.said for t in reading.tokens}
        unknown = [t.word for t in reading.tokens if not t.known]
        for word in said:
            if word in typed:
                if typed[word] != word:
                    lines.append(f"{typed[word]!r} read as {word!r}")
            elif unknown:
                guess = process.extractOne(word, unknown, scorer=fuzz.ratio)
                if guess is not None:
                    lines.append(f"{guess[0]!r} read as {word!r} (typing)")
        for occ in reading.occurrences:
            lines.append(
                f"{'denied' if occ.denied else 'said'} {occ.concept}: {occ.phrase!r}"
            )
        if note:
            lines.append(note)
        return tuple(lines)

    def _answers(
        self, reading: Reading, itype: IncidentType
    ) -> tuple[InferredAnswer, ...]:
        if not reading.occurrences or not itype.questions:
            return ()
        found = answers_for(
            reading,
            itype.code,
            (q.id for q in itype.questions),
            self._concepts,
            self._implied(reading.said),
        )
        order = {q.id: i for i, q in enumerate(itype.questions)}
        found.sort(key=lambda item: order[item[0]])
        return tuple(
            InferredAnswer(q, a, occ.concept, occ.phrase, occ.denied)
            for q, a, occ in found
        )

    def infer_answers(
        self, text: str, itype: IncidentType
    ) -> tuple[InferredAnswer, ...]:
        """Key-question answers of ``itype`` that ``text`` implies."""
        if not normalise(text):
            return ()
        return self._answers(self._reader.read(text), itype)


def _word_weights(
    filler: NDArray[np.bool_], type_words: list[set[int]], n_words: int
) -> NDArray[np.float64]:
    """Weight of each word: low for fillers, else 1/sqrt(types that use it)."""
    import numpy as np

    df = np.zeros(n_words)
    for used in type_words:
        df[sorted(used)] += 1
    weight: NDArray[np.float64] = np.where(
        filler, FILLER_WEIGHT, 1.0 / np.sqrt(np.maximum(df, 1))
    )
    return weight


def _required_words(
    term_words: list[list[int]], filler: NDArray[np.bool_]
) -> NDArray[np.bool_]:
    """Per word of each term: must it be said for the whole term to count?

    Fillers are optional, unless the term is made of fillers only.
    """
    import numpy as np

    required: list[bool] = []
    for t in term_words:
        all_filler = all(filler[w] for w in t)
        required.extend(bool(all_filler or not filler[w]) for w in t)
    return np.asarray(required, dtype=np.bool_)


def _csr(rows: Sequence[Sequence[int]]) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Rows of word indices as one flat array and the start of each row."""
    import numpy as np

    flat = np.asarray([w for row in rows for w in row], dtype=np.intp)
    starts = np.cumsum([0] + [len(row) for row in rows[:-1]])
    return flat, np.asarray(starts, dtype=np.intp)
