"""``siaga unit CALLSIGN``: the responder view for one unit."""

from __future__ import annotations

import click

from console.cli.common import (
    CliState,
    db_option,
    friendly_errors,
    schema_problem,
    services_from,
)
from console.cli.params import TEXT


def register(group: click.Group) -> None:
    """Add ``unit`` to the ``siaga`` group."""
    group.add_command(unit)


@click.command("unit")
@click.argument("callsign", type=TEXT)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["id", "en"]),
    default=None,
    help="Interface language (default: the configured one, Indonesian for Blitar).",
)
@db_option
@click.pass_obj
@friendly_errors
def unit(state: CliState, callsign: str, language: str | None) -> None:
    """Open the unit view for CALLSIGN (an in-vehicle terminal or a phone).

    Keys: 1 acknowledge, 2 en route, 3 on scene, 4 transporting, 5 at hospital,
    6 available, 7 returning, 8 out of service (press twice); F1 help,
    ctrl+q quit.
    """
    services = services_from(state, check_schema=False)
    problem = schema_problem(services.engine)
    if problem is not None:
        raise click.ClickException(problem)
    # An unknown callsign fails here, with one clear line, before the sign-on.
    callsign = services.unit_for_signon(callsign)
    from console.responder import ResponderApp

    # The view signs on a responder bound to this unit first; the door then
    # lets it see and change only that unit and its own assignments.
    app = ResponderApp(services, callsign, language=language)
    try:
        app.run()
    finally:
        problem = app.sign_off_at_exit()
        if problem:
            click.echo(f"siaga: {problem}", err=True)
