"""``siaga serve``: the same console in a browser, through textual-serve.

Each browser tab starts its own ``siaga`` process on the server (so tabs
follow each other through the journal like terminals do). It listens on
loopback (127.0.0.1) only, unless ``--allow-remote`` is given; then TLS must
be terminated by a reverse proxy in front of it (docs/serve.md). The page
loads nothing from outside the machine, and stopping the server stops the
consoles it started (:mod:`console.serve`).

The consoles get the database URL through their environment, not their
command line: a command line is visible to every local user (``ps``), and a
PostgreSQL URL may carry a password.
"""

from __future__ import annotations

import os
import shlex
import sys

import click

from console.cli.common import CliState, db_option
from console.cli.params import TEXT

REMOTE_WARNING = (
    "WARNING: siaga serve is listening on {host}, beyond this machine. It speaks "
    "plain HTTP: callers' data crosses the network in clear text unless TLS is "
    "terminated in front of it by a reverse proxy (see docs/serve.md)."
)


def console_command_line() -> str:
    """The command each browser tab runs (the same Python; ``exec``: no shell left)."""
    return "exec " + shlex.join([sys.executable, "-m", "console"])


@click.command("serve")
@db_option
@click.option(
    "--host",
    type=TEXT,
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (loopback only, unless --allow-remote).",
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
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Listen on a non-loopback address (TLS must be terminated in front).",
)
@click.pass_obj
def serve_command(
    state: CliState,
    host: str,
    port: int,
    public_url: str | None,
    allow_remote: bool,
) -> None:
    """Serve the console in a browser (textual-serve), on loopback by default."""
    from console.serve import RemoteNotAllowed, SiagaServer, is_loopback

    settings = state.settings()  # a bad configuration fails here, not in every tab
    if state.database_url:
        os.environ["SIAGA_DATABASE_URL"] = settings.database_url
    try:
        server = SiagaServer(
            console_command_line(),
            host=host,
            port=port,
            title="Siaga 112",
            public_url=public_url,
            allow_remote=allow_remote,
        )
    except RemoteNotAllowed as exc:
        raise click.UsageError(str(exc)) from exc
    if not is_loopback(host):
        click.echo(REMOTE_WARNING.format(host=host), err=True)
    server.serve()


def register(group: click.Group) -> None:
    """Add ``serve`` to the ``siaga`` group."""
    group.add_command(serve_command)
