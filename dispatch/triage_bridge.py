"""What the services need from the incident catalogue and triage, in one place.

Services ask three questions of the catalogue: what determinant and priority
do this type and these answers give, is this type an emergency (or a
referral), and is this a known disposition. Keeping them here keeps the
services independent of how the catalogue is organised.
"""

from __future__ import annotations

from dataclasses import dataclass

from dispatch.enums import Priority, ReferralChannel
from dispatch.errors import InvalidInput


@dataclass(frozen=True)
class Classification:
    """The outcome of triage for one call."""

    type_code: str
    determinant: str
    priority: Priority


@dataclass(frozen=True)
class ReferralDefault:
    """Where a non-emergency type is referred by default."""

    agency_code: str
    channel: ReferralChannel
    sector: str | None


# Interim table until the catalogue lands (replaced by dispatch.catalogue).
_INTERIM = {
    "MED": ("DELTA", Priority.P1, True, None),
    "FIRE-HOUSE": ("DELTA", Priority.P1, True, None),
    "TRAFFIC": ("CHARLIE", Priority.P2, True, None),
    "TREE": ("BRAVO", Priority.P3, True, None),
    "WATER": (
        "OMEGA",
        Priority.P4,
        False,
        ReferralDefault("PDAM", ReferralChannel.SP4N_LAPOR, "drinking_water"),
    ),
}


def classify(type_code: str, answers: dict[str, str]) -> Classification:
    """Triage a type and its answers; unknown types are refused at the field."""
    entry = _INTERIM.get(type_code)
    if entry is None:
        raise InvalidInput(f"Unknown incident type {type_code!r}.", field="type_code")
    return Classification(type_code, entry[0], entry[1])


def is_emergency(type_code: str) -> bool:
    """True when the type gets a response plan (not a referral)."""
    entry = _INTERIM.get(type_code)
    return bool(entry and entry[2])


def referral_default(type_code: str | None) -> ReferralDefault | None:
    """The agency and channel a non-emergency type goes to, if the catalogue says."""
    entry = _INTERIM.get(type_code or "")
    return entry[3] if entry else None


def is_disposition(code: str) -> bool:
    """True for a disposition code the catalogue knows."""
    return code in {"RESOLVED", "TRANSPORTED", "FALSE_ALARM", "GONE_ON_ARRIVAL"}


def example_disposition() -> str:
    """A valid disposition code (for tests and demos)."""
    return "RESOLVED"
