"""Reading what a caller said: words, standard forms, negation and concepts.

:class:`Reader` turns free text into :class:`Token` s (each word as said, its
standard form from the lexicon, whether it is filler, its clause), then finds
the speech concepts (injury, trapped, unconscious, ...) and whether each was
said or denied ("tidak ada yang luka", "korban nihil"). Everything it knows
comes from the speech vocabulary (``speech.toml``); nothing here is specific
to one language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dispatch.catalogue._speech import Speech

__all__ = ["Occurrence", "Reader", "Reading", "Token", "normalise"]

_NON_WORD = re.compile(r"[^0-9a-z]+")
_CLAUSE = re.compile(r"[,.;:!?\n\r\t/()]+")
MAX_WORDS = 60
"""Only the first words of a query are read (a call taker types a sentence)."""


def normalise(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _NON_WORD.sub(" ", ascii_only).strip()


@dataclass(frozen=True, slots=True)
class Token:
    """One word of the query."""

    said: str
    """The word as typed (normalised)."""
    word: str
    """Its standard form (lexicon, suffix removed)."""
    filler: bool
    known: bool
    """True when the standard form is a word the catalogue knows (no typo fix)."""
    clause: int


@dataclass(frozen=True, slots=True)
class Occurrence:
    """A concept phrase found in the query."""

    concept: str
    phrase: str
    """The words as the caller said them."""
    denied: bool
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Reading:
    """What the reader made of one query."""

    tokens: tuple[Token, ...]
    occurrences: tuple[Occurrence, ...]
    hidden: frozenset[int]
    """Token positions that are no evidence (denied words, their cues)."""

    @property
    def said(self) -> frozenset[str]:
        """Concepts the caller said (at least once without a negation)."""
        return frozenset(o.concept for o in self.occurrences if not o.denied)

    @property
    def denied(self) -> frozenset[str]:
        """Concepts the caller only ever denied."""
        return frozenset(o.concept for o in self.occurrences if o.denied) - self.said


_Phrase = tuple[str, ...]


class Reader:
    """Reads queries with one speech vocabulary and the catalogue's words."""

    def __init__(self, speech: Speech, catalogue_words: Iterable[str]) -> None:
        self._lexicon = {
            k: tuple(normalise(v).split()) for k, v in speech.lexicon.items()
        }
        self._filler = frozenset(speech.words.filler)
        self._prefixes = tuple(
            sorted(set(speech.words.prefixes), key=len, reverse=True)
        )
        self._suffixes = tuple(
            sorted(set(speech.words.suffixes), key=len, reverse=True)
        )
        neg = speech.negation
        self._before = self._cues(neg.before)
        self._after = self._cues(neg.after)
        self._unsure = self._cues(neg.unsure)
        self._breaks = frozenset(
            self.standard_phrase(b, keep_filler=True)[0] for b in neg.breaks
        )
        self._scope = neg.scope
        # Concept phrases by their first word, longest first: one pass reads them.
        self._by_first: dict[str, list[tuple[str, _Phrase, bool]]] = {}
        concept_words: set[str] = set()
        for name, concept in speech.concepts.items():
            for texts, denial in ((concept.phrases, False), (concept.denied_by, True)):
                for text in texts:
                    phrase = self.standard_phrase(text)
                    if phrase:
                        entry = (name, phrase, denial)
                        self._by_first.setdefault(phrase[0], []).append(entry)
                        concept_words.update(phrase)
        for entries in self._by_first.values():
            entries.sort(key=lambda e: len(e[1]), reverse=True)
        self.known: frozenset[str] = frozenset(
            {*catalogue_words, *self._filler, *concept_words, *self._breaks}
            | set(speech.words.known)
            | {w for v in self._lexicon.values() for w in v}
            | {w for cue in (*self._before, *self._after, *self._unsure) for w in cue}
        )

    def _cues(self, cues: Sequence[str]) -> list[_Phrase]:
        found = {self.standard_phrase(c, keep_filler=True) for c in cues}
        return sorted((c for c in found if c), key=len, reverse=True)

    def standard_words(self, text: str) -> list[str]:
        """Standard forms of every word of ``text`` (lexicon only, no suffixes)."""
        out: list[str] = []
        for word in normalise(text).split():
            out.extend(self._lexicon.get(word, (word,)))
        return out

    def standard_phrase(self, text: str, *, keep_filler: bool = False) -> _Phrase:
        """A phrase in standard words, filler dropped unless ``keep_filler``."""
        words = self.standard_words(text)
        if keep_filler:
            return tuple(words)
        return tuple(w for w in words if w not in self._filler)

    def is_filler(self, word: str) -> bool:
        """True for a filler word."""
        return word in self._filler

    def _standard(
        self, word: str, known: frozenset[str]
    ) -> tuple[tuple[str, ...], bool]:
        if word in self._lexicon:
            return self._lexicon[word], True
        if word in known:
            return (word,), True
        stems = [word[: -len(s)] for s in self._suffixes if word.endswith(s)]
        stems += [word[len(p) :] for p in self._prefixes if word.startswith(p)]
        for stem in stems:
            if len(stem) >= 3:
                if stem in self._lexicon:
                    return self._lexicon[stem], True
                if stem in known:
                    return (stem,), True
        return (word,), False

    def tokens(self, text: str) -> list[Token]:
        """The words of ``text`` with their standard forms and clauses."""
        out: list[Token] = []
        clause = 0
        for part in _CLAUSE.split(text[: MAX_WORDS * 24]):
            clause += 1
            for said in normalise(part).split():
                words, known = self._standard(said, self.known)
                for word in words:
                    if word in self._breaks:
                        clause += 1
                    out.append(Token(said, word, word in self._filler, known, clause))
                if len(out) >= MAX_WORDS:
                    return out
        return out

    def read(self, text: str) -> Reading:
        """Tokens, concept occurrences (said or denied) and hidden positions."""
        tokens = self.tokens(text)
        found = self._concept_phrases(tokens)
        covered = {p for *_, at in found for p in at}
        unsure = _cue_spans(tokens, self._unsure, covered)
        taken = covered | {p for start, end in unsure for p in range(start, end)}
        cues_before = _cue_spans(tokens, self._before, taken)
        cues_after = _cue_spans(tokens, self._after, taken)
        occurrences: list[Occurrence] = []
        hidden: set[int] = set()
        for name, _phrase, denial, at in found:
            start, end = at[0], at[-1] + 1
            if not denial and self._negating_cue(tokens, start, end, unsure, ()):
                continue  # "tidak tahu ada korban": neither said nor denied
            cue = (
                None
                if denial
                else self._negating_cue(tokens, start, end, cues_before, cues_after)
            )
            denied = denial or cue is not None
            if denied:
                hidden.update(range(start, end))
                if cue is not None:
                    hidden.update(range(*cue))
            said = " ".join(tokens[i].said for i in range(start, end))
            occurrences.append(Occurrence(name, said, denied, start, end))
        occurrences.sort(key=lambda o: (o.start, o.concept))
        return Reading(tuple(tokens), tuple(occurrences), frozenset(hidden))

    def _concept_phrases(
        self, tokens: Sequence[Token]
    ) -> list[tuple[str, _Phrase, bool, list[int]]]:
        """Concept phrases among the content words, longest first at each word."""
        content = [i for i, t in enumerate(tokens) if not t.filler]
        found: list[tuple[str, _Phrase, bool, list[int]]] = []
        used: dict[str, set[int]] = {}
        for ci, pos in enumerate(content):
            for name, phrase, denial in self._by_first.get(tokens[pos].word, ()):
                at = content[ci : ci + len(phrase)]
                mine = used.setdefault(name, set())
                if (
                    len(at) == len(phrase)
                    and not mine.intersection(at)
                    and tokens[at[0]].clause == tokens[at[-1]].clause
                    and all(
                        tokens[p].word == w for p, w in zip(at, phrase, strict=True)
                    )
                ):
                    found.append((name, phrase, denial, at))
                    mine.update(at)
        return found

    def _negating_cue(
        self,
        tokens: Sequence[Token],
        start: int,
        end: int,
        before: Sequence[tuple[int, int]],
        after: Sequence[tuple[int, int]],
    ) -> tuple[int, int] | None:
        clause = tokens[start].clause
        for cue_start, cue_end in before:
            if cue_end <= start and tokens[cue_start].clause == clause:
                between = sum(1 for t in tokens[cue_end:start] if not t.filler)
                if between < self._scope:
                    return cue_start, cue_end
        for cue_start, cue_end in after:
            if cue_start >= end and tokens[cue_start].clause == tokens[end - 1].clause:
                between = sum(1 for t in tokens[end:cue_start] if not t.filler)
                if between <= 1:
                    return cue_start, cue_end
        return None


def _cue_spans(
    tokens: Sequence[Token], cues: Sequence[_Phrase], covered: set[int]
) -> list[tuple[int, int]]:
    """(start, end) of every negation cue, nearest the end first."""
    spans: list[tuple[int, int]] = []
    starts = {cue[0] for cue in cues}
    at = 0
    while at < len(tokens):
        size = 0
        if tokens[at].word in starts and at not in covered:
            size = next((len(c) for c in cues if _matches(tokens, at, c)), 0)
        if size:
            spans.append((at, at + size))
            at += size
        else:
            at += 1
    spans.reverse()
    return spans


def _matches(tokens: Sequence[Token], at: int, phrase: _Phrase) -> bool:
    return at + len(phrase) <= len(tokens) and all(
        tokens[at + i].word == w for i, w in enumerate(phrase)
    )


def answers_for(
    reading: Reading,
    code: str,
    question_ids: Iterable[str],
    concepts: Mapping[str, tuple[Mapping[str, str], Mapping[str, str]]],
    said: frozenset[str],
) -> list[tuple[str, str, Occurrence]]:
    """``(question, answer, evidence)`` a reading implies for one type.

    ``concepts`` maps a concept to its (if_said, if_denied) answers; ``said``
    are the concepts said, directly or implied ("pingsan" implies injury), so
    a denial of one of them answers nothing. A question two concepts answer
    differently stays unanswered (the conservative default applies).
    """
    wanted = set(question_ids)
    chosen: dict[str, tuple[str, Occurrence]] = {}
    conflicts: set[str] = set()
    for occ in reading.occurrences:
        if occ.denied and occ.concept in said:
            continue
        if_said, if_denied = concepts.get(occ.concept, ({}, {}))
        table = if_denied if occ.denied else if_said
        for qid in wanted:
            answer = table.get(f"{code}.{qid}", table.get(qid))
            if answer is None:
                continue
            previous = chosen.get(qid)
            if previous is not None and previous[0] != answer:
                conflicts.add(qid)
            elif previous is None:
                chosen[qid] = (answer, occ)
    return [(q, a, occ) for q, (a, occ) in chosen.items() if q not in conflicts]
