"""``siaga log``: the shift log (list, filter, follow) and journal verification."""

from __future__ import annotations

import json
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from console.cli.common import CliState, db_option, friendly_errors, services_from


def parse_local(value: str) -> datetime:
    """``YYYY-MM-DD[ HH:MM[:SS]]`` or ISO 8601 (naive = center's local time)."""
    try:
        return datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError as exc:
        raise click.BadParameter(f"not a date/time: {value!r}") from exc


def resolve_window(
    services: Any,
    shift: date | None,
    start: str | None,
    end: str | None,
    everything: bool = False,
) -> Any:
    """The window the options name: ``--all``, ``--from/--to``, ``--shift`` or now."""
    from dispatch.reports import custom_window, shift_for_date, shift_window

    settings = services.settings
    if everything:
        return None
    if start or end:
        if not (start and end):
            raise click.UsageError("--from and --to go together")
        return custom_window(parse_local(start), parse_local(end), settings)
    if shift is not None:
        return shift_for_date(shift, settings)
    return shift_window(services.clock.now(), settings)


def _date(_ctx: Any, _param: Any, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter("use YYYY-MM-DD") from exc


def window_options(func: Any) -> Any:
    """``--shift DATE`` / ``--from`` / ``--to`` shared by log and report commands."""
    func = click.option("--to", "end", metavar="TIME", help="End of a custom window.")(
        func
    )
    func = click.option(
        "--from", "start", metavar="TIME", help="Start of a custom window (local time)."
    )(func)
    return click.option(
        "--shift",
        "shift",
        metavar="DATE",
        callback=_date,
        help="The shift starting at the change-over on this local date.",
    )(func)


def _row(entry: Any, zone: Any) -> list[Text]:
    return [
        Text(str(entry.id)),
        Text(entry.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S")),
        Text(entry.actor),
        Text(entry.terminal),
        Text(entry.kind),
        Text(entry.summary if len(entry.summary) < 110 else entry.summary[:107] + "…"),
    ]


def _print(entries: list[Any], as_json: bool, zone: Any, title: str | None) -> None:
    if as_json:
        for entry in entries:
            click.echo(entry.model_dump_json())
        return
    table = Table(title=title, title_justify="left")
    for column in ("id", "time", "operator", "terminal", "kind", "what"):
        table.add_column(column)
    for entry in entries:
        table.add_row(*_row(entry, zone))
    Console(width=max(Console().width, 140)).print(table)


@click.group("log", invoke_without_command=True)
@db_option
@window_options
@click.option("--all", "everything", is_flag=True, help="The whole online journal.")
@click.option(
    "--kind", "kinds", multiple=True, help="Kind, family (call) or glob (*.closed)."
)
@click.option("--incident", help="Incident number or id.")
@click.option("--unit", help="Unit call sign.")
@click.option("--operator", help="Operator username.")
@click.option("--terminal", help="Terminal name.")
@click.option(
    "--outcome", help="Only events of calls with this outcome (prank, silent…)."
)
@click.option("--text", help="Text to find in the event details.")
@click.option("--limit", type=click.IntRange(1), help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events.")
@click.option(
    "--interval", default=1.0, show_default=True, help="Seconds between polls."
)
@click.option(
    "--polls", type=int, default=None, hidden=True
)  # tests: stop after N polls
@click.pass_context
@friendly_errors
def log_group(
    ctx: click.Context,
    shift: date | None,
    start: str | None,
    end: str | None,
    everything: bool,
    kinds: tuple[str, ...],
    incident: str | None,
    unit: str | None,
    operator: str | None,
    terminal: str | None,
    outcome: str | None,
    text: str | None,
    limit: int | None,
    as_json: bool,
    follow: bool,
    interval: float,
    polls: int | None,
) -> None:
    """The shift log: who did what, when, on which terminal.

    Without a sub-command, lists the current shift's events (or the window
    given), filtered by the options; ``--follow`` keeps printing new ones.
    """
    if ctx.invoked_subcommand is not None:
        return
    from dispatch.reports import LogFilter, UnknownFilterValue, log_for

    state: CliState = ctx.ensure_object(CliState)
    services = services_from(state)
    window = resolve_window(services, shift, start, end, everything)
    flt = LogFilter(
        kinds=kinds,
        incident=incident,
        unit=unit,
        operator=operator,
        terminal=terminal,
        outcome=outcome,
        text=text,
    )
    zone = services.settings.zone
    try:
        entries = log_for(services, window, flt, limit=limit)
    except UnknownFilterValue as exc:
        raise click.ClickException(str(exc)) from exc
    title = f"Shift log {window.label}" if window else "Journal"
    _print(
        entries, as_json, zone, None if follow else f"{title}: {len(entries)} events"
    )
    if not follow:
        return
    last = entries[-1].id if entries else services.last_event_id()
    done = 0
    try:
        while polls is None or done < polls:
            time.sleep(interval)
            done += 1
            fresh = log_for(services, None, flt, after_id=last)
            if fresh:
                _print(fresh, as_json, zone, None)
                last = fresh[-1].id
    except KeyboardInterrupt:  # the normal way to stop following
        return


@log_group.command("verify")
@db_option
@click.option(
    "--archives",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="SIAGA_ARCHIVE_DIR",
    help="Archive folder to verify too (default: the data folder's archive/).",
)
@click.option("--no-archives", is_flag=True, help="Verify the online journal only.")
@click.pass_obj
@friendly_errors
def verify_command(
    state: CliState, archive_dir: Path | None, no_archives: bool
) -> None:
    """Walk the hash chain (archives, then database); exit 1 at the first bad event."""
    from dispatch.archive import default_archive_dir, verify_all
    from dispatch.journal import verify_chain

    services = services_from(state)
    if no_archives:
        report = services.run_read(verify_chain)
        _report_db(report)
        return
    folder = archive_dir or default_archive_dir()
    result = services.run_read(lambda s: verify_all(s, folder))
    for line in result.lines:
        click.echo(line, err=not result.ok)
    if not result.ok:
        sys.exit(1)


def _report_db(report: Any) -> None:
    console = Console(stderr=not report.ok)
    if report.ok:
        console.print(
            f"journal OK: {report.checked} events verified"
            + (f" ({report.first_id}..{report.last_id})" if report.checked else "")
        )
        return
    console.print(
        f"[bold red]journal BROKEN[/] at event {report.problem.position}: "
        f"{report.problem.message} ({report.checked} events verified before it)"
    )
    sys.exit(1)


@log_group.command("tail")
@db_option
@click.option(
    "-n", "count", default=20, show_default=True, type=click.IntRange(1, 10_000)
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.pass_obj
@friendly_errors
def tail_command(state: CliState, count: int, as_json: bool) -> None:
    """Print the newest events of the journal."""
    services = services_from(state)
    last = services.last_event_id()
    events = services.events_after(max(0, last - count), limit=count)
    if as_json:
        for event in events:
            click.echo(event.model_dump_json())
        return
    zone = services.settings.zone
    table = Table(title=f"Journal: last {len(events)} events")
    for column in ("id", "time", "actor", "terminal", "kind", "details"):
        table.add_column(column)
    for event in events:
        details = json.dumps(event.payload, ensure_ascii=False, sort_keys=True)
        table.add_row(
            str(event.id),
            event.at.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S"),
            event.actor,
            event.terminal,
            event.kind,
            details if len(details) < 100 else details[:97] + "…",
        )
    Console().print(table)


def register(group: click.Group) -> None:
    """Add ``log`` to the ``siaga`` group."""
    group.add_command(log_group)
