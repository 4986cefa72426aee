"""``siaga log checkpoint`` and ``siaga log repair-head``: the journal's anchor."""

from __future__ import annotations

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


@click.command("checkpoint")
@db_option
@click.pass_obj
@friendly_errors
def checkpoint_command(state: CliState) -> None:
    """Verify the journal, then sign its head into the witness file."""
    services = services_from(state)
    made = services.checkpoint_journal(verify=True)
    click.echo(
        f"checkpoint {made.seq}: event {made.event_id} {made.hash[:16]}… "
        f"signed at {made.at:%Y-%m-%d %H:%M:%S} UTC"
    )


@click.command("repair-head")
@db_option
@click.pass_obj
@friendly_errors
def repair_head_command(state: CliState) -> None:
    """Recreate or move a missing or damaged journal_head row (journaled).

    Refused when the chain itself is broken or ends before the newest signed
    checkpoint: that is tampering to investigate, not a head to repair.
    """
    services = services_from(state)
    click.echo(services.repair_journal_head())


def add_journal_commands(group: click.Group) -> None:
    """Add the anchor commands to ``siaga log``."""
    group.add_command(checkpoint_command)
    group.add_command(repair_head_command)
