"""The ``siaga`` command line: one click group, one module per command family.

Every sub-command takes ``--db URL`` (see :func:`console.cli.common.db_option`)
so one terminal can point at another database without touching the config.
Command modules register themselves in :data:`COMMAND_MODULES`; importing them
is lazy-safe because none of them imports Textual at module level.
"""

from __future__ import annotations

import importlib

import click

from console.cli.common import CliState, config_option, db_option
from console.cli.errors import SiagaGroup

#: Modules that each define ``register(group)`` adding their commands.
COMMAND_MODULES: tuple[str, ...] = (
    "console.cli.db_commands",
    "console.cli.operator_commands",
    "console.cli.log_commands",
    "console.cli.serve_command",
    "console.cli.report_commands",
    "console.cli.export_commands",
    "console.cli.archive_commands",
    "console.cli.unit_command",
    "console.cli.geocode_command",
    "console.cli.simulate_command",
    "console.cli.watch_command",
    "console.cli.referral_commands",
    "console.cli.feed_command",
    "console.cli.pack_commands",
    "console.cli.bench_command",
    "console.cli.stress_command",
    "console.cli.follow_command",
    "console.cli.backup_commands",
)


@click.group(
    cls=SiagaGroup,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@db_option
@config_option
@click.option(
    "--prepare",
    is_flag=True,
    help="First create or upgrade the database if it needs it (as ./scripts/start).",
)
@click.pass_context
def main(ctx: click.Context, prepare: bool) -> None:
    """Siaga 112: computer-aided dispatch for 112 call centers.

    Without a sub-command, opens the console.
    """
    state = ctx.ensure_object(CliState)
    if prepare:
        from console.cli.db_commands import prepare as prepare_database

        prepare_database(state)
    if ctx.invoked_subcommand is None:
        from console.cli.console_command import run_console

        run_console(state)


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:  # a module still being written
            if exc.name != name:
                raise
            continue
        module.register(main)


_register_all()
