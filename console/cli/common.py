"""What every ``siaga`` sub-command shares: options, settings, services, errors."""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import click
from pydantic import ValidationError
from pydantic_settings import SettingsError

from dispatch.config import (
    ConfigFileError,
    EngineSettings,
    default_config_file,
    load_settings,
    read_config_file,
)
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
        settings = load_settings(**overrides)
        unknown_config_keys()
    except ConfigFileError as exc:
        raise click.ClickException(str(exc)) from exc
    except ValidationError as exc:
        raise click.ClickException(validation_line(exc, "configuration")) from exc
    except SettingsError as exc:  # e.g. a SIAGA_* variable that is not JSON
        raise click.ClickException(
            f"configuration: {exc} (check the SIAGA_* variables)"
        ) from exc
    return settings


def unknown_config_keys() -> None:
    """Refuse keys in the configuration file that no setting reads (typos)."""
    from console.config import ConsoleSettings

    unknown = sorted(set(read_config_file()) - set(ConsoleSettings.model_fields))
    if unknown:
        close = difflib.get_close_matches(unknown[0], ConsoleSettings.model_fields, 1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ConfigFileError(
            f"configuration file {default_config_file()}: unknown key "
            f"{unknown[0]!r}{hint}"
        )


def validation_line(exc: ValidationError, what: str) -> str:
    """One line for a pydantic error: the first bad field and why."""
    first = exc.errors()[0]
    key = ".".join(str(p) for p in first["loc"]) or "value"
    where = (
        f" (check SIAGA_* variables and {default_config_file()})"
        if what == "configuration"
        else ""
    )
    more = len(exc.errors()) - 1
    extra = f" (+{more} more)" if more else ""
    return f"{what}: {key}: {first['msg']}{extra}{where}"


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
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        expose_value=False,
        callback=_store_config,
        is_eager=True,
        help="Configuration file (TOML) to use instead of the default siaga.toml.",
    )(func)


def schema_problem(engine: Any) -> str | None:
    """Why the database cannot be used as it is, or ``None`` when it can."""
    from dispatch.setup_check import schema_is_current

    try:
        ready = schema_is_current(engine)
    except Exception as exc:  # the URL points nowhere usable
        first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
        return f"cannot open the database: {first[0] if first else type(exc).__name__}"
    if not ready:
        return (
            "the database is not initialised or is out of date: run `siaga init` first"
        )
    return None


def services_from(
    state: CliState, *, check_schema: bool = True, principal: Any = None
) -> Any:
    """A ``DispatchService`` on the configured database.

    With ``check_schema`` (the default) the schema must exist and be current;
    the console passes ``False`` and runs :func:`schema_problem` in its start
    worker instead, so that importing alembic does not delay the first screen.
    A program (the ring feed) passes its own ``principal``; otherwise the
    configured operator must be registered.
    """
    from dispatch.db import make_engine
    from dispatch.services import DispatchService

    settings = state.settings()
    engine = make_engine(settings.database_url, settings=settings)
    context = click.get_current_context(silent=True)
    if context is not None:  # close the pool's connections when the command ends
        context.call_on_close(engine.dispose)
    services = DispatchService(engine, settings=settings, principal=principal)
    if check_schema:
        problem = schema_problem(engine) or operator_problem(services)
        if problem is not None:
            raise click.ClickException(problem)
    return services


def operator_problem(services: Any) -> str | None:
    """Why the configured operator may not act here, or ``None`` when it may.

    Until sign-on exists the terminal acts as the configured operator, looked
    up in the operators table with its stored role (a refusal is journaled).
    """
    from dispatch.errors import UnknownOperator

    try:
        services.principal  # noqa: B018 -- resolving the principal is the check
    except UnknownOperator as exc:
        return exc.message
    return None


def friendly_errors(func: F) -> F:
    """Turn engine errors into one-line CLI errors instead of tracebacks."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except DispatchError as exc:
            raise click.ClickException(exc.message) from exc

    return wrapper  # type: ignore[return-value]
