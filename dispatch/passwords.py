"""Operator names and passwords: the rules they follow, and argon2id hashing.

Hashes are argon2id with argon2-cffi's defaults (RFC 9106's low-memory
profile); a hash made with older parameters is upgraded at the next good
sign-on. Checking a password for a name that does not exist costs the same
as for one that does (:func:`verify_password` with ``None`` checks against a
dummy hash), so the time a sign-on takes says nothing about the name.

Passwords follow NIST SP 800-63B / OWASP ASVS V2.1: at least 12 characters,
at most 128, any printable Unicode (spaces too), no composition rules, never
truncated. Control characters are refused because no keyboard types them at a
sign-on prompt: one there is a paste accident, better named than stored.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from dispatch.errors import InvalidInput

MIN_PASSWORD = 12
"""Shortest password accepted (ASVS 2.1.1)."""

MAX_PASSWORD = 128
"""Longest password accepted (ASVS 2.1.2); longer input is refused, never cut."""

MAX_NAME = 64
"""Longest operator name (the column's width)."""

_NAME = re.compile(r"[a-z0-9][a-z0-9._-]*")

_HASHER = PasswordHasher()


def normalise_name(raw: str) -> str:
    """The stored form of an operator name: trimmed, lower case.

    Raises:
        InvalidInput: (``field="name"``) empty, too long, or other characters
            than letters, digits, ``.``, ``_`` and ``-``.
    """
    name = raw.strip().lower()
    if not name:
        raise InvalidInput("Type the operator name.", field="name")
    if len(name) > MAX_NAME:
        raise InvalidInput(
            f"An operator name has at most {MAX_NAME} characters.", field="name"
        )
    if not _NAME.fullmatch(name):
        raise InvalidInput(
            "An operator name uses letters, digits, '.', '_' and '-' only, "
            "and starts with a letter or digit.",
            field="name",
        )
    return name


def check_new_password(password: str) -> str:
    """The password, if it may be set (NFC-normalised); else a clear error.

    Raises:
        InvalidInput: (``field="password"``) too short, too long, or holding a
            control character.
    """
    value = unicodedata.normalize("NFC", password)
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise InvalidInput(
            "A password cannot hold control characters (tab, newline, escape…).",
            field="password",
        )
    if len(value) < MIN_PASSWORD:
        raise InvalidInput(
            f"A password needs at least {MIN_PASSWORD} characters "
            "(a few words make a good one).",
            field="password",
        )
    if len(value) > MAX_PASSWORD:
        raise InvalidInput(
            f"A password has at most {MAX_PASSWORD} characters.", field="password"
        )
    return value


def hash_password(password: str) -> str:
    """An argon2id hash of a password that passed :func:`check_new_password`."""
    return _HASHER.hash(check_new_password(password))


@cache
def _dummy_hash() -> str:
    return _HASHER.hash("siaga-no-such-operator-dummy")


def verify_password(stored: str | None, password: str) -> bool:
    """True when ``password`` matches ``stored``; the same cost when ``stored`` is None.

    Over-long input is checked against the dummy hash (same cost, never a
    match) rather than hashed in full, so a huge paste cannot stall a desk.
    """
    candidate = unicodedata.normalize("NFC", password)
    usable = stored is not None and len(candidate) <= MAX_PASSWORD
    target = stored if stored is not None and usable else _dummy_hash()
    if len(candidate) > MAX_PASSWORD:
        candidate = candidate[:MAX_PASSWORD]  # only ever checked against the dummy
    try:
        return _HASHER.verify(target, candidate) and usable
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(stored)
