"""The caller-speech vocabulary of the type search: models, loading, merging.

``speech.toml`` in the catalogue holds the words the search reads around the
types' synonyms: a lexicon of Javanese, slang and misspelt words, filler
words, negation cues and the *concepts* a caller may say or deny (injury,
trapped, unconscious, ...) with the key-question answers they imply.

Extension point for region packs: :func:`load_speech` takes further files of
the same shape (say a pack's ``speech.toml``) and merges them over the
shipped one — lexicon entries are added or replaced, word lists and concept
phrases are extended, answers are added, and a ``[synonyms]`` table adds
local synonyms to existing types. Every file is validated; problems name the
file and the key.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dispatch.catalogue._models import IncidentType
from dispatch.catalogue._text import normalise

__all__ = ["SPEECH_FILE", "Concept", "Negation", "Speech", "Words", "load_speech"]

SPEECH_FILE = "speech.toml"

Problems = list[tuple[str, str, str]]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Words(_Frozen):
    """Word lists: endings tried off unknown words, and filler words."""

    suffixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()
    filler: tuple[str, ...] = ()
    known: tuple[str, ...] = ()
    """Ordinary words never corrected as typos (they are no synonym's)."""


class Negation(_Frozen):
    """Negation cues, clause breaks and how far a negation reaches."""

    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    unsure: tuple[str, ...] = ()
    """Cues of not knowing ("tidak tahu ada korban"): the concept is neither
    said nor denied."""
    breaks: tuple[str, ...] = ()
    scope: Annotated[int, Field(ge=1, le=12)] = 4


class Concept(_Frozen):
    """Something a caller says or denies, and the answers that follow."""

    phrases: tuple[str, ...] = ()
    denied_by: tuple[str, ...] = ()
    weight: Annotated[float, Field(ge=0.0, le=5.0)] = 0.5
    """What a type whose condition on this concept is met gains (docs/engine.md)."""
    if_said: dict[str, str] = Field(default_factory=dict)
    if_denied: dict[str, str] = Field(default_factory=dict)
    implies: tuple[str, ...] = ()
    """Other concepts said whenever this one is ("pingsan" implies injury)."""


class Speech(_Frozen):
    """One speech file, or several merged."""

    lexicon: dict[str, str] = Field(default_factory=dict)
    words: Words = Words()
    negation: Negation = Negation()
    concepts: dict[str, Concept] = Field(default_factory=dict)
    synonyms: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    """Extra synonyms by type code (for region packs)."""

    def merged(self, other: Speech, other_fields: Iterable[str]) -> Speech:
        """``other`` laid over this one (``other_fields``: keys it sets)."""
        fields = set(other_fields)
        concepts = dict(self.concepts)
        for name, extra in other.concepts.items():
            base = concepts.get(name)
            if base is None:
                concepts[name] = extra
                continue
            concepts[name] = Concept(
                phrases=base.phrases + extra.phrases,
                denied_by=base.denied_by + extra.denied_by,
                weight=extra.weight
                if "weight" in extra.model_fields_set
                else base.weight,
                if_said={**base.if_said, **extra.if_said},
                if_denied={**base.if_denied, **extra.if_denied},
                implies=base.implies + extra.implies,
            )
        synonyms = dict(self.synonyms)
        for code, words in other.synonyms.items():
            synonyms[code] = synonyms.get(code, ()) + words
        neg = self.negation
        if "negation" in fields:
            scope_set = "scope" in other.negation.model_fields_set
            neg = Negation(
                before=neg.before + other.negation.before,
                after=neg.after + other.negation.after,
                unsure=neg.unsure + other.negation.unsure,
                breaks=neg.breaks + other.negation.breaks,
                scope=other.negation.scope if scope_set else neg.scope,
            )
        return Speech(
            lexicon={**self.lexicon, **other.lexicon},
            words=Words(
                suffixes=self.words.suffixes + other.words.suffixes,
                prefixes=self.words.prefixes + other.words.prefixes,
                filler=self.words.filler + other.words.filler,
                known=self.words.known + other.words.known,
            ),
            negation=neg,
            concepts=concepts,
            synonyms=synonyms,
        )


def _read(source: Traversable | Path, label: str, problems: Problems) -> Any:
    try:
        with source.open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append((label, "", "file is missing"))
    except tomllib.TOMLDecodeError as exc:
        problems.append((label, "", f"not valid TOML: {exc}"))
    return None


def _key(loc: Iterable[int | str]) -> str:
    return ".".join(str(p) if isinstance(p, str) else f"[{p}]" for p in loc).replace(
        ".[", "["
    )


def _parse(data: Any, label: str, problems: Problems) -> Speech | None:
    try:
        return Speech.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            problems.append((label, _key(err["loc"]), err["msg"]))
    return None


def load_speech(
    root: Traversable, extra: Sequence[Path | Traversable], problems: Problems
) -> tuple[Speech | None, list[tuple[str, Speech]]]:
    """The shipped speech file with ``extra`` files merged over it, in order.

    Returns the merged vocabulary (None when the shipped file is unusable)
    and each file as read, labelled for error messages.
    """
    layers: list[tuple[str, Speech]] = []
    speech = _parse(
        _read(root.joinpath(SPEECH_FILE), SPEECH_FILE, problems), SPEECH_FILE, problems
    )
    if speech is not None:
        _check_words(speech, SPEECH_FILE, problems)
        layers.append((SPEECH_FILE, speech))
    for source in extra:
        label = str(getattr(source, "name", source))
        data = _read(source, label, problems)
        if data is None:
            continue
        layer = _parse(data, label, problems)
        if layer is None:
            continue
        _check_words(layer, label, problems)
        layers.append((label, layer))
        if speech is not None:
            speech = speech.merged(layer, data)
    return speech, layers


def _single_word(word: str) -> bool:
    return bool(word) and normalise(word) == word and " " not in word


def _check_words(speech: Speech, label: str, problems: Problems) -> None:
    for word, standard in speech.lexicon.items():
        if not _single_word(word):
            problems.append(
                (label, f"lexicon.{word}", "must be one lower-case word (a-z, 0-9)")
            )
        if not normalise(standard):
            problems.append((label, f"lexicon.{word}", "the standard word is empty"))
    for name in ("suffixes", "prefixes", "filler", "known"):
        for i, word in enumerate(getattr(speech.words, name)):
            if not _single_word(word):
                problems.append(
                    (
                        label,
                        f"words.{name}[{i}]",
                        f"{word!r} is not one lower-case word",
                    )
                )
    neg = speech.negation
    for name in ("before", "after", "unsure", "breaks"):
        for i, cue in enumerate(getattr(neg, name)):
            if not normalise(cue):
                problems.append((label, f"negation.{name}[{i}]", "empty cue"))
    for name, concept in speech.concepts.items():
        for field in ("phrases", "denied_by"):
            for i, phrase in enumerate(getattr(concept, field)):
                if not normalise(phrase):
                    problems.append(
                        (label, f"concepts.{name}.{field}[{i}]", "empty phrase")
                    )


def check_against_types(
    layers: Sequence[tuple[str, Speech]],
    merged: Speech,
    types: Sequence[tuple[str, IncidentType]],
    problems: Problems,
) -> None:
    """Cross-check speech files with the types (codes, questions, concepts).

    ``layers`` are the files as read (so a problem names the file it is in),
    ``merged`` their union.
    """
    by_code = {t.code: t for _, t in types}
    for label, layer in layers:
        _check_concepts(label, layer, merged, by_code, problems)
        for code in layer.synonyms:
            if code not in by_code:
                problems.append((label, f"synonyms.{code}", "unknown type code"))
    for file, itype in types:
        for field in ("affirms", "denies", "absorbs"):
            for i, name in enumerate(getattr(itype.search, field)):
                if name not in merged.concepts:
                    problems.append(
                        (
                            file,
                            f"types[{itype.code}].search.{field}[{i}]",
                            f"unknown concept {name!r} (see {SPEECH_FILE})",
                        )
                    )


def _check_concepts(
    label: str,
    layer: Speech,
    merged: Speech,
    by_code: Mapping[str, IncidentType],
    problems: Problems,
) -> None:
    options: dict[str, set[str]] = {}
    for itype in by_code.values():
        for q in itype.questions:
            options.setdefault(q.id, set()).update(o.key for o in q.options)
    for name, concept in layer.concepts.items():
        for field in ("if_said", "if_denied"):
            answers: Mapping[str, str] = getattr(concept, field)
            for target, answer in answers.items():
                problem = _answer_problem(target, answer, by_code, options)
                if problem:
                    key = f"concepts.{name}.{field}.{target}"
                    problems.append((label, key, problem))
        for i, other in enumerate(concept.implies):
            if other not in merged.concepts:
                key = f"concepts.{name}.implies[{i}]"
                problems.append((label, key, f"unknown concept {other!r}"))


def _answer_problem(
    target: str,
    answer: str,
    by_code: Mapping[str, IncidentType],
    options: Mapping[str, set[str]],
) -> str | None:
    if "." in target:
        code, qid = target.split(".", 1)
        itype = by_code.get(code)
        if itype is None:
            return f"unknown type code {code!r}"
        question = itype.question(qid)
        if question is None:
            return f"{code} has no question {qid!r}"
        if question.option(answer) is None:
            return f"{answer!r} is not an answer of {code}.{qid}"
        return None
    if target not in options:
        return f"no type has a question {target!r}"
    for itype in by_code.values():
        question = itype.question(target)
        if question is not None and question.option(answer) is None:
            return f"{answer!r} is not an answer of {itype.code}.{target}"
    return None
