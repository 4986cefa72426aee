"""``siaga simulate``: a simulated day (or shift) of the center on the real engine.

Without ``--db`` the run writes to an in-memory database and only the figures
remain; with ``--db URL`` it writes a new (empty) database that reports and
``siaga log`` can read afterwards. ``--json`` prints the stable document
described in docs/simulator.md; otherwise rich tables.
"""

from __future__ import annotations

import json
import time as _time
from datetime import datetime
from typing import Any

import click

from console.cli.common import CliState, db_option

#: The policies ``dispatch.simulator`` knows (its ``POLICY_NAMES``), spelled
#: out here so that ``--help`` and start-up need not import the simulator
#: (numpy, scipy, the whole engine); a test checks the two stay equal.
POLICY_CHOICES: tuple[str, ...] = (
    "engine",
    "engine-sequential",
    "closest-idle",
    "closest-free",
)


def register(group: click.Group) -> None:
    """Add ``simulate`` to the ``siaga`` group."""
    group.add_command(simulate_command)


def _fmt_s(value: float | None) -> str:
    if value is None:
        return "-"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


def _fmt_share(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def _print_summary(doc: dict[str, Any], runtime_s: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False, width=120)
    cfg = doc["config"]
    console.print(
        f"[bold]Simulasi / simulation[/bold] {cfg['region_pack']} · policy "
        f"[bold]{cfg['policy']}[/bold] · seed {cfg['seed']} · {cfg['hours']:g} h from "
        f"{cfg['start']} · rate ×{cfg['rate_scale']:g}"
    )
    outcomes = ", ".join(f"{k} {v}" for k, v in doc["calls"]["by_outcome"].items())
    inc = doc["incidents"]
    console.print(
        f"Calls {doc['calls']['total']} ({outcomes}); incidents {inc['total']}, "
        f"closed {inc['closed']}, pre-emptions {inc['preemptions']}"
    )
    columns = (
        "n",
        "reached",
        "mean",
        "median",
        "p90",
        "within target",
        "longest queue wait",
    )
    table = Table(title="Response time (call → first unit on scene), by priority")
    table.add_column("priority")
    for col in columns:
        table.add_column(col, justify="right")
    for prio, row in doc["by_priority"].items():
        table.add_row(prio, *_cells(row))
    console.print(table)
    table = Table(title="By unit type (call → first unit of the type on scene)")
    table.add_column("unit type")
    table.add_column("units", justify="right")
    for col in (*columns, "utilisation"):
        table.add_column(col, justify="right")
    for unit_type, row in doc["by_unit_type"].items():
        table.add_row(
            unit_type, str(row["units"]), *_cells(row), _fmt_share(row["utilisation"])
        )
    console.print(table)
    queue = doc["queue"]
    if queue["longest_wait_incident"]:
        console.print(
            f"Longest queue wait: {_fmt_s(queue['longest_wait_s'])} "
            f"({queue['longest_wait_incident']}, {queue['longest_wait_priority']})"
        )
    if inc["dropped_slots"]:
        console.print(f"Plan slots never filled: {inc['dropped_slots']}")
    console.print(f"[dim]Ran in {runtime_s:.1f} s.[/dim]")


def _cells(row: dict[str, Any]) -> list[str]:
    within = (
        f"{row['within_target']} ({_fmt_share(row['within_target_share'])})"
        if row["n"]
        else "-"
    )
    return [
        str(row["n"]),
        str(row["reached"]),
        _fmt_s(row["mean_s"]),
        _fmt_s(row["median_s"]),
        _fmt_s(row["p90_s"]),
        within,
        _fmt_s(row["longest_queue_wait_s"]),
    ]


@click.command("simulate")
@db_option
@click.option(
    "--hours",
    type=click.FloatRange(min=0, min_open=True),
    default=24.0,
    show_default=True,
    help="Length of the simulated period.",
)
@click.option(
    "--seed",
    type=int,
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same run.",
)
@click.option(
    "--rate-scale",
    type=click.FloatRange(min=0),
    default=1.0,
    show_default=True,
    help="Multiplies the call rate (5 = a surge: flood, earthquake).",
)
@click.option(
    "--policy",
    type=click.Choice(POLICY_CHOICES),
    default="engine",
    show_default=True,
    help="Dispatch policy.",
)
@click.option(
    "--calls-per-day",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Base call volume instead of the profile's (before --rate-scale).",
)
@click.option(
    "--start",
    type=click.DateTime(["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"]),
    default=None,
    help="Start time with offset, e.g. 2025-02-03T07:00+0700 "
    "(default: the shift change-over on 2025-02-03).",
)
@click.option(
    "--profile",
    "profile",
    default=None,
    metavar="FILE",
    help="Workload profile TOML (default: the shipped Blitar profile).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def simulate_command(
    ctx: click.Context,
    hours: float,
    seed: int,
    rate_scale: float,
    policy: str,
    calls_per_day: float | None,
    start: datetime | None,
    profile: str | None,
    as_json: bool,
) -> None:
    """Simulate a day of calls on the region pack and measure the responses.

    Runs the real engine and services on a simulated clock. Without --db the
    database is in memory; with --db it must be new (empty).
    """
    from dispatch.simulator import (
        ProfileError,
        SimulationConfig,
        SimulationError,
        simulate,
    )

    state = ctx.ensure_object(CliState)
    url = state.database_url or "sqlite://"
    settings = state.settings() if state.database_url else None
    try:
        config = SimulationConfig(
            seed=seed,
            hours=hours,
            rate_scale=rate_scale,
            policy=policy,
            database_url=url,
            start=start,
            profile=profile,
            calls_per_day=calls_per_day,
            region_pack=settings.region_pack if settings else "blitar",
        )
        began = _time.perf_counter()
        result = simulate(config, settings=settings)
        runtime = _time.perf_counter() - began
    except (SimulationError, ProfileError) as exc:
        raise click.ClickException(str(exc)) from exc
    doc = result.to_dict()
    result.engine.dispose()
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _print_summary(doc, runtime)
