"""Alembic environment: runs on the connection ``dispatch.migrate`` hands over."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from dispatch.db import make_engine
from dispatch.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the given connection, else one from ``-x db=URL``."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("db", "sqlite:///siaga-dev.db")
    engine = make_engine(url)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()


if context.is_offline_mode():
    raise SystemExit("Offline SQL generation is not supported; pass -x db=URL.")
run_migrations_online()
