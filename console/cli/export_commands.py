"""``siaga export``: an incident as NENA EIDO JSON, a shift as JSON Lines."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


@click.group("export")
def export_group() -> None:
    """Export incidents and shifts for other systems and the archive."""


@export_group.command("eido")
@db_option
@click.argument("incidents", nargs=-1, required=True)
@click.option(
    "--domain",
    help="The center's domain for EIDO identifiers "
    "(default: <region pack>.siaga112.invalid).",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    help="Write to this file (one incident) or folder (several); default: stdout.",
)
@click.option("--no-validate", is_flag=True, help="Skip the JSON Schema check.")
@click.pass_obj
@friendly_errors
def eido_command(
    state: CliState,
    incidents: tuple[str, ...],
    domain: str | None,
    out: Path | None,
    no_validate: bool,
) -> None:
    """Export INCIDENT(s) (number or id) as NENA EIDO JSON (NENA-STA-021.1a)."""
    from dispatch.exports.eido import incident_eido, validate_eido

    services = services_from(state)
    settings = services.settings
    center = domain or f"{settings.region_pack}.siaga112.invalid"
    for key in incidents:
        try:
            eido = services.run_read(
                lambda s, k=key: incident_eido(s, k, domain=center, zone=settings.zone)
            )
        except LookupError as exc:
            raise click.ClickException(str(exc)) from exc
        if not no_validate:
            problems = validate_eido(eido)
            if problems:
                raise click.ClickException(
                    f"EIDO of {key} does not validate: " + "; ".join(problems[:5])
                )
        text = json.dumps(eido, indent=2, ensure_ascii=False) + "\n"
        number = eido["incidentComponent"]["internalIncidentId"]
        if out is None:
            sys.stdout.write(text)
        elif len(incidents) == 1 and out.suffix == ".json":
            out.write_text(text, encoding="utf-8")
            click.echo(f"wrote {out}", err=True)
        else:
            out.mkdir(parents=True, exist_ok=True)
            path = out / f"eido-{number}.json"
            path.write_text(text, encoding="utf-8")
            click.echo(f"wrote {path}", err=True)


@export_group.command("shift")
@db_option
@click.argument("day", metavar="DATE")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to this file (default: stdout).",
)
@click.pass_obj
@friendly_errors
def shift_command(state: CliState, day: str, out: Path | None) -> None:
    """Export the shift starting on DATE as JSON Lines (header + events)."""
    from dispatch.exports.shift import write_shift_jsonl
    from dispatch.reports import shift_for_date

    try:
        window = shift_for_date(date.fromisoformat(day), state.settings())
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc
    services = services_from(state)
    if out is None:
        count = services.run_read(lambda s: write_shift_jsonl(s, window, sys.stdout))
    else:
        with out.open("w", encoding="utf-8", newline="\n") as handle:
            count = services.run_read(lambda s: write_shift_jsonl(s, window, handle))
        click.echo(f"wrote {count} events to {out}", err=True)


def register(group: click.Group) -> None:
    """Add ``export`` to the ``siaga`` group."""
    group.add_command(export_group)
