"""``siaga`` with no sub-command: open the console on the configured database."""

from __future__ import annotations

import click

from console.cli.common import CliState, schema_problem, services_from


def run_console(state: CliState) -> None:
    """Build settings and the services, then run the app until the operator quits."""
    from console.app import SiagaApp
    from console.config import load_console_settings

    engine_settings = state.settings()  # validates engine keys with a clear CLI error
    settings, warning = load_console_settings(
        database_url=engine_settings.database_url, **state.overrides
    )
    services = services_from(state, check_schema=False)
    app = SiagaApp(
        services,
        settings,
        settings_warning=warning,
        check_schema=lambda: schema_problem(services.engine),
    )
    app.run()
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)
