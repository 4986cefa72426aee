"""``siaga follow``: desks that only follow the journal, and how far they trail.

Run it beside anything that writes (a province day in ``siaga simulate``,
``siaga stress``, real desks): DESKS desks follow the journal as the console
does (NOTIFY on PostgreSQL, the poll on SQLite) and a probe times how long
each new journal head takes to reach all of them. Reads only; the desks act
as the stress tool's system principal (caller data masked).
"""

from __future__ import annotations

import json
import signal
import threading
from typing import Any

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


def register(group: click.Group) -> None:
    """Add ``follow`` to the ``siaga`` group."""
    group.add_command(follow_command)


def _ms(value: Any) -> str:
    return "-" if value is None else f"{value * 1000:.0f} ms"


def _stop_on_signals() -> threading.Event:
    """An event that Ctrl+C and SIGTERM set: the run ends with its figures printed.

    A shell starts a background job with SIGINT ignored, so a script that
    runs ``siaga follow &`` beside a writer could not stop it with its
    figures: both signals are set here, and only set a flag.
    """
    stop = threading.Event()

    def request_stop(signum: int, frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    return stop


@click.command("follow")
@db_option
@click.option(
    "--desks",
    type=click.IntRange(1, 256),
    default=32,
    show_default=True,
    help="Following desks (threads, one journal signal each).",
)
@click.option(
    "--seconds",
    type=click.FloatRange(1, 48 * 3600),
    default=60,
    show_default=True,
    help="How long to follow.",
)
@click.option(
    "--probe",
    "probe_seconds",
    type=click.FloatRange(0.05, 60),
    default=0.5,
    show_default=True,
    help="Seconds between looks at the journal head.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.pass_obj
@friendly_errors
def follow_command(
    state: CliState, desks: int, seconds: float, probe_seconds: float, as_json: bool
) -> None:
    """Follow the journal with DESKS desks and report how far they trail its head.

    Stops after SECONDS, or on Ctrl+C or SIGTERM, and then prints the figures.
    """
    from dispatch.principal import Principal, SystemRole
    from dispatch.stress.followers import follow_and_probe

    stop = _stop_on_signals()
    settings = state.settings()
    principal = Principal("follow", SystemRole.STRESS, settings.terminal)
    readers = services_from(state, principal=principal)
    probe = services_from(state, principal=principal)
    click.echo(
        f"following with {desks} desks for up to {seconds:g} s; "
        "Ctrl+C or SIGTERM stops and prints the figures",
        err=True,
    )
    report = follow_and_probe(
        readers,
        probe,
        desks=desks,
        seconds=seconds,
        probe_seconds=probe_seconds,
        stop=stop,
    )
    doc = report.as_dict()
    if as_json:
        click.echo(json.dumps(doc, indent=2))
        return
    delay = doc["delay_s"]
    assert isinstance(delay, dict)
    click.echo(
        f"follow: {doc['desks']} desks, woken by {doc['wakes_on']}, "
        f"{doc['seconds']} s, {doc['events_read_per_desk']} events read per desk"
    )
    click.echo(
        f"journal head to every desk ({doc['probes']} probes, {doc['missed']} "
        f"missed): p50 {_ms(delay['p50'])}, p95 {_ms(delay['p95'])}, "
        f"p99 {_ms(delay['p99'])}, max {_ms(delay['max'])}"
    )
