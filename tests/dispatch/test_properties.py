"""Random sequences of service calls keep the invariants (hypothesis).

Invariants after every step: a unit never holds two active assignments; an
active assignment's unit is in a committed status; every ended call has
exactly one outcome and every open call none; open incidents' statuses agree
with their units; the journal verifies.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from typing import TypeVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule
from sqlalchemy import select

from dispatch import journal
from dispatch.clock import FixedClock
from dispatch.db import make_engine, read_session
from dispatch.enums import CallState, UnitStatus
from dispatch.errors import DispatchError
from dispatch.models import Assignment, Base, Call, Unit
from dispatch.testing import ALUN_ALUN, DEFAULT_START, RSUD, make_services
from tests.dispatch.conftest import LOW_TYPE, P1_TYPE, WATER_TYPE

T = TypeVar("T")

STATUSES = [s.value for s in UnitStatus if s is not UnitStatus.DISPATCHED]
OUTCOMES = ["information", "prank", "silent", "abandoned"]


def build_machine(url: str) -> type[RuleBasedStateMachine]:
    class ServiceSequences(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            self.engine = make_engine(url)
            Base.metadata.drop_all(self.engine)
            Base.metadata.create_all(self.engine)
            self.clock = FixedClock(DEFAULT_START)
            self.services = make_services(self.engine, clock=self.clock)
            self.callsigns = [u.callsign for u in self.services.units()][:6]
            self.calls: list[int] = []
            self.incidents: list[int] = []

        def teardown(self) -> None:
            self.engine.dispose()

        def _try(
            self, action: Callable[[], T]
        ) -> T | None:  # every refusal must be a typed, explained error
            refused = ""
            try:
                return action()
            except DispatchError as exc:
                refused = exc.message
            assert refused, "a refusal must explain itself"
            return None

        @rule(seconds=st.integers(0, 900))
        def time_passes(self, seconds):
            self.clock.advance(seconds)

        @rule()
        def open_call(self):
            self.calls.append(self.services.open_call({}).id)

        @rule(
            data=st.data(),
            kind=st.sampled_from(["p1", "low"]),
            where=st.sampled_from([ALUN_ALUN, RSUD]),
        )
        def create_incident(self, data, kind, where):
            if not self.calls:
                return
            call_id = data.draw(st.sampled_from(self.calls))
            created = self._try(
                lambda: self.services.create_incident(
                    call_id,
                    location=where,
                    classification=P1_TYPE if kind == "p1" else LOW_TYPE,
                )
            )
            if created is not None:
                self.incidents.append(created.id)

        @rule(data=st.data(), outcome=st.sampled_from(OUTCOMES))
        def close_call(self, data, outcome):
            if self.calls:
                self._try(
                    lambda: self.services.close_call(
                        data.draw(st.sampled_from(self.calls)), outcome
                    )
                )

        @rule(data=st.data())
        def refer_call(self, data):
            if not self.calls:
                return
            call_id = data.draw(st.sampled_from(self.calls))

            def refer():
                self.services.classify_call(call_id, WATER_TYPE)
                return self.services.refer_call(call_id)

            self._try(refer)

        @rule(data=st.data())
        def attach(self, data):
            if self.calls and self.incidents:
                call_id = data.draw(st.sampled_from(self.calls))
                incident_id = data.draw(st.sampled_from(self.incidents))
                self._try(
                    lambda: self.services.attach_to_incident(call_id, incident_id)
                )

        @rule(data=st.data(), preempt=st.booleans())
        def assign(self, data, preempt):
            if self.incidents:
                incident_id = data.draw(st.sampled_from(self.incidents))
                callsign = data.draw(st.sampled_from(self.callsigns))
                self._try(
                    lambda: self.services.assign_unit(
                        incident_id, callsign, preempt=preempt
                    )
                )

        @rule(data=st.data(), status=st.sampled_from(STATUSES))
        def report(self, data, status):
            callsign = data.draw(st.sampled_from(self.callsigns))
            self._try(lambda: self.services.report_status(callsign, status))

        @rule(data=st.data())
        def acknowledge(self, data):
            self._try(
                lambda: self.services.acknowledge_assignment(
                    data.draw(st.sampled_from(self.callsigns))
                )
            )

        @rule(data=st.data())
        def close_incident(self, data):
            if self.incidents:
                incident_id = data.draw(st.sampled_from(self.incidents))
                from dispatch import triage_bridge

                self._try(
                    lambda: self.services.close_incident(
                        incident_id, triage_bridge.example_disposition()
                    )
                )

        @rule(data=st.data())
        def cancel_incident(self, data):
            if self.incidents:
                incident_id = data.draw(st.sampled_from(self.incidents))
                self._try(lambda: self.services.cancel_incident(incident_id, "test"))

        @invariant()
        def no_unit_twice(self):
            with read_session(self.engine) as s:
                active = s.scalars(
                    select(Assignment.unit_id).where(Assignment.active.is_(True))
                ).all()
                assert len(active) == len(set(active))
                for unit_id in active:
                    unit = s.get(Unit, unit_id)
                    assert unit is not None
                    assert UnitStatus(unit.status).is_committed, (
                        unit.callsign,
                        unit.status,
                    )

        @invariant()
        def every_call_has_exactly_one_outcome(self):
            with read_session(self.engine) as s:
                for state, outcome in s.execute(select(Call.state, Call.outcome)):
                    assert (state == CallState.CLOSED) == (outcome is not None)

        @invariant()
        def journal_verifies(self):
            with read_session(self.engine) as s:
                report = journal.verify_chain(s)
                assert report.ok, report.problem

        @invariant()
        def outcomes_are_counted(self):
            with read_session(self.engine) as s:
                outcomes = Counter(o for (o,) in s.execute(select(Call.outcome)) if o)
                assert sum(outcomes.values()) <= len(self.calls)

    return ServiceSequences


def test_random_service_sequences_sqlite(tmp_path):
    machine = build_machine(f"sqlite:///{tmp_path / 'prop.db'}")
    machine.TestCase.settings = settings(
        max_examples=25,
        stateful_step_count=30,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine.TestCase().runTest()


@pytest.mark.postgresql
def test_random_service_sequences_postgresql(request):
    engine = request.getfixturevalue("_postgres_schema")
    url = engine.url.render_as_string(hide_password=False)
    machine = build_machine(url)
    machine.TestCase.settings = settings(
        max_examples=8,
        stateful_step_count=25,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine.TestCase().runTest()
