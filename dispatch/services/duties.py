"""Background duties: the idempotent steps any desk or ``siaga watch`` runs.

Escalating overdue hand-offs and flagging overdue referrals need no one to
remember them: every running desk calls :meth:`DutyService.run` on a timer
(in a thread worker) and so does the small ``siaga watch`` process. Each step
is guarded in the database (conditional updates and a unique key), so however
many of them run at once, each escalation level and each overdue flag
happens exactly once. The duties act as the watcher principal
(:attr:`dispatch.principal.SystemRole.WATCHER`), on the caller's terminal.
"""

from __future__ import annotations

from datetime import timedelta

from dispatch.principal import Principal, SystemRole
from dispatch.schemas import DutyReport, EscalationView
from dispatch.services.base import ServiceContext
from dispatch.services.handoffs import HandoffService
from dispatch.services.referrals import ReferralService
from dispatch.services.unit_of_work import prune_keys


def watcher_principal(terminal: str) -> Principal:
    """The watcher at ``terminal``: the principal every duty step acts as."""
    return Principal(
        operator=SystemRole.WATCHER.value, role=SystemRole.WATCHER, terminal=terminal
    )


def watcher_context(ctx: ServiceContext) -> ServiceContext:
    """The same engine, settings, clock and pack, acting as the watcher.

    Built when a duty runs, after the door has resolved the caller's
    principal, so the watcher's events carry the caller's terminal.
    """
    return ServiceContext(
        ctx.engine,
        settings=ctx.settings,
        clock=ctx.clock,
        principal=watcher_principal(ctx.actor.terminal),
        pack=ctx._pack,
    )


class DutyService:
    """The background duties, run as the watcher principal."""

    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def escalate_overdue_handoffs(self) -> list[EscalationView]:
        """Take every escalation step now due (see HandoffService)."""
        return HandoffService(watcher_context(self._ctx)).escalate_overdue_handoffs()

    def flag_overdue_referrals(self) -> list[int]:
        """Flag referrals past their agency's target (see ReferralService)."""
        return ReferralService(watcher_context(self._ctx)).flag_overdue_referrals()

    def prune_idempotency_keys(self) -> int:
        """Forget idempotency keys older than ``idempotency_retention_hours``.

        Past that age no desk still retries the action, and the stored result
        (which may name a caller) should not outlive its purpose.
        """
        hours = self._ctx.settings.idempotency_retention_hours
        cutoff = self._ctx.clock.now() - timedelta(hours=hours)
        return prune_keys(self._ctx.engine, cutoff)

    def run(self) -> DutyReport:
        """Run every duty once; what each did comes back in the report."""
        self.prune_idempotency_keys()
        return DutyReport(
            escalations=tuple(self.escalate_overdue_handoffs()),
            overdue_referrals=tuple(self.flag_overdue_referrals()),
        )
