"""``siaga backup``/``siaga restore`` on both databases, while desks write."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from console.cli import main
from dispatch import backup as backup_module
from dispatch.backup import backup
from dispatch.db import make_engine, read_session
from dispatch.stress import StressConfig, StressResult, run_stress
from dispatch.stress.invariants import acknowledged_present, one_outcome_per_call
from dispatch.stress.records import read_desk_file
from tests.conftest import file_mode


def _verify(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """``siaga log verify`` as an operator runs it, in its own process."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "console",
            "log",
            "verify",
            "--db",
            url,
            "--no-archives",
            *extra,
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def _acks(work: Path, desks: int) -> list[dict[str, Any]]:
    return [
        ack
        for i in range(desks)
        for ack in read_desk_file(work / f"desk-{i:02d}.jsonl").acks
    ]


def test_a_backup_taken_while_desks_write_restores_and_verifies(
    fresh_db: Callable[[], str], tmp_path: Path, open_umask: None
) -> None:
    url = fresh_db()
    work = tmp_path / "desks"
    config = StressConfig(database_url=url, desks=3, seconds=8, work_dir=work, seed=3)
    results: list[StressResult] = []
    runner = threading.Thread(target=lambda: results.append(run_stress(config)))
    runner.start()
    deadline = time.monotonic() + 120
    while len(_acks(work, 3)) < 30 and time.monotonic() < deadline:
        time.sleep(0.2)
    before = _acks(work, 3)  # acknowledged before the backup began
    assert len(before) >= 30
    out = tmp_path / "siaga.backup"
    report = backup(url, out)
    runner.join()
    assert results
    assert results[0].ok, results[0].checks
    assert file_mode(out) == 0o600
    assert report.journal_head > 0

    target = fresh_db()
    restored = CliRunner().invoke(main, ["restore", str(out), "--db", target])
    assert restored.exit_code == 0, restored.output
    assert "restored" in restored.output
    verify = _verify(target, "--state")
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert "journal OK" in verify.stdout
    engine = make_engine(target)
    try:
        with read_session(engine) as session:
            present = acknowledged_present(session, before)
            # Calls the desks were still on when the copy was taken stay open
            # in it; the copy still never ends a call twice.
            outcomes = one_outcome_per_call(
                session,
                killed_terminals=Counter({f"stress-{i:02d}": 1 for i in range(3)}),
            )
    finally:
        engine.dispose()
    assert present.ok, present.detail
    assert outcomes.ok, outcomes.detail
    # The copy holds later work too only up to its snapshot: never more events
    # than the original has now.
    assert backup_module.journal_head(target) <= backup_module.journal_head(url)
    assert backup_module.journal_head(target) >= report.journal_head


def test_restore_refuses_a_database_with_tables(
    fresh_db: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_db()
    init = CliRunner().invoke(main, ["init", "--db", url])
    assert init.exit_code == 0, init.output
    out = tmp_path / "b.backup"
    made = CliRunner().invoke(main, ["backup", str(out), "--db", url])
    assert made.exit_code == 0, made.output
    refused = CliRunner().invoke(main, ["restore", str(out), "--db", url])
    assert refused.exit_code == 1
    assert "not empty" in refused.output
    assert "--force" in refused.output
    assert "Traceback" not in refused.output
    forced = CliRunner().invoke(main, ["restore", str(out), "--db", url, "--force"])
    assert forced.exit_code == 0, forced.output
    verify = _verify(url)
    assert verify.returncode == 0, verify.stdout + verify.stderr


def test_backup_will_not_overwrite_a_file(
    fresh_db: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_db()
    assert CliRunner().invoke(main, ["init", "--db", url]).exit_code == 0
    out = tmp_path / "b.backup"
    out.write_text("keep me")
    result = CliRunner().invoke(main, ["backup", str(out), "--db", url])
    assert result.exit_code == 1
    assert "exists already" in result.output
    assert out.read_text() == "keep me"


def test_a_missing_folder_and_a_foreign_file_are_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'x.db'}"
    missing = CliRunner().invoke(
        main, ["backup", str(tmp_path / "nope" / "b.backup"), "--db", url]
    )
    assert missing.exit_code == 2
    assert "does not exist" in missing.output
    foreign = tmp_path / "notes.txt"
    foreign.write_text("hello")
    wrong = CliRunner().invoke(main, ["restore", str(foreign), "--db", url])
    assert wrong.exit_code == 1
    assert "not a siaga backup" in wrong.output
    absent = CliRunner().invoke(
        main, ["restore", str(tmp_path / "no.backup"), "--db", url]
    )
    assert absent.exit_code == 1
    assert "no backup file" in absent.output


@pytest.mark.postgresql
def test_missing_pg_dump_is_a_clear_error(
    postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(backup_module, "find_pg_tool", lambda name: None)
    result = CliRunner().invoke(
        main, ["backup", str(tmp_path / "b.backup"), "--db", postgres_url]
    )
    assert result.exit_code == 1
    assert "pg_dump was not found" in result.output
    assert "Traceback" not in result.output


@pytest.mark.postgresql
def test_a_sqlite_backup_does_not_go_into_postgresql(
    postgres_url: str, tmp_path: Path
) -> None:
    source = f"sqlite:///{tmp_path / 's.db'}"
    assert CliRunner().invoke(main, ["init", "--db", source]).exit_code == 0
    out = tmp_path / "s.backup"
    assert CliRunner().invoke(main, ["backup", str(out), "--db", source]).exit_code == 0
    result = CliRunner().invoke(main, ["restore", str(out), "--db", postgres_url])
    assert result.exit_code == 1
    assert "sqlite backup" in result.output


def test_backing_up_a_database_without_schema_is_one_line(
    fresh_db: Callable[[], str], tmp_path: Path
) -> None:
    url = fresh_db()
    if url.startswith("sqlite"):
        missing = CliRunner().invoke(main, ["backup", str(tmp_path / "a"), "--db", url])
        assert missing.exit_code == 1
        assert "there is no database file" in missing.output
        sqlite3.connect(url.removeprefix("sqlite:///")).close()  # empty, no schema
    result = CliRunner().invoke(main, ["backup", str(tmp_path / "b"), "--db", url])
    assert result.exit_code == 1
    assert "cannot read the journal" in result.output
    assert "Traceback" not in result.output
