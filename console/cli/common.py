"""What every ``siaga`` sub-command shares: options, settings, services, errors."""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError

from dispatch.config import EngineSettings, load_settings
from dispatch.errors import DispatchError

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class CliState:
    """Options gathered from the group and the sub-command."""

    database_url: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    _settings: EngineSettings | None = None

    def settings(self) -> EngineSettings:
        """Settings with the command line's overrides applied (built once)."""
        if self._settings is None:
            self._settings = settings_or_exit(
                database_url=self.database_url, **self.overrides
            )
        return self._settings


def settings_or_exit(**overrides: Any) -> EngineSettings:
    """Load settings, or exit with one clear line naming the bad key and file."""
    try:
        return load_settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise click.ClickException(
            f"configuration: {key}: {first['msg']} (check SIAGA_* variables and "
            f"{os.environ.get('SIAGA_CONFIG_FILE') or 'siaga.toml'})"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise click.ClickException(
            f"configuration file is not valid TOML: {exc}"
        ) from exc


def _store_db(
    ctx: click.Context, _param: click.Parameter, value: str | None
) -> str | None:
    if value is not None:
        state = ctx.ensure_object(CliState)
        state.database_url = value
        state._settings = None
    return value


def _store_config(
    ctx: click.Context, _param: click.Parameter, value: Path | None
) -> Path | None:
    if value is not None:
        os.environ["SIAGA_CONFIG_FILE"] = str(value)
        ctx.ensure_object(CliState)._settings = None
    return value


def db_option(func: F) -> F:
    """``--db URL`` on any command: which database to use."""
    return click.option(
        "--db",
        "db",
        metavar="URL",
        expose_value=False,
        callback=_store_db,
        is_eager=True,
        help="Database URL (sqlite:///file.db or postgresql+psycopg://user@host/db).",
    )(func)


def config_option(func: F) -> F:
    """``--config FILE``: read this TOML file instead of the user's siaga.toml."""
    return click.option(
        "--config",
        "config",
        type=click.Path(dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_store_config,
        is_eager=True,
        help="Configuration file (TOML) to use instead of the default siaga.toml.",
    )(func)


def schema_problem(engine: Any) -> str | None:
    """Why the database cannot be used as it is, or ``None`` when it can."""
    from dispatch.migrate import is_up_to_date

    try:
        ready = is_up_to_date(engine)
    except Exception as exc:  # the URL points nowhere usable
        return f"cannot open the database: {exc}"
    if not ready:
        return (
            "the database is not initialised or is out of date: run `siaga init` first"
        )
    return None


def services_from(state: CliState, *, check_schema: bool = True) -> Any:
    """A ``DispatchService`` on the configured database.

    With ``check_schema`` (the default) the schema must exist and be current;
    the console passes ``False`` and runs :func:`schema_problem` in its start
    worker instead, so that importing alembic does not delay the first screen.
    """
    from dispatch.db import make_engine
    from dispatch.services import DispatchService

    settings = state.settings()
    engine = make_engine(settings.database_url)
    if check_schema:
        problem = schema_problem(engine)
        if problem is not None:
            raise click.ClickException(problem)
    return DispatchService(engine, settings=settings)


def friendly_errors(func: F) -> F:
    """Turn engine errors into one-line CLI errors instead of tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DispatchError as exc:
            raise click.ClickException(exc.message) from exc

    return wrapper  # type: ignore[return-value]
