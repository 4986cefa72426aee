"""The simulator's workload profile: call volume, mix and service times, as data.

A profile is a TOML file (a region pack's ``simulation`` layer, e.g. the
Blitar pack's ``simulation.toml``, or a file given with ``--profile``) validated
by pydantic when loaded; every catalogue code it names is checked against the
incident catalogue, so a typo fails at load time with the key that is wrong.
The sources and assumptions behind the Blitar figures are in
``docs/simulator.md``.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from dispatch import catalogue
from dispatch.enums import Priority

__all__ = ["ProfileError", "WorkloadProfile", "load_profile"]

Positive = Annotated[float, Field(gt=0)]
Share = Annotated[float, Field(ge=0, le=1)]
Weight = Annotated[float, Field(ge=0)]


class ProfileError(ValueError):
    """A workload profile file is missing, not TOML, or has a bad value."""


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Volume(_Frozen):
    """How many calls, and when in the day."""

    calls_per_day: Positive
    hourly: tuple[Weight, ...] = Field(min_length=24, max_length=24)

    @model_validator(mode="after")
    def _normalise(self) -> Volume:
        total = sum(self.hourly)
        if total <= 0:
            raise ValueError("hourly weights must not all be zero")
        object.__setattr__(self, "hourly", tuple(24 * w / total for w in self.hourly))
        return self


class Outcomes(_Frozen):
    """Relative shares of how calls end."""

    prank: Weight
    silent: Weight
    incident: Weight
    referral: Weight
    information: Weight
    abandoned: Weight

    def shares(self) -> dict[str, float]:
        """Outcome → probability (sums to 1)."""
        raw = self.model_dump()
        total = sum(raw.values())
        if total <= 0:
            raise ValueError("outcome shares must not all be zero")
        return {k: v / total for k, v in raw.items()}


class Handling(_Frozen):
    """Call handling time ranges ``[low, high]`` seconds per outcome."""

    incident: tuple[float, float]
    referral: tuple[float, float]
    information: tuple[float, float]
    prank: tuple[float, float]
    silent: tuple[float, float]
    abandoned: tuple[float, float]
    duplicate: tuple[float, float]

    @model_validator(mode="after")
    def _ordered(self) -> Handling:
        for name, (low, high) in self.model_dump().items():
            if not 0 <= low <= high:
                raise ValueError(f"{name}: need 0 <= low <= high")
        return self


class Gamma(_Frozen):
    """A gamma distribution by mean (minutes) and shape."""

    mean: Positive
    shape: Positive


class Transport(_Frozen):
    """Who transports, and how long the hospital handover takes."""

    ambulance: dict[str, Share]
    hearse: Share = 1.0
    handover_shape: Positive
    handover_scale_min: Positive

    def ambulance_probability(self, family: str) -> float:
        """Transport probability of an ambulance at an incident of ``family``."""
        return self.ambulance.get(family, self.ambulance.get("default", 0.0))


class Triage(_Frozen):
    """How the simulated call takers' answers spread over the levels."""

    unanswered_share: Share
    priority_weight: dict[Priority, Weight]


class TravelNoise(_Frozen):
    """Spread of real driving time around the model's estimate."""

    noise_sigma: Annotated[float, Field(ge=0, le=1)] = 0.0


class WorkloadProfile(_Frozen):
    """Everything the call generator and the unit model draw from."""

    volume: Volume
    outcomes: Outcomes
    handling_s: Handling
    duplicate_probability: dict[str, Share]
    incident_types: dict[str, Weight]
    referral_types: dict[str, Weight]
    triage: Triage
    scene_min: dict[str, Gamma]
    transport: Transport
    travel: TravelNoise = TravelNoise()

    @model_validator(mode="after")
    def _known_codes(self) -> WorkloadProfile:
        cat = catalogue.get_catalogue()
        for code in self.incident_types:
            if code not in cat:
                raise ValueError(f"incident_types: unknown type {code!r}")
            if cat.incident_type(code).referral is not None:
                raise ValueError(f"incident_types: {code!r} is a referral type")
        for code in self.referral_types:
            if code not in cat or cat.incident_type(code).referral is None:
                raise ValueError(f"referral_types: {code!r} is not a referral type")
        if not any(self.incident_types.values()):
            raise ValueError("incident_types: all weights are zero")
        if not any(self.referral_types.values()):
            raise ValueError("referral_types: all weights are zero")
        return self

    def duplicate_share(self, family: str) -> float:
        """Probability that a second caller reports the same incident."""
        return self.duplicate_probability.get(
            family, self.duplicate_probability.get("default", 0.0)
        )


def load_profile(
    source: str | Path | None = None, *, pack: str | Path = "blitar"
) -> WorkloadProfile:
    """Load and validate a profile file; ``None`` gives the region pack's own.

    ``"blitar"`` (what older reports recorded) means the Blitar pack's.

    Raises:
        ProfileError: the file is unreadable or invalid, or the pack has no
            simulation profile.
    """
    if source is None or source == "blitar":
        return _of_pack(str(pack) if source is None else "blitar")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"cannot read workload profile {path}: {exc}") from exc
    except UnicodeDecodeError as exc:
        raise ProfileError(
            f"workload profile {path} is not UTF-8 text (byte {exc.start})"
        ) from exc
    return _parse(text, str(path))


@cache
def _of_pack(pack: str) -> WorkloadProfile:
    from geodata.packs import PackError, load_city

    try:
        city = load_city(pack)
    except PackError as exc:
        raise ProfileError(str(exc)) from None
    if city.simulation_profile is None:
        raise ProfileError(
            f"region pack {city.name} has no simulation profile (a 'simulation' "
            "file in its manifest.toml); give one with --profile"
        )
    name, text = city.simulation_profile
    return _parse(text, str(city.path / name))


def _parse(text: str, name: str) -> WorkloadProfile:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError(f"{name} is not valid TOML: {exc}") from exc
    try:
        return WorkloadProfile.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise ProfileError(f"{name}: {key}: {first['msg']}") from exc
