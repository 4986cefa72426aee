"""The ranking weights, as data: ``weights.toml`` read into frozen dataclasses.

Every number the ranking stages use lives in ``weights.toml`` so a change of
weight is a reviewed change of data, and a test can drop one weight (set it
to 1.0, the neutral factor) and see which answers move. Loading is strict: a
missing or unknown key, or a value that is not a number, raises
:class:`WeightsError` naming the key, never a silent default.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, fields
from functools import cache
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_WEIGHTS_PATH", "Weights", "WeightsError", "default_weights"]

DEFAULT_WEIGHTS_PATH = Path(__file__).with_name("weights.toml")


class WeightsError(ValueError):
    """``weights.toml`` is missing a key, has an unknown one, or a non-number."""


@dataclass(frozen=True, slots=True)
class KelurahanWeights:
    """A kelurahan named by the caller."""

    inside: float
    far: float
    far_m: float


@dataclass(frozen=True, slots=True)
class KecamatanWeights:
    """A kecamatan named by the caller."""

    inside: float
    other: float


@dataclass(frozen=True, slots=True)
class StreetWeights:
    """A street named by the caller."""

    near: float
    far: float
    near_m: float
    far_m: float


@dataclass(frozen=True, slots=True)
class PostcodeWeights:
    """A postcode given by the caller."""

    same: float
    different: float


@dataclass(frozen=True, slots=True)
class TypeWordWeights:
    """Category words ("masjid", "pasar")."""

    cap: float
    other_type: float


@dataclass(frozen=True, slots=True)
class DecisionWeights:
    """Turning scores into a match, alternatives and confidences."""

    min_top: float
    same_place_m: float
    margin_base: float
    margin_slope: float
    alternative: float
    area_alternative: float
    kelurahan_only: float
    kecamatan_only: float
    threshold: float


@dataclass(frozen=True, slots=True)
class StreetAnswerWeights:
    """Answers that are a street or the crossing of two."""

    single: float
    spread_m: float
    spread: float
    in_kelurahan: float
    not_in_kelurahan: float
    intersection: float
    intersection_max_m: float


@dataclass(frozen=True, slots=True)
class ComposeWeights:
    """A street plus a nearby landmark."""

    max_m: float
    factor: float


@dataclass(frozen=True, slots=True)
class OffsetWeights:
    """A distance and direction from a landmark."""

    max_m: float
    factor: float
    unbelievable: float


@dataclass(frozen=True, slots=True)
class Weights:
    """All ranking weights (one section of ``weights.toml`` per field)."""

    kelurahan: KelurahanWeights
    kecamatan: KecamatanWeights
    street: StreetWeights
    postcode: PostcodeWeights
    type_word: TypeWordWeights
    decision: DecisionWeights
    street_answer: StreetAnswerWeights
    compose: ComposeWeights
    offset: OffsetWeights

    @classmethod
    def from_mapping(cls, data: dict[str, Any]) -> Weights:
        """Build from parsed TOML; every section and key is required."""
        _exact_keys("", data, [f.name for f in fields(cls)])
        sections: dict[str, Any] = {}
        for f in fields(cls):
            section_cls = _SECTIONS[f.name]
            raw = data[f.name]
            if not isinstance(raw, dict):
                raise WeightsError(f"[{f.name}] must be a table")
            _exact_keys(f"{f.name}.", raw, [g.name for g in fields(section_cls)])
            for key, value in raw.items():
                if isinstance(value, bool) or not isinstance(value, int | float):
                    raise WeightsError(f"{f.name}.{key} must be a number")
            sections[f.name] = section_cls(**{k: float(v) for k, v in raw.items()})
        return cls(**sections)

    @classmethod
    def load(cls, path: Path = DEFAULT_WEIGHTS_PATH) -> Weights:
        """Read a weights file (``WeightsError`` names the file and key)."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise WeightsError(f"{path.name}: {exc}") from exc
        try:
            return cls.from_mapping(data)
        except WeightsError as exc:
            raise WeightsError(f"{path.name}: {exc}") from exc

    def replace(self, dotted: str, value: float) -> Weights:
        """A copy with one weight changed (``"kelurahan.inside"``), for tests."""
        section, key = dotted.split(".")
        changed = dataclasses.replace(getattr(self, section), **{key: value})
        return dataclasses.replace(self, **{section: changed})

    def items(self) -> list[tuple[str, float]]:
        """Every weight as ``("section.key", value)``."""
        return [
            (f"{f.name}.{g.name}", getattr(getattr(self, f.name), g.name))
            for f in fields(self)
            for g in fields(_SECTIONS[f.name])
        ]


_SECTIONS: dict[str, Any] = {
    "kelurahan": KelurahanWeights,
    "kecamatan": KecamatanWeights,
    "street": StreetWeights,
    "postcode": PostcodeWeights,
    "type_word": TypeWordWeights,
    "decision": DecisionWeights,
    "street_answer": StreetAnswerWeights,
    "compose": ComposeWeights,
    "offset": OffsetWeights,
}


def _exact_keys(prefix: str, data: dict[str, Any], wanted: list[str]) -> None:
    missing = [k for k in wanted if k not in data]
    unknown = [k for k in data if k not in wanted]
    if missing:
        raise WeightsError(f"missing {', '.join(prefix + k for k in missing)}")
    if unknown:
        raise WeightsError(f"unknown {', '.join(prefix + k for k in unknown)}")


@cache
def default_weights() -> Weights:
    """The shipped weights (read once)."""
    return Weights.load()
