"""The incident catalogue: incident types, questions, levels, plans and codes.

The catalogue is data, not code: the TOML files in this package describe every
incident type an Indonesian city's 112 center meets (names in Indonesian and English,
search synonyms, APCO export code, key questions, determinant levels with
their priority and response plan, or the referral for non-emergency types),
the shared agency / unit-type / capability vocabulary, the close codes, the
NENA EIDO status mappings, the time targets and the duplicate-detection rules.
A region pack adds its own agencies, overrides and local types on top
(:func:`catalogue_for_city`); the services select their pack's catalogue with
:func:`use_region_pack`, and :func:`get_catalogue` answers with it.

Use the cached default catalogue through the functions here::

    from dispatch import catalogue
    hits = catalogue.search("kbakaran rumah")        # FIRE-HOUSE first
    hits = catalogue.search("tabrakan, gak ada korban")  # TRAFFIC-NOINJ first
    hits[0].why, hits[0].answer_map                  # reasons, {"anyone_hurt": "n"}
    fire = catalogue.incident_type("FIRE-HOUSE")
    catalogue.apco_disposition("FIRE_EXTINGUISHED")  # "23"

or load a folder of your own with :func:`load_catalogue` (tests, other
regions). Loading validates everything and raises one
:class:`CatalogueError` naming each bad file and key.
"""

from __future__ import annotations

from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

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
    Detail,
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
    TypeSearch,
    UnitTypeInfo,
)
from dispatch.catalogue._overlay import check_city_agencies
from dispatch.catalogue._search import InferredAnswer, SearchHit, normalise
from dispatch.enums import IncidentStatus, UnitStatus

if TYPE_CHECKING:
    from geodata.packs import CityData

__all__ = [
    "AgencyInfo",
    "AnswerOption",
    "Catalogue",
    "CatalogueError",
    "Detail",
    "Disposition",
    "DuplicateRule",
    "EidoUnitStatus",
    "IncidentType",
    "InferredAnswer",
    "Level",
    "LevelTargets",
    "PlanSlot",
    "PriorityTargets",
    "Question",
    "Referral",
    "SearchHit",
    "Sector",
    "Text",
    "TypeSearch",
    "UnitTypeInfo",
    "UnknownCodeError",
    "apco_disposition",
    "catalogue_for_city",
    "eido_incident_status",
    "eido_unit_status",
    "get_catalogue",
    "incident_type",
    "load_catalogue",
    "normalise",
    "search",
    "shipped_catalogue",
    "use_region_pack",
]


@cache
def shipped_catalogue() -> Catalogue:
    """The shared catalogue as shipped, loaded and validated once per process."""
    return load_catalogue()


def catalogue_for_city(city: CityData) -> Catalogue:
    """The shared catalogue with a region pack's agencies, overrides and words.

    Raises:
        CatalogueError: an overlay file is invalid, or a type names an agency
            the pack lacks (each problem as ``file: key: what``).
    """
    agencies = [(a.code, a.name, a.kind, a.channels) for a in city.agencies]
    shared = shipped_catalogue()
    if (
        not city.catalogue_overlay
        and not city.speech_files
        and all(code in shared.agencies for code, *_ in agencies)
    ):
        # nothing to add: the shared catalogue itself, once the pack is
        # known to hold every agency it names (a problem: the full load
        # below reports it, file by file)
        problems: list[tuple[str, str, str]] = []
        check_city_agencies([("", t) for t in shared], agencies, "", problems)
        if not problems:
            return shared
    return load_catalogue(
        speech_files=city.speech_files,
        overlays=city.catalogue_overlay,
        pack_agencies=agencies,
        agencies_file=str(city.path / "agencies.csv"),
    )


@lru_cache(maxsize=4)
def _for_pack(name_or_path: str) -> Catalogue:
    from geodata.packs import load_city

    return catalogue_for_city(load_city(name_or_path))


_selected: list[str | None] = [None]


def use_region_pack(name_or_path: str | Path | None) -> str | None:
    """Answer :func:`get_catalogue` with this region pack's catalogue from now on.

    The services call this with the pack they run on (a process serves one
    city); ``None`` goes back to the shipped catalogue. The pack is read on
    the first :func:`get_catalogue` after the call, not here. Returns the
    selection it replaced (so a caller can put it back).
    """
    previous = _selected[0]
    _selected[0] = None if name_or_path is None else str(name_or_path)
    return previous


def get_catalogue() -> Catalogue:
    """The catalogue of the selected region pack (else the shipped one), cached."""
    selected = _selected[0]
    if selected is None:
        return shipped_catalogue()
    return _for_pack(selected)


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
