"""``siaga report``: the handover report and the period (monthly) report."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from console.cli.common import CliState, db_option, friendly_errors, services_from
from console.cli.log_commands import resolve_window, window_options

FORMATS = ("md", "html", "pdf")


@click.group("report")
def report_group() -> None:
    """Reports for the shift handover and for the city."""


@report_group.command("handover")
@db_option
@window_options
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the report into this folder (Markdown, HTML and PDF).",
)
@click.option(
    "--format",
    "formats",
    multiple=True,
    type=click.Choice(FORMATS),
    help="Only these formats with --out (repeatable; default: all).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the report.")
@click.pass_obj
@friendly_errors
def handover_command(
    state: CliState,
    shift: date | None,
    start: str | None,
    end: str | None,
    out: Path | None,
    formats: tuple[str, ...],
    as_json: bool,
    quiet: bool,
) -> None:
    """The handover report of a shift (default: the current one)."""
    from dispatch.reports import handover_for
    from dispatch.reports.render import handover_rich

    services = services_from(state)
    window = resolve_window(services, shift, start, end)
    report = handover_for(services, window)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    elif not quiet:
        Console(width=max(Console().width, 120)).print(handover_rich(report))
    if out is not None:
        for path in write_handover(report, out, formats or FORMATS, window):
            click.echo(f"wrote {path}", err=True)


def write_handover(
    report: Any, out: Path, formats: tuple[str, ...], window: Any
) -> list[Path]:
    """Write the chosen formats into ``out``; return the paths written."""
    from dispatch.reports.render import handover_html, handover_markdown

    out.mkdir(parents=True, exist_ok=True)
    stem = f"handover-{window.local_start:%Y-%m-%d-%H%M}"
    written = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        if fmt == "md":
            path.write_text(handover_markdown(report), encoding="utf-8")
        elif fmt == "html":
            path.write_text(handover_html(report), encoding="utf-8")
        else:
            from dispatch.reports.pdf import handover_pdf

            path.write_bytes(handover_pdf(report))
        written.append(path)
    return written


@report_group.command("period")
@db_option
@click.option("--from", "first", required=True, metavar="DATE", help="First local day.")
@click.option(
    "--to", "last", required=True, metavar="DATE", help="Last local day (inclusive)."
)
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the tables as CSV (one file, a section column per table).",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write Markdown, HTML and CSV into this folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the report.")
@click.pass_obj
@friendly_errors
def period_command(
    state: CliState,
    first: str,
    last: str,
    csv_path: Path | None,
    out: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Figures per day and per kelurahan, referrals by agency and sector."""
    from dispatch.reports.period import (
        period_csv,
        period_for,
        period_html,
        period_markdown,
        period_rich,
    )

    try:
        day_from, day_to = date.fromisoformat(first), date.fromisoformat(last)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD for --from and --to") from exc
    if day_to < day_from:
        raise click.BadParameter("--to is before --from")
    services = services_from(state)
    report = period_for(services, day_from, day_to)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    elif not quiet:
        Console(width=max(Console().width, 120)).print(period_rich(report))
    if csv_path is not None:
        csv_path.write_text(period_csv(report), encoding="utf-8", newline="")
        click.echo(f"wrote {csv_path}", err=True)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        stem = f"period-{day_from}-{day_to}"
        for suffix, text in (
            ("md", period_markdown(report)),
            ("html", period_html(report)),
            ("csv", period_csv(report)),
        ):
            path = out / f"{stem}.{suffix}"
            path.write_text(text, encoding="utf-8", newline="")
            click.echo(f"wrote {path}", err=True)


def register(group: click.Group) -> None:
    """Add ``report`` to the ``siaga`` group."""
    group.add_command(report_group)
