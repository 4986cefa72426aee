"""Caller numbers: parse what telephony or the call taker gives; store E.164."""

from __future__ import annotations

from dispatch.errors import InvalidInput

#: Numbers are read as Indonesian unless they carry a country code.
DEFAULT_REGION = "ID"

_MAX_LEN = 32


def normalise_number(raw: str | None, *, region: str = DEFAULT_REGION) -> str | None:
    """Return the number in E.164 (``+6281234567890``), or ``None`` for no number.

    Raises :class:`InvalidInput` (field ``caller_number``) for text that is not a
    possible phone number, so the call taker sees why at the field.
    """
    if raw is None:
        return None
    text = raw.strip()
    if not text:
        return None
    import phonenumbers  # loaded on first use: keeps the console's start-up short

    if len(text) > _MAX_LEN:
        raise InvalidInput("Phone number is too long.", field="caller_number")
    if any(not (ch.isdigit() or ch in "+-() ./") for ch in text):
        raise InvalidInput(
            "A phone number may hold only digits, spaces and + - ( ) .",
            field="caller_number",
        )
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise InvalidInput(
            f"Not a phone number: {text}", field="caller_number"
        ) from exc
    if not phonenumbers.is_possible_number(parsed):
        raise InvalidInput(
            f"Not a possible phone number: {text}", field="caller_number"
        )
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)


def display_number(e164: str | None) -> str:
    """A readable national form for Indonesian numbers, international for others."""
    if not e164:
        return ""
    import phonenumbers

    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return e164
    if phonenumbers.region_code_for_number(parsed) == DEFAULT_REGION:
        return phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL
        )
    return phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
