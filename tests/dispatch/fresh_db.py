"""Empty databases (no schema at all) on both backends, for whole-program tests.

``siaga stress``, ``siaga backup`` and ``siaga restore`` create or replace the
schema themselves, so they need a database of their own rather than the
shared, pre-created schema of the ``db_url`` fixture.
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

_numbers = itertools.count(1)


def new_postgres_database(postgres_url: str, *, template: str | None = None) -> str:
    """Create a new database in the test server; return its URL.

    Empty, or a copy of the database named by the URL ``template`` (which
    must have no open connections: PostgreSQL copies it file by file).
    """
    name = f"siaga_fresh_{next(_numbers)}"
    like = f' TEMPLATE "{make_url(template).database}"' if template else ""
    admin = create_engine(
        postgres_url, isolation_level="AUTOCOMMIT", poolclass=NullPool
    )
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"{like}'))
    finally:
        admin.dispose()
    url = make_url(postgres_url).set(database=name)
    return url.render_as_string(hide_password=False)


FreshDb = Callable[[], str]


def copy_database(url: str, postgres_url: str | None, folder: Path) -> str:
    """A copy of the database at ``url`` that a test may change freely."""
    if make_url(url).get_backend_name() == "sqlite":
        source = Path(make_url(url).database or "")
        target = folder / f"copy-{next(_numbers)}.db"
        shutil.copy(source, target)
        return f"sqlite:///{target}"
    assert postgres_url is not None
    return new_postgres_database(postgres_url, template=url)
