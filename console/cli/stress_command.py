"""``siaga stress``: many desk processes on one database, then the invariants.

Thin: the options become a :class:`dispatch.stress.StressConfig`; the run and
the checks are :func:`dispatch.stress.run_stress`. Without ``--db`` the run
uses a new SQLite file in a temporary folder that is removed afterwards;
with ``--db`` the database must hold no calls (it is created if empty).
Exit 1 when an invariant failed.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import click

from console.cli.common import CliState, db_option, friendly_errors


def register(group: click.Group) -> None:
    """Add ``stress`` to the ``siaga`` group."""
    group.add_command(stress_command)


def _seconds(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def _print_text(doc: dict[str, Any]) -> None:
    lat = doc["cycle_s"]
    click.echo(
        f"stress: {doc['desks']} desks x {doc['seconds']:g} s on {doc['backend']}"
        f" (seed {doc['seed']}, {doc['kills']} desks killed)"
    )
    click.echo(
        f"writes: {doc['writes']} in {doc['elapsed_s']:.1f} s = "
        f"{doc['writes_per_s']:.1f} writes/s; {doc['events']} journal events"
    )
    click.echo(
        f"desk cycle ({doc['cycles']} cycles): p50 {_seconds(lat['p50'])}, "
        f"p99 {_seconds(lat['p99'])}, max {_seconds(lat['max'])}"
    )
    errors = ", ".join(f"{k} {v}" for k, v in doc["errors"].items()) or "none"
    refused = ", ".join(f"{k} {v}" for k, v in doc["refused"].items()) or "none"
    click.echo(f"errors: {errors}")
    for sample in doc["error_samples"]:
        click.echo(f"  {sample['action']}: {sample['type']}: {sample['message']}")
    click.echo(f"refused by the engine (expected in races): {refused}")
    for check in doc["invariants"]:
        mark = "ok    " if check["ok"] else "FAILED"
        click.echo(f"{mark} {check['name']}: {check['detail']}")


@click.command("stress")
@db_option
@click.option(
    "--desks",
    type=click.IntRange(1, 256),
    default=8,
    show_default=True,
    help="Desk processes to run at once.",
)
@click.option(
    "--seconds",
    type=click.FloatRange(1, 24 * 3600),
    default=20,
    show_default=True,
    help="How long the desks work.",
)
@click.option(
    "--seed",
    type=click.IntRange(0, 2**31 - 1),
    default=0,
    show_default=True,
    help="Seed of the desks' random choices (and of the kill moments).",
)
@click.option(
    "--kills",
    type=click.IntRange(0, 10_000),
    default=0,
    show_default=True,
    help="SIGKILL this many desk processes at random moments (each restarts).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
@friendly_errors
def stress_command(
    state: CliState, desks: int, seconds: float, seed: int, kills: int, as_json: bool
) -> None:
    """Run DESKS desk processes against one database, then check the invariants.

    Each desk opens calls, ends some with a one-key outcome, makes incidents,
    accepts recommendations, races the others for a few units and reports
    unit statuses. Afterwards: no unit on two active assignments, every call
    one outcome, every acknowledged action stored, the journal verifies with
    ids without gaps, and the tables agree with the journal. Exit 1 if not.
    """
    from dispatch.stress import StressConfig, run_stress

    with tempfile.TemporaryDirectory(prefix="siaga-stress-") as tmp:
        url = (
            state.settings().database_url  # validated like every --db
            if state.database_url
            else f"sqlite:///{Path(tmp) / 'stress.db'}"
        )
        config = StressConfig(
            database_url=url,
            desks=desks,
            seconds=seconds,
            work_dir=Path(tmp) / "desks",
            seed=seed,
            kills=kills,
        )
        result = run_stress(config)
    doc = result.as_dict()
    if as_json:
        click.echo(json.dumps(doc, indent=2))
    else:
        _print_text(doc)
    if not result.ok:
        sys.exit(1)
