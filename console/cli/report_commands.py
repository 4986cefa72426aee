"""``siaga report``: the handover report and the period (monthly) report."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console

from console.cli.common import CliState, db_option, friendly_errors, services_from
from console.cli.log_commands import resolve_window, window_options
from console.cli.params import LOCAL_DATE, OutputPath, check_order
from dispatch.files import private_dir, write_private_bytes, write_private_text

FORMATS = ("md", "html", "pdf")


@click.group("report")
def report_group() -> None:
    """Reports for the shift handover and for the city."""


@report_group.command("handover")
@db_option
@window_options
@click.option(
    "--out",
    type=OutputPath(file_okay=False),
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
    start: datetime | None,
    end: datetime | None,
    out: Path | None,
    formats: tuple[str, ...],
    as_json: bool,
    quiet: bool,
) -> None:
    """The handover report of a shift (default: the current one).

    For a shift that has been handed over, this is the report stored at the
    close (checked against the digest in its ``shift.closed`` event).
    """
    from dispatch.reports.render import handover_rich

    services = services_from(state)
    window = resolve_window(services, shift, start, end)
    report = services.handover(window)  # the stored one for a closed shift
    if report.handed_over_by is not None:
        stored = services.shift_starting_at(window.start)
        digest = stored.report_sha256 if stored is not None else "?"
        click.echo(
            f"shift {report.shift_id}: the report stored when "
            f"{report.handed_over_by} handed over (sha256 {digest})",
            err=True,
        )
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

    private_dir(out)
    stem = f"handover-{window.local_start:%Y-%m-%d-%H%M}"
    written = []
    for fmt in formats:
        path = out / f"{stem}.{fmt}"
        if fmt == "md":
            write_private_text(path, handover_markdown(report))
        elif fmt == "html":
            write_private_text(path, handover_html(report))
        else:
            from dispatch.reports.pdf import handover_pdf

            write_private_bytes(path, handover_pdf(report))
        written.append(path)
    return written


@report_group.command("period")
@db_option
@click.option(
    "--from",
    "first",
    required=True,
    type=LOCAL_DATE,
    metavar="DATE",
    help="First local day.",
)
@click.option(
    "--to",
    "last",
    required=True,
    type=LOCAL_DATE,
    metavar="DATE",
    help="Last local day (inclusive).",
)
@click.option(
    "--csv",
    "csv_path",
    type=OutputPath(dir_okay=False),
    help="Write the tables as CSV (one file, a section column per table).",
)
@click.option(
    "--out",
    type=OutputPath(file_okay=False),
    help="Write Markdown, HTML (with charts), CSV and PDF into this folder.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Do not print the report.")
@click.pass_obj
@friendly_errors
def period_command(
    state: CliState,
    first: date,
    last: date,
    csv_path: Path | None,
    out: Path | None,
    as_json: bool,
    quiet: bool,
) -> None:
    """Figures per day and per kelurahan, referrals by agency and sector."""
    from dispatch.reports.period import (
        period_csv,
        period_html,
        period_markdown,
        period_pdf,
        period_rich,
    )

    day_from, day_to = first, last
    check_order(day_from, day_to, names=("--from", "--to"))
    services = services_from(state)
    report = services.period_report(day_from, day_to)
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    elif not quiet:
        Console(width=max(Console().width, 120)).print(period_rich(report))
    if csv_path is not None:
        write_private_text(csv_path, period_csv(report))
        click.echo(f"wrote {csv_path}", err=True)
    if out is not None:
        private_dir(out)
        stem = f"period-{day_from}-{day_to}"
        for suffix, text in (
            ("md", period_markdown(report)),
            ("html", period_html(report)),
            ("csv", period_csv(report)),
        ):
            path = out / f"{stem}.{suffix}"
            write_private_text(path, text)
            click.echo(f"wrote {path}", err=True)
        pdf_path = out / f"{stem}.pdf"
        write_private_bytes(pdf_path, period_pdf(report))
        click.echo(f"wrote {pdf_path}", err=True)


def register(group: click.Group) -> None:
    """Add ``report`` to the ``siaga`` group."""
    group.add_command(report_group)
