"""The journal's hash chain on SQLite and PostgreSQL: appends, feed, tampering."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import Engine, Executable, delete, insert, select, update

from dispatch import journal
from dispatch.db import read_session, write_session
from dispatch.errors import InvalidInput
from dispatch.models import Event, JournalHead
from tests.dispatch.conftest import new_incident


def verify(engine: Engine) -> journal.VerifyReport:
    with read_session(engine) as session:
        return journal.verify_chain(session)


def test_every_service_call_appends_and_the_chain_verifies(services, engine):
    before = services.last_event_id()
    incident = new_incident(services)
    services.add_note(incident.id, "asap hitam")
    events = services.events_after(before)
    assert [e.kind for e in events] == [
        "call.opened",
        "call.located",
        "call.classified",
        "incident.created",
        "incident.noted",
    ]
    assert [e.id for e in events] == list(range(before + 1, before + 6))
    assert all(e.actor == "ani" and e.terminal == "desk-1" for e in events)
    report = verify(engine)
    assert report.ok, report.problem
    assert report.checked == services.last_event_id()


def test_events_after_is_a_feed(services):
    start = services.last_event_id()
    new_incident(services)
    first = services.events_after(start, limit=2)
    rest = services.events_after(first[-1].id)
    assert [e.id for e in first + rest] == list(
        range(start + 1, services.last_event_id() + 1)
    )
    assert services.events_after(services.last_event_id()) == []


def test_a_failed_service_call_writes_no_event(services):
    call = services.open_call({})
    last = services.last_event_id()
    with pytest.raises(InvalidInput):
        services.create_incident(call.id)
    assert services.last_event_id() == last


def _tamper(engine: Engine, statement: Executable) -> None:
    with write_session(engine) as session:
        session.execute(statement)


def test_altered_payload_is_named(services, engine):
    new_incident(services)
    target = 5
    _tamper(
        engine, update(Event).where(Event.id == target).values(payload={"forged": True})
    )
    report = verify(engine)
    assert not report.ok
    assert report.problem is not None
    assert report.problem.position == target
    assert "altered" in report.problem.message


def test_altered_time_is_named(services, engine):
    new_incident(services)
    with read_session(engine) as session:
        at = session.scalar(select(Event.at).where(Event.id == 4))
    assert at is not None
    _tamper(
        engine, update(Event).where(Event.id == 4).values(at=at + timedelta(seconds=1))
    )
    problem = verify(engine).problem
    assert problem is not None
    assert problem.position == 4


def test_removed_event_is_named(services, engine):
    new_incident(services)
    _tamper(engine, delete(Event).where(Event.id == 3))
    report = verify(engine)
    assert report.problem is not None
    assert report.problem.position == 3
    assert "missing" in report.problem.message


def test_removed_last_event_is_noticed(services, engine):
    new_incident(services)
    last = services.last_event_id()
    _tamper(engine, delete(Event).where(Event.id == last))
    report = verify(engine)
    assert not report.ok
    assert report.problem is not None
    assert report.problem.position == last


def test_inserted_event_is_noticed(services, engine):
    new_incident(services)
    last = services.last_event_id()
    with read_session(engine) as session:
        tail = session.get(Event, last)
        assert tail is not None
        forged = {
            "id": last + 1,
            "at": tail.at,
            "actor": "mallory",
            "terminal": "x",
            "kind": "incident.closed",
            "payload": {},
            "prev_hash": tail.hash,
            "hash": "f" * 64,
        }
    _tamper(engine, insert(Event).values(**forged))
    report = verify(engine)
    assert report.problem is not None
    assert report.problem.position == last + 1


def test_rewritten_chain_without_the_head_is_noticed(services, engine):
    """Recomputing hashes after an edit still fails: the head remembers the end."""
    new_incident(services)
    with write_session(engine) as session:
        rows = session.scalars(select(Event).order_by(Event.id)).all()
        rows[2].payload = {"forged": True}
        running = journal.GENESIS_HASH
        for row in rows:
            row.prev_hash = running
            row.hash = journal.event_digest(
                prev_hash=running,
                event_id=row.id,
                at=row.at,
                actor=row.actor,
                terminal=row.terminal,
                kind=row.kind,
                incident_id=row.incident_id,
                call_id=row.call_id,
                unit_id=row.unit_id,
                payload=row.payload,
            )
            running = row.hash
    report = verify(engine)
    assert not report.ok
    with read_session(engine) as session:
        head = session.get(JournalHead, 1)
        assert head is not None
        assert head.last_hash != running


def test_stored_text_hashes_like_the_parsed_event(services, engine):
    """verify_chain re-hashes stored text; it must agree with event_digest."""
    incident = new_incident(services)
    services.add_note(incident.id, "Korban: Bu Siti — luka ringan, 2 orang “terjepit”")
    with read_session(engine) as session:
        fast = journal.verify_chain(session)
        slow = journal.verify_rows(journal.iter_event_rows(session))
    assert fast.ok, fast.problem
    assert slow.ok, slow.problem
    assert fast.checked == slow.checked == services.last_event_id()


def test_rewritten_payload_is_named(services, engine):
    """A payload rewritten through the ORM (new canonical text) is still caught."""
    new_incident(services)
    target = services.last_event_id()
    with write_session(engine) as session:
        session.execute(
            update(Event)
            .where(Event.id == target)
            .values(payload={"forged": True, "x": 1})
        )
    report = verify(engine)
    assert report.problem is not None
    assert report.problem.position == target
