"""``siaga watch``: a small process that runs the background duties.

Desks run the same duties on a timer while they are open; ``siaga watch``
covers the hours when no desk is (or a center that wants one dedicated
process). Each duty is idempotent in the database, so running watchers and
desks side by side never escalates a hand-off twice.
"""

from __future__ import annotations

import time
from typing import Any

import click

from console.cli.common import CliState, db_option, friendly_errors, services_from


def _describe(report: Any) -> list[str]:
    lines = []
    for step in report.escalations:
        to = "supervisor" if int(step.level) == 2 else "all desks"
        lines.append(
            f"escalated: {step.incident_number} handed to {step.agency_name}, "
            f"no acknowledgement after {round(step.waited_s)} s -> {to}"
        )
    for referral_id in report.overdue_referrals:
        lines.append(f"overdue: referral {referral_id} is past its agency's target")
    return lines


def _run_once(services: Any) -> int:
    report = services.run_duties()
    for line in _describe(report):
        click.echo(line)
    return len(report.escalations) + len(report.overdue_referrals)


def register(group: click.Group) -> None:
    """Add ``watch`` to ``group``."""

    @group.command("watch")
    @db_option
    @click.option("--once", is_flag=True, help="Run the duties once and exit.")
    @click.option(
        "--interval",
        type=click.IntRange(1, 300),
        default=None,
        help="Seconds between runs (default: the duty_interval_seconds setting).",
    )
    @click.pass_obj
    @friendly_errors
    def watch(state: CliState, once: bool, interval: int | None) -> None:
        """Escalate overdue hand-offs and flag overdue referrals, on a timer."""
        from dispatch.errors import DatabaseUnavailable
        from dispatch.services.duties import watcher_principal

        settings = state.settings()
        services = services_from(
            state, principal=watcher_principal(f"watch@{settings.terminal}")
        )
        if once:
            taken = _run_once(services)
            click.echo(f"{taken} duty step(s) taken")
            return
        every = interval or services.settings.duty_interval_seconds
        click.echo(f"watching every {every} s (ctrl+c stops)")
        try:
            while True:
                try:
                    _run_once(services)
                except DatabaseUnavailable as exc:
                    click.echo(f"waiting for the database: {exc.message}", err=True)
                time.sleep(every)
        except KeyboardInterrupt:
            click.echo("watch stopped")
