"""``siaga`` with no sub-command: open the console on the configured database."""

from __future__ import annotations

import click

from console.cli.common import CliState, schema_problem, services_from


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

    def check_schema() -> str | None:
        try:
            engine = services.engine
        except Exception as exc:  # the URL cannot even make an engine
            return f"cannot open the database: {exc}"
        return schema_problem(engine)

    app = SiagaApp(
        services, settings, settings_warning=warning, check_schema=check_schema
    )
    app.run()
    if app.return_code:
        raise click.exceptions.Exit(app.return_code)
