"""``siaga`` with no sub-command: open the console on the configured database."""

from __future__ import annotations

from console.cli.common import CliState, services_from


def run_console(state: CliState) -> None:
    """Build settings and the services, then run the app until the operator quits."""
    from console.app import SiagaApp
    from console.config import load_console_settings

    engine_settings = state.settings()  # validates engine keys with a clear CLI error
    settings, warning = load_console_settings(
        database_url=engine_settings.database_url, **state.overrides
    )
    services = services_from(state)
    SiagaApp(services, settings, settings_warning=warning).run()
