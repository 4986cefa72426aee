"""Validated, frozen models of the incident catalogue's data files.

Everything the catalogue ships is described here as pydantic models; the
loader (:mod:`dispatch.catalogue._loader`) reads the TOML files into them and
then checks cross-references (agencies, unit types, code lists). The models
are frozen so a loaded catalogue can be shared between threads and cached.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from dispatch.enums import Determinant, Priority, ReferralChannel, Sector

__all__ = [
    "AgencyInfo",
    "AnswerOption",
    "Detail",
    "Disposition",
    "DuplicateRule",
    "EidoUnitStatus",
    "IncidentType",
    "Level",
    "PlanSlot",
    "PriorityTargets",
    "Question",
    "Referral",
    "Sector",
    "Text",
    "TypeSearch",
    "UnitTypeInfo",
]

CODE_PATTERN = re.compile(r"^[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)*$")
"""Incident type codes: upper-case words joined by hyphens (``FIRE-HOUSE``)."""

_KEY_PATTERN = r"^[a-z0-9]{1,3}$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Text(_Frozen):
    """A user-visible text in Indonesian and English."""

    id: Annotated[str, Field(min_length=1)]
    en: Annotated[str, Field(min_length=1)]

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("id" or "en"); Indonesian for anything else."""
        return self.en if lang == "en" else self.id


class AnswerOption(_Frozen):
    """One answer the call taker can give with a single key."""

    key: Annotated[str, Field(pattern=_KEY_PATTERN)]
    label: Text
    unknown: bool = False
    """True for "don't know": counts as unanswered (the conservative default)."""


YES_NO_OPTIONS: tuple[AnswerOption, ...] = (
    AnswerOption(key="y", label=Text(id="Ya", en="Yes")),
    AnswerOption(key="n", label=Text(id="Tidak", en="No")),
    AnswerOption(key="u", label=Text(id="Tidak tahu", en="Unknown"), unknown=True),
)
"""The standard options of a ``yes_no`` question."""


class Question(_Frozen):
    """A key question of an incident type and how its answers set the level.

    ``sets`` maps an answer key to the determinant that answer calls for; an
    answer not in ``sets`` calls for nothing (the type's base level). An
    unanswered question, or an answer marked ``unknown``, calls for
    ``if_unanswered`` — by default the type's conservative default level.
    """

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    text: Text
    kind: Literal["yes_no", "choice"] = "yes_no"
    options: tuple[AnswerOption, ...] = ()
    sets: dict[str, Determinant] = Field(default_factory=dict)
    if_unanswered: Determinant | None = None

    @model_validator(mode="after")
    def _options_match_kind(self) -> Question:
        if self.kind == "yes_no":
            if self.options:
                raise ValueError("a yes_no question takes no 'options'")
            object.__setattr__(self, "options", YES_NO_OPTIONS)
        elif len(self.options) < 2:
            raise ValueError("a choice question needs at least two options")
        keys = [o.key for o in self.options]
        if len(set(keys)) != len(keys):
            raise ValueError(f"duplicate answer keys in {keys}")
        unknown = set(self.sets) - set(keys)
        if unknown:
            raise ValueError(
                f"'sets' names answers that do not exist: {sorted(unknown)}"
            )
        return self

    def option(self, key: str) -> AnswerOption | None:
        """The option with this key, or None."""
        for opt in self.options:
            if opt.key == key:
                return opt
        return None


DetailKind = Literal["count", "text", "phone"]
"""How a referral detail is typed: a whole number, a short text, a phone number."""

DETAIL_IDS = ("households", "since", "customer_number", "photos_to")
"""The referral details the structured export has a column for (see
:mod:`dispatch.exports.referral_form`); a catalogue detail must be one of them,
so nothing the desk records falls outside the form."""


class Detail(_Frozen):
    """A key question the responsible office asks about a referred complaint.

    Emergency types ask key questions to set a level; a referral type instead
    collects what the office needs to act without calling back (how many
    households, since when, the PDAM customer number, where photos can be
    sent). The desk types the answer when referring; the referral carries it
    into the office's complaint form.
    """

    id: Literal["households", "since", "customer_number", "photos_to"]
    text: Text
    kind: DetailKind = "text"


class PlanSlot(_Frozen):
    """One line of a response plan: so many units of a type with capabilities."""

    unit_type: str
    count: Annotated[int, Field(ge=1, le=20)] = 1
    capabilities: frozenset[str] = frozenset()


class Level(_Frozen):
    """What one determinant level of an incident type means."""

    priority: Priority
    eido_priority: Annotated[int, Field(ge=0, le=10)]
    """EIDO common priority 0..10 (10 = highest), exported with the incident."""
    plan: tuple[PlanSlot, ...] = ()
    travel_target_s: Annotated[int, Field(gt=0)] | None = None
    on_scene_target_s: Annotated[int, Field(gt=0)] | None = None


class Referral(_Frozen):
    """Where a non-emergency type goes instead of a response plan."""

    agency: str
    channel: ReferralChannel
    sector: Sector


class TypeSearch(_Frozen):
    """How the type search weighs what the caller said (``speech.toml`` concepts).

    A type whose condition is met (every ``affirms`` concept said, every
    ``denies`` concept denied) competes with the best evidence of its family
    plus the concepts' weight — so "tabrakan, tidak ada yang luka" picks the
    no-injury accident whichever accident words were used. A type whose
    condition is contradicted loses most of its score.
    """

    affirms: tuple[str, ...] = ()
    denies: tuple[str, ...] = ()
    absorbs: tuple[str, ...] = ()
    """Concepts this type explains: when the caller's other words point to
    this type, these concepts' words ("pingsan") are no evidence for another
    type (MED-UNCON) — the cause wins over the symptom."""

    @property
    def conditional(self) -> bool:
        """True when the type has any condition."""
        return bool(self.affirms or self.denies)


class IncidentType(_Frozen):
    """One entry of the incident catalogue."""

    code: str
    family: str
    name: Text
    synonyms: tuple[str, ...] = ()
    apco: str
    """APCO ANS 2.103.2 common incident type code, for EIDO export."""
    lead_agency: str
    notify: tuple[str, ...] = ()
    """Other agencies told about every incident of this type."""
    related: tuple[str, ...] = ()
    """Other type codes that can describe the same event (duplicate check)."""
    default: Determinant | None = None
    """Level when the questions are not (yet) answered: conservative."""
    base: Determinant | None = None
    """Level when every answer calls for nothing worse."""
    questions: tuple[Question, ...] = ()
    levels: dict[Determinant, Level] = Field(default_factory=dict)
    referral: Referral | None = None
    details: tuple[Detail, ...] = ()
    """What the responsible office asks about a referred complaint (referral
    types only), asked at the desk when the call is referred."""
    search: TypeSearch = TypeSearch()
    """Conditions on what the caller said (see :class:`TypeSearch`)."""
    order: int = 0
    """Position in the catalogue; breaks search ties (earlier = more common)."""

    @field_validator("code")
    @classmethod
    def _code_shape(cls, value: str) -> str:
        if not CODE_PATTERN.match(value):
            raise ValueError(
                f"code {value!r} must look like 'FIRE-HOUSE' (A-Z, 0-9, '-')"
            )
        return value

    @model_validator(mode="after")
    def _levels_consistent(self) -> IncidentType:
        self._fill_levels()
        self._check_level_order()
        self._check_questions()
        self._check_referral_parts()
        return self

    def _fill_levels(self) -> None:
        """Give a referral type its one level; a one-level type its default/base."""
        if self.referral is not None and not self.levels:
            # A referral type: one low level, no units.
            object.__setattr__(
                self,
                "levels",
                {Determinant.OMEGA: Level(priority=Priority.P4, eido_priority=1)},
            )
        if not self.levels:
            raise ValueError("an emergency type needs 'levels' (or a 'referral')")
        if len(self.levels) == 1:
            only = next(iter(self.levels))
            if self.default is None:
                object.__setattr__(self, "default", only)
            if self.base is None:
                object.__setattr__(self, "base", only)
        if self.default is None or self.base is None:
            raise ValueError("'default' and 'base' determinants are required")
        for label, det in (("default", self.default), ("base", self.base)):
            if det not in self.levels:
                raise ValueError(f"{label} determinant {det} has no entry in 'levels'")

    def _check_level_order(self) -> None:
        """Levels are strictly ordered by severity; base is no worse than default."""
        seen: dict[tuple[int, int], Determinant] = {}
        for det, level in self.levels.items():
            key = (level.priority.rank, -level.eido_priority)
            if key in seen:
                raise ValueError(
                    f"levels {seen[key]} and {det} have the same priority and EIDO "
                    "priority: give them different EIDO priorities so their "
                    "severity order is explicit"
                )
            seen[key] = det
        if self.severity(self.base_level) < self.severity(self.default_level):
            raise ValueError(
                f"base {self.base} is more severe than default {self.default}"
            )

    def _check_questions(self) -> None:
        """Question ids are unique and every level a question calls for exists."""
        ids = [q.id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError(f"duplicate question ids in {ids}")
        for q in self.questions:
            called: list[Determinant | None] = [*q.sets.values(), q.if_unanswered]
            for wanted in called:
                if wanted is not None and wanted not in self.levels:
                    raise ValueError(
                        f"question {q.id!r} calls for {wanted}, not defined in 'levels'"
                    )
            if q.if_unanswered is not None and (
                self.severity(q.if_unanswered) < self.severity(self.default_level)
            ):
                raise ValueError(
                    f"question {q.id!r}: if_unanswered {q.if_unanswered} is more "
                    f"severe than the type's default {self.default}"
                )

    def _check_referral_parts(self) -> None:
        """A referral type has no plan; only a referral type has details."""
        if self.referral is not None and any(lv.plan for lv in self.levels.values()):
            raise ValueError("a referral type carries no response plan")
        if self.details and self.referral is None:
            raise ValueError("only a referral type has 'details'")
        detail_ids = [d.id for d in self.details]
        if len(set(detail_ids)) != len(detail_ids):
            raise ValueError(f"duplicate detail ids in {detail_ids}")

    @property
    def default_level(self) -> Determinant:
        """The conservative level before any question is answered."""
        if self.default is None:  # pragma: no cover - filled by validation
            raise RuntimeError(f"{self.code}: default level missing")
        return self.default

    @property
    def base_level(self) -> Determinant:
        """The level when no answer calls for anything worse."""
        if self.base is None:  # pragma: no cover - filled by validation
            raise RuntimeError(f"{self.code}: base level missing")
        return self.base

    @property
    def is_emergency(self) -> bool:
        """True when the type is answered with units, not referred."""
        return self.referral is None

    def severity(self, det: Determinant) -> tuple[int, int]:
        """Sort key of a level of this type: smaller is more severe.

        The order comes from the data (priority, then EIDO priority), never
        from the determinant's letter.
        """
        level = self.levels[det]
        return (level.priority.rank, -level.eido_priority)

    def question(self, question_id: str) -> Question | None:
        """The key question with this id, or None."""
        for q in self.questions:
            if q.id == question_id:
                return q
        return None

    def search_terms(self) -> tuple[str, ...]:
        """Every string search matches this type by."""
        return (self.code, self.name.id, self.name.en, *self.synonyms)


class AgencyInfo(_Frozen):
    """An agency of the shared vocabulary."""

    name: Text
    role: Literal["responder", "referral", "operator"]


class UnitTypeInfo(_Frozen):
    """A unit type and the other types that may stand in for it."""

    name: Text
    substitutes: tuple[str, ...] = ()


class Disposition(_Frozen):
    """A close code and its APCO ANS 1.111.2 export value."""

    name: Text
    apco: Annotated[str, Field(pattern=r"^[0-9]{2}$")]
    families: tuple[str, ...] = ()


class EidoUnitStatus(_Frozen):
    """NENA EIDO primary and secondary unit status values for one status."""

    primary: Literal["Available", "ConditionallyAvailable", "NotAvailable"]
    secondary: tuple[str, ...] = Field(min_length=1)


class PriorityTargets(_Frozen):
    """Time targets for one priority (seconds)."""

    dispatch_target_s: Annotated[int, Field(gt=0)]
    travel_target_s: Annotated[int, Field(gt=0)]
    on_scene_target_s: Annotated[int, Field(gt=0)]
    promote_after_s: Annotated[int, Field(gt=0)] | None = None


class DuplicateRule(_Frozen):
    """How far and how long an open incident of a family covers a new call."""

    radius_m: Annotated[float, Field(gt=0)]
    window_s: Annotated[float, Field(gt=0)]
    related: tuple[str, ...] = ()
