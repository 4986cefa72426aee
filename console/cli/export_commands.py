"""``siaga export``: an incident as NENA EIDO JSON, a shift as JSON Lines."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from
from console.cli.params import LOCAL_DATE, TEXT, OutputPath
from dispatch.files import open_private, private_dir, write_private_text

_FULL_HELP = (
    "Callers' numbers and names in full (supervisors only; journaled). "
    "Without it they are masked."
)


@click.group("export")
def export_group() -> None:
    """Export incidents and shifts for other systems and the archive."""


@export_group.command("eido")
@db_option
@click.argument("incidents", nargs=-1, required=True, type=TEXT)
@click.option(
    "--domain",
    help="The center's domain for EIDO identifiers "
    "(default: <region pack>.siaga112.invalid).",
)
@click.option(
    "--out",
    type=OutputPath(),
    help="Write to this file (one incident) or folder (several); default: stdout.",
)
@click.option("--no-validate", is_flag=True, help="Skip the JSON Schema check.")
@click.option("--full", is_flag=True, help=_FULL_HELP)
@click.pass_obj
@friendly_errors
def eido_command(
    state: CliState,
    incidents: tuple[str, ...],
    domain: str | None,
    out: Path | None,
    no_validate: bool,
    full: bool,
) -> None:
    """Export INCIDENT(s) (number or id) as NENA EIDO JSON (NENA-STA-021.1a)."""
    services = services_from(state)
    for key in incidents:
        try:
            eido = services.export_eido(
                key, domain=domain, full=full, validate=not no_validate
            )
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        text = json.dumps(eido, indent=2, ensure_ascii=False) + "\n"
        number = eido["incidentComponent"]["internalIncidentId"]
        if out is None:
            sys.stdout.write(text)
        elif len(incidents) == 1 and out.suffix == ".json":
            write_private_text(out, text)
            click.echo(f"wrote {out}", err=True)
        else:
            path = private_dir(out) / f"eido-{number}.json"
            write_private_text(path, text)
            click.echo(f"wrote {path}", err=True)


@export_group.command("shift")
@db_option
@click.argument("day", metavar="DATE", type=LOCAL_DATE)
@click.option(
    "--out",
    type=OutputPath(dir_okay=False),
    help="Write to this file (default: stdout).",
)
@click.option("--full", is_flag=True, help=_FULL_HELP)
@click.pass_obj
@friendly_errors
def shift_command(state: CliState, day: date, out: Path | None, full: bool) -> None:
    """Export the shift starting on DATE as JSON Lines (header + events)."""
    from dispatch.reports.window import shift_for_date

    window = shift_for_date(day, state.settings())
    services = services_from(state)
    if out is None:
        count = services.export_shift(window, sys.stdout, full=full)
    else:
        with open_private(out, "w") as handle:
            count = services.export_shift(window, handle, full=full)
        click.echo(f"wrote {count} events to {out}", err=True)


@export_group.command("referral")
@db_option
@click.argument("referrals", nargs=-1, type=int)
@click.option("--day", metavar="DATE", help="Every referral sent on DATE (local).")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
)
@click.option("--full", is_flag=True, help=_FULL_HELP)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: stdout).",
)
@click.pass_obj
@friendly_errors
def referral_command(
    state: CliState,
    referrals: tuple[int, ...],
    day: str | None,
    fmt: str,
    full: bool,
    out: Path | None,
) -> None:
    """Export REFERRAL(s) or a day's referrals as SP4N-LAPOR!/ULPIM form records."""
    from datetime import datetime, time, timedelta

    from dispatch.reports.window import custom_window

    if not referrals and day is None:
        raise click.UsageError("name referral ids or --day DATE")
    window = None
    if day is not None:
        try:
            start = datetime.combine(date.fromisoformat(day), time(0, 0))
        except ValueError as exc:
            raise click.BadParameter("use YYYY-MM-DD", param_hint="--day") from exc
        window = custom_window(start, start + timedelta(days=1), state.settings())
    services = services_from(state)
    count, text = services.export_referrals(
        referrals, window=window, fmt=fmt, full=full
    )
    if out is None:
        sys.stdout.write(text)
    else:
        write_private_text(out, text)
        click.echo(f"wrote {count} referral(s) to {out}", err=True)


def register(group: click.Group) -> None:
    """Add ``export`` to the ``siaga`` group."""
    group.add_command(export_group)
