"""The discrete-event loop: calls, call takers' outcomes and units' journeys.

Events sit in one heap ordered by (time, sequence). The simulated clock (a
:class:`~dispatch.clock.FixedClock`) jumps to each event, and every effect
goes through :class:`~dispatch.services.DispatchService`, so the database and
its journal end up as a real center's would:

* **call rings** → ``open_call``; after the handling time the call ends as
  drawn: ``create_incident`` (then the policy dispatches), ``refer_call``,
  ``close_call`` (prank, silent, abandoned, information), or a duplicate
  caller ``attach_to_incident``;
* **unit assigned** → ``en_route`` after its turnout, ``on_scene`` at the
  model's ETA (the driving part varies by a lognormal factor);
* **scene work done** → an ambulance may ``transporting`` → ``at_hospital``
  (the nearest hospital of the pack) → handover; every unit then reports
  ``returning`` and, back home, ``available`` at its station;
* an incident closes with a disposition when its last working unit clears
  and its plan is covered (slots still unfilled then are dropped and
  counted).

Units moving back to their station report an interpolated position before
each dispatch round (automatic vehicle location), so the engine counts a
returning unit from where it is. A unit pulled off an incident (P1
pre-emption) drops its pending events through a per-unit generation number.
After the last call of the period the loop drains: no new calls, but every
incident is served and every unit comes home.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import numpy as np

from dispatch import catalogue
from dispatch.clock import FixedClock
from dispatch.enums import Determinant, Priority, UnitStatus
from dispatch.errors import DispatchError
from dispatch.priority import TimerTargets
from dispatch.schemas import AssignmentView
from dispatch.services import DispatchService
from dispatch.simulator.calls import CallSpec
from dispatch.simulator.metrics import IncidentRecord, UnitRecord
from dispatch.simulator.mirror import IncidentState, MirrorBoard, UnitState
from dispatch.simulator.policies import Board, DispatchPolicy, missing_slots
from dispatch.simulator.profile import WorkloadProfile

__all__ = ["EventLoop"]

_DISPOSITION = {
    "medical": ("PATIENT_TRANSPORTED", "PATIENT_TREATED_RELEASED"),
    "traffic": ("PATIENT_TRANSPORTED", "REPORT_TAKEN"),
    "fire": ("FIRE_EXTINGUISHED", "FIRE_EXTINGUISHED"),
    "hazard": ("HAZARD_MADE_SAFE", "HAZARD_MADE_SAFE"),
    "flood": ("ASSISTANCE_GIVEN", "ASSISTANCE_GIVEN"),
    "water": ("RESCUE_COMPLETED", "RESCUE_COMPLETED"),
    "animal": ("RESCUE_COMPLETED", "RESCUE_COMPLETED"),
    "police": ("REPORT_TAKEN", "REPORT_TAKEN"),
    "public_order": ("SETTLED_ON_SCENE", "SETTLED_ON_SCENE"),
    "person": ("ASSISTANCE_GIVEN", "ASSISTANCE_GIVEN"),
    "service": ("BODY_TRANSPORTED", "BODY_TRANSPORTED"),
}
"""Family → (disposition with a transport, without)."""

_DRAIN_LIMIT_S = 7 * 86_400.0
"""Stop draining this long after the period (a run can never hang)."""


class EventLoop:
    """One run: a list of calls, a policy, services on a simulated clock."""

    def __init__(
        self,
        services: DispatchService,
        clock: FixedClock,
        policy: DispatchPolicy,
        profile: WorkloadProfile,
        calls: list[CallSpec],
        *,
        start: datetime,
        hours: float,
    ) -> None:
        self.services = services
        self.clock = clock
        self.policy = policy
        self.profile = profile
        self.calls = calls
        self.start = start
        self.horizon = hours * 3600.0
        self.model = services.travel_model
        self.turnout = dict(services.pack.travel.turnout_s)
        self._heap: list[tuple[float, int, str, tuple[Any, ...]]] = []
        self._seq = itertools.count()
        self.now = 0.0
        stations = services.pack.station_by_id
        self.units: dict[str, UnitState] = {}
        for view in services.units():
            st = stations.get(view.station_id or "")
            home = (st.lat, st.lon) if st else (view.lat or 0.0, view.lon or 0.0)
            reported = (
                (view.lat, view.lon)
                if view.lat is not None and view.lon is not None
                else ((st.lat, st.lon) if st else None)
            )
            self.units[view.callsign] = UnitState(
                view.callsign,
                view.unit_type,
                home,
                home,
                agency=view.agency_code,
                capabilities=frozenset(view.capabilities),
                station_id=view.station_id,
                reported=reported,
                status=view.status,
            )
        self.hospitals = [
            (lm.lat, lm.lon) for lm in services.pack.landmarks if lm.kind == "hospital"
        ] or sorted({u.home for u in self.units.values()})
        self.incidents: dict[int, IncidentState] = {}
        self.open: dict[int, IncidentState] = {}
        """The incidents not closed yet (a day closes thousands)."""
        self.board = self._board()
        self.outcomes: dict[str, int] = {}
        self.dropped_slots: dict[str, int] = {}
        self.preemptions = 0
        self.service_calls = 0

    def _board(self) -> Board:
        """What the policy reads each round: the loop's own copy (mirror.py)."""
        return MirrorBoard(self.open, self.units, self.clock, self._report_positions)

    # -- the loop --------------------------------------------------------------

    def _at(self, t: float, kind: str, *args: Any) -> None:
        heapq.heappush(self._heap, (t, next(self._seq), kind, args))

    def _set_time(self, t: float) -> None:
        self.now = t
        self.clock.set(self.start + timedelta(seconds=t))

    def run(self) -> None:
        """Run every event to the end (period + drain)."""
        for call in self.calls:
            self._at(call.at_s, "ring", call)
        handlers: dict[str, Callable[..., None]] = {
            "ring": self._ring,
            "answered": self._answered,
            "duplicate": self._duplicate,
            "duplicate_answered": self._duplicate_answered,
            "en_route": self._en_route,
            "on_scene": self._on_scene,
            "scene_done": self._scene_done,
            "at_hospital": self._at_hospital,
            "handover_done": self._handover_done,
            "home": self._home,
        }
        while self._heap:
            t, _, kind, args = heapq.heappop(self._heap)
            if t > self.horizon + _DRAIN_LIMIT_S:
                break
            self._set_time(t)
            handlers[kind](*args)
        end = max(self.now, self.horizon)
        for unit in self.units.values():
            self._account(unit, end)

    # -- calls -----------------------------------------------------------------

    def _ring(self, call: CallSpec) -> None:
        view = self.services.open_call({"caller_number": call.caller_number})
        self._at(self.now + call.handling_s, "answered", call, view.id)

    def _answered(self, call: CallSpec, call_id: int) -> None:
        s = self.services
        self.outcomes[call.outcome] = self.outcomes.get(call.outcome, 0) + 1
        if call.outcome == "incident":
            self._create_incident(call, call_id)
        elif call.outcome == "referral":
            s.classify_call(call_id, {"type_code": call.type_code, "answers": {}})
            if call.location:
                s.record_location(call_id, call.location)
            s.refer_call(call_id, {})
        else:
            s.close_call(call_id, call.outcome)

    def _create_incident(self, call: CallSpec, call_id: int) -> None:
        assert call.type_code is not None
        assert call.location is not None
        detail = self.services.create_incident(
            call_id,
            location=call.location,
            classification={"type_code": call.type_code, "answers": call.answers},
        )
        cat = catalogue.get_catalogue()
        kind = cat.incident_type(detail.type_code)
        determinant = Determinant(detail.determinant)
        level = cat.level(detail.type_code, determinant)
        targets = TimerTargets.for_priority(
            Priority(detail.priority),
            type_code=detail.type_code,
            determinant=determinant,
        )
        record = IncidentRecord(
            incident_id=detail.id,
            number=detail.number,
            type_code=detail.type_code,
            priority=Priority(detail.priority),
            received_s=call.at_s,
            created_s=self.now,
            target_s=targets.on_scene_s,
            plan_types=tuple(sorted({slot.unit_type for slot in level.plan})),
        )
        state = IncidentState(
            record=record,
            family=kind.family,
            lat=detail.lat or 0.0,
            lon=detail.lon or 0.0,
            plan=level.plan,
            rng=np.random.default_rng(call.service_seed),
            summary=detail,
            dispatch_target_s=targets.dispatch_s,
        )
        self.incidents[detail.id] = self.open[detail.id] = state
        if call.duplicate_after_s is not None:
            self._at(self.now + call.duplicate_after_s, "duplicate", detail.id)
        self._dispatch_round()

    def _duplicate(self, incident_id: int) -> None:
        view = self.services.open_call({})
        low, high = self.profile.handling_s.duplicate
        handling = float(self.incidents[incident_id].rng.uniform(low, high))
        self._at(self.now + handling, "duplicate_answered", view.id, incident_id)

    def _duplicate_answered(self, call_id: int, incident_id: int) -> None:
        self.outcomes["duplicate"] = self.outcomes.get("duplicate", 0) + 1
        if self.incidents[incident_id].closed:
            self.services.close_call(call_id, "information", "Incident already closed")
        else:
            self.services.attach_to_incident(call_id, incident_id)

    # -- dispatching -------------------------------------------------------------

    def _waiting(self) -> bool:
        """True when some open incident's plan is not covered yet (a cheap hint).

        Rounds are skipped when nothing waits: a freed unit with an empty
        queue changes nothing, and the policy would only read the board.
        """
        return any(i.missing() for i in self.open.values())

    def _dispatch_round(self) -> None:
        for _ in range(4):  # a round that pulled units off incidents runs again
            if not self._waiting():
                return
            self._move_returning()
            made = self.policy.dispatch(self.services, self.clock.now(), self.board)
            pulled = False
            for assignment in made:
                pulled |= self._assigned(assignment)
            if not pulled:
                return

    def _move_returning(self) -> None:
        """Where every unit driving home is now (interpolated on its way).

        Only the loop's copy moves here; the database learns the positions
        when the engine is about to read them (:meth:`_report_positions`,
        through the board): writing hundreds of positions each round was a
        third of a province day, and read by nobody most rounds.
        """
        for unit in self.units.values():
            if unit.move is None or unit.status != UnitStatus.RETURNING:
                continue
            (lat0, lon0), (lat1, lon1), t0, t1 = unit.move
            f = 1.0 if t1 <= t0 else min(1.0, max(0.0, (self.now - t0) / (t1 - t0)))
            unit.pos = (
                round(lat0 + f * (lat1 - lat0), 6),
                round(lon0 + f * (lon1 - lon0), 6),
            )

    def _report_positions(self) -> None:
        """Report every moved unit's position (automatic vehicle location)."""
        for unit in self.units.values():
            if unit.move is not None and unit.pos != unit.reported:
                self.services.report_position(unit.callsign, *unit.pos)
                unit.reported = unit.pos

    def _assigned(self, a: AssignmentView) -> bool:
        unit = self.units[a.callsign]
        pulled = False
        if unit.incident_id is not None and unit.incident_id != a.incident_id:
            old = self.incidents.get(unit.incident_id)
            if old is not None:
                old.active.discard(unit.callsign)
                old.unserve(unit.unit_type)
            self.preemptions += 1
            pulled = True
        incident = self.incidents[a.incident_id]
        self._status(unit, UnitStatus.DISPATCHED, report=False)
        unit.gen += 1
        unit.move = None
        unit.incident_id = a.incident_id
        incident.active.add(unit.callsign)
        incident.serve(unit.unit_type)
        record = incident.record
        if record.first_assigned_s is None:
            record.first_assigned_s = self.now
        record.first_assigned_by_type.setdefault(unit.unit_type, self.now)
        turnout = self.turnout.get(unit.unit_type, 60.0)
        eta = self.model.eta(unit.pos, (incident.lat, incident.lon), unit.unit_type)
        drive = max(0.0, eta - turnout) * self._noise(incident.rng)
        self._at(self.now + turnout, "en_route", unit.callsign, unit.gen)
        self._at(self.now + turnout + drive, "on_scene", unit.callsign, unit.gen)
        return pulled

    def _noise(self, rng: np.random.Generator) -> float:
        sigma = self.profile.travel.noise_sigma
        if sigma <= 0:
            return 1.0
        return float(rng.lognormal(-sigma * sigma / 2, sigma))

    # -- units -----------------------------------------------------------------------

    def _live(self, callsign: str, gen: int) -> UnitState | None:
        unit = self.units[callsign]
        return unit if unit.gen == gen else None

    def _status(
        self,
        unit: UnitState,
        status: UnitStatus,
        *,
        report: bool = True,
        pos: tuple[float, float] | None = None,
    ) -> None:
        self._account(unit, self.now)
        if report:
            lat, lon = pos if pos is not None else (None, None)
            self.services.report_status(unit.callsign, status, lat=lat, lon=lon)
        if pos is not None:
            unit.pos = pos
            if report:
                unit.reported = pos
        unit.status = status

    def _account(self, unit: UnitState, t: float) -> None:
        lo, hi = unit.since, min(t, self.horizon)
        if hi > lo:
            if unit.status.is_committed:
                unit.busy_s += hi - lo
            if unit.status != UnitStatus.AVAILABLE:
                unit.away_s += hi - lo
        unit.since = t

    def _en_route(self, callsign: str, gen: int) -> None:
        unit = self._live(callsign, gen)
        if unit is not None:
            self._status(unit, UnitStatus.EN_ROUTE)

    def _on_scene(self, callsign: str, gen: int) -> None:
        unit = self._live(callsign, gen)
        if unit is None or unit.incident_id is None:
            return
        incident = self.incidents[unit.incident_id]
        self._status(unit, UnitStatus.ON_SCENE, pos=(incident.lat, incident.lon))
        record = incident.record
        if record.first_on_scene_s is None:
            record.first_on_scene_s = self.now
        record.first_on_scene_by_type.setdefault(unit.unit_type, self.now)
        scene = self.profile.scene_min.get(unit.unit_type)
        mean_s, shape = (scene.mean * 60.0, scene.shape) if scene else (1200.0, 2.0)
        work = float(incident.rng.gamma(shape, mean_s / shape))
        self._at(self.now + work, "scene_done", callsign, gen)

    def _scene_done(self, callsign: str, gen: int) -> None:
        unit = self._live(callsign, gen)
        if unit is None or unit.incident_id is None:
            return
        incident = self.incidents[unit.incident_id]
        transport = self.profile.transport
        if unit.unit_type == "AMBULANCE":
            p = transport.ambulance_probability(incident.family)
        elif unit.unit_type == "HEARSE":
            p = transport.hearse
        else:
            p = 0.0
        if p > 0 and incident.rng.random() < p:
            hospital, seconds = self._nearest_hospital(
                unit, (incident.lat, incident.lon)
            )
            self._status(unit, UnitStatus.TRANSPORTING)
            incident.transported = True
            drive = seconds * self._noise(incident.rng)
            self._at(self.now + drive, "at_hospital", callsign, gen, hospital)
            return
        self._leave(unit, incident)

    def _nearest_hospital(
        self, unit: UnitState, origin: tuple[float, float]
    ) -> tuple[tuple[float, float], float]:
        best = min(
            (self.model.travel_seconds(origin, h, unit.unit_type), h)
            for h in self.hospitals
        )
        return best[1], best[0]

    def _at_hospital(
        self, callsign: str, gen: int, hospital: tuple[float, float]
    ) -> None:
        unit = self._live(callsign, gen)
        if unit is None or unit.incident_id is None:
            return
        incident = self.incidents[unit.incident_id]
        self._status(unit, UnitStatus.AT_HOSPITAL, pos=hospital)
        t = self.profile.transport
        handover = (
            float(incident.rng.weibull(t.handover_shape)) * t.handover_scale_min * 60
        )
        self._at(self.now + handover, "handover_done", callsign, gen)

    def _handover_done(self, callsign: str, gen: int) -> None:
        unit = self._live(callsign, gen)
        if unit is not None and unit.incident_id is not None:
            self._leave(unit, self.incidents[unit.incident_id])

    def _leave(self, unit: UnitState, incident: IncidentState) -> None:
        """The unit clears the incident and drives home."""
        self._status(unit, UnitStatus.RETURNING)
        incident.active.discard(unit.callsign)
        incident.worked += 1
        unit.incident_id = None
        seconds = self.model.travel_seconds(unit.pos, unit.home, unit.unit_type)
        drive = seconds * self._noise(incident.rng)
        unit.move = (unit.pos, unit.home, self.now, self.now + drive)
        self._at(self.now + drive, "home", unit.callsign, unit.gen)
        self._maybe_close(incident)
        self._dispatch_round()

    def _home(self, callsign: str, gen: int) -> None:
        unit = self._live(callsign, gen)
        if unit is None:
            return
        unit.move = None
        self._status(unit, UnitStatus.AVAILABLE, pos=unit.home)
        self._dispatch_round()

    def _maybe_close(self, incident: IncidentState) -> None:
        if incident.active or incident.closed or incident.worked == 0:
            return
        for slot in missing_slots(incident.plan, incident.served):
            self.dropped_slots[slot.unit_type] = (
                self.dropped_slots.get(slot.unit_type, 0) + slot.count
            )
        with_transport, without = _DISPOSITION.get(
            incident.family, ("ASSISTANCE_GIVEN", "ASSISTANCE_GIVEN")
        )
        try:
            self.services.close_incident(
                incident.record.incident_id,
                with_transport if incident.transported else without,
            )
        except DispatchError:
            return
        incident.closed = True
        self.open.pop(incident.record.incident_id, None)
        incident.record.closed_s = self.now

    # -- results ------------------------------------------------------------------

    def unit_records(self) -> list[UnitRecord]:
        """Busy and away time of every unit within the period."""
        return [
            UnitRecord(u.callsign, u.unit_type, u.busy_s, u.away_s)
            for u in sorted(self.units.values(), key=lambda u: u.callsign)
        ]
