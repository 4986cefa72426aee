"""Incident types for the intake form: search, key questions, priority preview.

A thin adapter over :mod:`dispatch.catalogue` (names in both languages,
synonyms, caller-speech search, key questions) and
:mod:`dispatch.triage_bridge` (the engine's priority and referral defaults),
so the form shows exactly what the engine will decide.

There is no fallback list of types: when the catalogue cannot be loaded,
:func:`catalogue_problem` gives the loader's message (naming each bad file
and key), ``siaga`` refuses to start with it (``console.cli.console_command``),
and :func:`search_types` raises :class:`CatalogueUnavailable` rather than
offer codes the engine would reject.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from console.i18n import _, current_language
from dispatch import triage_bridge
from dispatch.errors import DispatchError

if TYPE_CHECKING:
    from dispatch.catalogue import Catalogue, IncidentType, SearchHit


class CatalogueUnavailable(DispatchError):
    """The incident catalogue cannot be loaded; the message is the loader's."""

    code = "catalogue_unavailable"


@dataclass(frozen=True)
class Option:
    """One one-key answer."""

    key: str
    label_id: str
    label_en: str

    @property
    def label(self) -> str:
        """The label in the current language."""
        return self.label_en if current_language() == "en" else self.label_id


@dataclass(frozen=True)
class KeyQuestion:
    """A key question of a type."""

    id: str
    text_id: str
    text_en: str
    options: tuple[Option, ...]

    @property
    def text(self) -> str:
        """The question in the current language."""
        return self.text_en if current_language() == "en" else self.text_id


@dataclass(frozen=True)
class TypeChoice:
    """An incident type as the picker shows it."""

    code: str
    name_id: str
    name_en: str
    emergency: bool
    questions: tuple[KeyQuestion, ...] = ()
    terms: tuple[str, ...] = field(default=())
    answers: tuple[tuple[str, str], ...] = ()
    """Key-question answers the searched words imply, ``(question id, key)``,
    in question order — pre-fill them when this choice is picked."""
    why: tuple[str, ...] = ()
    """Why the search offered this type (words matched, conditions met)."""

    @property
    def name(self) -> str:
        """The type's name in the current language."""
        return self.name_en if current_language() == "en" else self.name_id

    @property
    def answer_map(self) -> dict[str, str]:
        """``{question id: answer key}`` implied by the searched words."""
        return dict(self.answers)


@cache
def _load() -> tuple[Catalogue | None, str | None]:
    from dispatch.catalogue import CatalogueError, get_catalogue

    try:
        return get_catalogue(), None
    except CatalogueError as exc:
        return None, str(exc)


def catalogue_problem() -> str | None:
    """The loader's message when the catalogue cannot be loaded, else None."""
    return _load()[1]


def _catalogue() -> Catalogue:
    cat, problem = _load()
    if cat is None:
        raise CatalogueUnavailable(problem or "incident catalogue unavailable")
    return cat


def _from_catalogue(itype: IncidentType, hit: SearchHit | None = None) -> TypeChoice:
    questions = tuple(
        KeyQuestion(
            q.id,
            q.text.id,
            q.text.en,
            tuple(Option(o.key, o.label.id, o.label.en) for o in q.options),
        )
        for q in itype.questions
    )
    return TypeChoice(
        itype.code,
        itype.name.id,
        itype.name.en,
        itype.is_emergency,
        questions,
        answers=tuple((a.question, a.answer) for a in hit.answers) if hit else (),
        why=hit.why if hit else (),
    )


def get_type(code: str | None) -> TypeChoice | None:
    """The type with this code, or None (also while the catalogue is unavailable).

    Only for showing stored codes: a stored code is shown as it is.
    """
    cat, _problem = _load()
    if not code or cat is None:
        return None
    return _from_catalogue(cat.types[code]) if code in cat.types else None


def search_types(text: str, limit: int = 8) -> list[TypeChoice]:
    """Types for what the call taker typed — a code, a name, or the caller's words.

    Raises:
        CatalogueUnavailable: the catalogue cannot be loaded (its message
            names the file and key to fix).
    """
    cat = _catalogue()
    return [
        _from_catalogue(cat.types[hit.code], hit)
        for hit in cat.search(text, limit=limit)
    ]


def infer_answers(text: str, code: str | None) -> dict[str, str]:
    """Answers of type ``code``'s key questions implied by ``text`` (caller's words).

    For a type picked by code or name while the notes hold the caller's
    words; empty when nothing is implied or the type is unknown.
    """
    cat, _problem = _load()
    if not code or cat is None or code not in cat.types:
        return {}
    return {a.question: a.answer for a in cat.infer_answers(text, code)}


def preview(code: str | None, answers: dict[str, str]) -> tuple[str, str] | None:
    """``(priority, determinant)`` the engine will give, or None when it cannot say."""
    if not code or catalogue_problem() is not None:
        return None
    try:
        result = triage_bridge.classify(code, answers)
    except DispatchError:
        return None
    return str(result.priority), str(result.determinant)


def referral_proposal(code: str | None) -> tuple[str, str, str | None] | None:
    """``(agency code, channel, sector)`` a non-emergency type is referred to."""
    if catalogue_problem() is not None:
        return None
    default = triage_bridge.referral_default(code)
    if default is None:
        return None
    return default.agency_code, str(default.channel), default.sector


@dataclass(frozen=True)
class DetailQuestion:
    """One thing the responsible office asks (typed at referral)."""

    id: str
    text_id: str
    text_en: str
    kind: str

    @property
    def text(self) -> str:
        """The question in the console's language."""
        return self.text_en if current_language() == "en" else self.text_id


def referral_details(code: str | None) -> tuple[DetailQuestion, ...]:
    """What the office responsible for a referral type asks (empty if nothing)."""
    if not code or catalogue_problem() is not None:
        return ()
    cat = _catalogue()
    if code not in cat:
        return ()
    return tuple(
        DetailQuestion(d.id, d.text.id, d.text.en, d.kind)
        for d in cat.incident_type(code).details
    )


def type_label(code: str | None) -> str:
    """``"FIRE-HOUSE Kebakaran rumah"`` for tables; the code alone if unknown."""
    choice = get_type(code)
    return f"{code} {choice.name}" if choice else (code or "")


def no_type_hint() -> str:
    """Placeholder of the type field."""
    return _("intake.type.placeholder")
