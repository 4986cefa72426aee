"""One stress desk: a process that works calls like a 112 desk, as fast as it can.

A desk signs on as its own :data:`~dispatch.principal.SystemRole.STRESS`
principal and repeats one *cycle*: pick up a call, then either end it with a
one-key outcome (prank, silent, information) or make an incident, get units
onto it (accept the recommendation, or race the other desks for one of a few
contested units), report the units' statuses and close it. Every answer the
service gives is written to the desk's own file (:mod:`dispatch.stress.records`)
before the next action, so the checker knows what was acknowledged even when
the desk is killed half-way.

A desk restarted after a kill first finishes what its file says it left
open — the call it was on, the incident it was working — as an operator at
a restarted console would.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from dispatch.config import EngineSettings
from dispatch.db import make_engine
from dispatch.errors import CommitInDoubt, DatabaseUnavailable, DispatchError
from dispatch.principal import Principal, SystemRole
from dispatch.services import DispatchService
from dispatch.stress.records import DeskLog, read_desk_file

T = TypeVar("T")

#: One-key outcomes a call taker ends a non-emergency call with.
QUICK_OUTCOMES = ("prank", "silent", "information")
#: Incident types a stress call is classified as (medical, traffic, fire, tree).
INCIDENT_TYPES = ("MED-UNCON", "MED-SICK", "TRAFFIC-INJ", "FIRE-HOUSE", "TREE")
#: Places inside Kota Blitar the calls come from (lat, lon).
PLACES = (
    (-8.09816, 112.16518),  # alun-alun
    (-8.1080, 112.1790),  # near RSUD Mardi Waluyo (its own point is too
    # close to the city's edge: a jittered call fell outside the service area)
    (-8.0955, 112.1609),
    (-8.1041, 112.1522),
    (-8.0870, 112.1750),
)
#: How far (degrees) a call may lie from its place: the whole box around
#: every place must be inside the service area, or the run reports refusals.
PLACE_JITTER = 0.002
#: The units every desk races for, a few at a time.
CONTESTED_UNITS = ("AMB-01", "AMB-02", "DMK-01")
#: The unit statuses a crew reports on the way, in order.
CREW_STATUSES = ("en_route", "on_scene")


@dataclass(frozen=True)
class DeskSpec:
    """What a desk process needs to start (picklable: it crosses ``spawn``)."""

    index: int
    incarnation: int
    database_url: str
    desk_file: Path
    seed: int
    quick_share: float = 0.45
    race_share: float = 0.3

    @property
    def terminal(self) -> str:
        """The desk's terminal name (the same across restarts)."""
        return f"stress-{self.index:02d}"


class Desk:
    """One desk's actions, each recorded as acknowledged, refused or failed."""

    def __init__(self, spec: DeskSpec, services: DispatchService, log: DeskLog):
        self.spec = spec
        self.services = services
        self.log = log
        self.rng = random.Random(spec.seed * 1000 + spec.index * 37 + spec.incarnation)
        from dispatch import triage_bridge

        self.disposition = triage_bridge.example_disposition()

    def act(self, action: str, call: Callable[[str], T]) -> T | None:
        """Run one service action under one idempotency key; retry it once.

        A desk retries as a front end does: with the same key, so an action
        whose commit succeeded but whose answer was lost (``CommitInDoubt``)
        or that timed out waiting (``DatabaseUnavailable``) is done at most
        once. Returns ``None`` when the engine refused or failed (recorded
        either way).
        """
        key = uuid.uuid4().hex
        for attempt in (1, 2):
            try:
                return call(key)
            except (CommitInDoubt, DatabaseUnavailable) as exc:
                if attempt == 2:
                    self.log.error(action, type(exc).__name__, exc.message)
            except DispatchError as exc:
                self.log.refused(action, exc.code)
                return None
            except Exception as exc:  # counted by type; the run goes on
                self.log.error(action, type(exc).__name__, str(exc))
                return None
        return None

    # -- one cycle -----------------------------------------------------------------

    def cycle(self) -> None:
        """One call from pick-up to its end (and its incident's, if any)."""
        number = f"+62812{self.rng.randrange(10**7):07d}"
        call = self.act(
            "call.open",
            lambda key: self.services.open_call(
                {"caller_number": number}, idempotency_key=key
            ),
        )
        if call is None:
            return
        self.log.ack("call.open", call=call.id)
        if self.rng.random() < self.spec.quick_share:
            self.end_call(call.id, self.rng.choice(QUICK_OUTCOMES))
            return
        incident_id = self.create_incident(call.id)
        if incident_id is None:
            self.end_call(call.id, "abandoned")
            return
        callsigns = self.get_units(incident_id)
        for callsign in callsigns:
            for status in CREW_STATUSES[: self.rng.randint(0, len(CREW_STATUSES))]:
                if not self.report_status(incident_id, callsign, status):
                    break
        self.close_incident(incident_id)

    def end_call(self, call_id: int, outcome: str) -> None:
        """End a call with a one-key outcome."""
        done = self.act(
            "call.close",
            lambda key: self.services.close_call(call_id, outcome, idempotency_key=key),
        )
        if done is not None:
            self.log.ack("call.close", call=call_id, outcome=outcome)

    def create_incident(self, call_id: int) -> int | None:
        """Locate, classify and open an incident from the call in one action."""
        lat, lon = self.rng.choice(PLACES)
        location = {
            "text": "stress",
            "lat": lat + self.rng.uniform(-PLACE_JITTER, PLACE_JITTER),
            "lon": lon + self.rng.uniform(-PLACE_JITTER, PLACE_JITTER),
        }
        classification = {"type_code": self.rng.choice(INCIDENT_TYPES), "answers": {}}
        incident = self.act(
            "incident.create",
            lambda key: self.services.create_incident(
                call_id,
                location=location,
                classification=classification,
                idempotency_key=key,
            ),
        )
        if incident is None:
            return None
        self.log.ack("incident.create", call=call_id, incident=incident.id)
        return int(incident.id)

    def get_units(self, incident_id: int) -> list[str]:
        """Accept the recommendation, or race the other desks for one unit."""
        if self.rng.random() < self.spec.race_share:
            callsign = self.rng.choice(CONTESTED_UNITS)
            assignment = self.act(
                "unit.assign",
                lambda key: self.services.assign_unit(
                    incident_id, callsign, idempotency_key=key
                ),
            )
            if assignment is None:
                return []
            self.log.ack("unit.assign", incident=incident_id, unit=callsign)
            return [callsign]
        # What the dispatcher looks at before the key (a read, not counted).
        self.act("incident.recommend", lambda key: self.services.recommend(incident_id))
        assignments = self.act(
            "incident.accept_recommendation",
            lambda key: self.services.accept_recommendation(
                incident_id, idempotency_key=key
            ),
        )
        callsigns = [a.callsign for a in assignments or ()]
        for n, callsign in enumerate(callsigns):
            # One write assigned them all: only the first line counts as a write.
            extra = {"same": True} if n else {}
            self.log.ack("unit.assign", incident=incident_id, unit=callsign, **extra)
        return callsigns

    def report_status(self, incident_id: int, callsign: str, status: str) -> bool:
        """A crew reports a status; ``False`` when it was not taken."""
        unit = self.act(
            "unit.report_status",
            lambda key: self.services.report_status(
                callsign, status, idempotency_key=key
            ),
        )
        if unit is None:
            return False
        # The incident the service says the unit is on: a P1 elsewhere may have
        # pre-empted it since this desk assigned it.
        self.log.ack(
            "unit.status", incident=unit.incident_id, unit=callsign, status=status
        )
        return unit.incident_id == incident_id

    def close_incident(self, incident_id: int) -> None:
        """Close the incident (its units are cleared and free again)."""
        closed = self.act(
            "incident.close",
            lambda key: self.services.close_incident(
                incident_id, self.disposition, idempotency_key=key
            ),
        )
        if closed is not None:
            self.log.ack("incident.close", incident=incident_id)

    # -- after a restart -----------------------------------------------------------

    def finish_left_over(self) -> None:
        """End the call and close the incident an earlier incarnation left open."""
        earlier = read_desk_file(self.spec.desk_file)
        calls: dict[int, bool] = {}
        incidents: dict[int, bool] = {}
        for ack in earlier.acks:
            action = ack["a"]
            if action == "call.open":
                calls[ack["call"]] = False
            elif action in ("call.close", "incident.create"):
                calls[ack["call"]] = True
                if action == "incident.create":
                    incidents[ack["incident"]] = False
            elif action == "incident.close":
                incidents[ack["incident"]] = True
        for call_id, ended in calls.items():
            if not ended:
                self.end_call(call_id, "abandoned")
        for incident_id, closed in incidents.items():
            if not closed:
                self.close_incident(incident_id)


def _services(spec: DeskSpec) -> DispatchService:
    settings = EngineSettings(
        database_url=spec.database_url,
        operator=f"stress-{spec.index:02d}",
        terminal=spec.terminal,
    )
    principal = Principal(f"stress-{spec.index:02d}", SystemRole.STRESS, spec.terminal)
    return DispatchService(
        make_engine(spec.database_url, settings=settings),
        settings=settings,
        principal=principal,
    )


def ready_name(index: int, incarnation: int) -> str:
    """The file a desk process creates once it is working (or about to)."""
    return f"ready-{index:02d}-{incarnation}"


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.02)


def run_desk(spec: DeskSpec, work_dir: Path) -> None:
    """The body of a desk process: load, say ready, wait for go, cycle until stop.

    Coordination is by files in ``work_dir`` only, so a sibling killed at any
    moment can hold no lock this desk waits on.
    """
    services = _services(spec)
    services.pack  # noqa: B018 -- load the region pack before the clock starts
    log = DeskLog(spec.desk_file)
    desk = Desk(spec, services, log)
    stop = work_dir / "stop"
    try:
        if spec.incarnation > 0:
            desk.finish_left_over()
        log.started(spec.incarnation)
        (work_dir / ready_name(spec.index, spec.incarnation)).touch()
        _wait_for(work_dir / "go")
        while not stop.exists():
            began = time.perf_counter()
            desk.cycle()
            log.cycle(time.perf_counter() - began)
    finally:
        log.close()
        services.engine.dispose()
