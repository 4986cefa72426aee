"""``siaga operator``: the roster of people who may sign on.

``add``, ``list``, ``disable``, ``enable``, ``reset-password`` and
``set-role``. Each command first signs on as an administrator (``--admin``,
default ``SIAGA_ADMIN_USER`` or ``admin``; the password from a hidden prompt
or ``SIAGA_ADMIN_PASSWORD``), with the same wait after failures as a desk;
the changes are journaled under that administrator at ``cli@<terminal>``.
New passwords are typed at a hidden prompt (twice) or piped in with
``--password-stdin``; never given on the command line.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from console.cli import secrets_input
from console.cli.common import (
    CliState,
    db_option,
    friendly_errors,
    schema_problem,
    services_from,
)

ROLES = ("call_taker", "dispatcher", "supervisor", "responder", "admin")

_password_stdin = click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input (automation).",
)
_unit = click.option(
    "--unit",
    "unit",
    default=None,
    metavar="CALLSIGN",
    help="The unit a responder is bound to (responders only).",
)


@contextmanager
def _as_admin(state: CliState, password_stdin: bool = False) -> Iterator[Any]:
    """The facade for an administrator signed on for this one command."""
    settings = state.settings()
    services = services_from(state, check_schema=False)
    problem = schema_problem(services.engine)
    if problem is not None:
        raise click.ClickException(problem)
    ctx = click.get_current_context()
    name = ctx.meta.get("siaga.admin") or os.environ.get("SIAGA_ADMIN_USER") or "admin"
    password = os.environ.get("SIAGA_ADMIN_PASSWORD")
    if password is None:
        if password_stdin or not secrets_input.stdin_is_terminal():
            raise click.ClickException(
                "sign on as an administrator: set SIAGA_ADMIN_PASSWORD (and "
                "SIAGA_ADMIN_USER), or run the command at a terminal"
            )
        password = click.prompt(f"Password of administrator {name}", hide_input=True)
    terminal = f"cli@{settings.terminal}"[:64]
    principal = services.sign_on(name, password, terminal, shift=False)
    try:
        yield services.as_principal(principal)
    finally:
        services.sign_off(principal, shift=False)


@click.group("operator")
@click.option(
    "--admin",
    "admin",
    default=None,
    metavar="NAME",
    help="Administrator to sign on as (default: SIAGA_ADMIN_USER or admin).",
)
@click.pass_context
def operator_group(ctx: click.Context, admin: str | None) -> None:
    """Manage operators: add, list, disable, enable, reset-password, set-role.

    Each command signs on as an administrator first: the password is asked
    for, or read from SIAGA_ADMIN_PASSWORD.
    """
    ctx.meta["siaga.admin"] = admin


@operator_group.command("add")
@click.argument("name")
@click.option(
    "--role",
    type=click.Choice(ROLES),
    required=True,
    help="What the operator does at the center.",
)
@_unit
@click.option("--display-name", default=None, help="Full name shown on screens.")
@_password_stdin
@db_option
@click.pass_obj
@friendly_errors
def add(
    state: CliState,
    name: str,
    role: str,
    unit: str | None,
    display_name: str | None,
    password_stdin: bool,
) -> None:
    """Add operator NAME with a ROLE; the password is asked for (or piped in)."""
    from dispatch.passwords import normalise_name

    username = normalise_name(name)  # a bad name fails before the password prompt
    with _as_admin(state, password_stdin) as services:
        password = secrets_input.read_password(
            password_stdin, f"Password for {username}"
        )
        view = services.add_operator(
            username, role, password, display_name=display_name, unit=unit
        )
    bound = f" (unit {view.unit_callsign})" if view.unit_callsign else ""
    click.echo(f"added {view.username}: {view.role.value}{bound}")


@operator_group.command("list")
@db_option
@click.pass_obj
@friendly_errors
def list_operators(state: CliState) -> None:
    """List operators: role, unit, enabled, password set, last sign-on."""
    with _as_admin(state) as services:
        operators = services.operators()
        zone = services.settings.zone
    table = Table("name", "role", "unit", "enabled", "password", "last sign-on")
    for op in operators:
        last = (
            op.last_signon_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
            if op.last_signon_at
            else "-"
        )
        table.add_row(
            op.username,
            op.role.value,
            op.unit_callsign or "-",
            "yes" if op.active else "no",
            "set" if op.has_password else "none",
            last,
        )
    Console().print(table)


@operator_group.command("disable")
@click.argument("name")
@db_option
@click.pass_obj
@friendly_errors
def disable(state: CliState, name: str) -> None:
    """Disable NAME: no more sign-ons; open ones end (their terminals lock)."""
    with _as_admin(state) as services:
        view = services.disable_operator(name)
    click.echo(f"disabled {view.username}")


@operator_group.command("enable")
@click.argument("name")
@db_option
@click.pass_obj
@friendly_errors
def enable(state: CliState, name: str) -> None:
    """Enable NAME again."""
    with _as_admin(state) as services:
        view = services.enable_operator(name)
    click.echo(f"enabled {view.username}")


@operator_group.command("reset-password")
@click.argument("name")
@_password_stdin
@db_option
@click.pass_obj
@friendly_errors
def reset_password(state: CliState, name: str, password_stdin: bool) -> None:
    """Give NAME a new password (and clear its failed sign-ons)."""
    from dispatch.passwords import normalise_name

    username = normalise_name(name)
    with _as_admin(state, password_stdin) as services:
        if username not in {op.username for op in services.operators()}:
            raise click.ClickException(f"There is no operator {username}.")
        password = secrets_input.read_password(
            password_stdin, f"New password for {username}"
        )
        view = services.reset_password(username, password)
    click.echo(f"password reset for {view.username}")


@operator_group.command("set-role")
@click.argument("name")
@click.argument("role", type=click.Choice(ROLES))
@_unit
@db_option
@click.pass_obj
@friendly_errors
def set_role(state: CliState, name: str, role: str, unit: str | None) -> None:
    """Give NAME another ROLE (a responder also --unit); open sign-ons end."""
    with _as_admin(state) as services:
        view = services.set_role(name, role, unit=unit)
    bound = f" (unit {view.unit_callsign})" if view.unit_callsign else ""
    click.echo(f"{view.username} is now {view.role.value}{bound}")


def register(group: click.Group) -> None:
    """Add ``operator`` to the ``siaga`` group."""
    group.add_command(operator_group)
