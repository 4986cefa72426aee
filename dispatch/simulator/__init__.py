"""The simulator: a discrete-event day (or shift) of a 112 center on the real engine.

``simulate(SimulationConfig(...))`` draws a seeded stream of calls from a
workload profile (:mod:`dispatch.simulator.profile`, the pack's), runs
them through :class:`~dispatch.services.DispatchService` on a simulated clock
with one dispatch policy (:mod:`dispatch.simulator.policies`), and returns the
figures (:mod:`dispatch.simulator.metrics`) together with the engine, so the
database the run wrote — calls, incidents, statuses, the journal — can be
read afterwards (reports, tests). See ``docs/simulator.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine, read_session
from dispatch.models import Call
from dispatch.principal import Principal, SystemRole
from dispatch.services import DispatchService
from dispatch.setup import init_database
from dispatch.simulator.calls import CallSpec, PlaceSampler, Surge, generate_calls
from dispatch.simulator.metrics import IncidentRecord, UnitRecord, summarise
from dispatch.simulator.policies import (
    POLICY_NAMES,
    ClosestIdlePolicy,
    DispatchPolicy,
    EnginePolicy,
    make_policy,
)
from dispatch.simulator.profile import ProfileError, WorkloadProfile, load_profile
from dispatch.simulator.runner import EventLoop
from dispatch.testing import seed_database
from geodata.packs import load_pack

__all__ = [
    "DEFAULT_START_DATE",
    "POLICY_NAMES",
    "ClosestIdlePolicy",
    "DispatchPolicy",
    "EnginePolicy",
    "ProfileError",
    "SimulationConfig",
    "SimulationError",
    "SimulationResult",
    "WorkloadProfile",
    "load_profile",
    "make_policy",
    "simulate",
]

SCHEMA_VERSION = 1
"""Version of the JSON document :meth:`SimulationResult.to_dict` returns."""

DEFAULT_START_DATE = date(2025, 2, 3)
"""A Monday in the recorded fortnight (1-13 February 2025)."""


class SimulationError(RuntimeError):
    """The simulation cannot run (a database that is not empty, a bad option)."""


@dataclass(frozen=True)
class SimulationConfig:
    """What to simulate. Equal configs give equal figures."""

    seed: int = 1
    hours: float = 24.0
    rate_scale: float = 1.0
    policy: str = "engine"
    database_url: str = "sqlite://"
    """Where the run writes; the default is an in-memory database."""
    start: datetime | None = None
    """Aware start time; None = the shift change-over on DEFAULT_START_DATE."""
    profile: str | None = None
    """Workload profile file; None = the region pack's own (``simulation``)."""
    calls_per_day: float | None = None
    """Overrides the profile's base call volume (before ``rate_scale``)."""
    region_pack: str = "blitar"
    surge: Surge | None = None
    """A window of the run with the call rate multiplied (after ``rate_scale``)."""

    def __post_init__(self) -> None:
        numbers = {"hours": self.hours, "rate_scale": self.rate_scale}
        if self.calls_per_day is not None:
            numbers["calls_per_day"] = self.calls_per_day
        for name, number in numbers.items():
            if not math.isfinite(number):
                raise SimulationError(f"{name} must be a finite number")
        if self.hours <= 0:
            raise SimulationError("hours must be positive")
        if self.rate_scale < 0:
            raise SimulationError("rate_scale must not be negative")
        if self.calls_per_day is not None and self.calls_per_day <= 0:
            raise SimulationError("calls_per_day must be positive")
        if self.policy not in POLICY_NAMES:
            raise SimulationError(
                f"unknown policy {self.policy!r}; "
                f"choose one of {', '.join(POLICY_NAMES)}"
            )
        if self.start is not None and self.start.tzinfo is None:
            raise SimulationError("start must carry a time zone")


@dataclass
class SimulationResult:
    """The figures of one run, and the database it wrote."""

    config: SimulationConfig
    start: datetime
    engine: Engine
    services: DispatchService
    calls: list[CallSpec]
    incidents: list[IncidentRecord]
    units: list[UnitRecord]
    outcomes: dict[str, int]
    dropped_slots: dict[str, int]
    preemptions: int
    end: datetime
    figures: dict[str, Any] = field(default_factory=dict)

    @property
    def database_url(self) -> str:
        """The URL of the database the run wrote (memory URLs only live here)."""
        return self.engine.url.render_as_string(hide_password=False)

    def to_dict(self) -> dict[str, Any]:
        """The stable JSON document (keys documented in docs/simulator.md)."""
        cfg = self.config
        incidents = [i for i in self.incidents if i.received_s < cfg.hours * 3600]
        return {
            "schema": SCHEMA_VERSION,
            "config": {
                "seed": cfg.seed,
                "hours": cfg.hours,
                "rate_scale": cfg.rate_scale,
                "calls_per_day": cfg.calls_per_day,
                "policy": cfg.policy,
                "region_pack": cfg.region_pack,
                "profile": cfg.profile or cfg.region_pack,
                "start": self.start.isoformat(),
                "surge": None
                if cfg.surge is None
                else {
                    "start_h": cfg.surge.start_h,
                    "end_h": cfg.surge.end_h,
                    "factor": cfg.surge.factor,
                },
            },
            "calls": {
                "total": sum(v for k, v in self.outcomes.items() if k != "duplicate")
                + self.outcomes.get("duplicate", 0),
                "by_outcome": dict(sorted(self.outcomes.items())),
            },
            "incidents": {
                "total": len(incidents),
                "closed": sum(1 for i in incidents if i.closed_s is not None),
                "preemptions": self.preemptions,
                "dropped_slots": dict(sorted(self.dropped_slots.items())),
            },
            **self.figures,
            "end": self.end.isoformat(),
        }


def _start(config: SimulationConfig, settings: EngineSettings) -> datetime:
    if config.start is not None:
        return config.start.astimezone(UTC)
    zone = ZoneInfo(settings.timezone)
    local = datetime.combine(DEFAULT_START_DATE, time(0, 0), tzinfo=zone)
    changeover = settings.shift_changeover
    local += timedelta(hours=changeover.hour, minutes=changeover.minute)
    return local.astimezone(UTC)


def simulate(
    config: SimulationConfig,
    *,
    settings: EngineSettings | None = None,
    policy: DispatchPolicy | None = None,
) -> SimulationResult:
    """Run one simulation (see the module docstring); ``policy`` overrides by object."""
    settings = (
        settings or EngineSettings(database_url=config.database_url)
    ).model_copy(
        update={"database_url": config.database_url, "region_pack": config.region_pack}
    )
    start = _start(config, settings)
    clock = FixedClock(start)
    engine = make_engine(config.database_url, settings=settings)
    _require_empty(engine)
    if _in_memory(engine):
        pack = seed_database(engine, clock=clock, pack_name=config.region_pack)
    else:  # a database that outlives the run: migrated like `siaga init` does
        init_database(
            engine, pack_name=config.region_pack, clock=clock, actor="simulator"
        )
        pack = load_pack(config.region_pack)
    services = DispatchService(
        engine,
        settings=settings,
        clock=clock,
        principal=Principal("simulator", SystemRole.SIMULATOR, "sim-desk"),
        pack=pack,
    )
    profile = load_profile(config.profile, pack=config.region_pack)
    if config.calls_per_day is not None:
        profile = profile.model_copy(
            update={
                "volume": profile.volume.model_copy(
                    update={"calls_per_day": config.calls_per_day}
                )
            }
        )
    calls = generate_calls(
        seed=config.seed,
        profile=profile,
        places=_sampler(pack),
        hours=config.hours,
        rate_scale=config.rate_scale,
        start=start,
        zone=ZoneInfo(settings.timezone),
        surge=config.surge,
    )
    loop = EventLoop(
        services,
        clock,
        policy or make_policy(config.policy),
        profile,
        calls,
        start=start,
        hours=config.hours,
    )
    loop.run()
    incidents = [loop.incidents[k].record for k in sorted(loop.incidents)]
    units = loop.unit_records()
    return SimulationResult(
        config=config,
        start=start,
        engine=engine,
        services=services,
        calls=calls,
        incidents=incidents,
        units=units,
        outcomes=dict(loop.outcomes),
        dropped_slots=dict(loop.dropped_slots),
        preemptions=loop.preemptions,
        end=max(clock.now(), start + timedelta(hours=config.hours)),
        figures=summarise(incidents, units, config.hours * 3600.0),
    )


_SAMPLERS: dict[int, PlaceSampler] = {}


def _sampler(pack: Any) -> PlaceSampler:
    """One place sampler per loaded pack (building it reads every street point)."""
    sampler = _SAMPLERS.get(id(pack))
    if sampler is None or sampler.pack is not pack:
        sampler = _SAMPLERS[id(pack)] = PlaceSampler(pack)
    return sampler


def _in_memory(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and (engine.url.database or "") in (
        "",
        ":memory:",
    )


def _require_empty(engine: Engine) -> None:
    """Refuse to write a simulated day into a database that holds calls."""
    try:
        with read_session(engine) as session:
            count = session.scalar(select(func.count()).select_from(Call))
    except DBAPIError:  # no schema yet: a new database
        return
    if count:
        raise SimulationError(
            "the database already holds calls; simulate into a new database"
        )
