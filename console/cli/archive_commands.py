"""``siaga archive``: move old shifts to verified files; bring one back."""

from __future__ import annotations

from pathlib import Path

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from

_DIR_HELP = (
    "Archive folder (default: the data folder's archive/, or SIAGA_ARCHIVE_DIR)."
)


@click.group("archive", invoke_without_command=True)
@db_option
@click.option(
    "--dir", "folder", type=click.Path(file_okay=False, path_type=Path), help=_DIR_HELP
)
@click.option(
    "--keep-days",
    type=click.IntRange(0, 36500),
    help="Days kept online besides the current and previous shift "
    "(default: retention_days, 90).",
)
@click.option("--dry-run", is_flag=True, help="Show what would be archived.")
@click.option(
    "--as-of",
    metavar="TIME",
    help="Take the retention window from this time instead of now (ISO 8601).",
)
@click.pass_context
@friendly_errors
def archive_group(
    ctx: click.Context,
    folder: Path | None,
    keep_days: int | None,
    dry_run: bool,
    as_of: str | None,
) -> None:
    """Archive shifts older than the retention window into verified files.

    Each shift becomes a gzip'd JSON Lines file with a SHA-256 checksum; its
    events leave the database only after the file was read back and checked.
    """
    if ctx.invoked_subcommand is not None:
        return
    services = services_from(ctx.ensure_object(CliState))
    target = folder or services.archive_folder
    now = services.clock.now()
    if as_of:
        from console.cli.log_commands import parse_local

        when = parse_local(as_of)
        now = when if when.tzinfo else when.replace(tzinfo=services.settings.zone)
    try:
        results = services.archive_old_shifts(
            target, now=now, keep_days=keep_days, dry_run=dry_run
        )
    except ValueError as exc:  # an archive problem (ArchiveError), said plainly
        raise click.ClickException(str(exc)) from exc
    verb = "would archive" if dry_run else "archived"
    for result in results:
        where = "" if dry_run else f" -> {result.path}"
        click.echo(
            f"{verb} events {result.first_id}..{result.last_id} ({result.count}){where}"
        )
    if not results:
        click.echo("nothing to archive")


@archive_group.command("import")
@db_option
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
@friendly_errors
def import_command(state: CliState, path: Path) -> None:
    """Bring an archived shift back into the database (newest archive first)."""
    services = services_from(state)
    try:
        result = services.import_archive(path)
    except ValueError as exc:  # an archive problem (ArchiveError), said plainly
        raise click.ClickException(str(exc)) from exc
    click.echo(f"imported events {result.first_id}..{result.last_id} ({result.count})")


@archive_group.command("list")
@db_option
@click.option(
    "--dir", "folder", type=click.Path(file_okay=False, path_type=Path), help=_DIR_HELP
)
@click.pass_obj
@friendly_errors
def list_command(state: CliState, folder: Path | None) -> None:
    """List archive files and check each one."""
    services = services_from(state)
    target = folder or services.archive_folder
    checked = services.check_archives(target)
    if not checked:
        click.echo(f"no archives in {target}")
        return
    for path, check in checked:
        verdict = "OK" if check.ok else f"BROKEN: {check.problem}"
        click.echo(f"{path.name}  {check.checked} events  {verdict}")


def register(group: click.Group) -> None:
    """Add ``archive`` to the ``siaga`` group."""
    group.add_command(archive_group)
