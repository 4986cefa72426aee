"""The incident catalogue: incident types, questions, levels, plans and codes.

The catalogue is data, not code: the TOML files in this package describe every
incident type a Blitar 112 center meets (names in Indonesian and English,
search synonyms, APCO export code, key questions, determinant levels with
their priority and response plan, or the referral for non-emergency types),
the shared agency / unit-type / capability vocabulary, the close codes, the
NENA EIDO status mappings, the time targets and the duplicate-detection rules.

Use the cached default catalogue through the functions here::

    from dispatch import catalogue
    hits = catalogue.search("kbakaran rumah")        # FIRE-HOUSE first
    fire = catalogue.incident_type("FIRE-HOUSE")
    catalogue.apco_disposition("FIRE_EXTINGUISHED")  # "23"

or load a folder of your own with :func:`load_catalogue` (tests, other
regions). Loading validates everything and raises one
:class:`CatalogueError` naming each bad file and key.
"""

from __future__ import annotations

from functools import cache

from dispatch.catalogue._loader import (
    Catalogue,
    CatalogueError,
    LevelTargets,
    UnknownCodeError,
    load_catalogue,
)
from dispatch.catalogue._models import (
    AgencyInfo,
    AnswerOption,
    Disposition,
    DuplicateRule,
    EidoUnitStatus,
    IncidentType,
    Level,
    PlanSlot,
    PriorityTargets,
    Question,
    Referral,
    Sector,
    Text,
    UnitTypeInfo,
)
from dispatch.catalogue._search import SearchHit, normalise
from dispatch.enums import IncidentStatus, UnitStatus

__all__ = [
    "AgencyInfo",
    "AnswerOption",
    "Catalogue",
    "CatalogueError",
    "Disposition",
    "DuplicateRule",
    "EidoUnitStatus",
    "IncidentType",
    "Level",
    "LevelTargets",
    "PlanSlot",
    "PriorityTargets",
    "Question",
    "Referral",
    "SearchHit",
    "Sector",
    "Text",
    "UnitTypeInfo",
    "UnknownCodeError",
    "apco_disposition",
    "eido_incident_status",
    "eido_unit_status",
    "get_catalogue",
    "incident_type",
    "load_catalogue",
    "normalise",
    "search",
]


@cache
def get_catalogue() -> Catalogue:
    """The shipped catalogue, loaded and validated once per process."""
    return load_catalogue()


def incident_type(code: str) -> IncidentType:
    """The shipped type with this code (:class:`UnknownCodeError` if none)."""
    return get_catalogue().incident_type(code)


def search(text: str, limit: int = 10) -> list[SearchHit]:
    """Rank incident types for a query typed by the call taker (per keystroke)."""
    return get_catalogue().search(text, limit=limit)


def apco_disposition(code: str) -> str:
    """APCO ANS 1.111.2 disposition code of a local close code."""
    return get_catalogue().apco_disposition(code)


def eido_unit_status(status: UnitStatus) -> EidoUnitStatus:
    """NENA EIDO primary/secondary unit status of a :class:`UnitStatus`."""
    return get_catalogue().eido_unit_status(status)


def eido_incident_status(status: IncidentStatus) -> tuple[str, ...]:
    """NENA EIDO incident status values of an :class:`IncidentStatus`."""
    return get_catalogue().eido_incident_status(status)
