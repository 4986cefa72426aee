"""``siaga unit CALLSIGN``: the responder view for one unit."""

from __future__ import annotations

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


def register(group: click.Group) -> None:
    """Add ``unit`` to the ``siaga`` group."""
    group.add_command(unit)


@click.command("unit")
@click.argument("callsign")
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
    callsign = callsign.strip().upper()
    # Reports are journalled as made by the unit itself.
    services = services_from(state).as_actor(callsign)
    services.unit(callsign)  # an unknown callsign fails here, with one clear line
    from console.responder import ResponderApp

    ResponderApp(services, callsign, language=language).run()
