"""What the services need from the incident catalogue and triage, in one place.

Services ask four questions of the catalogue: what determinant and priority
do this type and these answers give, is this type an emergency (or a
referral), where is a non-emergency type referred, and is this a known close
code. This module answers them from :mod:`dispatch.catalogue` and
:mod:`dispatch.triage`, and turns the catalogue's lookup errors into
:class:`~dispatch.errors.InvalidInput` naming the form field to fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from dispatch import catalogue
from dispatch.enums import Priority, ReferralChannel
from dispatch.errors import InvalidInput
from dispatch.triage import InvalidAnswerError, TriageResult, triage


@dataclass(frozen=True)
class Classification:
    """The outcome of triage for one call."""

    type_code: str
    determinant: str
    priority: Priority
    result: TriageResult


@dataclass(frozen=True)
class ReferralDefault:
    """Where a non-emergency type is referred by default."""

    agency_code: str
    channel: ReferralChannel
    sector: str | None


def classify(type_code: str, answers: Mapping[str, str | None]) -> Classification:
    """Triage a type and its answers; unknown ones are refused at their field."""
    code = type_code.strip().upper()
    if code not in catalogue.get_catalogue():
        raise InvalidInput(f"Unknown incident type {type_code!r}.", field="type_code")
    try:
        result = triage(code, answers)
    except InvalidAnswerError as exc:
        raise InvalidInput(str(exc), field=f"answers.{exc.question_id}") from exc
    return Classification(
        result.type_code, result.determinant.value, result.priority, result
    )


def is_emergency(type_code: str) -> bool:
    """True when the type gets a response plan (not a referral)."""
    if type_code not in catalogue.get_catalogue():
        return False
    return catalogue.incident_type(type_code).referral is None


def referral_default(type_code: str | None) -> ReferralDefault | None:
    """The agency and channel a non-emergency type goes to, if the catalogue says."""
    if not type_code or type_code not in catalogue.get_catalogue():
        return None
    referral = catalogue.incident_type(type_code).referral
    if referral is None:
        return None
    return ReferralDefault(referral.agency, referral.channel, referral.sector.value)


def is_disposition(code: str) -> bool:
    """True for a close code the catalogue knows."""
    return code in catalogue.get_catalogue().dispositions


def example_disposition() -> str:
    """A valid close code (the first in the catalogue), for tests and demos."""
    return next(iter(catalogue.get_catalogue().dispositions))
