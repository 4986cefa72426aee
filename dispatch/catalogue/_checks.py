"""Cross-checks between the catalogue's files (agencies, unit types, codes).

Each file is valid on its own once its pydantic model accepts it; these
checks find what only the files together can show — a type naming an agency
the vocabulary lacks, an APCO code not in the standard's list, a family with
no duplicate rule — and report each as ``(file, key, what is wrong)``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.catalogue._models import IncidentType
from dispatch.enums import IncidentStatus, Priority, UnitStatus

if TYPE_CHECKING:
    from dispatch.catalogue._loader import (
        _DuplicatesFile,
        _StandardsFile,
        _TargetsFile,
        _VocabularyFile,
    )

__all__ = ["cross_check"]


Problems = list[tuple[str, str, str]]
_SFILE = "standards.toml"


def cross_check(
    types: list[tuple[str, IncidentType]],
    vocabulary: _VocabularyFile,
    standards: _StandardsFile,
    targets: _TargetsFile,
    duplicates: _DuplicatesFile,
    apco_incident: frozenset[str],
    apco_disposition: frozenset[str],
    eido_unit_values: frozenset[str],
    eido_incident_values: frozenset[str],
    problems: list[tuple[str, str, str]],
) -> None:
    """Check references between the files; append ``(file, key, problem)``."""
    codes = _type_codes(types, problems)
    families = set(duplicates.families)
    for file, itype in types:
        _check_type(file, itype, codes, families, vocabulary, apco_incident, problems)
    _check_vocabulary(vocabulary, problems)
    _check_dispositions(standards, families, apco_disposition, problems)
    _check_eido_unit_status(standards, eido_unit_values, problems)
    _check_eido_incident_status(standards, eido_incident_values, problems)
    for prio in Priority:
        if prio not in targets.priorities:
            problems.append(("targets.toml", f"priorities.{prio.value}", "missing"))
    _check_family_rules(duplicates, families, problems)


def _type_codes(
    types: list[tuple[str, IncidentType]], problems: Problems
) -> dict[str, str]:
    """Map each type code to its file, reporting a code two files both use."""
    codes: dict[str, str] = {}
    for file, itype in types:
        key = f"types[{itype.code}]"
        if itype.code in codes:
            problems.append((file, key, f"code already used in {codes[itype.code]}"))
        codes[itype.code] = file
    return codes


def _check_type(
    file: str,
    itype: IncidentType,
    codes: dict[str, str],
    families: set[str],
    vocabulary: _VocabularyFile,
    apco_incident: frozenset[str],
    problems: Problems,
) -> None:
    """One type's references: APCO code, agencies, family, related types, plans."""
    key = f"types[{itype.code}]"
    if itype.apco not in apco_incident:
        problems.append(
            (file, f"{key}.apco", f"{itype.apco!r} is not an APCO 2.103.2 code")
        )
    _check_type_agencies(file, key, itype, vocabulary, problems)
    if itype.family not in families:
        problems.append(
            (
                file,
                f"{key}.family",
                f"{itype.family!r} has no rule in duplicates.toml",
            )
        )
    for i, other in enumerate(itype.related):
        if other not in codes:
            problems.append(
                (file, f"{key}.related[{i}]", f"unknown type code {other!r}")
            )
    if not itype.synonyms:
        problems.append((file, f"{key}.synonyms", "give at least one search synonym"))
    _check_type_plans(file, key, itype, vocabulary, problems)


def _check_type_agencies(
    file: str,
    key: str,
    itype: IncidentType,
    vocabulary: _VocabularyFile,
    problems: Problems,
) -> None:
    """The lead, notified and referral agencies must be in the vocabulary."""
    for field, agency in [("lead_agency", itype.lead_agency)] + [
        (f"notify[{i}]", a) for i, a in enumerate(itype.notify)
    ]:
        if agency not in vocabulary.agencies:
            problems.append((file, f"{key}.{field}", f"unknown agency {agency!r}"))
    if itype.referral is not None and itype.referral.agency not in vocabulary.agencies:
        problems.append(
            (
                file,
                f"{key}.referral.agency",
                f"unknown agency {itype.referral.agency!r}",
            )
        )


def _check_type_plans(
    file: str,
    key: str,
    itype: IncidentType,
    vocabulary: _VocabularyFile,
    problems: Problems,
) -> None:
    """Every plan slot names a known unit type and known capabilities."""
    for det, level in itype.levels.items():
        for j, slot in enumerate(level.plan):
            where = f"{key}.levels.{det}.plan[{j}]"
            if slot.unit_type not in vocabulary.unit_types:
                problems.append(
                    (
                        file,
                        f"{where}.unit_type",
                        f"unknown unit type {slot.unit_type!r}",
                    )
                )
            for cap in sorted(slot.capabilities - set(vocabulary.capabilities)):
                problems.append(
                    (file, f"{where}.capabilities", f"unknown capability {cap!r}")
                )


def _check_vocabulary(vocabulary: _VocabularyFile, problems: Problems) -> None:
    """Substitutes and capability tables refer only to names the file defines."""
    vfile = "vocabulary.toml"
    for ut, info in vocabulary.unit_types.items():
        for i, sub in enumerate(info.substitutes):
            if sub not in vocabulary.unit_types:
                problems.append(
                    (
                        vfile,
                        f"unit_types.{ut}.substitutes[{i}]",
                        f"unknown unit type {sub!r}",
                    )
                )
    for table, entries in (
        ("capability_implies", vocabulary.capability_implies),
        ("capability_fallback", vocabulary.capability_fallback),
    ):
        for cap, others in entries.items():
            for c in (cap, *others):
                if c not in vocabulary.capabilities:
                    problems.append(
                        (vfile, f"{table}.{cap}", f"unknown capability {c!r}")
                    )


def _check_dispositions(
    standards: _StandardsFile,
    families: set[str],
    apco_disposition: frozenset[str],
    problems: Problems,
) -> None:
    """Each disposition has a real APCO code and names known families."""
    for code, disp in standards.dispositions.items():
        if disp.apco not in apco_disposition:
            problems.append(
                (
                    _SFILE,
                    f"dispositions.{code}.apco",
                    f"{disp.apco!r} is not an APCO 1.111.2 code",
                )
            )
        for fam in disp.families:
            if fam not in families:
                problems.append(
                    (_SFILE, f"dispositions.{code}.families", f"unknown family {fam!r}")
                )


def _check_eido_unit_status(
    standards: _StandardsFile, eido_unit_values: frozenset[str], problems: Problems
) -> None:
    """Every unit status maps to EIDO secondary statuses that exist."""
    for status in UnitStatus:
        mapping = standards.eido_unit_status.get(status)
        if mapping is None:
            problems.append((_SFILE, f"eido_unit_status.{status.value}", "missing"))
            continue
        for value in mapping.secondary:
            if f"secondary {value}" not in eido_unit_values:
                problems.append(
                    (
                        _SFILE,
                        f"eido_unit_status.{status.value}.secondary",
                        f"{value!r} is not an EIDO secondary unit status",
                    )
                )


def _check_eido_incident_status(
    standards: _StandardsFile, eido_incident_values: frozenset[str], problems: Problems
) -> None:
    """Every incident status maps to at least one EIDO incident status."""
    for istatus in IncidentStatus:
        values = standards.eido_incident_status.get(istatus)
        if not values:
            problems.append(
                (_SFILE, f"eido_incident_status.{istatus.value}", "missing")
            )
            continue
        for value in values:
            if value not in eido_incident_values:
                problems.append(
                    (
                        _SFILE,
                        f"eido_incident_status.{istatus.value}",
                        f"{value!r} is not an EIDO incident status",
                    )
                )


def _check_family_rules(
    duplicates: _DuplicatesFile, families: set[str], problems: Problems
) -> None:
    """A family rule's related families must themselves have rules."""
    for fam, rule in duplicates.families.items():
        for i, other in enumerate(rule.related):
            if other not in families:
                problems.append(
                    (
                        "duplicates.toml",
                        f"families.{fam}.related[{i}]",
                        f"unknown family {other!r}",
                    )
                )
