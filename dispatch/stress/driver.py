"""Runs a stress test: N desk processes against one database, then the checks.

The desks are started with ``spawn`` (a fresh interpreter each, as separate
terminals would be) and coordinated only through files in a work folder —
``ready-NN`` when a desk has loaded, ``go`` to start, ``stop`` to finish the
current cycle and leave — because a process killed with SIGKILL while it
holds a multiprocessing lock or queue would wedge every other desk. With
``kills`` the driver SIGKILLs that many working desks at random moments and
starts each again (the run lasts until all kills happened); the new process
first finishes what the old one left open.
"""

from __future__ import annotations

import os
import random
import signal
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing import get_context
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import Any

from dispatch import journal
from dispatch.config import EngineSettings
from dispatch.db import make_engine, read_session
from dispatch.errors import DispatchError
from dispatch.stress.desk import DeskSpec, ready_name, run_desk
from dispatch.stress.invariants import Check, check_all
from dispatch.stress.records import read_desk_file
from dispatch.witness import Witness

#: How long desks may take to load before the run is called off.
START_TIMEOUT_S = 180.0
#: A run with kills goes on past its seconds (up to this many times them)
#: until every kill asked for has happened: restarted desks load slowly on a
#: busy machine, and only a desk at work is worth killing.
KILL_GRACE = 4.0
#: How long a desk may take to finish its cycle after ``stop``.
STOP_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class StressConfig:
    """What to run: how many desks, for how long, where, and how many kills."""

    database_url: str
    desks: int
    seconds: float
    work_dir: Path
    seed: int = 0
    kills: int = 0


#: How many distinct error lines a result keeps, so a failed run says why.
ERROR_SAMPLES = 5


@dataclass
class StressResult:
    """What a run did and whether the database kept its promises."""

    config: StressConfig
    elapsed: float
    writes: int
    events: int
    cycles: list[float]
    errors: Counter[str]
    refused: Counter[str]
    kills: int
    checks: list[Check] = field(default_factory=list)
    #: Up to :data:`ERROR_SAMPLES` distinct error lines (action, type, message).
    error_samples: list[tuple[str, str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every invariant held."""
        return all(c.ok for c in self.checks)

    @property
    def writes_per_second(self) -> float:
        """Acknowledged write actions per second of the run."""
        return self.writes / self.elapsed if self.elapsed > 0 else 0.0

    def latency(self) -> dict[str, float | None]:
        """p50, p99 and the longest desk cycle, in seconds."""
        values = sorted(self.cycles)
        if len(values) < 2:
            only = values[0] if values else None
            return {"p50": only, "p99": only, "max": only}
        cuts = statistics.quantiles(values, n=100, method="inclusive")
        return {"p50": cuts[49], "p99": cuts[98], "max": values[-1]}

    def as_dict(self) -> dict[str, Any]:
        """The stable JSON document ``siaga stress --json`` prints."""
        return {
            "backend": self.config.database_url.split(":", 1)[0].split("+", 1)[0],
            "desks": self.config.desks,
            "seconds": self.config.seconds,
            "seed": self.config.seed,
            "elapsed_s": round(self.elapsed, 3),
            "writes": self.writes,
            "writes_per_s": round(self.writes_per_second, 1),
            "events": self.events,
            "cycles": len(self.cycles),
            "cycle_s": {
                k: None if v is None else round(v, 4) for k, v in self.latency().items()
            },
            "errors": dict(sorted(self.errors.items())),
            "error_samples": [
                {"action": a, "type": k, "message": m} for a, k, m in self.error_samples
            ],
            "refused": dict(sorted(self.refused.items())),
            "kills": self.kills,
            "invariants": [
                {"name": c.name, "ok": c.ok, "detail": c.detail} for c in self.checks
            ],
            "ok": self.ok,
        }


class _Desks:
    """The desk processes of one run, by desk index."""

    def __init__(self, config: StressConfig) -> None:
        self.config = config
        self.ctx = get_context("spawn")
        self.procs: dict[int, BaseProcess] = {}
        self.incarnation: Counter[int] = Counter()

    def spec(self, index: int) -> DeskSpec:
        return DeskSpec(
            index=index,
            incarnation=self.incarnation[index],
            database_url=self.config.database_url,
            desk_file=self.config.work_dir / f"desk-{index:02d}.jsonl",
            seed=self.config.seed,
        )

    def start(self, index: int) -> None:
        proc = self.ctx.Process(
            target=run_desk,
            args=(self.spec(index), self.config.work_dir),
            name=f"stress-desk-{index:02d}",
        )
        proc.start()
        self.procs[index] = proc

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if all(self.working(i) for i in self.procs):
                return
            dead = [i for i, p in self.procs.items() if p.exitcode is not None]
            if dead:
                raise DispatchError(
                    f"stress desk {dead[0]} stopped while starting "
                    f"(exit code {self.procs[dead[0]].exitcode})"
                )
            time.sleep(0.05)
        raise DispatchError(
            f"the stress desks did not start within {START_TIMEOUT_S:.0f} s"
        )

    def working(self, index: int) -> bool:
        """Whether the desk's current process has loaded and is at work."""
        name = ready_name(index, self.incarnation[index])
        return (self.config.work_dir / name).exists()

    def kill_one(self, rng: random.Random) -> int | None:
        """SIGKILL a working desk and start it again; ``None`` if none works yet.

        Only desks past loading are picked: the point is to cut a desk off in
        the middle of its writes, not while it imports.
        """
        alive = [i for i, p in self.procs.items() if p.is_alive() and self.working(i)]
        if not alive:
            return None
        index = rng.choice(alive)
        proc = self.procs[index]
        if proc.pid is not None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.join()
        self.incarnation[index] += 1
        self.start(index)
        return index

    def join(self) -> Counter[str]:
        """Wait for every desk to leave; kill (and count) any that hang."""
        problems: Counter[str] = Counter()
        deadline = time.monotonic() + STOP_TIMEOUT_S
        for proc in self.procs.values():
            proc.join(max(0.1, deadline - time.monotonic()))
            if proc.is_alive():
                proc.kill()
                proc.join()
                problems["DeskDidNotStop"] += 1
            elif proc.exitcode not in (0, -signal.SIGKILL):
                problems["DeskCrashed"] += 1
        return problems


def _kill_times(config: StressConfig, rng: random.Random) -> list[float]:
    """When to kill, spread over the middle of the run."""
    return sorted(
        rng.uniform(0.05 * config.seconds, 0.85 * config.seconds)
        for _ in range(config.kills)
    )


def _run_desks(config: StressConfig) -> tuple[float, int, Counter[str], Counter[str]]:
    desks = _Desks(config)
    for index in range(config.desks):
        desks.start(index)
    try:
        desks.wait_ready()
    except DispatchError:
        (config.work_dir / "stop").touch()
        desks.join()
        raise
    rng = random.Random(config.seed)
    moments = _kill_times(config, rng)
    killed: Counter[str] = Counter()
    (config.work_dir / "go").touch()
    began = time.monotonic()
    while (now := time.monotonic() - began) < config.seconds or (
        sum(killed.values()) < config.kills and now < KILL_GRACE * config.seconds
    ):
        # Catch up with the schedule: kills that fell due while every desk
        # was still loading happen together as soon as desks work again.
        due = sum(1 for moment in moments if moment <= now)
        while sum(killed.values()) < due:
            victim = desks.kill_one(rng)
            if victim is None:
                break
            killed[desks.spec(victim).terminal] += 1
        time.sleep(0.05)
    (config.work_dir / "stop").touch()
    problems = desks.join()
    return time.monotonic() - began, sum(killed.values()), killed, problems


def prepare_database(url: str) -> None:
    """Create the schema and roster when missing; refuse a database with calls.

    A stress run writes thousands of synthetic calls: it must never be
    pointed at a centre's real database by mistake.
    """
    from sqlalchemy import func, select
    from sqlalchemy.exc import SQLAlchemyError

    from dispatch.models import Call
    from dispatch.setup import init_database
    from dispatch.setup_check import schema_is_current

    engine = make_engine(url)
    try:
        if not schema_is_current(engine):
            # The demo operators (without passwords: nobody can sign on as
            # them) let `siaga log verify --db URL` read the result.
            init_database(engine, demo=True, actor="siaga-stress", terminal="stress")
        with read_session(engine) as session:
            calls = session.scalar(select(func.count()).select_from(Call)) or 0
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise DispatchError(
            f"cannot open the database: {first[0] if first else type(exc).__name__}"
        ) from exc
    finally:
        engine.dispose()
    if calls:
        raise DispatchError(
            f"the database already holds {calls} calls; a stress run needs an "
            "empty database (it writes synthetic calls)"
        )


def run_stress(config: StressConfig) -> StressResult:
    """Run the desks, read their files, check every invariant."""
    config.work_dir.mkdir(parents=True, exist_ok=True)
    prepare_database(config.database_url)
    elapsed, kills, killed, problems = _run_desks(config)
    acks: list[dict[str, Any]] = []
    cycles: list[float] = []
    errors: Counter[str] = Counter(problems)
    samples: dict[tuple[str, str, str], None] = {}
    refused: Counter[str] = Counter()
    for index in range(config.desks):
        records = read_desk_file(config.work_dir / f"desk-{index:02d}.jsonl")
        acks.extend(records.acks)
        cycles.extend(records.cycles)
        errors.update(kind for _action, kind, _msg in records.errors)
        for line in records.errors:
            if len(samples) < ERROR_SAMPLES:
                samples.setdefault(line)
        refused.update(code for _action, code in records.refused)
    writes = sum(1 for a in acks if not a.get("same"))
    engine = make_engine(config.database_url)
    try:
        witness = Witness.for_settings(EngineSettings(database_url=config.database_url))
        with read_session(engine) as session:
            events = journal.last_event_id(session)
            checks = check_all(
                session, acks=acks, killed_terminals=killed, witness=witness
            )
    finally:
        engine.dispose()
    return StressResult(
        config=config,
        elapsed=elapsed,
        writes=writes,
        events=events,
        cycles=cycles,
        errors=errors,
        refused=refused,
        kills=kills,
        checks=checks,
        error_samples=list(samples),
    )
