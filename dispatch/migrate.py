"""Create or upgrade the schema with the Alembic migrations shipped in the package."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine


def alembic_config() -> Config:
    """An Alembic config pointing at ``dispatch/migrations`` (no ini file needed)."""
    config = Config()
    config.set_main_option("script_location", "dispatch:migrations")
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database's schema up to ``revision``."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def current_revision(engine: Engine) -> str | None:
    """The schema revision the database is at (``None`` for an empty database)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision shipped in the package."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def is_up_to_date(engine: Engine) -> bool:
    """True when the database needs no migration."""
    return current_revision(engine) == head_revision()
