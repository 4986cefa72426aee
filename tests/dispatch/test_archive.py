"""Archive old shifts, verify archives and the chain across the boundary, import."""

from __future__ import annotations

import gzip
import itertools
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import Row, func, select, text

from console.cli import main
from dispatch.archive import (
    ArchiveError,
    ArchiveResult,
    archive_files,
    archive_old_shifts,
    check_archive,
    file_sha256,
    import_archive,
)
from dispatch.archive_verify import verify_all
from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine, write_session
from dispatch.enums import Role
from dispatch.journal import verify_chain
from dispatch.models import Event, JournalHead
from dispatch.services import DispatchService
from dispatch.testing import principal_for, run_read
from tests.conftest import file_mode
from tests.dispatch.fresh_db import copy_database
from tests.dispatch.reports_day import DAY_START, DayGenerator, make_database

#: 08:00 WIB on 2026-11-30: shifts of the 27th and 28th may go, the 29th stays.
NOW = DAY_START + timedelta(days=3, hours=1)


@pytest.fixture(scope="module")
def template(fresh_db_module):
    url = fresh_db_module()
    services, clock = make_database(url)
    DayGenerator(services, clock, seed=3, calls=120, hours=72).run()
    services.engine.dispose()
    return url


@pytest.fixture
def env(template, tmp_path, monkeypatch, request):
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # archives: a supervisor's job
    postgres = None if template.startswith("sqlite") else "postgres_url"
    url = copy_database(
        template, request.getfixturevalue(postgres) if postgres else None, tmp_path
    )
    engine = make_engine(url)
    settings = EngineSettings(database_url=url)
    services = DispatchService(
        engine,
        settings=settings,
        clock=FixedClock(NOW),
        principal=principal_for(Role.SUPERVISOR),
    )
    yield services, tmp_path / "archive", url
    engine.dispose()


def snapshot(services: DispatchService) -> Sequence[Row[int, str]]:
    return run_read(
        services,
        lambda s: s.execute(select(Event.id, Event.hash).order_by(Event.id)).all(),
    )


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def archive(
    services: DispatchService, folder: Path, keep_days: int = 0
) -> list[ArchiveResult]:
    return archive_old_shifts(
        services.engine, services.settings, folder, now=NOW, keep_days=keep_days
    )


def test_archive_moves_old_shifts_and_verifies_across_the_boundary(env):
    services, folder, _ = env
    before = snapshot(services)
    results = archive(services, folder)
    # The set-up shift (roster loaded the evening before), the 27th, the 28th.
    assert len(results) == 3
    assert [p.name for p in archive_files(folder)] == [r.path.name for r in results]
    assert results[0].first_id == 1
    for older, newer in itertools.pairwise(results):
        assert newer.first_id == older.last_id + 1
    after = snapshot(services)
    assert after[0][0] == results[-1].last_id + 1
    assert before[-len(after) :] == after
    for result in results:
        assert result.path.with_name(result.path.name + ".sha256").exists()
        assert check_archive(result.path).ok
    outcome = run_read(services, lambda s: verify_all(s, folder))
    assert outcome.ok, outcome.lines
    assert outcome.events == len(before)
    assert "chain OK across the archive boundary" in outcome.lines[-1]


def test_archives_and_their_folder_are_owner_only(env, open_umask):
    services, folder, _ = env
    results = archive(services, folder)
    assert results
    assert file_mode(folder) == 0o700
    for result in results:
        assert file_mode(result.path) == 0o600
        assert file_mode(result.path.with_name(result.path.name + ".sha256")) == 0o600


def test_archived_shift_ends_before_the_cutoff(env):
    services, folder, _ = env
    results = archive(services, folder)
    last = results[-1]
    at = {r.path.name: r for r in results}
    assert at
    head = run_read(services, lambda s: s.get(JournalHead, 1))
    assert head is not None
    assert head.base_id == last.last_id
    # Nothing of the previous or current shift was touched.
    oldest_online = run_read(services, lambda s: s.scalar(select(func.min(Event.at))))
    assert oldest_online is not None
    assert oldest_online >= DAY_START + timedelta(days=2)


def test_nothing_archived_inside_the_retention_window(env):
    services, folder, _ = env
    assert archive(services, folder, keep_days=90) == []
    assert archive_files(folder) == []


def test_dry_run_deletes_nothing(env):
    services, folder, _url = env
    before = snapshot(services)
    planned = archive_old_shifts(
        services.engine, services.settings, folder, now=NOW, keep_days=0, dry_run=True
    )
    assert len(planned) == 3
    assert snapshot(services) == before
    assert archive_files(folder) == []


def test_archive_delete_import_restores_the_same_chain(env):
    services, folder, _ = env
    before = snapshot(services)
    results = archive(services, folder)
    with pytest.raises(ArchiveError, match="newest first"):
        import_archive(services.engine, results[0].path)
    for result in reversed(results):
        import_archive(services.engine, result.path)
    assert snapshot(services) == before
    report = run_read(services, verify_chain)
    assert report.ok
    assert report.checked == len(before)
    head = run_read(services, lambda s: s.get(JournalHead, 1))
    assert head is not None
    assert (head.base_id, head.base_hash) == (0, "0" * 64)
    outcome = run_read(services, lambda s: verify_all(s, folder))
    assert outcome.ok, outcome.lines


def test_cli_archive_import_and_verify(env):
    _services, folder, url = env
    result = run(
        "--db",
        url,
        "archive",
        "--dir",
        str(folder),
        "--keep-days",
        "0",
        "--as-of",
        NOW.isoformat(),
    )
    assert result.exit_code == 0, result.output
    assert result.output.count("archived events") == 3
    result = run("--db", url, "log", "verify", "--archives", str(folder))
    assert result.exit_code == 0, result.output
    assert "chain OK across the archive boundary" in result.output
    # Listing goes through the door too: it needs the database to know who asks.
    listing = run("--db", url, "archive", "list", "--dir", str(folder))
    assert listing.output.count(" OK") == 3
    newest = archive_files(folder)[-1]
    result = run("--db", url, "archive", "import", str(newest))
    assert result.exit_code == 0, result.output
    result = run("--db", url, "log", "verify", "--archives", str(folder))
    assert result.exit_code == 0, result.output
    # Without the archives the boundary cannot be checked: say so and fail.
    result = run("--db", url, "log", "verify", "--archives", str(folder / "nowhere"))
    assert result.exit_code == 1
    assert "no archive file" in result.output


# -- tampering ---------------------------------------------------------------------


def _verify_cli(url: str, folder: Path) -> Result:
    return run("--db", url, "log", "verify", "--archives", str(folder))


def test_tampered_event_in_the_database_names_its_position(env):
    services, folder, url = env
    archive(services, folder)
    target = snapshot(services)[5][0]
    with write_session(services.engine) as session:
        session.execute(
            text("UPDATE events SET actor = 'mallory' WHERE id = :id"), {"id": target}
        )
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert f"journal BROKEN at event {target}" in result.output


def test_reordered_events_in_the_database_name_the_position(env):
    services, folder, url = env
    archive(services, folder)
    a, b = (row[0] for row in snapshot(services)[10:12])
    with write_session(services.engine) as session:
        session.execute(text("UPDATE events SET id = -1 WHERE id = :a"), {"a": a})
        session.execute(
            text("UPDATE events SET id = :a WHERE id = :b"), {"a": a, "b": b}
        )
        session.execute(text("UPDATE events SET id = :b WHERE id = -1"), {"b": b})
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert f"BROKEN at event {a}" in result.output


def test_one_altered_archive_byte_is_caught(env):
    services, folder, url = env
    first = archive(services, folder)[1].path
    data = bytearray(first.read_bytes())
    data[len(data) // 2] ^= 0x01
    first.write_bytes(bytes(data))
    assert not check_archive(first).ok
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert f"archive {first.name} BROKEN" in result.output


def _rewrite(path: Path, edit: Callable[[list[str]], list[str]]) -> None:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        lines = handle.read().splitlines()
    lines = edit(lines)
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write("\n".join(lines) + "\n")
    # A careful forger also fixes the checksum file: the chain still catches it.
    path.with_name(path.name + ".sha256").write_text(
        f"{file_sha256(path)}  {path.name}\n"
    )


def test_forged_archive_event_names_its_position(env):
    services, folder, url = env
    first = archive(services, folder)[1].path
    header = check_archive(first).header
    assert header is not None
    position = header.first_id + 7

    def edit(lines):
        lines[8] = lines[8].replace('"actor":"', '"actor":"x', 1)
        return lines

    _rewrite(first, edit)
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert f"archive {first.name} BROKEN at event {position}" in result.output


def test_reordered_archive_events_name_the_position(env):
    services, folder, url = env
    second = archive(services, folder)[-1].path
    check = check_archive(second)
    assert check.header is not None
    first_id = check.header.first_id

    def edit(lines):
        lines[3], lines[4] = lines[4], lines[3]
        return lines

    _rewrite(second, edit)
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert f"BROKEN at event {first_id + 2}" in result.output
    with pytest.raises(ArchiveError, match="does not verify"):
        import_archive(services.engine, second)


def test_missing_archive_is_a_gap(env):
    services, folder, url = env
    first = archive(services, folder)[0].path
    first.unlink()
    result = _verify_cli(url, folder)
    assert result.exit_code == 1
    assert "BROKEN at event 1" in result.output


def test_nothing_is_archived_from_a_broken_chain(env):
    services, folder, _ = env
    before = snapshot(services)
    with write_session(services.engine) as session:
        session.execute(text("UPDATE events SET kind = 'x.y' WHERE id = 3"))
    with pytest.raises(ArchiveError, match="broken at event 3"):
        archive(services, folder)
    assert snapshot(services) == before
    assert archive_files(folder) == []
