"""`siaga init` is skipped when nothing changed, and journals nothing when re-run."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine, func, select, text, update

from console.cli import main
from dispatch.db import make_engine, read_session
from dispatch.migrate import head_revision, is_up_to_date, upgrade
from dispatch.models import Event, Unit
from dispatch.setup import init_database
from dispatch.setup_check import (
    head_revision_fast,
    init_needed,
    pack_fingerprint,
    pack_folder,
    schema_is_current,
)
from geodata.packs import resolve_pack_path


def _events(engine: Engine) -> list[str]:
    with read_session(engine) as session:
        return list(session.scalars(select(Event.kind).order_by(Event.id)))


def test_the_fast_head_is_alembics_head() -> None:
    assert head_revision_fast() == head_revision()


def test_schema_is_current_agrees_with_alembic(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 's.db'}")
    assert not schema_is_current(engine)
    assert not is_up_to_date(engine)
    upgrade(engine)
    assert schema_is_current(engine)
    assert is_up_to_date(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    assert not schema_is_current(engine)
    assert not is_up_to_date(engine)
    engine.dispose()


def test_pack_folder_follows_the_loaders_rule(tmp_path: Path) -> None:
    assert pack_folder("blitar") == resolve_pack_path("blitar")
    assert pack_folder(str(tmp_path)) == resolve_pack_path(str(tmp_path))


def test_reloading_an_identical_roster_journals_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    first = init_database(engine)
    assert first.roster.changed
    assert _events(engine) == ["roster.loaded"]
    again = init_database(engine)
    assert not again.roster.changed
    assert (again.roster.units_added, again.roster.units_updated) == (0, 0)
    assert _events(engine) == ["roster.loaded"]
    engine.dispose()


def test_a_changed_unit_is_updated_and_journaled(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'r.db'}")
    init_database(engine)
    with engine.begin() as conn:
        conn.execute(update(Unit).values(name="renamed"))
    report = init_database(engine)
    with read_session(engine) as session:
        units = session.scalar(select(func.count()).select_from(Unit))
    assert report.roster.units_updated == units
    assert _events(engine) == ["roster.loaded", "roster.loaded"]
    engine.dispose()


def test_a_schema_without_migrations_needs_init(db_url: str) -> None:
    """Both backends: tables made without Alembic are not a set-up database."""
    assert init_needed(db_url, "blitar", demo=True) == "the database is new"


def test_init_needed_until_init_ran_then_not(tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'n.db'}"
    assert init_needed(db_url, "blitar", demo=True) is not None
    engine = make_engine(db_url)
    init_database(engine, demo=True)
    # The first sign-on needs an administrator: init asks for one.
    assert init_needed(db_url, "blitar", demo=True) == "there is no administrator yet"
    _add_admin(engine)
    engine.dispose()
    assert init_needed(db_url, "blitar", demo=True) is None
    # Asking for something init did not do is a reason to run it.
    assert "changed" in (init_needed(db_url, "blitar", demo=False) or "")


def test_an_edited_pack_file_needs_init(tmp_path: Path) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(resolve_pack_path("blitar"), pack)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    engine = make_engine(url)
    init_database(engine, pack_name=str(pack))
    _add_admin(engine)
    assert init_needed(url, str(pack), demo=True) is None
    before = pack_fingerprint(str(pack))
    with (pack / "units.csv").open("a", encoding="utf-8") as handle:
        handle.write("\n")
    assert pack_fingerprint(str(pack)) != before
    assert init_needed(url, str(pack), demo=True) is not None
    init_database(engine, pack_name=str(pack))  # content identical: nothing new
    assert _events(engine) == ["roster.loaded", "operator.added"]
    assert init_needed(url, str(pack), demo=True) is None
    engine.dispose()


def test_an_older_schema_needs_init(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.db'}"
    engine = make_engine(url)
    init_database(engine)
    engine.dispose()
    with sqlite3.connect(tmp_path / "o.db") as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    assert "0001" in (init_needed(url, "blitar", demo=True) or "")


def test_the_check_never_creates_a_database(tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    result = CliRunner().invoke(main, ["init", "--check", "--db", f"sqlite:///{db}"])
    assert result.exit_code == 1
    assert "new" in result.output
    assert not db.exists()


def test_check_command_exit_codes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'c.db'}"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--check", "-q", "--db", url]).exit_code == 1
    made = runner.invoke(main, ["init", "--db", url])
    assert made.exit_code == 0, made.output
    assert "creating the database" in made.output
    ok = runner.invoke(main, ["init", "--check", "--db", url])
    assert ok.exit_code == 0
    assert "up to date" in ok.output


def test_the_check_loads_no_heavy_module(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.db'}"
    CliRunner().invoke(main, ["init", "--db", url])
    code = (
        "import sys\n"
        "from console.cli import main\n"
        f"sys.argv = ['siaga', 'init', '--check', '--db', {url!r}]\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    code = exc.code\n"
        "heavy = [m for m in ('alembic', 'sqlalchemy.orm', 'geodata.packs.loader',"
        " 'textual', 'numpy') if m in sys.modules]\n"
        "print(code, heavy)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert out.stdout.strip().endswith("0 []"), out.stdout + out.stderr


def test_prepare_runs_init_once_then_goes_straight_on(tmp_path: Path) -> None:
    """``siaga --prepare`` (what ./scripts/start runs) before any command."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    runner = CliRunner()
    first = runner.invoke(main, ["--db", url, "--prepare", "log", "verify"])
    assert first.exit_code == 0, first.output
    assert "Preparing the database: the database is new" in first.output
    assert "loading the roster" in first.output
    assert "journal OK" in first.output
    again = runner.invoke(main, ["--db", url, "--prepare", "log", "verify"])
    assert again.exit_code == 0, again.output
    assert "Preparing" not in again.output
    # the roster and the first administrator; nothing journaled again
    assert "journal OK: 2 events" in again.output


def _add_admin(engine: Engine) -> None:
    from dispatch.services import DispatchService

    DispatchService(engine).create_first_admin("admin", "test admin password")
