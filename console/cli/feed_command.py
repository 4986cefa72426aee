"""``siaga feed``: the ring feed from a phone-system adapter, on standard input."""

from __future__ import annotations

import sys

import click

from console.cli.common import CliState, db_option, services_from


@click.command("feed")
@db_option
@click.pass_obj
def feed_command(state: CliState) -> None:
    """Read ring, answered and ended events (JSON lines) from standard input.

    A phone-system adapter writes one JSON object per line, e.g.
    {"event": "ring", "at": "2026-12-01T03:00:00Z", "line": "201",
    "number": "081234567890"}; see docs/ring-feed.md. The caller's number
    travels only inside the stream, never on a command line. A bad line is
    reported on standard error and skipped; the feed runs until the input ends.
    """
    from dispatch.ringfeed import ring_feed_principal, run_feed

    # The feed is a program with its own row in the role table, not an operator.
    feed = services_from(
        state, principal=ring_feed_principal(state.settings().terminal)
    )
    services = feed
    try:
        summary = run_feed(
            feed,
            sys.stdin.buffer,
            sys.stderr,
            mapped=services.settings.ring_lines,
        )
    except KeyboardInterrupt:  # the adapter's operator stopped the feed
        raise click.exceptions.Exit(130) from None
    finally:
        services.engine.dispose()
    click.echo(
        f"siaga feed: {summary.applied} applied, {summary.skipped} skipped", err=True
    )


def register(group: click.Group) -> None:
    """Add ``feed`` to the ``siaga`` group."""
    group.add_command(feed_command)
