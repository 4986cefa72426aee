"""Consistent online copies of either database, and bringing one back.

SQLite is copied with the sqlite3 backup API in one step, which reads one
snapshot while desks keep writing (WAL mode lets readers and the writer
overlap). PostgreSQL is copied with ``pg_dump`` (custom format, one
repeatable-read snapshot) and restored with ``pg_restore``. Every file made
here is owner-only from the moment it exists: a backup holds callers'
numbers and the whole journal. A restore refuses a database that already
holds tables unless ``force`` is given, so a slip of the finger cannot
replace a live centre's data.
"""

from __future__ import annotations

import glob
import os
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import inspect, make_url, text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from dispatch.db import make_engine, read_session
from dispatch.errors import BackupFailed

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupReport:
    """What a backup or restore did, for the one line the command prints."""

    backend: str
    path: Path
    journal_head: int
    """The journal's last event id when the copy began (backup) or in the copy."""


def find_pg_tool(name: str) -> Path | None:
    """``pg_dump``/``pg_restore`` on PATH, else the newest in the usual folders."""
    on_path = shutil.which(name)
    if on_path:
        return Path(on_path)
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}")
        + glob.glob(f"/usr/local/pgsql/bin/{name}")
        + glob.glob(f"/opt/homebrew/opt/postgresql*/bin/{name}"),
        key=lambda p: tuple(int(x) for x in Path(p).parts if x.isdigit()) or (0,),
        reverse=True,
    )
    return Path(candidates[0]) if candidates else None


def _pg_tool(name: str) -> Path:
    tool = find_pg_tool(name)
    if tool is None:
        raise BackupFailed(
            f"{name} was not found (install the PostgreSQL client tools, "
            f"or put {name} on PATH)"
        )
    return tool


def _sqlite_path(url: URL) -> Path:
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        raise BackupFailed("an in-memory SQLite database cannot be backed up")
    return Path(database).expanduser()


def _create_private(path: Path) -> int:
    """Create ``path`` owner-only (it must not exist); return the open fd."""
    if not path.parent.is_dir():
        raise BackupFailed(f"the folder {str(path.parent)!r} does not exist")
    try:
        return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise BackupFailed(f"{path} exists already; choose a new file name") from exc


def journal_head(url: str) -> int:
    """The journal's last event id in the database at ``url`` (0 if none)."""
    from dispatch import journal

    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return journal.last_event_id(session)
    except SQLAlchemyError as exc:
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        raise BackupFailed(
            "cannot read the journal of that database (is it initialised? "
            f"`siaga init`): {first[0] if first else type(exc).__name__}"
        ) from exc
    finally:
        engine.dispose()


# -- backup ----------------------------------------------------------------------


def backup(url: str, out: Path) -> BackupReport:
    """Copy the database at ``url`` into the new file ``out`` (owner-only)."""
    parsed = make_url(url)
    tool = None if parsed.get_backend_name() == "sqlite" else _pg_tool("pg_dump")
    if tool is None:
        source = _sqlite_path(parsed)
        if not source.exists():
            raise BackupFailed(f"there is no database file {source}")
    head = journal_head(url)
    if tool is None:
        os.close(_create_private(out))
        try:
            with (
                sqlite3.connect(source) as src,
                sqlite3.connect(out) as dst,
            ):
                src.backup(dst)  # all pages in one step: one snapshot
            dst.close()
            src.close()
        except sqlite3.Error as exc:
            out.unlink(missing_ok=True)
            raise BackupFailed(f"the SQLite backup failed: {exc}") from exc
        return BackupReport("sqlite", out, head)
    fd = _create_private(out)
    with os.fdopen(fd, "wb") as target:
        _run_pg([str(tool), "--format=custom", "--no-owner"], parsed, stdout=target)
    return BackupReport("postgresql", out, head)


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment carrying it."""
    env = dict(os.environ)
    if url.password is not None:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run_pg(argv: list[str], url: URL, *, stdout: IO[bytes] | None = None) -> None:
    uri, env = _libpq(url)
    result = subprocess.run(
        [*argv, f"--dbname={uri}"],
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        lines = result.stderr.decode(errors="replace").strip().splitlines()
        raise BackupFailed(
            f"{Path(argv[0]).name} failed: {lines[0] if lines else result.returncode}"
        )


# -- restore ---------------------------------------------------------------------


def _kind_of(path: Path) -> str:
    try:
        with path.open("rb") as f:
            head = f.read(len(SQLITE_MAGIC))
    except FileNotFoundError as exc:
        raise BackupFailed(f"there is no backup file {path}") from exc
    except IsADirectoryError as exc:
        raise BackupFailed(f"{path} is a folder, not a backup file") from exc
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_DUMP_MAGIC):
        return "postgresql"
    raise BackupFailed(f"{path} is not a siaga backup (neither SQLite nor pg_dump)")


def _has_tables(url: str) -> bool:
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return bool(inspect(conn).get_table_names())
    finally:
        engine.dispose()


def restore(url: str, source: Path, *, force: bool = False) -> BackupReport:
    """Bring the backup ``source`` back into the database at ``url``.

    Refused when that database already has tables, unless ``force``.
    """
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    kind = _kind_of(source)
    if kind != backend:
        raise BackupFailed(
            f"{source} is a {kind} backup; it cannot be restored into {backend}"
        )
    if backend == "sqlite":
        target = _sqlite_path(parsed)
        if target.exists() and _has_tables(url) and not force:
            raise _not_empty()
        if not target.exists():
            os.close(_create_private(target))
        try:
            with (
                sqlite3.connect(source) as src,
                sqlite3.connect(target) as dst,
            ):
                src.backup(dst)
            dst.close()
            src.close()
        except sqlite3.Error as exc:
            raise BackupFailed(f"the SQLite restore failed: {exc}") from exc
        return BackupReport("sqlite", source, journal_head(url))
    tool = _pg_tool("pg_restore")
    if _has_tables(url):
        if not force:
            raise _not_empty()
        _empty_postgres(url)
    _run_pg(
        [str(tool), "--no-owner", "--no-privileges", "--exit-on-error", str(source)],
        parsed,
    )
    return BackupReport("postgresql", source, journal_head(url))


def _not_empty() -> BackupFailed:
    return BackupFailed(
        "the target database is not empty; restoring would replace it "
        "(add --force to do so)"
    )


def _empty_postgres(url: str) -> None:
    engine = make_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()
