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

from console.cli.common import CliState, db_option, settings_or_exit
from console.cli.params import FiniteFloat, Moment

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


def _is_benchmark(pack: str) -> bool:
    from geodata.packs.benchmark import is_benchmark_pack

    return is_benchmark_pack(pack)


_ONE_RUN_ONLY = ("hours", "seed", "start", "profile", "calls_per_day", "surge")
_REPLICATIONS_ONLY = ("days", "seed_set", "workers")


def _refuse_unused(ctx: click.Context, replicate: bool) -> None:
    """An option the chosen mode would ignore is an error, not a silent no-op."""
    unused = _ONE_RUN_ONLY if replicate else _REPLICATIONS_ONLY
    for name in unused:
        if ctx.get_parameter_source(name) is click.core.ParameterSource.COMMANDLINE:
            flag = "--" + name.replace("_", "-")
            mode = (
                "replications (--replications/--compare, or a benchmark pack)"
                if replicate
                else "a single run"
            )
            raise click.UsageError(f"{flag} does not apply to {mode}")


def _require_pack(pack: str) -> None:
    """One clear line for a pack that is neither a region nor a benchmark pack."""
    if _is_benchmark(pack):
        return
    from geodata.packs import PackError, load_pack

    try:
        load_pack(pack)
    except PackError as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc


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
        + (
            f" · surge h{cfg['surge']['start_h']:g}-{cfg['surge']['end_h']:g} "
            f"×{cfg['surge']['factor']:g}"
            if cfg.get("surge")
            else ""
        )
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
    type=FiniteFloat(min=0, min_open=True, max=24 * 366),
    default=24.0,
    show_default=True,
    help="Length of the simulated period.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**63 - 1),
    default=1,
    show_default=True,
    help="Random seed: the same seed gives the same run.",
)
@click.option(
    "--rate-scale",
    type=FiniteFloat(min=0, max=1000),
    default=1.0,
    show_default=True,
    help="Multiplies the call rate (5 = a surge: flood, earthquake).",
)
@click.option(
    "--surge",
    default=None,
    metavar="START-END:FACTOR",
    help="Hours START to END of the run at FACTOR times the rate "
    "(after --rate-scale), e.g. 10-13:4 for a flood.",
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
    type=FiniteFloat(min=0, min_open=True, max=1_000_000),
    default=None,
    help="Base call volume instead of the profile's (before --rate-scale).",
)
@click.option(
    "--start",
    type=Moment(["%Y-%m-%dT%H:%M%z", "%Y-%m-%dT%H:%M:%S%z"]),
    default=None,
    help="Start time with offset, e.g. 2025-02-03T07:00+0700 "
    "(default: the shift change-over on 2025-02-03).",
)
@click.option(
    "--profile",
    "profile",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
    metavar="FILE",
    help="Workload profile TOML (default: the region pack's own).",
)
@click.option(
    "--pack",
    "pack",
    default=None,
    metavar="NAME|FOLDER",
    help="Region pack (blitar) or benchmark pack (utrecht) to simulate "
    "(default: the configured one, region_pack).",
)
@click.option(
    "--days",
    type=FiniteFloat(min=0, min_open=True, max=366),
    default=None,
    help="Replications: measured days each (after a one-day warm-up); "
    "default 14 for a benchmark pack, 1 otherwise.",
)
@click.option(
    "--replications",
    type=click.IntRange(2, 10_000),
    default=None,
    help="Run this many replications and print 95 % intervals.",
)
@click.option(
    "--compare",
    default=None,
    metavar="A,B",
    help="Policies to compare on the same calls (the first is the baseline).",
)
@click.option(
    "--seed-set",
    type=click.Choice(["train", "validate", "test"]),
    default="test",
    show_default=True,
    help="Replication seeds: tune on validate, report on test.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 256),
    default=None,
    help="Worker processes for replications (default: one per core).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_context
def simulate_command(
    ctx: click.Context,
    hours: float,
    seed: int,
    rate_scale: float,
    surge: str | None,
    policy: str,
    calls_per_day: float | None,
    start: datetime | None,
    profile: str | None,
    pack: str | None,
    days: float | None,
    replications: int | None,
    compare: str | None,
    seed_set: str,
    workers: int | None,
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
    from dispatch.simulator.calls import Surge

    try:
        window = Surge.parse(surge) if surge is not None else None
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--surge") from None

    state = ctx.ensure_object(CliState)
    url = state.database_url or "sqlite://"
    settings = state.settings() if state.database_url else None
    if pack is None:
        pack = (settings or settings_or_exit()).region_pack
    elif settings is not None:
        settings = settings.model_copy(update={"region_pack": pack})
    _require_pack(pack)
    replicate = replications is not None or compare is not None or _is_benchmark(pack)
    _refuse_unused(ctx, replicate)
    if replicate:
        if state.database_url:
            raise click.UsageError("replications run in memory: drop --db")
        from console.cli.simulate_compare import run_compare

        run_compare(
            pack=pack,
            days=days,
            replications=replications,
            compare=compare or policy,
            seed_set=seed_set,
            workers=workers,
            rate_scale=rate_scale,
            as_json=as_json,
        )
        return
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
            region_pack=pack,
            surge=window,
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
