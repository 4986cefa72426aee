"""Check the answers to a referral type's details (what the office asks).

The catalogue lists, per referral type, the key questions the responsible
office asks (:class:`dispatch.catalogue.Detail`): households affected, since
when, the PDAM customer number, a number for photos. :func:`clean_details`
checks what the desk typed against them before the referral is stored: an
unknown detail, a household count that is not a whole number, or a phone
number that cannot be one is refused at its field
(``details.<id>``), never stored half-right. Empty answers are dropped: the
caller did not know, and the export leaves that field empty.
"""

from __future__ import annotations

from collections.abc import Mapping

from dispatch import catalogue
from dispatch.catalogue import Detail
from dispatch.errors import InvalidInput
from dispatch.phone import normalise_number

__all__ = ["MAX_DETAIL", "MAX_HOUSEHOLDS", "clean_details"]

#: Longest free-text answer (``since``, ``customer_number``).
MAX_DETAIL = 80
#: More households than a city has is a typo.
MAX_HOUSEHOLDS = 100_000


def _count(value: str, field: str) -> str:
    if not value.isdigit():
        raise InvalidInput("Type the number of households as digits.", field=field)
    number = int(value)
    if not 1 <= number <= MAX_HOUSEHOLDS:
        raise InvalidInput(
            f"Households must be between 1 and {MAX_HOUSEHOLDS}.", field=field
        )
    return str(number)


def _phone(value: str, field: str) -> str:
    try:
        number = normalise_number(value)
    except InvalidInput as exc:
        raise InvalidInput(str(exc), field=field) from exc
    return number or ""


def _text(value: str, field: str) -> str:
    cleaned = " ".join(ch for ch in value.split() if ch.isprintable())
    if len(cleaned) > MAX_DETAIL:
        raise InvalidInput(f"At most {MAX_DETAIL} characters.", field=field)
    return cleaned


def clean_details(type_code: str | None, details: Mapping[str, str]) -> dict[str, str]:
    """The details of ``type_code`` checked and normalised; empty ones dropped."""
    given = {k: v.strip() for k, v in details.items() if v and v.strip()}
    if not given:
        return {}
    known: dict[str, Detail] = {}
    if type_code and type_code in catalogue.get_catalogue():
        known = {d.id: d for d in catalogue.incident_type(type_code).details}
    cleaned: dict[str, str] = {}
    for key, value in given.items():
        field = f"details.{key}"
        detail = known.get(key)
        if detail is None:
            raise InvalidInput(
                f"Incident type {type_code or '(none)'} asks no detail {key!r}.",
                field=field,
            )
        if detail.kind == "count":
            cleaned[key] = _count(value, field)
        elif detail.kind == "phone":
            cleaned[key] = _phone(value, field)
        else:
            cleaned[key] = _text(value, field)
    return cleaned
