"""A region pack's additions to and overrides of the shared catalogue.

The shared TOML files describe what every Indonesian 112 centre meets; a
city's pack (``geodata.packs``, layers ``agencies``, ``catalogue`` and
``speech``) says what is local. Each overlay file may hold:

``[agencies.CODE]``
    a bilingual name and role for an agency the shared vocabulary lacks
    (an agency only in the pack's ``agencies.csv`` is added with its
    one-language name);
``[override.TYPE-CODE]``
    fields replacing those of a shared type (``lead_agency``, ``notify``,
    ``referral``, ``synonyms``…), validated as the whole type again;
``[[types]]``
    new local types, in the shared files' format;
``[targets]``
    the city's own time targets, merged over ``targets.toml`` (for example
    ``[targets.priorities.P1] travel_target_s = 420``).

Problems are reported like the shared files' — ``file: key: what is wrong``
— and :func:`check_city_agencies` makes sure every agency a type names
exists in the pack, so a city whose agencies differ must say so in its pack.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

from pydantic import ValidationError

from dispatch.catalogue._models import AgencyInfo, IncidentType, Text
from dispatch.enums import ReferralChannel

__all__ = [
    "CityAgency",
    "apply_overlays",
    "check_city_agencies",
    "city_agencies",
    "overlay_targets",
]

Problems = list[tuple[str, str, str]]
_TOP_KEYS = {"agencies", "override", "types", "targets"}
_ROLE: dict[str, Literal["responder", "referral", "operator"]] = {
    "emergency": "responder",
    "referral": "referral",
    "operator": "operator",
}

#: ``(code, name, kind, channels)`` of one agency of the pack.
CityAgency = tuple[str, str, str, tuple[str, ...]]


def _problems(file: str, prefix: str, exc: ValidationError) -> Problems:
    from dispatch.catalogue._loader import _validation_problems

    return _validation_problems(file, prefix, exc)


def city_agencies(
    shared: Mapping[str, AgencyInfo], pack_agencies: Sequence[CityAgency]
) -> dict[str, AgencyInfo]:
    """The shared vocabulary plus the pack's agencies it does not know yet."""
    merged = dict(shared)
    for code, name, kind, _ in pack_agencies:
        if code not in merged:
            merged[code] = AgencyInfo(name=Text(id=name, en=name), role=_ROLE[kind])
    return merged


def _agencies(
    file: str, raw: Any, agencies: dict[str, AgencyInfo], problems: Problems
) -> None:
    if not isinstance(raw, dict):
        problems.append((file, "agencies", "must be a table of agencies"))
        return
    for code, body in raw.items():
        try:
            agencies[code] = AgencyInfo.model_validate(body)
        except ValidationError as exc:
            problems.extend(_problems(file, f"agencies.{code}", exc))


def _override(
    file: str, raw: Any, types: list[tuple[str, IncidentType]], problems: Problems
) -> None:
    if not isinstance(raw, dict):
        problems.append((file, "override", "must be a table of type codes"))
        return
    index = {t.code: i for i, (_, t) in enumerate(types)}
    for code, fields in raw.items():
        key = f"override.{code}"
        if code not in index:
            problems.append((file, key, f"no shared type {code!r} to override"))
            continue
        if not isinstance(fields, dict) or "code" in fields:
            problems.append((file, key, "must be a table of fields (not 'code')"))
            continue
        _, current = types[index[code]]
        try:
            merged = IncidentType.model_validate(
                {**current.model_dump(exclude_unset=True), **fields}
            )
        except ValidationError as exc:
            problems.extend(_problems(file, key, exc))
            continue
        types[index[code]] = (file, merged)


def _new_types(
    file: str, raw: Any, types: list[tuple[str, IncidentType]], problems: Problems
) -> None:
    if not isinstance(raw, list):
        problems.append((file, "types", "must be an array of tables ([[types]])"))
        return
    order = max((t.order for _, t in types), default=0) + 1
    for i, body in enumerate(raw):
        label = f"types[{body.get('code', i) if isinstance(body, dict) else i}]"
        try:
            types.append((file, IncidentType.model_validate({**body, "order": order})))
        except ValidationError as exc:
            problems.extend(_problems(file, label, exc))
        except TypeError:
            problems.append((file, label, "must be a table"))
        order += 1


def apply_overlays(
    overlays: Sequence[tuple[str, Mapping[str, Any]]],
    types: list[tuple[str, IncidentType]],
    agencies: dict[str, AgencyInfo],
    problems: Problems,
) -> None:
    """Apply each overlay file in order, in place; append what is wrong."""
    for file, data in overlays:
        unknown = sorted(set(data) - _TOP_KEYS)
        if unknown:
            problems.append(
                (
                    file,
                    unknown[0],
                    "unexpected key (agencies, override, types, targets)",
                )
            )
        if "agencies" in data:
            _agencies(file, data["agencies"], agencies, problems)
        if "override" in data:
            _override(file, data["override"], types, problems)
        if "types" in data:
            _new_types(file, data["types"], types, problems)


def _deep_merge(base: Mapping[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in top.items():
        old = out.get(key)
        if isinstance(old, Mapping) and isinstance(value, Mapping):
            out[key] = _deep_merge(old, value)
        else:
            out[key] = value
    return out


def overlay_targets(
    shared: dict[str, Any],
    overlays: Sequence[tuple[str, Mapping[str, Any]]],
    problems: Problems,
) -> dict[str, Any]:
    """``targets.toml`` with each overlay's ``[targets]`` merged over it.

    An overlay whose merged targets do not validate is reported against the
    overlay file (``targets.…`` keys) and left out.
    """
    from dispatch.catalogue._loader import _TargetsFile

    merged = shared
    for file, data in overlays:
        local = data.get("targets")
        if local is None:
            continue
        if not isinstance(local, Mapping):
            problems.append((file, "targets", "must be a table"))
            continue
        candidate = _deep_merge(merged, local)
        try:
            _TargetsFile.model_validate(candidate)
        except ValidationError as exc:
            problems.extend(_problems(file, "targets", exc))
            continue
        merged = candidate
    return merged


def _named(itype: IncidentType) -> list[tuple[str, str]]:
    named = [("lead_agency", itype.lead_agency)]
    named += [(f"notify[{i}]", a) for i, a in enumerate(itype.notify)]
    if itype.referral is not None:
        named.append(("referral.agency", itype.referral.agency))
    return named


def _channel_problem(
    itype: IncidentType, by_code: Mapping[str, CityAgency]
) -> str | None:
    if itype.referral is None or itype.referral.agency not in by_code:
        return None
    channels = by_code[itype.referral.agency][3]
    channel = itype.referral.channel.value
    if channels and channel not in channels:
        return (
            f"channel {channel!r} is not one {itype.referral.agency} takes "
            f"({', '.join(channels)})"
        )
    return None


def check_city_agencies(
    types: Sequence[tuple[str, IncidentType]],
    pack_agencies: Sequence[CityAgency],
    agencies_file: str,
    problems: Problems,
) -> None:
    """Every agency a type names must be one of the pack's, with its channel."""
    by_code = {a[0]: a for a in pack_agencies}
    known = {c.value for c in ReferralChannel}
    for code, _, _, channels in pack_agencies:
        for channel in channels:
            if channel not in known:
                problems.append(
                    (
                        agencies_file,
                        f"{code}.channels",
                        f"unknown channel {channel!r} "
                        f"(known: {', '.join(sorted(known))})",
                    )
                )
    for file, itype in types:
        key = f"types[{itype.code}]"
        for field, code in _named(itype):
            if code not in by_code:
                problems.append(
                    (
                        file,
                        f"{key}.{field}",
                        f"agency {code!r} is not in {agencies_file}; add it there "
                        "or override the type in the pack's catalogue layer",
                    )
                )
        wrong = _channel_problem(itype, by_code)
        if wrong:
            problems.append((file, f"{key}.referral.channel", wrong))
