"""``siaga log``: the shift log (list, filter, follow) and journal verification."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from console.cli.common import CliState, db_option, friendly_errors, services_from
from console.cli.params import (
    LOCAL_DATE,
    LOCAL_TIME,
    TEXT,
    FiniteFloat,
    RowId,
    check_order,
)


def parse_local(value: str) -> datetime:
    """``YYYY-MM-DD[ HH:MM[:SS]]`` or ISO 8601 (naive = center's local time)."""
    when: datetime = LOCAL_TIME.convert(value, None, None)
    return when


def resolve_window(
    services: Any,
    shift: date | None,
    start: datetime | None,
    end: datetime | None,
    everything: bool = False,
) -> Any:
    """The window the options name: ``--all``, ``--from/--to``, ``--shift`` or now."""
    from dispatch.reports.window import custom_window, shift_for_date, shift_window

    settings = services.settings
    if everything:
        return None
    if start or end:
        if not (start and end):
            raise click.UsageError("--from and --to go together")
        check_order(start, end, names=("--from", "--to"))
        return custom_window(start, end, settings)
    if shift is not None:
        return shift_for_date(shift, settings)
    return shift_window(services.clock.now(), settings)


def window_options(func: Any) -> Any:
    """``--shift DATE`` / ``--from`` / ``--to`` shared by log and report commands."""
    func = click.option(
        "--to", "end", type=LOCAL_TIME, metavar="TIME", help="End of a custom window."
    )(func)
    func = click.option(
        "--from",
        "start",
        type=LOCAL_TIME,
        metavar="TIME",
        help="Start of a custom window (local time).",
    )(func)
    return click.option(
        "--shift",
        "shift",
        metavar="DATE",
        type=LOCAL_DATE,
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
    "--kind",
    "kinds",
    multiple=True,
    type=TEXT,
    help="Kind, family (call) or glob (*.closed).",
)
@click.option("--incident", type=TEXT, help="Incident number or id.")
@click.option("--unit", type=TEXT, help="Unit call sign.")
@click.option("--operator", type=TEXT, help="Operator username.")
@click.option("--terminal", type=TEXT, help="Terminal name.")
@click.option(
    "--outcome",
    type=TEXT,
    help="Only events of calls with this outcome (prank, silent…).",
)
@click.option("--text", type=TEXT, help="Text to find in the event details.")
@click.option("--limit", type=RowId(), help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option("--follow", "-f", is_flag=True, help="Keep printing new events.")
@click.option(
    "--interval",
    type=FiniteFloat(min=0, max=3600),
    default=1.0,
    show_default=True,
    help="Seconds between polls.",
)
@click.option(
    "--polls", type=int, default=None, hidden=True
)  # tests: stop after N polls
@click.pass_context
@friendly_errors
def log_group(
    ctx: click.Context,
    shift: date | None,
    start: datetime | None,
    end: datetime | None,
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
    from dispatch.reports.shiftlog import LogFilter, UnknownFilterValue

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
        entries = services.shift_log(window, flt, limit=limit)
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
    # NOTIFY wakes it on PostgreSQL; on SQLite this sleeps ``interval``.
    signal = services.journal_signal(poll_seconds=interval)
    try:
        while polls is None or done < polls:
            signal.wait(interval)
            done += 1
            fresh = services.shift_log(None, flt, after_id=last)
            if fresh:
                _print(fresh, as_json, zone, None)
                last = fresh[-1].id
    except KeyboardInterrupt:  # the normal way to stop following
        return
    finally:
        signal.close()


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
@click.option(
    "--state",
    "with_state",
    is_flag=True,
    help="Also replay the journal and compare it with the incident, call and "
    "assignment tables.",
)
@click.pass_obj
@friendly_errors
def verify_command(
    state: CliState, archive_dir: Path | None, no_archives: bool, with_state: bool
) -> None:
    """Walk the hash chain, check it against the newest signed checkpoint.

    Archives first, then the database; with ``--state`` the incident, call
    and assignment tables are compared with a replay. Exit 1 on a problem.
    """
    services = services_from(state)
    if no_archives:
        chain_ok = _report_db(services.verify_journal())
    else:
        folder = archive_dir or services.archive_folder
        result = services.verify_everything(folder)
        for line in result.lines:
            click.echo(line, err=not result.ok)
        chain_ok = result.ok
    findings = [services.verify_anchor()]
    if with_state:
        findings.extend(services.verify_state())
    for finding in findings:
        click.echo(finding.line if finding.ok else f"BROKEN: {finding.line}")
    if not chain_ok or not all(f.ok for f in findings):
        sys.exit(1)


def _report_db(report: Any) -> bool:
    console = Console(stderr=not report.ok)
    if report.ok:
        console.print(
            f"journal OK: {report.checked} events verified"
            + (f" ({report.first_id}..{report.last_id})" if report.checked else "")
        )
        return True
    console.print(
        f"[bold red]journal BROKEN[/] at event {report.problem.position}: "
        f"{report.problem.message} ({report.checked} events verified before it)"
    )
    return False


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
    from console.cli.journal_commands import add_journal_commands

    add_journal_commands(log_group)
    group.add_command(log_group)
