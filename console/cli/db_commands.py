"""``siaga init``: schema, region pack roster, and the first administrator.

The first administrator's password is asked for at the terminal (twice,
hidden) or read from ``SIAGA_ADMIN_PASSWORD`` (with ``SIAGA_ADMIN_USER``,
default ``admin``) for automation; without either, ``init`` stops with a
clear message. Demo operators (``--demo``) get the password in
``SIAGA_DEMO_PASSWORD`` or, without it, a random one each, printed once.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from typing import Any

import click
from rich.console import Console

from console.cli import secrets_input
from console.cli.common import CliState, db_option

ADMIN_USER_VARIABLE = "SIAGA_ADMIN_USER"
ADMIN_PASSWORD_VARIABLE = "SIAGA_ADMIN_PASSWORD"
DEMO_PASSWORD_VARIABLE = "SIAGA_DEMO_PASSWORD"


@click.command("init")
@db_option
@click.option(
    "--pack",
    "pack",
    default=None,
    help="Region pack name or folder (default: settings).",
)
@click.option(
    "--demo/--no-demo",
    default=True,
    show_default=True,
    help="Create the demo operators (passwords: SIAGA_DEMO_PASSWORD, or random "
    "ones printed once).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print nothing when all is well.")
@click.option(
    "--check",
    is_flag=True,
    help="Only tell whether init is needed (exit 1 if so); fast, changes nothing.",
)
@click.pass_obj
def init_command(
    state: CliState, pack: str | None, demo: bool, quiet: bool, check: bool
) -> None:
    """Create or upgrade the schema, load the unit roster, create the first admin.

    With no administrator yet, asks for one at the terminal, or reads
    SIAGA_ADMIN_PASSWORD (and SIAGA_ADMIN_USER, default "admin"). Running it
    again when nothing changed writes nothing (no journal event).
    """
    settings = state.settings()
    pack_name = pack or settings.region_pack
    if check:
        from dispatch.setup_check import init_needed

        reason = init_needed(settings.database_url, pack_name, demo=demo)
        if reason is None:
            if not quiet:
                click.echo("The database is up to date: init is not needed.")
            return
        if not quiet:
            click.echo(f"init is needed: {reason}.")
        raise click.exceptions.Exit(1)

    run_init(settings, pack_name, demo=demo, quiet=quiet)


def run_init(settings: Any, pack_name: str, *, demo: bool, quiet: bool) -> None:
    """Migrate, load the roster and leave the mark; print steps unless quiet."""
    from dispatch.db import make_engine
    from dispatch.setup import init_database

    demo_password = _demo_password() if demo else None
    engine = make_engine(settings.database_url, settings=settings)

    def step(text: str) -> None:
        if not quiet:
            click.echo(f"  {text} ...")

    try:
        report = init_database(
            engine,
            pack_name=pack_name,
            demo=demo,
            actor="siaga-init",
            terminal=settings.terminal,
            demo_password=demo_password,
            on_step=step,
        )
        admin = _ensure_admin(engine, settings)
    except click.ClickException:
        raise
    except Exception as exc:
        raise click.ClickException(f"init failed: {exc}") from exc
    finally:
        engine.dispose()
    console = Console()
    if admin:
        console.print(f"  administrator created: {admin}")
    generated = [(n, p) for n, p in report.operators_created if p is not None]
    if generated and not os.environ.get(DEMO_PASSWORD_VARIABLE):
        console.print("[bold]Demo operators[/] (passwords shown this once):")
        for name, password in generated:
            console.print(f"  {name:<12} {password}", highlight=False)
    if quiet:
        return
    where = engine.url.render_as_string(hide_password=True)
    console.print(f"[bold]Database[/] {where}")
    console.print(f"  schema: {report.from_revision or 'new'} → {report.to_revision}")
    console.print(
        f"  roster: {report.roster.agencies} agencies, "
        f"{report.roster.stations} stations, "
        f"{report.roster.units_added} units added, "
        f"{report.roster.units_updated} updated"
    )
    if report.operators_created:
        console.print(f"  demo operators created: {len(report.operators_created)}")


def _demo_password() -> Callable[[str], str]:
    given = os.environ.get(DEMO_PASSWORD_VARIABLE)
    if given:
        password = secrets_input.checked(given, DEMO_PASSWORD_VARIABLE)
        return lambda _name: password
    return lambda _name: secrets.token_urlsafe(12)


def _ensure_admin(engine: Any, settings: Any) -> str | None:
    """Create the first administrator when there is none; return its name."""
    from dispatch.enums import Role
    from dispatch.principal import Principal
    from dispatch.services import DispatchService

    # has_admin/create_first_admin take no principal (nobody can sign on yet);
    # this one only names "siaga-init" as the actor of the operator.added event.
    services = DispatchService(
        engine,
        settings=settings,
        principal=Principal("siaga-init", Role.ADMIN, settings.terminal),
    )
    if services.has_admin():
        return None
    name = os.environ.get(ADMIN_USER_VARIABLE) or "admin"
    password = os.environ.get(ADMIN_PASSWORD_VARIABLE)
    if password is not None:
        password = secrets_input.checked(password, ADMIN_PASSWORD_VARIABLE)
    elif secrets_input.stdin_is_terminal():
        click.echo(f"No administrator yet: choose a password for {name!r}.")
        password = secrets_input.prompt_password(f"Password for {name}")
    else:
        raise click.ClickException(
            "there is no administrator yet: run `siaga init` at a terminal, or set "
            f"{ADMIN_PASSWORD_VARIABLE} (and {ADMIN_USER_VARIABLE}, default admin)"
        )
    from dispatch.errors import DispatchError

    try:
        return str(services.create_first_admin(name, password).username)
    except DispatchError as exc:
        raise click.ClickException(f"{ADMIN_USER_VARIABLE}: {exc.message}") from exc


def prepare(state: CliState) -> None:
    """``siaga --prepare``: run init first when the database needs it.

    What ``./scripts/start`` uses: the check costs a few milliseconds in the
    process that then opens the console, so a warm start runs one Python.
    """
    from dispatch.setup_check import init_needed

    settings = state.settings()
    reason = init_needed(settings.database_url, settings.region_pack, demo=True)
    if reason is None:
        return
    click.echo(f"==> Preparing the database: {reason}")
    run_init(settings, settings.region_pack, demo=True, quiet=False)
    click.echo("==> The database is ready")


def register(group: click.Group) -> None:
    """Add ``init`` to the ``siaga`` group."""
    group.add_command(init_command)
