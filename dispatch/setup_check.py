"""Is ``siaga init`` needed? A fast answer for ``./scripts/start``.

``siaga init`` leaves a mark in the database (table ``setup_marks``): the
schema head it migrated to, a fingerprint of the region pack's files and
whether it created the demo operators. :func:`init_needed` compares that mark
with what this installation would write, without importing Alembic, the ORM
or the region-pack loader, so a warm start skips ``init`` in a fraction of a
second. Any doubt (no database, no mark, another pack, a newer migration, an
edited pack file) answers "needed", and ``init`` then does the real work.
"""

from __future__ import annotations

import hashlib
import importlib.util
import re
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import unquote

#: The key of the mark ``siaga init`` leaves.
INIT_MARK = "init"

_MIGRATIONS = Path(__file__).resolve().parent / "migrations" / "versions"
_REVISION = re.compile(r'^revision(?:: str)? = "([^"]+)"', re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:: [^=]+)? = (.+)$", re.MULTILINE)


def head_revision_fast() -> str | None:
    """The single newest migration, read from the files (``None`` if ambiguous)."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in _MIGRATIONS.glob("*.py"):
        text = path.read_text(encoding="utf-8")
        found = _REVISION.search(text)
        if found is None:
            continue
        revisions.add(found.group(1))
        down = _DOWN.search(text)
        if down:
            parents.update(re.findall(r'"([^"]+)"', down.group(1)))
    heads = revisions - parents
    return heads.pop() if len(heads) == 1 else None


def pack_folder(name_or_path: str) -> Path:
    """The pack's folder, by the same rule as ``geodata.packs.resolve_pack_path``.

    Repeated here (three lines) because importing ``geodata.packs`` loads the
    whole loader, which is what this module exists to avoid.
    """
    if "/" in name_or_path or "\\" in name_or_path:
        return Path(name_or_path).expanduser().resolve()
    spec = importlib.util.find_spec("geodata")
    assert spec is not None
    assert spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations))) / "packs" / name_or_path


def pack_fingerprint(name_or_path: str) -> str:
    """A hash of every file of the pack (names and bytes): changes when any does."""
    folder = pack_folder(name_or_path)
    digest = hashlib.sha256()
    if not folder.is_dir():
        return "missing"
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(path.relative_to(folder).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def init_mark(pack: str, *, demo: bool, head: str | None) -> str:
    """The mark ``siaga init`` writes after a successful run."""
    return f"{head}|{pack_fingerprint(pack)}|demo={int(demo)}"[:128]


def _sqlite_path(url: str) -> Path | None:
    """The file of a ``sqlite:///path`` URL (``None`` for memory or odd URLs)."""
    match = re.fullmatch(r"sqlite(?:\+pysqlite)?:///([^?]+)(?:\?.*)?", url)
    if match is None or match.group(1) in ("", ":memory:"):
        return None
    return Path(unquote(match.group(1)))


def _read_state(url: str) -> tuple[str | None, str | None]:
    """The database's schema revision and init mark (``None`` when absent)."""
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is None or not path.is_file():
            return None, None
        # Read-only: the check must never create or change the database.
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            tables = {
                row[0]
                for row in conn.execute("SELECT name FROM sqlite_master")
                if row[0] in ("alembic_version", "setup_marks")
            }
            revision = (
                conn.execute("SELECT version_num FROM alembic_version").fetchone()
                if "alembic_version" in tables
                else None
            )
            mark = (
                conn.execute(
                    "SELECT value FROM setup_marks WHERE key = ?", (INIT_MARK,)
                ).fetchone()
                if "setup_marks" in tables
                else None
            )
        return (revision[0] if revision else None, mark[0] if mark else None)
    from sqlalchemy import create_engine, inspect, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            revision = (
                conn.execute(text("SELECT version_num FROM alembic_version")).first()
                if "alembic_version" in tables
                else None
            )
            mark = (
                conn.execute(
                    text("SELECT value FROM setup_marks WHERE key = :key"),
                    {"key": INIT_MARK},
                ).first()
                if "setup_marks" in tables
                else None
            )
    finally:
        engine.dispose()
    return (revision[0] if revision else None, mark[0] if mark else None)


def schema_is_current(engine: Any) -> bool:
    """True when ``engine``'s database is at the newest migration.

    The same answer as ``dispatch.migrate.is_up_to_date`` without importing
    Alembic (the console asks this in its start worker, beside the first
    keystrokes). Raises the driver's error when the database cannot be read.
    """
    from sqlalchemy import inspect, text

    head = head_revision_fast()
    with engine.connect() as conn:
        if "alembic_version" not in inspect(conn).get_table_names():
            return False
        rows = conn.execute(text("SELECT version_num FROM alembic_version")).all()
    return head is not None and [row[0] for row in rows] == [head]


def init_needed(url: str, pack: str, *, demo: bool) -> str | None:
    """Why ``siaga init`` must run on ``url``, or ``None`` when all is current."""
    head = head_revision_fast()
    if head is None:
        return "the migrations have more than one head"
    try:
        revision, mark = _read_state(url)
    # Any failure (locked file, no server, odd URL) only means "run init",
    # which then reports the real problem in full.
    except Exception as exc:
        return f"cannot read the database ({type(exc).__name__})"
    if revision is None:
        return "the database is new"
    if revision != head:
        return f"the schema is at {revision}, this version needs {head}"
    if mark != init_mark(pack, demo=demo, head=head):
        return "the region pack or the set-up changed since the last init"
    try:
        admins = _admin_count(url)
    except Exception as exc:  # as above: init reports the real problem
        return f"cannot read the operators ({type(exc).__name__})"
    if not admins:
        return "there is no administrator yet"
    return None


_ADMINS = (
    "SELECT count(*) FROM operators WHERE role = 'admin' "
    "AND active AND password_hash IS NOT NULL"
)


def _admin_count(url: str) -> int:
    """Enabled administrators with a password (the first sign-on needs one)."""
    if url.startswith("sqlite"):
        path = _sqlite_path(url)
        if path is None:
            return 0
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return int(conn.execute(_ADMINS).fetchone()[0])
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text(_ADMINS)).scalar_one())
    finally:
        engine.dispose()
