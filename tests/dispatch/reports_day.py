"""A seeded, random day driven through the real services (test helper).

Until the simulator lands, this is how the report tests get a realistic
shift: calls arrive through the day, most end as prank/silent/referral, the
rest become incidents that get units, hand-offs, statuses and a disposition.
Everything goes through :class:`dispatch.services.DispatchService`, so the
journal is the one the services write.
"""

from __future__ import annotations

import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine, write_session
from dispatch.enums import Role
from dispatch.errors import DispatchError
from dispatch.services import DispatchService
from dispatch.testing import principal_for

#: 07:00 WIB on 2026-11-27 — the start of the simulated shift.
DAY_START = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)

KELURAHAN = ["Sukorejo", "Tanggung", "Bendogerit", "Kepanjenkidul", "Sananwetan"]
EMERGENCY_TYPES = [
    "MED-UNCON",
    "MED-CHEST",
    "MED-SICK",
    "TRAFFIC-INJ",
    "FIRE-HOUSE",
    "TREE",
    "FLOOD",
    "ANIMAL-SNAKE",
]
REFERRAL_TYPES = [
    "WATER-SUPPLY",
    "POWER-OUT",
    "SANITATION-WASTE",
    "ROAD-DAMAGE",
    "RIVER",
    "SOCIAL",
]
DISPOSITIONS = [
    "PATIENT_TRANSPORTED",
    "ASSISTANCE_GIVEN",
    "HAZARD_MADE_SAFE",
    "FALSE_ALARM",
]
HANDOFF_AGENCY = "POLRES"


def make_database(
    target: Path | str, *, start: datetime = DAY_START
) -> tuple[DispatchService, FixedClock]:
    """A fresh database with the Blitar roster, and services.

    ``target`` is a SQLite file's path or the URL of an empty database (the
    PostgreSQL runs pass one from the ``fresh_db_module`` fixture).
    """
    from dispatch.setup import init_database

    url = target if isinstance(target, str) else "sqlite:///" + str(target)
    engine = make_engine(url)
    clock = FixedClock(start - timedelta(hours=1))
    init_database(engine, pack_name="blitar", demo=True, clock=clock)
    settings = EngineSettings(
        database_url=engine.url.render_as_string(hide_password=False),
        terminal="desk-1",
        operator="ani",
    )
    principal = principal_for(Role.SUPERVISOR, operator="ani", terminal="desk-1")
    services = DispatchService(
        engine, settings=settings, clock=clock, principal=principal
    )
    return services, clock


def acknowledge_referral(services: DispatchService, referral_id: int) -> None:
    """The agency confirms a referral (no service exists for this yet)."""
    from dispatch.models import Referral

    with write_session(services.engine) as session:
        referral = session.get(Referral, referral_id)
        assert referral is not None
        referral.status = "acknowledged"
        referral.acknowledged_at = services.clock.now()


@dataclass
class DayStats:
    """What the generator did (for debugging; tests count from the journal)."""

    calls: int = 0
    skipped: list[str] = field(default_factory=list)


@dataclass(order=True)
class _Action:
    at: datetime
    seq: int
    run: Callable[[], object] = field(compare=False)


class DayGenerator:
    """Drive one day of calls through the services with a seeded RNG."""

    def __init__(
        self,
        services: DispatchService,
        clock: FixedClock,
        *,
        seed: int = 112,
        calls: int = 150,
        start: datetime = DAY_START,
        hours: float = 24.0,
    ) -> None:
        self.rng = random.Random(seed)
        self.clock = clock
        self.start = start
        self.end = start + timedelta(hours=hours)
        self.n_calls = calls
        self.desks = [
            services.as_actor("ani", "desk-1"),
            services.as_actor("budi", "desk-2"),
        ]
        self.dispatcher = services.as_actor("citra", "desk-3")
        self.queue: list[_Action] = []
        self.seq = itertools.count()
        self.open_incidents: list[str] = []
        self.stats = DayStats()

    def at(self, when: datetime, run: Callable[[], object]) -> None:
        heapq.heappush(self.queue, _Action(when, next(self.seq), run))

    def later(self, seconds: float, run: Callable[[], object]) -> None:
        self.at(self.clock.now() + timedelta(seconds=seconds), run)

    def run(self) -> DayStats:
        span = (self.end - self.start).total_seconds()
        times = sorted(self.rng.uniform(0, span * 0.97) for _ in range(self.n_calls))
        for offset in times:
            self.at(self.start + timedelta(seconds=offset), self._new_call)
        while self.queue:
            action = heapq.heappop(self.queue)
            if action.at >= self.end:
                break
            if action.at > self.clock.now():
                self.clock.set(action.at)
            try:
                action.run()
            except DispatchError as exc:  # a race the generator lost: note it
                self.stats.skipped.append(exc.message)
        return self.stats

    # -- calls -----------------------------------------------------------------

    def _new_call(self) -> None:
        rng = self.rng
        desk = rng.choice(self.desks)
        ring = rng.choice([2, 4, 6, 9, 12, 14, 18, 25, 40])
        number = f"08123{rng.randrange(100000, 999999)}"
        call = desk.open_call(
            {
                "caller_number": number,
                "rang_at": self.clock.now() - timedelta(seconds=ring),
            }
        )
        self.stats.calls += 1
        roll = rng.random()
        talk = rng.uniform(20, 120)
        if roll < 0.22:
            self.later(talk / 4, lambda: desk.close_call(call.id, "prank"))
        elif roll < 0.50:
            self.later(5, lambda: desk.close_call(call.id, "silent"))
        elif roll < 0.54:
            self.later(3, lambda: desk.close_call(call.id, "abandoned"))
        elif roll < 0.60:
            self.later(
                talk,
                lambda: desk.close_call(
                    call.id, "information", "asked for pharmacy hours"
                ),
            )
        elif roll < 0.70:
            self.later(talk, lambda: self._refer(desk, call.id))
        elif roll < 0.76 and self.open_incidents:
            target = rng.choice(self.open_incidents)
            self.later(talk, lambda: self._attach(desk, call.id, target))
        else:
            self.later(talk, lambda: self._incident(desk, call.id))

    def _refer(self, desk: DispatchService, call_id: int) -> None:
        desk.classify_call(call_id, {"type_code": self.rng.choice(REFERRAL_TYPES)})
        ref = desk.refer_call(call_id, {"reference_number": f"LPR-{call_id}"})
        if self.rng.random() < 0.6:
            self.later(
                self.rng.uniform(600, 7200),
                lambda: acknowledge_referral(self.dispatcher, ref.id),
            )

    def _attach(self, desk: DispatchService, call_id: int, number: str) -> None:
        if number not in self.open_incidents:
            desk.close_call(call_id, "information")
            return
        desk.attach_to_incident(call_id, number)

    def _incident(self, desk: DispatchService, call_id: int) -> None:
        rng = self.rng
        kel = rng.choice(KELURAHAN)
        detail = desk.create_incident(
            call_id,
            location={
                "text": f"Jl. Merdeka, {kel}",
                "lat": -8.1 + rng.random() / 100,
                "lon": 112.16 + rng.random() / 100,
                "kelurahan": kel,
                "kecamatan": "Sukorejo",
                "place_name": f"Jl. Merdeka {kel}",
            },
            classification={"type_code": rng.choice(EMERGENCY_TYPES)},
            allow_outside_area=True,
        )
        number = detail.number
        self.open_incidents.append(number)
        if rng.random() < 0.15:
            handoff = self.dispatcher.hand_off(number, HANDOFF_AGENCY)
            if rng.random() < 0.7:
                self.later(
                    rng.uniform(30, 300),
                    lambda: self.dispatcher.acknowledge_handoff(
                        handoff.id, by="Polres desk"
                    ),
                )
        self.later(rng.uniform(20, 200), lambda: self._assign(number, tries=0))
        if rng.random() < 0.3:
            self.later(
                rng.uniform(60, 400),
                lambda: self.dispatcher.add_note(
                    number, "caller says smoke is visible from the road"
                ),
            )

    def _assign(self, number: str, tries: int) -> None:
        if number not in self.open_incidents:
            return
        free = [u.callsign for u in self.dispatcher.units() if u.status == "available"]
        if not free:
            if tries < 20:
                self.later(120, lambda: self._assign(number, tries + 1))
            return
        rng = self.rng
        if rng.random() < 0.04:  # the caller rang back: no longer needed
            self.dispatcher.cancel_incident(number, "caller says the patient left")
            self.open_incidents.remove(number)
            return
        callsign = rng.choice(free)
        self.dispatcher.assign_unit(number, callsign)
        unit = self.dispatcher.as_actor(f"crew-{callsign.lower()}", "mdt")
        t = rng.uniform(10, 60)
        self.later(t, lambda: unit.acknowledge_assignment(callsign))
        t += rng.uniform(10, 60)
        self.later(t, lambda: unit.report_status(callsign, "en_route"))
        t += rng.uniform(180, 1200)
        self.later(t, lambda: unit.report_status(callsign, "on_scene"))
        t += rng.uniform(300, 1800)
        if self.clock.now() + timedelta(seconds=t) < self.end - timedelta(hours=2):
            self.later(t, lambda: self._close(number, callsign))

    def _close(self, number: str, callsign: str) -> None:
        self.dispatcher.close_incident(
            number, self.rng.choice(DISPOSITIONS), note="scene handed back"
        )
        self.open_incidents.remove(number)
        unit = self.dispatcher.as_actor(f"crew-{callsign.lower()}", "mdt")
        if self.rng.random() < 0.1:
            unit.report_status(callsign, "out_of_service")
        else:
            unit.report_status(callsign, "available")
