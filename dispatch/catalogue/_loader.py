"""Loading the catalogue's TOML files, checking them, and looking things up.

:class:`Catalogue` is the loaded, validated, read-only catalogue. Loading
fails with one :class:`CatalogueError` that names the file and the key of
every problem found, so a bad edit to the data is fixed in one go.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from dispatch.catalogue._checks import cross_check
from dispatch.catalogue._models import (
    AgencyInfo,
    Disposition,
    DuplicateRule,
    EidoUnitStatus,
    IncidentType,
    Level,
    PriorityTargets,
    Referral,
    Text,
    UnitTypeInfo,
)
from dispatch.catalogue._overlay import (
    CityAgency,
    apply_overlays,
    check_city_agencies,
    city_agencies,
    overlay_targets,
)
from dispatch.catalogue._search import InferredAnswer, SearchHit, SearchIndex
from dispatch.catalogue._speech import Speech, check_against_types, load_speech
from dispatch.enums import (
    Determinant,
    IncidentStatus,
    Priority,
    ReferralChannel,
    UnitStatus,
)

__all__ = ["Catalogue", "CatalogueError", "UnknownCodeError", "load_catalogue"]

TYPE_FILE_PREFIX = "types_"


class CatalogueError(ValueError):
    """The catalogue data is invalid; the message names each file and key."""

    def __init__(self, problems: Sequence[tuple[str, str, str]]) -> None:
        self.problems = tuple(problems)
        lines = [
            f"{file}: {key}: {text}" if key else f"{file}: {text}"
            for file, key, text in problems
        ]
        super().__init__("invalid incident catalogue:\n  " + "\n  ".join(lines))


class UnknownCodeError(LookupError):
    """A code (incident type, disposition, status) that the catalogue lacks."""


# --- raw file schemas -----------------------------------------------------------


class _FileModel(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class _ChannelInfo(_FileModel):
    name: Text


class _VocabularyFile(_FileModel):
    agencies: dict[str, AgencyInfo]
    channels: dict[ReferralChannel, _ChannelInfo]
    capabilities: dict[str, Text]
    capability_implies: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    capability_fallback: dict[str, tuple[str, ...]] = Field(default_factory=dict)
    unit_types: dict[str, UnitTypeInfo]


class _StandardsFile(_FileModel):
    dispositions: dict[str, Disposition]
    eido_unit_status: dict[UnitStatus, EidoUnitStatus]
    eido_incident_status: dict[IncidentStatus, tuple[str, ...]]


class _TargetsFile(_FileModel):
    warning_fraction: float = Field(gt=0, lt=1)
    answer_target_s: int = Field(gt=0)
    priorities: dict[Priority, PriorityTargets]


class _DuplicatesFile(_FileModel):
    default: DuplicateRule
    families: dict[str, DuplicateRule]


# --- the catalogue --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LevelTargets:
    """Travel and on-scene targets (seconds) of one level of one type."""

    travel_target_s: int
    on_scene_target_s: int


class Catalogue:
    """The loaded incident catalogue and the vocabularies around it.

    Read-only after construction; share one instance (see
    :func:`dispatch.catalogue.get_catalogue`).
    """

    def __init__(
        self,
        *,
        types: Sequence[IncidentType],
        vocabulary: _VocabularyFile,
        standards: _StandardsFile,
        targets: _TargetsFile,
        duplicates: _DuplicatesFile,
        apco_incident_codes: frozenset[str],
        apco_disposition_codes: frozenset[str],
        speech: Speech | None = None,
    ) -> None:
        ordered = sorted(types, key=lambda t: (t.order, t.code))
        self.types: Mapping[str, IncidentType] = MappingProxyType(
            {t.code: t for t in ordered}
        )
        self.agencies: Mapping[str, AgencyInfo] = MappingProxyType(
            dict(vocabulary.agencies)
        )
        self.unit_types: Mapping[str, UnitTypeInfo] = MappingProxyType(
            dict(vocabulary.unit_types)
        )
        self.channels: Mapping[ReferralChannel, Text] = MappingProxyType(
            {k: v.name for k, v in vocabulary.channels.items()}
        )
        self.capabilities: Mapping[str, Text] = MappingProxyType(
            dict(vocabulary.capabilities)
        )
        self.capability_implies: Mapping[str, frozenset[str]] = MappingProxyType(
            {k: frozenset(v) for k, v in vocabulary.capability_implies.items()}
        )
        self.capability_fallback: Mapping[str, frozenset[str]] = MappingProxyType(
            {k: frozenset(v) for k, v in vocabulary.capability_fallback.items()}
        )
        self.dispositions: Mapping[str, Disposition] = MappingProxyType(
            dict(standards.dispositions)
        )
        self.answer_target_s = targets.answer_target_s
        self.warning_fraction = targets.warning_fraction
        self.priority_targets: Mapping[Priority, PriorityTargets] = MappingProxyType(
            dict(targets.priorities)
        )
        self.duplicate_default = duplicates.default
        self.duplicate_rules: Mapping[str, DuplicateRule] = MappingProxyType(
            dict(duplicates.families)
        )
        self.apco_incident_codes = apco_incident_codes
        self.apco_disposition_codes = apco_disposition_codes
        self._eido_unit = dict(standards.eido_unit_status)
        self._eido_incident = dict(standards.eido_incident_status)
        self._index = SearchIndex(ordered, speech)

    def __iter__(self) -> Iterator[IncidentType]:
        return iter(self.types.values())

    def __len__(self) -> int:
        return len(self.types)

    def __contains__(self, code: object) -> bool:
        return code in self.types

    # -- incident types ------------------------------------------------------------

    def incident_type(self, code: str) -> IncidentType:
        """The type with this code; :class:`UnknownCodeError` if there is none."""
        try:
            return self.types[code]
        except KeyError:
            raise UnknownCodeError(f"unknown incident type code {code!r}") from None

    def search(self, text: str, limit: int = 10) -> list[SearchHit]:
        """Types ranked for a word or a caller's sentence (see ``_search``).

        Each hit explains itself (``why``) and carries the key-question
        answers the words imply (``answers``).
        """
        return self._index.search(text, limit=limit)

    def infer_answers(self, text: str, code: str) -> tuple[InferredAnswer, ...]:
        """Key-question answers of type ``code`` implied by ``text``."""
        return self._index.infer_answers(text, self.incident_type(code))

    def level(self, code: str, determinant: Determinant) -> Level:
        """One level of one type; :class:`UnknownCodeError` if either is missing."""
        itype = self.incident_type(code)
        try:
            return itype.levels[determinant]
        except KeyError:
            raise UnknownCodeError(f"{code} has no level {determinant}") from None

    def referral(self, code: str) -> Referral | None:
        """Where a non-emergency type is referred; None for emergency types."""
        return self.incident_type(code).referral

    def related(self, a: str, b: str) -> bool:
        """True when types ``a`` and ``b`` may describe the same event."""
        if a == b:
            return True
        ta, tb = self.types.get(a), self.types.get(b)
        if ta is None or tb is None:
            return False
        return b in ta.related or a in tb.related

    # -- targets -------------------------------------------------------------------

    def targets(self, priority: Priority) -> PriorityTargets:
        """Dispatch / travel / on-scene targets of a priority."""
        return self.priority_targets[priority]

    def level_targets(self, code: str, determinant: Determinant) -> LevelTargets:
        """Travel and on-scene targets for one level of one type.

        The level's own targets where the data sets them, else its priority's.
        """
        level = self.level(code, determinant)
        base = self.priority_targets[level.priority]
        return LevelTargets(
            travel_target_s=level.travel_target_s or base.travel_target_s,
            on_scene_target_s=level.on_scene_target_s or base.on_scene_target_s,
        )

    def duplicate_rule(self, family: str) -> DuplicateRule:
        """Duplicate radius/window of a family (the default for unknown ones)."""
        return self.duplicate_rules.get(family, self.duplicate_default)

    # -- export mappings -----------------------------------------------------------

    def apco_disposition(self, code: str) -> str:
        """The APCO ANS 1.111.2 code ("01".."45") of a local disposition code."""
        try:
            return self.dispositions[code].apco
        except KeyError:
            raise UnknownCodeError(f"unknown disposition code {code!r}") from None

    def eido_unit_status(self, status: UnitStatus) -> EidoUnitStatus:
        """NENA EIDO primary + secondary unit status values of a unit status."""
        return self._eido_unit[UnitStatus(status)]

    def eido_incident_status(self, status: IncidentStatus) -> tuple[str, ...]:
        """NENA EIDO incident status values of an incident status."""
        return self._eido_incident[IncidentStatus(status)]


# --- loading --------------------------------------------------------------------


def _loc_to_key(loc: Iterable[int | str]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def _validation_problems(
    file: str, prefix: str, exc: ValidationError
) -> list[tuple[str, str, str]]:
    out = []
    for err in exc.errors():
        key = _loc_to_key(err["loc"])
        key = f"{prefix}.{key}" if prefix and key else (prefix or key)
        out.append((file, key, err["msg"]))
    return out


def _read_toml(
    source: Traversable, name: str, problems: list[tuple[str, str, str]]
) -> dict[str, Any]:
    try:
        with source.joinpath(name).open("rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError:
        problems.append((name, "", "file is missing"))
    except tomllib.TOMLDecodeError as exc:
        problems.append((name, "", f"not valid TOML: {exc}"))
    return {}


def _read_codes(
    source: Traversable, name: str, problems: list[tuple[str, str, str]]
) -> frozenset[str]:
    try:
        text = source.joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append((name, "", "file is missing"))
        return frozenset()
    codes = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            codes.append(line.split()[-1])
    return frozenset(codes)


_M = TypeVar("_M", bound=BaseModel)


def _parse(
    model: type[_M],
    file: str,
    data: dict[str, Any],
    problems: list[tuple[str, str, str]],
) -> _M | None:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_validation_problems(file, "", exc))
        return None


def _type_files(source: Traversable) -> list[str]:
    return sorted(
        entry.name
        for entry in source.iterdir()
        if entry.name.startswith(TYPE_FILE_PREFIX) and entry.name.endswith(".toml")
    )


def _load_types(
    source: Traversable, problems: list[tuple[str, str, str]]
) -> list[tuple[str, IncidentType]]:
    loaded: list[tuple[str, IncidentType]] = []
    order = 0
    names = _type_files(source)
    if not names:
        problems.append(
            (f"{TYPE_FILE_PREFIX}*.toml", "", "no incident type files found")
        )
    for name in names:
        data = _read_toml(source, name, problems)
        unknown_keys = sorted(set(data) - {"types"})
        if unknown_keys:
            problems.append(
                (name, unknown_keys[0], "unexpected top-level key (only [[types]])")
            )
        raw_types = data.get("types", [])
        if not isinstance(raw_types, list):
            problems.append((name, "types", "must be an array of tables ([[types]])"))
            continue
        for i, raw in enumerate(raw_types):
            label = f"types[{i}]"
            if isinstance(raw, dict) and isinstance(raw.get("code"), str):
                label = f"types[{raw['code']}]"
            try:
                loaded.append(
                    (name, IncidentType.model_validate({**raw, "order": order}))
                )
            except ValidationError as exc:
                problems.extend(_validation_problems(name, label, exc))
            except TypeError:
                problems.append((name, label, "must be a table"))
            order += 1
    return loaded


def load_catalogue(
    source: Traversable | Path | str | None = None,
    *,
    speech_files: Sequence[Path | Traversable] = (),
    overlays: Sequence[tuple[str, Mapping[str, Any]]] = (),
    pack_agencies: Sequence[CityAgency] = (),
    agencies_file: str = "agencies.csv",
) -> Catalogue:
    """Load and validate the catalogue from a folder (default: the shipped data).

    ``speech_files`` are further caller-speech vocabularies (a region pack's
    local words) merged over the folder's ``speech.toml``, in order.
    ``overlays`` are a region pack's catalogue files ``(path, parsed TOML)``
    and ``pack_agencies`` its agencies (from ``agencies_file``); see
    :mod:`dispatch.catalogue._overlay` and :func:`catalogue_for_city`.

    Raises:
        CatalogueError: listing every problem as ``file: key: what is wrong``.
    """
    if source is None:
        root: Traversable = files("dispatch.catalogue")
    elif isinstance(source, str):
        root = Path(source)
    else:
        root = source
    problems: list[tuple[str, str, str]] = []
    vocabulary = _parse(
        _VocabularyFile,
        "vocabulary.toml",
        _read_toml(root, "vocabulary.toml", problems),
        problems,
    )
    standards = _parse(
        _StandardsFile,
        "standards.toml",
        _read_toml(root, "standards.toml", problems),
        problems,
    )
    targets = _parse(
        _TargetsFile,
        "targets.toml",
        overlay_targets(_read_toml(root, "targets.toml", problems), overlays, problems),
        problems,
    )
    duplicates = _parse(
        _DuplicatesFile,
        "duplicates.toml",
        _read_toml(root, "duplicates.toml", problems),
        problems,
    )
    apco_incident = _read_codes(root, "apco_incident_codes.txt", problems)
    apco_disposition = _read_codes(root, "apco_disposition_codes.txt", problems)
    eido_unit_values = frozenset(
        " ".join(line.split())
        for line in _read_text_lines(root, "eido_unit_status_values.txt", problems)
    )
    eido_incident_values = _read_codes(
        root, "eido_incident_status_values.txt", problems
    )
    types = _load_types(root, problems)
    vocabulary = _apply_city(
        vocabulary, types, overlays, pack_agencies, agencies_file, problems
    )
    speech, speech_layers = load_speech(root, speech_files, problems)
    if speech is not None:
        check_against_types(speech_layers, speech, types, problems)
    if vocabulary and standards and targets and duplicates:
        cross_check(
            types,
            vocabulary,
            standards,
            targets,
            duplicates,
            apco_incident,
            apco_disposition,
            eido_unit_values,
            eido_incident_values,
            problems,
        )
    if problems or not (vocabulary and standards and targets and duplicates):
        raise CatalogueError(problems)
    return Catalogue(
        types=[t for _, t in types],
        vocabulary=vocabulary,
        standards=standards,
        targets=targets,
        duplicates=duplicates,
        apco_incident_codes=apco_incident,
        apco_disposition_codes=apco_disposition,
        speech=speech,
    )


def _apply_city(
    vocabulary: _VocabularyFile | None,
    types: list[tuple[str, IncidentType]],
    overlays: Sequence[tuple[str, Mapping[str, Any]]],
    pack_agencies: Sequence[CityAgency],
    agencies_file: str,
    problems: list[tuple[str, str, str]],
) -> _VocabularyFile | None:
    """The vocabulary with a region pack's agencies; types overlaid in place."""
    if vocabulary is None or not (overlays or pack_agencies):
        return vocabulary
    agencies = city_agencies(vocabulary.agencies, pack_agencies)
    apply_overlays(overlays, types, agencies, problems)
    if pack_agencies:
        check_city_agencies(types, pack_agencies, agencies_file, problems)
    return vocabulary.model_copy(update={"agencies": agencies})


def _read_text_lines(
    source: Traversable, name: str, problems: list[tuple[str, str, str]]
) -> list[str]:
    try:
        text = source.joinpath(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append((name, "", "file is missing"))
        return []
    return [
        ln.strip()
        for ln in text.splitlines()
        if ln.strip() and not ln.strip().startswith("#")
    ]
