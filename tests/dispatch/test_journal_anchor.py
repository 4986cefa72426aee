"""The journal anchored outside its database: checkpoints, tampering, repair.

Every tampering here is done the way the threat model's attacker would (by
writing to the database, never reading the key), to events from before the
newest checkpoint, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import base64
import json
from pathlib import Path

import pytest
from click.testing import Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, delete, select, update
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.db import read_session, write_session
from dispatch.errors import JournalCorrupt
from dispatch.models import Assignment, Call, Event, Incident, JournalHead
from dispatch.services import DispatchService
from dispatch.witness import Checkpoint, Witness, WitnessError, load_key
from tests.conftest import file_mode
from tests.dispatch.conftest import new_incident


def _witness(services: DispatchService) -> Witness:
    witness = services._ctx.witness
    assert witness is not None
    return witness


def _chain_ok(engine: Engine) -> journal.VerifyReport:
    with read_session(engine) as session:
        return journal.verify_chain(session)


def _history(services: DispatchService, incidents: int = 2) -> int:
    """Some incidents, then a checkpoint of them; returns the checkpointed id."""
    for _ in range(incidents):
        new_incident(services)
    made = services.checkpoint_journal()
    assert made.event_id == services.last_event_id()
    return made.event_id


def _recompute_from(session: Session, first_id: int) -> None:
    """Rewrite every hash from ``first_id`` on, and the head: a clean forgery."""
    rows = session.scalars(select(Event).order_by(Event.id)).all()
    running = journal.GENESIS_HASH
    for row in rows:
        if row.id >= first_id:
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
    session.execute(update(JournalHead).values(last_id=rows[-1].id, last_hash=running))


def test_a_commit_writes_a_signed_checkpoint_in_private_files(
    engine, clock, open_umask
):
    from dispatch.testing import make_services

    services = make_services(engine, clock=clock)
    new_incident(services)
    witness = _witness(services)
    lines = witness.witness_file.read_text().splitlines()
    assert len(lines) == 1  # the first commit of a process checkpoints at once
    assert json.loads(lines[0])["seq"] == 1
    assert file_mode(witness.witness_file) == 0o600
    assert file_mode(witness.key_file) == 0o600
    finding = services.verify_anchor()
    assert finding.ok
    assert finding.line.startswith("anchored:")


def test_a_new_key_folder_is_owner_only(tmp_path, open_umask):
    key = tmp_path / "keys" / "journal.key"
    load_key(key, create=True)
    assert file_mode(key) == 0o600
    assert file_mode(key.parent) == 0o700


def test_a_key_others_can_read_is_refused(tmp_path):
    key = tmp_path / "journal.key"
    load_key(key, create=True)
    key.chmod(0o644)
    with pytest.raises(WitnessError, match="chmod 600"):
        load_key(key, create=False)


def test_truncation_with_the_head_moved_back_is_caught(services, engine):
    signed = _history(services)
    cut = signed - 3
    with write_session(engine) as session:
        kept = session.get(Event, cut)
        assert kept is not None
        session.execute(delete(Event).where(Event.id > cut))
        session.execute(update(JournalHead).values(last_id=cut, last_hash=kept.hash))
    assert _chain_ok(engine).ok  # the chain alone cannot tell
    finding = services.verify_anchor()
    assert not finding.ok
    assert f"signed event {signed}" in finding.line
    assert "removed from the end" in finding.line


def test_a_recomputed_chain_is_caught(services, engine):
    signed = _history(services)
    with write_session(engine) as session:
        session.execute(
            update(Event).where(Event.id == 2).values(payload={"forged": True})
        )
    with write_session(engine) as session:
        _recompute_from(session, 2)
    assert _chain_ok(engine).ok  # every hash and the head agree again
    finding = services.verify_anchor()
    assert not finding.ok
    assert f"event {signed} differs" in finding.line


def test_no_new_checkpoint_covers_a_rewrite(services, engine):
    _history(services)
    witness = _witness(services)
    before = witness.witness_file.read_text()
    with write_session(engine) as session:
        _recompute_from(session, 3)
        session.execute(update(Event).where(Event.id == 3).values(actor="mallory"))
        _recompute_from(session, 3)
    with pytest.raises(WitnessError, match="rewritten or cut short"):
        services.checkpoint_journal(verify=False)
    new_incident(services)  # writing goes on; the checkpoint is refused, loudly
    assert witness.witness_file.read_text() == before
    assert not services.verify_anchor().ok


def test_a_refused_checkpoint_is_said_once_with_the_way_out(services, engine, caplog):
    # A database made anew under the same name meets the old witness file:
    # the refusal is right, but repeating it every interval buried the log.
    import logging

    _history(services)
    witness = _witness(services)
    with write_session(engine) as session:
        _recompute_from(session, 3)
        session.execute(update(Event).where(Event.id == 3).values(actor="mallory"))
        _recompute_from(session, 3)
    witness.interval = 0.0  # every commit tries to sign
    with caplog.at_level(logging.ERROR, logger="dispatch.witness"):
        for _ in range(3):
            new_incident(services)
    refusals = [r for r in caplog.records if "not written" in r.getMessage()]
    assert len(refusals) == 1
    assert str(witness.witness_file) in refusals[0].getMessage()
    assert "move" in refusals[0].getMessage()


def test_a_forged_checkpoint_is_caught(services):
    signed = _history(services)
    witness = _witness(services)
    last_line = witness.witness_file.read_text().splitlines()[-1]
    last = Checkpoint.model_validate_json(last_line)
    # Someone without the key signs a checkpoint of their own making.
    fake_key = Ed25519PrivateKey.generate()
    forged = last.model_copy(
        update={"seq": last.seq + 1, "event_id": signed + 100, "signature": ""}
    )
    import hashlib

    forged = forged.model_copy(
        update={"prev": hashlib.sha256(last_line.encode()).hexdigest()}
    )
    signature = fake_key.sign(forged.signed_bytes())
    forged = forged.model_copy(
        update={"signature": base64.b64encode(signature).decode()}
    )
    with witness.witness_file.open("a") as handle:
        handle.write(forged.line() + "\n")
    finding = services.verify_anchor()
    assert not finding.ok
    assert "not signed by the journal key" in finding.line


def test_a_deleted_witness_line_is_caught(services):
    for _ in range(3):
        new_incident(services)
        services.checkpoint_journal()
    witness = _witness(services)
    lines = witness.witness_file.read_text().splitlines()
    assert len(lines) >= 3
    del lines[1]
    witness.witness_file.write_text("\n".join(lines) + "\n")
    finding = services.verify_anchor()
    assert not finding.ok
    assert "witness line 2" in finding.line


def test_an_edited_witness_line_is_caught(services):
    for _ in range(2):
        new_incident(services)
        services.checkpoint_journal()
    witness = _witness(services)
    lines = witness.witness_file.read_text().splitlines()
    lines[0] = lines[0].replace('"event_id":', '"event_id":1')
    witness.witness_file.write_text("\n".join(lines) + "\n")
    assert not services.verify_anchor().ok


def test_a_missing_head_is_reported_and_repaired(services, engine):
    _history(services)
    last = services.last_event_id()
    with write_session(engine) as session:
        session.execute(delete(JournalHead))
    report = _chain_ok(engine)
    assert report.problem is not None
    assert "journal_head row is missing" in report.problem.message
    with pytest.raises(JournalCorrupt, match="repair-head"):
        new_incident(services)
    message = services.repair_journal_head()
    assert "recreated" in message
    assert _chain_ok(engine).ok
    assert services.events_after(last)[0].kind == "journal.head_repaired"
    new_incident(services)  # writing works again
    assert _chain_ok(engine).ok
    assert services.verify_anchor().ok


def test_a_head_moved_back_stops_writes_with_a_clear_error(services, engine):
    new_incident(services)
    with write_session(engine) as session:
        kept = session.get(Event, 2)
        assert kept is not None
        session.execute(update(JournalHead).values(last_id=2, last_hash=kept.hash))
    problem = _chain_ok(engine).problem
    assert problem is not None
    assert "journal_head says" in problem.message
    # Not a raw IntegrityError: a typed error that says what to do.
    with pytest.raises(JournalCorrupt, match="repair-head"):
        new_incident(services)
    assert "moved" in services.repair_journal_head()
    assert _chain_ok(engine).ok


def test_repair_refuses_to_bless_a_truncated_journal(services, engine):
    signed = _history(services)
    with write_session(engine) as session:
        session.execute(delete(Event).where(Event.id > signed - 2))
        session.execute(delete(JournalHead))
    with pytest.raises(JournalCorrupt, match="not repaired"):
        services.repair_journal_head()


def test_state_agrees_on_an_honest_journal(services):
    incident = new_incident(services)
    services.close_call(services.open_call({}).id, "prank")
    services.add_note(incident.id, "ok")
    findings = services.verify_state()
    assert [f.ok for f in findings] == [True], [f.line for f in findings]


@pytest.mark.parametrize(
    ("tamper", "expected"),
    [
        (update(Incident).values(priority="P3"), "priority is 'P3'"),
        (update(Call).values(caller_number="+6281111111111"), "caller number"),
        (update(Call).values(outcome="silent"), "outcome is 'silent'"),
    ],
)
def test_a_domain_change_without_an_event_is_caught(services, engine, tamper, expected):
    new_incident(services, number="081234567890")
    with write_session(engine) as session:
        session.execute(tamper)
    findings = services.verify_state()
    assert not all(f.ok for f in findings)
    assert any(expected in f.line for f in findings), [f.line for f in findings]
    assert _chain_ok(engine).ok  # the chain alone cannot tell


def test_a_deleted_incident_is_caught(services, engine):
    incident = new_incident(services)
    with write_session(engine) as session:
        session.execute(update(Call).values(incident_id=None))
        session.execute(delete(Incident).where(Incident.id == incident.id))
    lines = [f.line for f in services.verify_state()]
    assert any("deleted without an event" in line for line in lines), lines


def test_in_memory_databases_say_they_are_not_anchored(clock):
    from dispatch.db import make_engine
    from dispatch.testing import make_services

    services = make_services(make_engine("sqlite://"), clock=clock)
    new_incident(services)
    finding = services.verify_anchor()
    assert finding.ok
    assert finding.line.startswith("not anchored")
    with pytest.raises(WitnessError):
        services.checkpoint_journal()


def test_cli_verify_checkpoint_and_repair(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from console.cli import main
    from tests.dispatch.reports_day import make_database

    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # repair: a supervisor's job
    services, _clock = make_database(tmp_path / "siaga.db")
    engine = services.engine
    url = str(engine.url)
    new_incident(services)

    def run(*args: str) -> Result:
        return CliRunner().invoke(main, ["--db", url, "log", *args])

    made = run("checkpoint")
    assert made.exit_code == 0, made.output
    assert made.output.startswith("checkpoint ")
    ok = run("verify", "--no-archives", "--state")
    assert ok.exit_code == 0, ok.output
    assert "anchored:" in ok.output
    with write_session(engine) as session:
        session.execute(update(Incident).values(type_code="TREE"))
        session.execute(delete(JournalHead))
    broken = run("verify", "--no-archives", "--state")
    assert broken.exit_code == 1
    assert "journal_head row is missing" in broken.output
    assert "BROKEN: state: incident" in broken.output
    assert "Traceback" not in broken.output
    repaired = run("repair-head")
    assert repaired.exit_code == 0, repaired.output
    assert "recreated" in repaired.output


def test_handover_reports_carry_a_signed_checkpoint(services, clock):
    from dispatch.reports import handover_for, shift_window
    from dispatch.reports.render import handover_markdown

    services.open_shift()
    new_incident(services)
    on_demand = handover_for(services, shift_window(clock.now(), services.settings))
    assert on_demand.checkpoint is not None
    # The newest checkpoint when it is fresh (a refreshing screen adds none).
    assert on_demand.checkpoint == _witness(services).read().latest
    assert on_demand.checkpoint.event_id <= services.last_event_id()
    assert f"event {on_demand.checkpoint.event_id}" in handover_markdown(on_demand)
    new_incident(services)
    clock.advance(hours=2)
    closed = services.close_shift()
    stored = services.stored_handover(closed.shift.starts_at)
    assert stored is not None
    assert stored.checkpoint is not None
    # Signed under the journal lock just before the shift.closed event.
    assert stored.checkpoint.event_id == services.last_event_id() - 1
    read = _witness(services).read()
    assert read.ok
    assert read.latest == stored.checkpoint
    assert "Journal checkpoint" in handover_markdown(stored)


def test_a_missing_key_is_reported_not_ignored(services):
    _history(services, incidents=1)
    witness = _witness(services)
    witness.key_file.unlink()
    finding = services.verify_anchor()
    assert not finding.ok
    assert "no journal signing key" in finding.line


def test_a_replaced_key_is_reported(services):
    _history(services, incidents=1)
    witness = _witness(services)
    witness.key_file.unlink()
    witness._key = None  # as a new process would: it finds no key and makes one
    new_incident(services)
    services.checkpoint_journal()  # signed with the brand-new key
    finding = services.verify_anchor()
    assert not finding.ok
    assert "another key" in finding.line


_TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=40,
)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    actor=_TEXT,
    kind=_TEXT,
    payload=st.dictionaries(
        _TEXT, st.one_of(_TEXT, st.integers(-(2**53), 2**53), st.booleans()), max_size=4
    ),
)
def test_any_text_hashes_the_same_written_and_verified(engine, actor, kind, payload):
    """The one digest agrees with itself through the database's stored text."""
    from datetime import UTC, datetime

    with write_session(engine) as session:
        journal.append(
            session,
            at=datetime(2026, 11, 29, 3, 0, 0, 123456, tzinfo=UTC),
            actor=actor[:64],
            terminal="desk-1",
            kind=kind[:48],
            payload=payload,
        )
    report = _chain_ok(engine)
    assert report.ok, report.problem
    with read_session(engine) as session:
        parsed = journal.verify_rows(journal.iter_event_rows(session))
    assert parsed.ok, parsed.problem
    assert parsed.last_hash == report.last_hash


def test_a_checkpoint_that_cannot_be_written_never_fails_a_saved_action(
    services, caplog
):
    import logging

    witness = _witness(services)
    witness.witness_file.unlink(missing_ok=True)
    witness.witness_file.mkdir(parents=True)  # the witness cannot be opened as a file
    witness._last_try = float("-inf")
    before = services.last_event_id()
    with caplog.at_level(logging.ERROR, logger="dispatch.witness"):
        new_incident(services)  # committed: failing it now would invite a retry
    assert services.last_event_id() > before
    assert "journal checkpoint not written" in caplog.text


def test_state_agrees_after_a_busy_day(tmp_path: Path) -> None:
    """A realistic day (calls, incidents, assignments, hand-offs) replays clean."""
    from tests.dispatch.reports_day import DayGenerator, make_database

    services, clock = make_database(tmp_path / "day.db")
    DayGenerator(services, clock, seed=11, calls=60).run()
    findings = services.verify_state()
    assert [f.ok for f in findings] == [True], [f.line for f in findings]
    assert services.verify_anchor().ok


def test_an_assignment_ended_without_an_event_is_caught(services, engine):
    incident = new_incident(services)
    services.accept_recommendation(incident.id)
    assert [f.ok for f in services.verify_state()] == [True]
    with write_session(engine) as session:
        session.execute(update(Assignment).values(active=False, status="cleared"))
    lines = [f.line for f in services.verify_state()]
    assert any(
        "the assignment is ended but the journal says active" in line for line in lines
    ), lines
