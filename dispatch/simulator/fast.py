"""The in-memory fast path: an ambulance benchmark day without the database.

Replicating a fortnight of the Utrecht instance 30 times for two policies is
about 140,000 calls; through the services (one SQLite transaction per status
change) that takes hours. This loop keeps the board in plain Python objects
and asks the **same decision code the desks use** — the recommender
(:func:`dispatch.recommend.recommend`, with its coverage rule), the batch
step (:func:`dispatch.batch.assign_batch`) and the queue order
(:func:`dispatch.priority.queue_key`) — for every dispatch, so a policy's
figures measure the engine, not a re-implementation of it.

The model is the benchmark's (JEMSS's): a call becomes dispatchable a fixed
delay after it rings; the unit drives (sirens for high priority, regular
speed otherwise), works on scene, transports to the nearest hospital with
some probability, hands over, and drives home, free for dispatch on the way
(not for ``closest-idle``). Every random draw of a call (place, priority,
on-scene, transport, handover) is made before the run from its own stream
(:func:`generate_benchmark_calls`), so every policy meets the same calls
with the same service times: common random numbers, exactly.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import numpy as np
from numpy.typing import NDArray

from dispatch.batch import assign_batch
from dispatch.catalogue import PlanSlot
from dispatch.enums import IncidentStatus, Priority, UnitStatus
from dispatch.priority import QueueItem, TimerTargets, queue_key
from dispatch.recommend import (
    RecommendConfig,
    RecommendRequest,
    UnitCandidate,
    UnitPool,
    recommend,
)
from dispatch.relocation import best_station
from geodata.packs.benchmark import AMBULANCE, BenchmarkPack

__all__ = [
    "FAST_POLICIES",
    "BenchmarkCalls",
    "FastRun",
    "generate_benchmark_calls",
    "run_benchmark",
]

FAST_POLICIES = (
    "engine",
    "engine-nocoverage",
    "engine-dmexclp",
    "closest-idle",
    "closest-free",
)
"""Policies of the fast path: the engine (coverage rule on where the pack has
demand data), the engine without it, the engine with DMEXCLP relocation of
freed units (:mod:`dispatch.relocation`), and the two published baselines."""

_EPOCH = datetime(2025, 1, 6, tzinfo=UTC)
_SLOT = (PlanSlot(unit_type=AMBULANCE, count=1),)
_HIGH, _LOW = Priority.P1, Priority.P3


@dataclass(frozen=True)
class BenchmarkCalls:
    """One replication's calls and every service-time draw (seconds)."""

    arrival: NDArray[np.float64]
    high: NDArray[np.bool_]
    place: NDArray[np.float64]
    """Shape (n, 2): lat, lon."""
    on_scene: NDArray[np.float64]
    transport: NDArray[np.bool_]
    handover: NDArray[np.float64]
    hospital: NDArray[np.intp]
    """Nearest hospital (by travel time) of each call."""

    def __len__(self) -> int:
        return len(self.arrival)


def generate_benchmark_calls(
    pack: BenchmarkPack, seed: int, hours: float
) -> BenchmarkCalls:
    """Draw a replication's calls: one independent stream per quantity."""
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(6)]
    model = pack.calls
    mean_gap = 3600.0 / model.rate_per_hour
    expected = int(hours * model.rate_per_hour * 1.2 + 50)
    gaps = streams[0].exponential(mean_gap, expected)
    arrival = np.cumsum(gaps)
    while arrival[-1] < hours * 3600:
        more = np.cumsum(streams[0].exponential(mean_gap, expected)) + arrival[-1]
        arrival = np.concatenate([arrival, more])
    arrival = arrival[arrival < hours * 3600]
    n = len(arrival)
    place = pack.demand.sample(streams[1], n)
    hospitals = np.array([(h.lat, h.lon) for h in pack.hospitals], dtype=np.float64)
    to_hospital = np.stack(
        [pack.travel.eta_many(place, (h[0], h[1]), [AMBULANCE] * n) for h in hospitals]
    )
    return BenchmarkCalls(
        arrival=arrival,
        high=streams[2].random(n) < model.high_priority_share,
        place=place,
        on_scene=streams[3].exponential(model.on_scene_mean_min * 60.0, n),
        transport=streams[4].random(n) < model.transport_probability,
        handover=model.handover_weibull_scale_min
        * 60.0
        * streams[5].weibull(model.handover_weibull_shape, n),
        hospital=np.argmin(to_hospital, axis=0),
    )


@dataclass
class _Unit:
    callsign: str
    station: str
    home: tuple[float, float]
    status: UnitStatus = UnitStatus.AVAILABLE
    call: int | None = None
    token: int = 0
    leg_from: tuple[float, float] = (0.0, 0.0)
    leg_to: tuple[float, float] = (0.0, 0.0)
    leg_start: float = 0.0
    leg_end: float = 0.0
    committed_since: float = 0.0
    busy: list[tuple[float, float]] = field(default_factory=list)

    def position(self, now: float) -> tuple[float, float]:
        """Where the unit is (linear along its current leg)."""
        if self.status in (UnitStatus.AVAILABLE, UnitStatus.ON_SCENE):
            return self.leg_to if self.status is UnitStatus.ON_SCENE else self.home
        span = self.leg_end - self.leg_start
        f = 1.0 if span <= 0 else min(1.0, max(0.0, (now - self.leg_start) / span))
        a, b = self.leg_from, self.leg_to
        return (a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]))


@dataclass(frozen=True)
class FastRun:
    """What one policy did to one replication's calls."""

    policy: str
    response: NDArray[np.float64]
    """Seconds from ring to first ambulance on scene, per call (NaN: never)."""
    high: NDArray[np.bool_]
    arrival: NDArray[np.float64]
    busy_s: float
    """Unit-seconds committed (dispatch → free after the call) in the window."""
    window_s: float
    units: int
    preemptions: int


class _Loop:
    """One replication under one policy (see the module docstring)."""

    def __init__(
        self,
        pack: BenchmarkPack,
        calls: BenchmarkCalls,
        policy: str,
        config: RecommendConfig,
    ) -> None:
        self.pack, self.calls, self.policy, self.config = pack, calls, policy, config
        homes = pack.station_by_id
        self.units = [
            _Unit(c, s, (homes[s].lat, homes[s].lon)) for c, s in pack.ambulances
        ]
        self.by_sign = {u.callsign: u for u in self.units}
        self.events: list[tuple[float, int, str, int, int]] = []
        self.seq = 0
        self.waiting: dict[int, float] = {}  # call -> time it became dispatchable
        self.response = np.full(len(calls), np.nan)
        self.preemptions = 0
        self.delay = pack.calls.dispatch_delay_min * 60.0
        self.regular = pack.regular_factor
        self.targets = {
            True: pack.targets.high_min * 60.0,
            False: pack.targets.low_min * 60.0,
        }
        self.dispatch_s = {
            p: TimerTargets.for_priority(p).dispatch_s for p in (_HIGH, _LOW)
        }

    def push(self, t: float, kind: str, unit: int, token: int) -> None:
        self.seq += 1
        heapq.heappush(self.events, (t, self.seq, kind, unit, token))

    def drive_s(
        self, a: tuple[float, float], b: tuple[float, float], fast: bool
    ) -> float:
        base = float(self.pack.travel.eta_many([a], b, [AMBULANCE])[0])
        return base if fast else base * self.regular

    def run(self, window: tuple[float, float]) -> FastRun:
        for i, t in enumerate(self.calls.arrival.tolist()):
            self.push(t + self.delay, "call", i, -1)
        while self.events:
            t, _, kind, who, token = heapq.heappop(self.events)
            if kind == "call":
                self.waiting[who] = t
            else:
                unit = self.units[who]
                if token != unit.token:
                    continue  # the unit was re-tasked since
                self.advance(t, unit, kind)
                if kind not in ("freed", "home"):
                    continue
            self.dispatch(t)
        lo, hi = window
        busy = sum(
            max(0.0, min(e, hi) - max(s, lo)) for u in self.units for s, e in u.busy
        )
        return FastRun(
            self.policy,
            self.response,
            self.calls.high,
            self.calls.arrival,
            busy,
            hi - lo,
            len(self.units),
            self.preemptions,
        )

    def advance(self, t: float, unit: _Unit, kind: str) -> None:
        c = unit.call
        idx = self.units.index(unit)
        if kind == "scene" and c is not None:
            unit.status = UnitStatus.ON_SCENE
            if math.isnan(self.response[c]):
                self.response[c] = t - self.calls.arrival[c]
            self.push(t + float(self.calls.on_scene[c]), "scene_done", idx, unit.token)
        elif kind == "scene_done" and c is not None:
            if self.calls.transport[c]:
                h = self.pack.hospitals[int(self.calls.hospital[c])]
                self.leg(unit, t, unit.leg_to, (h.lat, h.lon), fast=False)
                unit.status = UnitStatus.TRANSPORTING
                self.push(unit.leg_end, "hospital", idx, unit.token)
            else:
                self.free(t, unit)
        elif kind == "hospital" and c is not None:
            unit.status = UnitStatus.AT_HOSPITAL
            self.push(t + float(self.calls.handover[c]), "freed", idx, unit.token)
        elif kind == "freed":
            self.free(t, unit)
        elif kind == "home":
            unit.status = UnitStatus.AVAILABLE

    def leg(
        self,
        unit: _Unit,
        t: float,
        a: tuple[float, float],
        b: tuple[float, float],
        *,
        fast: bool,
    ) -> None:
        unit.leg_from, unit.leg_to = a, b
        unit.leg_start, unit.leg_end = t, t + self.drive_s(a, b, fast)

    def free(self, t: float, unit: _Unit) -> None:
        unit.busy.append((unit.committed_since, t))
        unit.call = None
        unit.token += 1
        if self.policy == "engine-dmexclp":
            self.relocate(unit)
        self.leg(unit, t, unit.leg_to, unit.home, fast=False)
        unit.status = UnitStatus.RETURNING
        self.push(unit.leg_end, "home", self.units.index(unit), unit.token)

    def relocate(self, unit: _Unit) -> None:
        """DMEXCLP: the freed unit heads for the station that adds most coverage."""
        rule = self.config.coverage
        if rule is None:
            return
        others = [
            u.home
            for u in self.units
            if u is not unit
            and u.status in (UnitStatus.AVAILABLE, UnitStatus.RETURNING)
        ]
        stations = self.pack.stations
        index = best_station(
            rule.model,
            self.pack.travel,
            AMBULANCE,
            np.array([(s.lat, s.lon) for s in stations]),
            np.array(others, dtype=np.float64).reshape(-1, 2),
            [s.id for s in stations].index(unit.station),
        )
        unit.station = stations[index].id
        unit.home = (stations[index].lat, stations[index].lon)

    def send(self, t: float, unit: _Unit, call: int) -> None:
        """Send ``unit`` to ``call``; a unit on another call is pulled off it."""
        if unit.call is not None:  # pre-emption: the other call waits again
            self.preemptions += 1
            unit.busy.append((unit.committed_since, t))
            self.waiting[unit.call] = t
        unit.committed_since = t
        pos = unit.position(t)
        unit.token += 1
        unit.call = call
        self.waiting.pop(call, None)
        place = (float(self.calls.place[call, 0]), float(self.calls.place[call, 1]))
        self.leg(unit, t, pos, place, fast=bool(self.calls.high[call]))
        unit.status = UnitStatus.EN_ROUTE
        self.push(unit.leg_end, "scene", self.units.index(unit), unit.token)

    # -- policies ------------------------------------------------------------------

    def dispatch(self, t: float) -> None:
        if not self.waiting:
            return
        if self.policy in ("closest-idle", "closest-free"):
            self.closest(t, returning=self.policy == "closest-free")
        else:
            self.engine(t)

    def closest(self, t: float, *, returning: bool) -> None:
        if returning:  # JEMSS: priority, then arrival
            order = sorted(self.waiting, key=lambda c: (not self.calls.high[c], c))
        else:
            order = sorted(self.waiting)
        ok = {UnitStatus.AVAILABLE} | ({UnitStatus.RETURNING} if returning else set())
        for call in order:
            free = [u for u in self.units if u.status in ok]
            if not free:
                return
            place = (float(self.calls.place[call, 0]), float(self.calls.place[call, 1]))
            etas = self.pack.travel.eta_many(
                np.array([u.position(t) for u in free]), place, [AMBULANCE] * len(free)
            )
            best = min(
                range(len(free)), key=lambda i: (float(etas[i]), free[i].callsign)
            )
            self.send(t, free[best], call)

    def candidates(self, t: float) -> list[UnitCandidate]:
        out = []
        for u in self.units:
            lat, lon = u.position(t)
            call = u.call
            out.append(
                UnitCandidate(
                    callsign=u.callsign,
                    agency="EMS",
                    unit_type=AMBULANCE,
                    capabilities=frozenset(),
                    station_id=u.station,
                    lat=lat,
                    lon=lon,
                    status=u.status,
                    assignment_priority=None
                    if call is None
                    else (_HIGH if self.calls.high[call] else _LOW),
                    assignment_incident_id=call,
                )
            )
        return out

    def request(self, t: float, call: int) -> RecommendRequest:
        high = bool(self.calls.high[call])
        gone = t - float(self.calls.arrival[call])
        on_time = (self.targets[high] - gone) / (1.0 if high else self.regular)
        return RecommendRequest(
            incident_id=call,
            lat=float(self.calls.place[call, 0]),
            lon=float(self.calls.place[call, 1]),
            priority=_HIGH if high else _LOW,
            slots=_SLOT,
            on_time_s=on_time,
        )

    def queue(self, t: float) -> list[int]:
        now = _EPOCH + timedelta(seconds=t)
        items = []
        for call in self.waiting:
            prio = _HIGH if self.calls.high[call] else _LOW
            received = _EPOCH + timedelta(seconds=float(self.calls.arrival[call]))
            item = QueueItem(
                call,
                prio,
                received,
                received,
                self.dispatch_s[prio],
                IncidentStatus.PENDING,
            )
            items.append((queue_key(item, now), call))
        return [c for _, c in sorted(items)]

    def engine(self, t: float) -> None:
        now = _EPOCH + timedelta(seconds=t)
        order = self.queue(t)
        if len(order) >= 2:
            if not any(u.status.is_assignable for u in self.units):
                order = [c for c in order if self.calls.high[c]]
            else:
                made = assign_batch(
                    [self.request(t, c) for c in order],
                    self.candidates(t),
                    self.pack.travel,
                    now,
                )
                for a in made:
                    self.send(t, self.by_sign[a.callsign], a.incident_id)
                order = [c for c in self.queue(t) if self.calls.high[c]]
        for call in order:
            pool = UnitPool(self.candidates(t), self.config.compatibility)
            rec = recommend(
                self.request(t, call), pool, self.pack.travel, now, self.config
            )
            for unit in rec.units[:1]:
                self.send(t, self.by_sign[unit.callsign], call)


def run_benchmark(
    pack: BenchmarkPack,
    calls: BenchmarkCalls,
    policy: str,
    config: RecommendConfig,
    window: tuple[float, float],
) -> FastRun:
    """Run one policy over one replication's calls (see the module docstring).

    ``window`` (seconds) is the measured period: busy time is clipped to it.
    """
    if policy not in FAST_POLICIES:
        raise ValueError(
            f"unknown policy {policy!r} for a benchmark pack; "
            f"choose one of {', '.join(FAST_POLICIES)}"
        )
    return _Loop(pack, calls, policy, config).run(window)
