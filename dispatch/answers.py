"""Key-question answers in words: what a dispatcher or a crew reads, never codes.

An incident stores its key-question answers as ``{question id: answer key}``
(``{"trapped": "y"}``). :func:`answer_lines` turns them into the catalogue's
question and answer texts in one language (``Korban terjepit?`` → ``Ya``), in
the order the type asks them. An answer the catalogue does not know (a type
retired since the call, a hand-edited record) is an error in the data, so it
raises :class:`~dispatch.catalogue.UnknownCodeError` rather than showing a
made-up text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dispatch.catalogue import UnknownCodeError, get_catalogue

__all__ = ["AnswerLine", "answer_lines"]


@dataclass(frozen=True, slots=True)
class AnswerLine:
    """One answered key question, in words."""

    question: str
    answer: str
    alarming: bool
    """True when the answer raises the incident's determinant level."""


def answer_lines(
    type_code: str, answers: Mapping[str, str], lang: str = "id"
) -> list[AnswerLine]:
    """The answered questions of ``type_code`` as texts in ``lang``, in asking order."""
    if not answers:
        return []
    itype = get_catalogue().incident_type(type_code)
    known = {q.id: q for q in itype.questions}
    unknown = sorted(set(answers) - set(known))
    if unknown:
        raise UnknownCodeError(
            f"incident type {type_code} has no question {', '.join(unknown)}"
        )
    lines = []
    for question in itype.questions:
        key = answers.get(question.id)
        if key is None:
            continue
        option = next((o for o in question.options if o.key == key), None)
        if option is None:
            raise UnknownCodeError(
                f"question {question.id} of {type_code} has no answer {key!r}"
            )
        lines.append(
            AnswerLine(
                question=question.text.get(lang),
                answer=option.label.get(lang),
                alarming=key in question.sets,
            )
        )
    return lines
