"""``siaga log``: read and verify the event journal (the 24-hour shift log)."""

from __future__ import annotations

import json
import sys

import click
from rich.console import Console
from rich.table import Table

from console.cli.common import CliState, db_option, friendly_errors, services_from


@click.group("log")
def log_group() -> None:
    """The event journal: the shift log and audit trail."""


@log_group.command("verify")
@db_option
@click.pass_obj
@friendly_errors
def verify_command(state: CliState) -> None:
    """Walk the hash chain; exit 1 naming the first bad event."""
    from dispatch.journal import verify_chain

    services = services_from(state)
    report = services.run_read(verify_chain)
    console = Console(stderr=not report.ok)
    if report.ok:
        console.print(
            f"journal OK: {report.checked} events verified"
            + (f" ({report.first_id}..{report.last_id})" if report.checked else "")
        )
        return
    assert report.problem is not None
    console.print(
        f"[bold red]journal BROKEN[/] at event {report.problem.position}: "
        f"{report.problem.message} ({report.checked} events verified before it)"
    )
    sys.exit(1)


@log_group.command("tail")
@db_option
@click.option("-n", "count", default=20, show_default=True, type=click.IntRange(1, 10_000))
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
