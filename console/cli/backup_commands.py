"""``siaga backup`` and ``siaga restore``: consistent copies of either database.

Thin: both call :mod:`dispatch.backup` with the configured database (or
``--db``) and print one line; every failure is one ``Error:`` line.
"""

from __future__ import annotations

from pathlib import Path

import click

from console.cli.common import CliState, db_option, friendly_errors
from console.cli.params import OutputPath


def register(group: click.Group) -> None:
    """Add ``backup`` and ``restore`` to the ``siaga`` group."""
    group.add_command(backup_command)
    group.add_command(restore_command)


@click.command("backup")
@db_option
@click.argument("out", type=OutputPath(dir_okay=False))
@click.pass_obj
@friendly_errors
def backup_command(state: CliState, out: Path) -> None:
    """Write a consistent copy of the database to the new file OUT (owner-only).

    Desks may keep working: SQLite is copied with its backup API, PostgreSQL
    with pg_dump, each from one snapshot. OUT must not exist yet.
    """
    from dispatch.backup import backup

    report = backup(state.settings().database_url, out.expanduser())
    click.echo(
        f"backup of the {report.backend} database written to {report.path} "
        f"(the journal was at event {report.journal_head} when it began)"
    )


@click.command("restore")
@db_option
@click.argument("source", metavar="IN", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace a database that already has tables (its data is lost).",
)
@click.pass_obj
@friendly_errors
def restore_command(state: CliState, source: Path, force: bool) -> None:
    """Bring back the backup IN into the database (which must be empty).

    A database that already has tables is refused unless --force is given.
    Run `siaga log verify --state` afterwards.
    """
    from dispatch.backup import restore

    report = restore(state.settings().database_url, source.expanduser(), force=force)
    click.echo(
        f"restored {report.path} into the {report.backend} database "
        f"(journal up to event {report.journal_head}); "
        "check it with `siaga log verify --state`"
    )
