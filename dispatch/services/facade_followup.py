"""Hand-offs, referrals and the background duties ("no wrong door").

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatch.access import Action
from dispatch.enums import (
    AckMeans,
    CallbackOutcome,
    ReferralStatus,
)
from dispatch.schemas import (
    DutyReport,
    EscalationView,
    HandoffView,
    ReferralLine,
    ReferralView,
    WaitingHandoffView,
)

if TYPE_CHECKING:
    pass

from dispatch.services.guard import FacadeCore, guarded


class FollowupActions(FacadeCore):
    """Hand-offs, referrals and the background duties ("no wrong door")."""

    # -- hand-offs ---------------------------------------------------------------

    @guarded(Action.HANDOFF_REQUEST)
    def hand_off(
        self,
        incident_id: int | str,
        agency_code: str,
        *,
        idempotency_key: str | None = None,
    ) -> HandoffView:
        """Hand the incident to the agency that dispatches its own units."""
        return self._uow.run(
            idempotency_key,
            Action.HANDOFF_REQUEST.value,
            HandoffView,
            lambda: self._handoffs.hand_off(incident_id, agency_code),
        )

    @guarded(Action.HANDOFF_ACKNOWLEDGE)
    def acknowledge_handoff(
        self,
        handoff_id: int,
        *,
        by: str | None = None,
        via: AckMeans | str | None = None,
        at: datetime | None = None,
        idempotency_key: str | None = None,
    ) -> HandoffView:
        """Record the agency's acknowledgement: who, by which means, when."""
        return self._uow.run(
            idempotency_key,
            Action.HANDOFF_ACKNOWLEDGE.value,
            HandoffView,
            lambda: self._handoffs.acknowledge_handoff(
                handoff_id, by=by, via=via, at=at
            ),
        )

    @guarded(Action.HANDOFF_LIST)
    def waiting_handoffs(self) -> list[WaitingHandoffView]:
        """Hand-offs still waiting for their agency, with target and escalation."""
        return self._handoffs.waiting_handoffs()

    @guarded(Action.HANDOFF_ESCALATE)
    def escalate_overdue_handoffs(self) -> list[EscalationView]:
        """Take the escalation steps now due, as the watcher; each exactly once."""
        return self._duties.escalate_overdue_handoffs()

    # -- referrals ---------------------------------------------------------------

    @guarded(Action.REFERRAL_ACKNOWLEDGE)
    def acknowledge_referral(
        self,
        referral_id: int,
        *,
        reference_number: str | None = None,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReferralView:
        """The agency confirmed receipt with its own reference number."""
        return self._uow.run(
            idempotency_key,
            Action.REFERRAL_ACKNOWLEDGE.value,
            ReferralView,
            lambda: self._referrals.acknowledge_referral(
                referral_id, reference_number=reference_number, note=note
            ),
        )

    @guarded(Action.REFERRAL_RESOLVE)
    def resolve_referral(
        self,
        referral_id: int,
        *,
        note: str | None = None,
        idempotency_key: str | None = None,
    ) -> ReferralView:
        """The agency reports the problem solved."""
        return self._uow.run(
            idempotency_key,
            Action.REFERRAL_RESOLVE.value,
            ReferralView,
            lambda: self._referrals.resolve_referral(referral_id, note=note),
        )

    @guarded(Action.REFERRAL_REOPEN)
    def reopen_referral(
        self, referral_id: int, reason: str, *, idempotency_key: str | None = None
    ) -> ReferralView:
        """The problem is back: a resolved referral is open again."""
        return self._uow.run(
            idempotency_key,
            Action.REFERRAL_REOPEN.value,
            ReferralView,
            lambda: self._referrals.reopen_referral(referral_id, reason),
        )

    @guarded(Action.REFERRAL_CALLBACK)
    def record_callback(
        self,
        referral_id: int,
        outcome: CallbackOutcome | str,
        note: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> ReferralView:
        """How calling the caller back after the resolution went."""
        return self._uow.run(
            idempotency_key,
            Action.REFERRAL_CALLBACK.value,
            ReferralView,
            lambda: self._referrals.record_callback(referral_id, outcome, note),
        )

    @guarded(Action.REFERRAL_LIST)
    def callbacks_due(self) -> list[ReferralView]:
        """Resolved referrals whose caller still waits to be told."""
        return self._referrals.callbacks_due()

    @guarded(Action.REFERRAL_LIST)
    def referrals(self, *, status: ReferralStatus | None = None) -> list[ReferralView]:
        """Referrals, newest first, optionally of one status."""
        return self._referrals.referrals(status=status)

    @guarded(Action.REFERRAL_LIST)
    def referral(self, referral_id: int) -> ReferralView:
        """One referral."""
        return self._referrals.referral(referral_id)

    @guarded(Action.REFERRAL_LIST)
    def open_referrals(self, *, with_callbacks: bool = False) -> list[ReferralLine]:
        """Unresolved referrals (and, if asked, resolved ones owing a call-back)."""
        return self._referrals.open_referrals(with_callbacks=with_callbacks)

    @guarded(Action.REFERRAL_FOLLOW_UP)
    def flag_overdue_referrals(self) -> list[int]:
        """Flag referrals past their agency's target, as the watcher; once each."""
        return self._duties.flag_overdue_referrals()

    # -- background duties -------------------------------------------------------

    @guarded(Action.DUTIES_RUN)
    def run_duties(self) -> DutyReport:
        """Run every background duty once (desk timer, ``siaga watch``)."""
        return self._duties.run()
