"""Triage: from an incident type and the key-question answers to a level.

``triage(type_code, answers)`` returns the determinant level, its priority and
EIDO common priority, the response plan, and the reasons — which answers set
the level — so the console can show *why* a call is P1.

The rule, stated once (the data in :mod:`dispatch.catalogue` fills it in):

* Each answer may *call for* a level (``sets`` in the catalogue). A question
  left unanswered, or answered "don't know", calls for its ``if_unanswered``
  level (by default the type's conservative ``default`` level).
* The result is the most severe level called for, never less severe than the
  type's ``base`` level. Severity is the level's priority, then its EIDO
  priority, as the data declares — the determinant letter is never a rank.
* Before any question is answered the result is the type's ``default``.

So answering a question with a worse answer can never lower the priority
(the result is a maximum), and answering "no" can lower it only once the
question is really answered.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dispatch.catalogue import (
    Catalogue,
    IncidentType,
    PlanSlot,
    Referral,
    get_catalogue,
)
from dispatch.enums import Determinant, Priority

__all__ = [
    "InvalidAnswerError",
    "TriageReason",
    "TriageReasonCode",
    "TriageResult",
    "explain",
    "triage",
]


class InvalidAnswerError(ValueError):
    """An answer names a question or an option the incident type lacks."""

    def __init__(self, type_code: str, question_id: str, message: str) -> None:
        self.type_code = type_code
        self.question_id = question_id
        super().__init__(f"{type_code}: question {question_id!r}: {message}")


class TriageReasonCode(StrEnum):
    """Why a level was called for."""

    ANSWER = "answer"
    """An answer to a key question called for the level."""
    UNANSWERED = "unanswered"
    """A key question not (yet) answered, or answered "don't know"."""
    NOT_TRIAGED = "not_triaged"
    """No question answered yet: the type's conservative default."""
    BASE = "base"
    """Every answer was benign: the type's lowest level."""
    FIXED = "fixed"
    """The type has no key questions (one level only)."""


@dataclass(frozen=True, slots=True)
class TriageReason:
    """One thing that called for the resulting level."""

    code: TriageReasonCode
    determinant: Determinant
    question_id: str | None = None
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class TriageResult:
    """The outcome of triage for one incident type and set of answers."""

    type_code: str
    determinant: Determinant
    priority: Priority
    eido_priority: int
    plan: tuple[PlanSlot, ...]
    reasons: tuple[TriageReason, ...]
    """What set the level (several when several answers call for it)."""
    referral: Referral | None
    """For non-emergency types: where the call is referred (and no plan)."""
    complete: bool
    """True when every key question has a real (not "don't know") answer."""
    travel_target_s: int
    on_scene_target_s: int

    @property
    def is_emergency(self) -> bool:
        """True when units are sent (the type is not a referral)."""
        return self.referral is None


def _normalise_answers(
    itype: IncidentType, answers: Mapping[str, str | None]
) -> dict[str, str]:
    clean: dict[str, str] = {}
    for question_id, raw in answers.items():
        question = itype.question(question_id)
        if question is None:
            raise InvalidAnswerError(itype.code, question_id, "no such question")
        if raw is None or not str(raw).strip():
            continue
        key = str(raw).strip().lower()
        if question.option(key) is None:
            allowed = ", ".join(o.key for o in question.options)
            raise InvalidAnswerError(
                itype.code, question_id, f"answer {raw!r} is not one of {allowed}"
            )
        clean[question_id] = key
    return clean


def triage(
    type_code: str,
    answers: Mapping[str, str | None] | None = None,
    *,
    catalogue: Catalogue | None = None,
) -> TriageResult:
    """Triage one call: level, priority, EIDO priority, plan and reasons.

    Args:
        type_code: an incident type code of the catalogue.
        answers: question id → answer key (``"y"``, ``"n"``, ``"u"`` or a
            choice key). ``None`` or ``""`` means not answered.
        catalogue: the catalogue to use (default: the shipped one).

    Raises:
        dispatch.catalogue.UnknownCodeError: unknown type code.
        InvalidAnswerError: unknown question id or answer key.
    """
    cat = catalogue or get_catalogue()
    itype = cat.incident_type(type_code)
    given = _normalise_answers(itype, answers or {})
    real = {
        qid: key
        for qid, key in given.items()
        if not _option_is_unknown(itype, qid, key)
    }
    called = _called_levels(itype, given, real)
    worst = min(called, key=lambda r: itype.severity(r.determinant)).determinant
    reasons = tuple(r for r in called if r.determinant == worst)
    if len(reasons) > 1:
        # The benign base is no reason when something else calls for the level.
        reasons = tuple(r for r in reasons if r.code != TriageReasonCode.BASE)
    level = itype.levels[worst]
    targets = cat.level_targets(itype.code, worst)
    return TriageResult(
        type_code=itype.code,
        determinant=worst,
        priority=level.priority,
        eido_priority=level.eido_priority,
        plan=level.plan,
        reasons=reasons,
        referral=itype.referral,
        complete=all(q.id in real for q in itype.questions),
        travel_target_s=targets.travel_target_s,
        on_scene_target_s=targets.on_scene_target_s,
    )


def _called_levels(
    itype: IncidentType, given: dict[str, str], real: dict[str, str]
) -> list[TriageReason]:
    """Every level something calls for: the base, each answer, each gap.

    ``real`` are the answers that are not "unknown"; with none, the type's
    conservative default stands (it is not triaged yet).
    """
    default = itype.default_level
    if not itype.questions:
        return [TriageReason(TriageReasonCode.FIXED, default)]
    if not real:
        return [TriageReason(TriageReasonCode.NOT_TRIAGED, default)]
    called = [TriageReason(TriageReasonCode.BASE, itype.base_level)]
    for question in itype.questions:
        key = real.get(question.id)
        if key is None:
            called.append(
                TriageReason(
                    TriageReasonCode.UNANSWERED,
                    question.if_unanswered or default,
                    question.id,
                    given.get(question.id),
                )
            )
        elif key in question.sets:
            called.append(
                TriageReason(
                    TriageReasonCode.ANSWER, question.sets[key], question.id, key
                )
            )
    return called


def _option_is_unknown(itype: IncidentType, question_id: str, key: str) -> bool:
    question = itype.question(question_id)
    option = question.option(key) if question is not None else None
    return option is None or option.unknown


def explain(
    result: TriageResult, lang: str = "id", *, catalogue: Catalogue | None = None
) -> list[str]:
    """One line per reason, in Indonesian (``"id"``) or English (``"en"``).

    For example ``"Pasien tidak bernapas ...? Ya → ECHO (P1)"``.
    """
    cat = catalogue or get_catalogue()
    itype = cat.incident_type(result.type_code)
    suffix = f"{result.determinant} ({result.priority})"
    lines: list[str] = []
    for reason in result.reasons:
        question = itype.question(reason.question_id) if reason.question_id else None
        if question is not None:
            option = question.option(reason.answer) if reason.answer else None
            if option is not None:
                answer = option.label.get(lang)
            else:
                answer = "belum dijawab" if lang != "en" else "not answered"
            lines.append(f"{question.text.get(lang)} {answer} → {suffix}")
        else:
            lines.append(f"{_GENERIC[reason.code][lang == 'en']} → {suffix}")
    return lines


_GENERIC: dict[TriageReasonCode, tuple[str, str]] = {
    TriageReasonCode.NOT_TRIAGED: (
        "Belum ada pertanyaan yang dijawab (tingkat bawaan)",
        "No question answered yet (conservative default)",
    ),
    TriageReasonCode.BASE: (
        "Semua jawaban tidak menunjukkan bahaya",
        "No answer indicates danger",
    ),
    TriageReasonCode.FIXED: (
        "Jenis kejadian ini hanya punya satu tingkat",
        "This incident type has one level only",
    ),
    TriageReasonCode.ANSWER: ("Jawaban", "Answer"),
    TriageReasonCode.UNANSWERED: ("Belum dijawab", "Not answered"),
}
