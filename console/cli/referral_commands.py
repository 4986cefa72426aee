"""``siaga referral``: follow referrals up from the command line.

``list`` shows the open ones with their age against the agency's target;
``show`` one referral; ``ack``, ``resolve`` and ``reopen`` record what the
agency said, through the same services as the desk.
"""

from __future__ import annotations

from typing import Any

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


def _hours(seconds: float) -> str:
    return f"{seconds / 3600:.1f} h"


def _echo_referral(view: Any) -> None:
    click.echo(
        f"#{view.id} {view.status.value} {view.agency_code} via {view.channel.value}"
        f" sector {view.sector or 'other'}"
        f" ref {view.reference_number or '-'}"
        + (f" note: {view.note}" if view.note else "")
    )
    for key, value in sorted(view.details.items()):
        click.echo(f"  {key}: {value}")


def register(group: click.Group) -> None:
    """Add the ``referral`` command group to ``group``."""

    @group.group("referral")
    def referral() -> None:
        """Open referrals and their follow-up."""

    @referral.command("list")
    @db_option
    @click.pass_obj
    @friendly_errors
    def list_(state: CliState) -> None:
        """Open referrals, oldest first; OVERDUE past the agency's target."""
        services = services_from(state)
        lines = services.open_referrals()
        for line in lines:
            ref = line.referral
            click.echo(
                f"#{ref.id} {line.agency_name} {ref.channel.value} "
                f"{ref.sector or 'other'} ref {ref.reference_number or '-'} "
                f"age {_hours(line.age_s)} / {line.target_h} h"
                + (" OVERDUE" if line.overdue else "")
            )
        click.echo(f"{len(lines)} open referral(s)")

    @referral.command("show")
    @db_option
    @click.argument("referral_id", type=int)
    @click.pass_obj
    @friendly_errors
    def show(state: CliState, referral_id: int) -> None:
        """One referral."""
        _echo_referral(services_from(state).referral(referral_id))

    @referral.command("ack")
    @db_option
    @click.argument("referral_id", type=int)
    @click.option("--reference", help="The agency's own reference number.")
    @click.option("--note", help="What the agency said.")
    @click.pass_obj
    @friendly_errors
    def ack(
        state: CliState, referral_id: int, reference: str | None, note: str | None
    ) -> None:
        """The agency acknowledged the referral."""
        _echo_referral(
            services_from(state).acknowledge_referral(
                referral_id, reference_number=reference, note=note
            )
        )

    @referral.command("resolve")
    @db_option
    @click.argument("referral_id", type=int)
    @click.option("--note", help="What the agency did.")
    @click.pass_obj
    @friendly_errors
    def resolve(state: CliState, referral_id: int, note: str | None) -> None:
        """The agency solved the problem."""
        _echo_referral(services_from(state).resolve_referral(referral_id, note=note))

    @referral.command("reopen")
    @db_option
    @click.argument("referral_id", type=int)
    @click.option("--reason", required=True, help="Why it is open again.")
    @click.pass_obj
    @friendly_errors
    def reopen(state: CliState, referral_id: int, reason: str) -> None:
        """The problem is back: reopen a resolved referral."""
        _echo_referral(services_from(state).reopen_referral(referral_id, reason))
