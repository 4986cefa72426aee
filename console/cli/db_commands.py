"""``siaga init``: create or upgrade the database and load the region pack."""

from __future__ import annotations

import click
from rich.console import Console

from console.cli.common import CliState, db_option


@click.command("init")
@db_option
@click.option(
    "--pack",
    "pack",
    default=None,
    help="Region pack name or folder (default: settings).",
)
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Create the demo operators.",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when all is well.")
@click.pass_obj
def init_command(state: CliState, pack: str | None, demo: bool, quiet: bool) -> None:
    """Create or upgrade the schema and load the region pack's unit roster."""
    from dispatch.db import make_engine
    from dispatch.setup import init_database

    settings = state.settings()
    engine = make_engine(settings.database_url)
    try:
        report = init_database(
            engine,
            pack_name=pack or settings.region_pack,
            demo=demo,
            actor=settings.operator,
            terminal=settings.terminal,
        )
    except Exception as exc:
        raise click.ClickException(f"init failed: {exc}") from exc
    finally:
        engine.dispose()
    if quiet:
        return
    console = Console()
    where = engine.url.render_as_string(hide_password=True)
    console.print(f"[bold]Database[/] {where}")
    console.print(f"  schema: {report.from_revision or 'new'} → {report.to_revision}")
    console.print(
        f"  roster: {report.roster.agencies} agencies, "
        f"{report.roster.stations} stations, "
        f"{report.roster.units_added} units added, "
        f"{report.roster.units_updated} updated"
    )
    if report.operators_created:
        console.print(f"  demo operators created: {report.operators_created}")


def register(group: click.Group) -> None:
    """Add ``init`` to the ``siaga`` group."""
    group.add_command(init_command)
