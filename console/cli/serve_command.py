"""``siaga serve``: the same console in a browser, through textual-serve.

Each browser tab starts its own ``siaga`` process on the server (so tabs
follow each other through the journal like terminals do). Bound to
127.0.0.1 unless ``--host`` says otherwise: put a TLS proxy with
authentication in front before exposing it.
"""

from __future__ import annotations

import shlex
import sys

import click

from console.cli.common import CliState, db_option


def console_command_line(state: CliState) -> str:
    """The command each browser tab runs (the same Python, the same database)."""
    parts = [sys.executable, "-m", "console"]
    if state.database_url:
        parts += ["--db", state.database_url]
    return shlex.join(parts)


@click.command("serve")
@db_option
@click.option(
    "--host", default="127.0.0.1", show_default=True, help="Address to listen on."
)
@click.option(
    "--port",
    default=8112,
    show_default=True,
    type=click.IntRange(1, 65535),
    help="Port to listen on.",
)
@click.option(
    "--public-url", default=None, help="URL the browser sees, when behind a proxy."
)
@click.pass_obj
def serve_command(
    state: CliState, host: str, port: int, public_url: str | None
) -> None:
    """Serve the console in a browser (textual-serve), on localhost by default."""
    from textual_serve.server import Server

    state.settings()  # a bad configuration fails here, not in every tab
    server = Server(
        console_command_line(state),
        host=host,
        port=port,
        title="Siaga 112",
        public_url=public_url,
    )
    server.serve()


def register(group: click.Group) -> None:
    """Add ``serve`` to the ``siaga`` group."""
    group.add_command(serve_command)
