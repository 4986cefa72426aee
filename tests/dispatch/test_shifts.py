"""The shift as a record: opened once, signed on to, closed with a stored report."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select, update

from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine, write_session
from dispatch.enums import Role
from dispatch.errors import InvalidTransition
from dispatch.journal import verify_chain
from dispatch.models import Event, Shift, ShiftSignOn
from dispatch.reports import handover_for, shift_window
from dispatch.services import DispatchService
from dispatch.shifts import StoredReportAltered, insert_shift_if_absent
from dispatch.testing import principal_for, run_read
from tests.dispatch.conftest import WATER_TYPE, new_incident

#: 07:00 WIB on 2026-11-29 (the change-over), in UTC.
CHANGEOVER = datetime(2026, 11, 29, 0, 0, tzinfo=UTC)


def events(services: DispatchService, kind: str) -> list[Event]:
    return run_read(
        services, lambda s: list(s.scalars(select(Event).where(Event.kind == kind)))
    )


def count(services: DispatchService, model: type) -> int:
    found = run_read(
        services, lambda s: s.scalar(select(func.count()).select_from(model))
    )
    return int(found or 0)


def test_open_shift_stores_the_window_once(services):
    first = services.open_shift()
    window = shift_window(services.clock.now(), services.settings)
    assert (first.starts_at, first.ends_at) == (window.start, window.end)
    assert first.starts_at == CHANGEOVER
    assert first.opened_by == "ani"
    again = services.as_actor("budi", "desk-2").open_shift()
    assert again.id == first.id
    assert again.opened_by == "ani"
    assert count(services, Shift) == 1
    (opened,) = events(services, "shift.opened")
    assert opened.payload["shift_id"] == first.id
    assert opened.actor == "ani"


def test_the_next_change_over_opens_the_next_shift(services, clock):
    first = services.open_shift()
    clock.advance(days=1)
    second = services.open_shift()
    assert second.id != first.id
    assert second.starts_at == first.ends_at
    assert len(events(services, "shift.opened")) == 2


def _race(callers: list[Any], work: Callable[[Any], Any]) -> list[Any]:
    barrier = threading.Barrier(len(callers))
    results: list[Any] = [None] * len(callers)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(callers[index])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(callers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_many_desks_opening_at_once_make_one_shift(services, db_url):
    engines = [make_engine(db_url) for _ in range(4)]
    try:
        desks = [
            DispatchService(
                engine,
                clock=services.clock,
                principal=principal_for(
                    Role.SUPERVISOR, operator=f"op{i}", terminal=f"desk-{i}"
                ),
                pack=services.pack,
            )
            for i, engine in enumerate(engines)
        ]
        views = _race(desks, lambda desk: desk.open_shift())
    finally:
        for engine in engines:
            engine.dispose()
    assert len({v.id for v in views}) == 1
    assert count(services, Shift) == 1
    assert len(events(services, "shift.opened")) == 1
    assert run_read(services, verify_chain).ok


def test_the_database_alone_keeps_one_row_per_shift(services, db_url):
    """Without the journal lock: the unique start and ON CONFLICT decide."""
    window = shift_window(services.clock.now(), services.settings)
    engines = [make_engine(db_url) for _ in range(2)]

    def insert(engine):
        with write_session(engine) as session:
            return insert_shift_if_absent(
                session, window, at=services.clock.now(), by="race"
            )

    try:
        made = _race(engines, insert)
    finally:
        for engine in engines:
            engine.dispose()
    assert sorted(made) == [False, True]
    assert count(services, Shift) == 1


def test_sign_on_records_the_shift_and_the_terminal(services):
    ani = services.sign_on_shift(role="call_taker")
    shift = services.current_shift()
    assert shift is not None
    assert ani.shift_id == shift.id
    assert (ani.operator, ani.terminal, ani.role) == ("ani", "desk-1", "call_taker")
    services.as_actor("citra", "desk-2").sign_on_shift(role="supervisor")
    budi = services.as_actor("budi").sign_on_shift(role="dispatcher")  # desk-1
    shift = services.current_shift()
    assert shift is not None
    on = {(s.terminal, s.operator, s.role) for s in shift.sign_ons}
    assert on == {("desk-1", "budi", "dispatcher"), ("desk-2", "citra", "supervisor")}
    assert budi.shift_id == shift.id
    (off,) = events(services, "shift.signed_off")
    assert off.payload["operator"] == "ani"
    assert off.actor == "budi"
    assert len(events(services, "shift.signed_on")) == 3
    assert count(services, ShiftSignOn) == 3  # history kept, one active per desk
    assert services.as_actor("budi").sign_off_shift() == ["budi"]
    shift = services.current_shift()
    assert shift is not None
    assert [s.operator for s in shift.sign_ons] == ["citra"]


def test_sign_on_records_the_principals_role_by_default(services):
    view = services.as_actor("dewi", "desk-9").sign_on_shift()
    assert view.role == services.principal.role == "supervisor"


def _open_work(services: DispatchService) -> tuple[str, int]:
    incident = new_incident(services)
    call = services.open_call({})
    services.classify_call(call.id, WATER_TYPE)
    referral = services.refer_call(call.id, {"reference_number": "LAPOR-9"})
    return incident.number, referral.id


def test_close_stores_the_report_and_journals_its_digest(services, clock):
    services.open_shift()
    number, referral_id = _open_work(services)
    clock.advance(hours=2)
    preview = services.handover_preview()
    assert [i.number for i in preview.incidents] == [number]
    assert [r.referral_id for r in preview.referrals] == [referral_id]
    closed = services.as_actor("sari", "sup-1").close_shift()
    assert closed.shift.closed_by == "sari"
    assert closed.shift.closed_at == clock.now()
    assert [i.number for i in closed.incidents] == [number]
    stored = run_read(services, lambda s: s.get(Shift, closed.shift.id))
    assert stored is not None
    assert stored.report is not None
    digest = hashlib.sha256(stored.report.encode("utf-8")).hexdigest()
    assert closed.shift.report_sha256 == digest
    (event,) = events(services, "shift.closed")
    assert event.actor == "sari"
    assert event.payload["report_sha256"] == digest
    assert event.payload["carried_incidents"] == [number]
    assert event.payload["carried_referrals"] == [referral_id]
    report = services.stored_handover(closed.shift.starts_at)
    assert report is not None
    assert report.shift_id == closed.shift.id
    assert report.handed_over_by == "sari"
    assert [line.number for line in report.open_incidents] == [number]
    assert [line.referral_id for line in report.referrals] == [referral_id]
    assert json.loads(stored.report)["referrals"][0]["reference"] == "LAPOR-9"
    assert run_read(services, verify_chain).ok


def test_a_shift_is_handed_over_once(services):
    services.open_shift()
    services.close_shift()
    with pytest.raises(InvalidTransition, match="No shift is open"):
        services.close_shift()
    with pytest.raises(InvalidTransition):
        services.handover_preview()
    assert len(events(services, "shift.closed")) == 1


def test_closing_after_the_change_over_opens_the_next_shift(services, clock):
    first = services.open_shift()
    clock.set(first.ends_at + timedelta(minutes=5))
    closed = services.close_shift()
    assert closed.shift.id == first.id
    current = services.current_shift()
    assert current is not None
    assert current.starts_at == first.ends_at
    (event,) = events(services, "shift.closed")
    assert event.payload["next_shift_id"] == current.id
    # the report covers the closed shift's window, as at its end
    report = services.stored_handover(first.starts_at)
    assert report is not None
    assert report.generated_at == first.ends_at


def test_reports_use_the_stored_shift(services, clock):
    services.open_shift()
    _open_work(services)
    closed = services.close_shift()
    clock.advance(hours=1)
    new_incident(services)  # after the handover: not in the stored report
    window = shift_window(closed.shift.starts_at, services.settings)
    report = handover_for(services, window)
    assert report.shift_id == closed.shift.id
    assert len(report.open_incidents) == 1


def test_an_altered_stored_report_is_refused(services):
    services.open_shift()
    closed = services.close_shift()
    with write_session(services.engine) as session:
        session.execute(
            update(Shift)
            .where(Shift.id == closed.shift.id)
            .values(report=Shift.report + " ")
        )
    with pytest.raises(StoredReportAltered, match="altered"):
        services.stored_handover(closed.shift.starts_at)


def test_fixed_clock_fixture_is_the_change_over_day(clock: FixedClock) -> None:
    settings = EngineSettings(database_url="sqlite://")
    assert shift_window(clock.now(), settings).start == CHANGEOVER


def test_desks_carry_their_operator_into_the_next_shift(services, clock):
    ani = services.sign_on_shift(role="call_taker")
    budi = services.as_actor("budi", "desk-2")
    budi.sign_on_shift(role="dispatcher")
    assert services.carry_sign_on() is None  # same shift: nothing to do
    clock.advance(days=1)
    carried = services.carry_sign_on()  # desk-1 notices the change-over first
    assert carried is not None
    assert carried.shift_id != ani.shift_id
    assert (carried.operator, carried.role) == ("ani", "call_taker")
    assert len(events(services, "shift.opened")) == 2
    moved = budi.carry_sign_on()  # desk-2 joins the shift desk-1 opened
    assert moved is not None
    assert moved.shift_id == carried.shift_id
    assert budi.carry_sign_on() is None
    assert len(events(services, "shift.opened")) == 2
    shift = services.current_shift()
    assert shift is not None
    assert {s.shift_id for s in shift.sign_ons} == {shift.id}
    # a terminal someone else signed on at is not taken over
    assert services.as_actor("citra", "desk-2").carry_sign_on() is None
