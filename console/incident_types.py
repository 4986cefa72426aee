"""Incident types for the intake form: search, key questions, priority preview.

A thin adapter over :mod:`dispatch.catalogue` (names in both languages,
synonyms, key questions) and :mod:`dispatch.triage_bridge` (the engine's
priority and referral defaults), so the form shows exactly what the engine
will decide. While the catalogue cannot be loaded, the engine's interim
types are offered with names from the console's catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any

from console.i18n import _, current_language
from dispatch import triage_bridge
from dispatch.errors import DispatchError

#: The engine's interim types (used only while the catalogue has no type files).
_INTERIM_CODES = ("MED", "FIRE-HOUSE", "TRAFFIC", "TREE", "WATER")


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

    @property
    def name(self) -> str:
        """The type's name in the current language."""
        return self.name_en if current_language() == "en" else self.name_id


@cache
def _catalogue() -> Any:
    try:
        from dispatch.catalogue import get_catalogue

        return get_catalogue()
    except Exception:  # no type files yet: the interim list applies
        return None


def _from_catalogue(itype: Any) -> TypeChoice:
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
        itype.code, itype.name.id, itype.name.en, itype.is_emergency, questions
    )


@cache
def _interim() -> tuple[TypeChoice, ...]:
    from console.i18n import translate

    return tuple(
        TypeChoice(
            code,
            translate(f"type.{code}", "id"),
            translate(f"type.{code}", "en"),
            triage_bridge.is_emergency(code),
            terms=(translate(f"type.{code}.terms", "id"),),
        )
        for code in _INTERIM_CODES
    )


def get_type(code: str | None) -> TypeChoice | None:
    """The type with this code, or None."""
    if not code:
        return None
    cat = _catalogue()
    if cat is not None:
        return _from_catalogue(cat.types[code]) if code in cat.types else None
    return next((t for t in _interim() if t.code == code), None)


def search_types(text: str, limit: int = 8) -> list[TypeChoice]:
    """Types matching what the call taker typed: code, names, synonyms."""
    cat = _catalogue()
    if cat is not None:
        return [
            _from_catalogue(cat.types[hit.code])
            for hit in cat.search(text, limit=limit)
        ]
    query = text.strip().casefold()
    if not query:
        return []
    return [
        t
        for t in _interim()
        if any(query in s.casefold() for s in (t.code, t.name_id, t.name_en, *t.terms))
    ][:limit]


def preview(code: str | None, answers: dict[str, str]) -> tuple[str, str] | None:
    """``(priority, determinant)`` the engine will give, or None when it cannot say."""
    if not code:
        return None
    try:
        result = triage_bridge.classify(code, answers)
    except DispatchError:
        return None
    return str(result.priority), str(result.determinant)


def referral_proposal(code: str | None) -> tuple[str, str] | None:
    """``(agency code, channel)`` a non-emergency type is referred to by default."""
    default = triage_bridge.referral_default(code)
    if default is None:
        return None
    return default.agency_code, str(default.channel)


def type_label(code: str | None) -> str:
    """``"FIRE-HOUSE Kebakaran rumah"`` for tables; the code alone if unknown."""
    choice = get_type(code)
    return f"{code} {choice.name}" if choice else (code or "")


def no_type_hint() -> str:
    """Placeholder of the type field."""
    return _("intake.type.placeholder")
