"""PostgreSQL: the desks' busiest actions overlap, and still never cross.

The journal lock is taken just before the commit for the actions in
``OVERLAPPING``; the rows they change are locked when loaded. These tests
hold a row lock from a second connection and watch what waits for it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import Engine, text

from dispatch.access import Action
from dispatch.models import Assignment
from dispatch.services import DispatchService
from dispatch.services.unit_of_work import OVERLAPPING, lost_race
from dispatch.testing import run_read
from tests.dispatch.conftest import LOW_TYPE, new_incident


def test_every_overlapping_action_is_an_action() -> None:
    assert {action.value for action in Action} >= OVERLAPPING
    # Hand-offs, referrals, shifts and operators stay one at a time.
    assert not {
        name for name in OVERLAPPING if name.startswith(("handoff.", "referral."))
    }


def test_a_version_clash_and_a_filled_unique_index_are_races_to_run_again() -> None:
    from sqlalchemy.exc import IntegrityError
    from sqlalchemy.orm.exc import StaleDataError

    assert lost_race(StaleDataError("stale"))
    raced = IntegrityError("INSERT", {}, Exception('violates "uq_incidents_number"'))
    assert lost_race(raced)
    other = IntegrityError("INSERT", {}, Exception('violates "ck_something_else"'))
    assert not lost_race(other)


_LOCK_INCIDENT = "SELECT id FROM incidents WHERE id = :id FOR UPDATE"


@contextmanager
def _row_held(engine: Engine, statement: str, **params: Any) -> Iterator[None]:
    """Hold a row lock from another connection for the block."""
    with engine.connect() as other:
        transaction = other.begin()
        assert other.execute(text(statement), params).first() is not None
        try:
            yield
        finally:
            transaction.rollback()


class _Background:
    """Service actions started in threads, each waited for a little while."""

    def __init__(self) -> None:
        self.threads: list[threading.Thread] = []
        self.failures: list[BaseException] = []

    def ends_within(self, seconds: float, work: Callable[[], object]) -> bool:
        """Start ``work``; True when it has ended within ``seconds``."""
        done = threading.Event()

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # the test asserts on them
                self.failures.append(exc)
            finally:
                done.set()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        self.threads.append(thread)
        return done.wait(seconds)

    def settle(self) -> list[BaseException]:
        """Wait for every started action; the errors they ended with."""
        for thread in self.threads:
            thread.join(30)
            assert not thread.is_alive()
        return self.failures


@pytest.mark.postgresql
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_an_action_on_an_incident_waits_for_that_incidents_row(
    services: DispatchService, engine: Engine
) -> None:
    busy = new_incident(services, LOW_TYPE)
    other = new_incident(services, LOW_TYPE)
    actions = _Background()
    with _row_held(engine, _LOCK_INCIDENT, id=busy.id):
        # A unit for another incident goes through at once: the actions overlap.
        assert actions.ends_within(
            5.0, lambda: services.assign_unit(other.id, "AMB-01")
        )
        # A unit for the held incident waits for it.
        assert not actions.ends_within(
            0.5, lambda: services.assign_unit(busy.id, "AMB-02")
        )
    assert actions.settle() == []
    active = run_read(
        services,
        lambda s: sorted(
            (a.incident_id, a.unit_id)
            for a in s.query(Assignment).filter_by(active=True)
        ),
    )
    assert [incident for incident, _unit in active] == sorted([busy.id, other.id])


@pytest.mark.postgresql
@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_a_close_and_an_assignment_at_once_leave_no_unit_on_a_closed_incident(
    services: DispatchService, engine: Engine
) -> None:
    from dispatch import triage_bridge

    incident = new_incident(services, LOW_TYPE)
    services.assign_unit(incident.id, "AMB-01")
    services.report_status("AMB-01", "en_route")
    services.report_status("AMB-01", "on_scene")  # the incident is on scene
    actions = _Background()
    with _row_held(engine, _LOCK_INCIDENT, id=incident.id):
        for work in (
            lambda: services.close_incident(
                incident.id, triage_bridge.example_disposition()
            ),
            lambda: services.assign_unit(incident.id, "AMB-02"),
        ):
            assert not actions.ends_within(0.2, work)  # both wait for the row
    failures = actions.settle()
    # Whichever went first, the other met the incident as it was left:
    # either the unit was assigned and then cleared by the close, or the
    # assignment was refused because the incident was closed.
    assert all(getattr(f, "code", None) == "invalid_transition" for f in failures), (
        failures
    )
    active = run_read(
        services, lambda s: s.query(Assignment).filter_by(active=True).count()
    )
    assert active == 0
