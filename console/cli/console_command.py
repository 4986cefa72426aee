"""``siaga`` with no sub-command: open the console on the configured database."""

from __future__ import annotations

from typing import Any

import click

from console.cli.common import (
    CliState,
    operator_problem,
    schema_problem,
    services_from,
)


def startup_problem(services: Any) -> str | None:
    """Why the console cannot serve calls (it then exits with this), or None.

    Checked by the start worker: the incident catalogue (without it no call
    can be classified — the loader's message names the file and key to fix),
    then the database and its schema, then the configured operator (until
    sign-on exists a terminal acts as the operator it is configured for).
    """
    from console.incident_types import catalogue_problem

    problem = catalogue_problem()
    if problem is not None:
        return problem
    try:
        engine = services.engine
    except Exception as exc:  # the URL cannot even make an engine
        return f"cannot open the database: {exc}"
    return schema_problem(engine) or operator_problem(services)


def run_console(state: CliState) -> None:
    """Build settings and the services, then run the app until the operator quits."""
    from console.app import SiagaApp
    from console.config import load_console_settings
    from console.deferred import DeferredServices

    engine_settings = state.settings()  # validates engine keys with a clear CLI error
    settings, warning = load_console_settings(
        database_url=engine_settings.database_url, **state.overrides
    )
    # Built by the app's start worker, after the first screen is drawn.
    services = DeferredServices(lambda: services_from(state, check_schema=False))

    app = SiagaApp(
        services,
        settings,
        settings_warning=warning,
        check_schema=lambda: startup_problem(services),
    )
    try:
        app.run()
    finally:
        problem = app.sign_off_at_exit()
        if problem:
            click.echo(f"siaga: {problem}", err=True)
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)
