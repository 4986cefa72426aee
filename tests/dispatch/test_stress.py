"""``siaga stress`` on both databases: real desk processes, invariants asserted.

The small runs go through the command line; the crash runs SIGKILL desk
processes at random moments (24 kills per database) and then require every
invariant to hold. The last tests damage a stressed database on purpose and
show that each check notices, so a green run means something.
"""

from __future__ import annotations

import json
import shutil
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import text

from console.cli import main
from dispatch.db import make_engine, read_session, write_session
from dispatch.stress import StressConfig, run_stress
from dispatch.stress.desk import PLACE_JITTER, PLACES
from dispatch.stress.invariants import check_all
from dispatch.stress.records import read_desk_file
from geodata.packs.loader import load_pack

#: Domain refusals a race may produce; anything else is a finding.
EXPECTED_REFUSALS = {"unit_already_assigned", "invalid_transition", "concurrent_update"}


def test_every_call_a_desk_can_place_is_inside_the_service_area() -> None:
    # A desk's call lies anywhere in a box around one of its places; a point
    # outside the area is refused as invalid input, which the runs count as a
    # finding (a CI run once met one after thousands of calls).
    pack = load_pack("blitar")
    steps = [PLACE_JITTER * k / 10 for k in range(-10, 11)]
    outside = [
        (lat + dlat, lon + dlon)
        for lat, lon in PLACES
        for dlat in steps
        for dlon in steps
        if not pack.point_in_service_area(lat + dlat, lon + dlon)
    ]
    assert outside == []


def test_a_small_run_keeps_every_invariant(fresh_db: Callable[[], str]) -> None:
    url = fresh_db()
    result = CliRunner().invoke(
        main,
        ["stress", "--db", url, "--desks", "4", "--seconds", "5", "--json"],
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["ok"] is True
    assert [c["name"] for c in doc["invariants"]] == [
        "no unit on two active assignments",
        "every call exactly one outcome",
        "every acknowledged action present",
        "journal verifies",
        "journal matches its checkpoint",
        "event ids without gaps",
        "domain tables agree with the journal",
    ]
    assert all(c["ok"] for c in doc["invariants"]), doc["invariants"]
    assert doc["errors"] == {}, doc["error_samples"]
    assert doc["error_samples"] == []
    assert set(doc["refused"]) <= EXPECTED_REFUSALS
    assert doc["writes"] > 10
    assert doc["events"] >= doc["writes"]
    assert doc["cycles"] > 2
    lat = doc["cycle_s"]
    assert 0 < lat["p50"] <= lat["p99"] <= lat["max"]


def test_a_database_with_calls_is_refused(fresh_db: Callable[[], str]) -> None:
    url = fresh_db()
    first = CliRunner().invoke(
        main, ["stress", "--db", url, "--desks", "1", "--seconds", "1"]
    )
    assert first.exit_code == 0, first.output
    assert "writes/s" in first.output
    assert "desk cycle" in first.output
    assert "ok     journal verifies" in first.output
    assert "FAILED" not in first.output
    again = CliRunner().invoke(
        main, ["stress", "--db", url, "--desks", "1", "--seconds", "1"]
    )
    assert again.exit_code == 1
    assert "needs an empty database" in again.output
    assert "Traceback" not in again.output


@pytest.mark.slow
def test_killed_desks_lose_nothing_acknowledged(
    fresh_db: Callable[[], str], tmp_path: Path
) -> None:
    config = StressConfig(
        database_url=fresh_db(),
        desks=6,
        seconds=20,
        work_dir=tmp_path / "desks",
        seed=11,
        kills=24,
    )
    result = run_stress(config)
    assert result.kills == 24
    failed = [c for c in result.checks if not c.ok]
    assert not failed, failed
    # Restarted desks really ran: every desk file shows more than one start
    # for the desks that were killed, and work went on after the kills.
    starts = sum(
        read_desk_file(tmp_path / "desks" / f"desk-{i:02d}.jsonl").starts
        for i in range(config.desks)
    )
    assert starts == config.desks + result.kills
    assert set(result.refused) <= EXPECTED_REFUSALS
    assert set(result.errors) <= {"DatabaseUnavailable"}, result.error_samples
    # Each error type the run met is shown with its message.
    assert {kind for _action, kind, _message in result.error_samples} == set(
        result.errors
    )
    assert result.writes > 0  # how many depends on the machine's load


# -- the checks notice damage ------------------------------------------------------


#: The database file after a stress run and the acknowledged actions.
Stressed = tuple[Path, list[dict[str, Any]]]


@pytest.fixture(scope="module")
def stressed(tmp_path_factory: pytest.TempPathFactory) -> Stressed:
    """A SQLite database after a short stress run, and the acknowledged actions."""
    folder = tmp_path_factory.mktemp("stressed")
    config = StressConfig(
        database_url=f"sqlite:///{folder / 'stressed.db'}",
        desks=2,
        seconds=3,
        work_dir=folder / "desks",
        seed=5,
    )
    result = run_stress(config)
    assert result.ok, result.checks
    acks = [
        ack
        for i in range(config.desks)
        for ack in read_desk_file(folder / "desks" / f"desk-{i:02d}.jsonl").acks
    ]
    return folder / "stressed.db", acks


def _failed_after(stressed: Stressed, tmp_path: Path, *sql: str) -> set[str]:
    source, acks = stressed
    copy = tmp_path / "copy.db"
    shutil.copy(source, copy)
    engine = make_engine(f"sqlite:///{copy}")
    try:
        with write_session(engine) as session:
            for statement in sql:
                session.execute(text(statement))
        with read_session(engine) as session:
            checks = check_all(
                session, acks=acks, killed_terminals=Counter(), witness=None
            )
    finally:
        engine.dispose()
    return {c.name for c in checks if not c.ok}


def test_the_checks_pass_on_the_untouched_copy(
    stressed: Stressed, tmp_path: Path
) -> None:
    assert _failed_after(stressed, tmp_path) == set()


def test_a_lost_call_outcome_is_caught(stressed: Stressed, tmp_path: Path) -> None:
    failed = _failed_after(
        stressed,
        tmp_path,
        "UPDATE calls SET outcome = NULL, state = 'open' WHERE id = "
        "(SELECT max(id) FROM calls WHERE outcome = 'prank')",
    )
    assert {
        "every call exactly one outcome",
        "every acknowledged action present",
        "domain tables agree with the journal",
    } <= failed


def test_a_lost_incident_close_is_caught(stressed: Stressed, tmp_path: Path) -> None:
    failed = _failed_after(
        stressed,
        tmp_path,
        "UPDATE incidents SET status = 'open' WHERE id = (SELECT max(id) FROM "
        "incidents WHERE status = 'closed')",
    )
    assert "every acknowledged action present" in failed


def test_a_removed_event_is_a_gap(stressed: Stressed, tmp_path: Path) -> None:
    failed = _failed_after(
        stressed,
        tmp_path,
        "DELETE FROM events WHERE id = (SELECT max(id) / 2 FROM events)",
    )
    assert {"event ids without gaps", "journal verifies"} <= failed


def test_a_second_active_assignment_is_caught(
    stressed: Stressed, tmp_path: Path
) -> None:
    failed = _failed_after(
        stressed,
        tmp_path,
        "DROP INDEX IF EXISTS uq_assignments_active_unit",
        "UPDATE assignments SET active = 1 WHERE unit_id = (SELECT unit_id FROM "
        "assignments GROUP BY unit_id HAVING count(*) > 1 LIMIT 1)",
    )
    assert "no unit on two active assignments" in failed


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("postgresql+psycopg://nobody@127.0.0.1:1/x", "cannot open the database"),
        ("nonsense://x", "must start with sqlite:// or postgresql://"),
    ],
)
@pytest.mark.parametrize("command", [["stress", "--seconds", "1"], ["backup", "b"]])
def test_an_unusable_database_is_one_line(
    url: str, says: str, command: list[str], tmp_path: Path
) -> None:
    if command[0] == "backup":
        command = ["backup", str(tmp_path / "b")]
        if says == "cannot open the database":
            says = "cannot read the journal"
    result = CliRunner().invoke(main, [*command, "--db", url])
    assert result.exit_code == 1
    errors = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
    assert len(errors) == 1, result.output
    assert says in errors[0]
    assert "Traceback" not in result.output
