"""Referral follow-up: the receiving agency acknowledges, then resolves."""

from __future__ import annotations

from sqlalchemy import select

from dispatch.enums import ReferralStatus
from dispatch.errors import InvalidTransition, NotFound
from dispatch.models import Referral
from dispatch.schemas import ReferralView
from dispatch.services.base import ServiceBase

_NEXT = {
    ReferralStatus.SENT: (ReferralStatus.ACKNOWLEDGED, ReferralStatus.RESOLVED),
    ReferralStatus.ACKNOWLEDGED: (ReferralStatus.RESOLVED,),
    ReferralStatus.RESOLVED: (),
}


class ReferralServices(ServiceBase):
    """Track what the responsible agency did with a referred complaint."""

    def acknowledge_referral(
        self, referral_id: int, *, reference_number: str | None = None
    ) -> ReferralView:
        """The agency confirmed receipt (often with its own ticket number)."""
        return self._move_referral(
            referral_id, ReferralStatus.ACKNOWLEDGED, reference_number
        )

    def resolve_referral(self, referral_id: int) -> ReferralView:
        """The agency reports the problem solved."""
        return self._move_referral(referral_id, ReferralStatus.RESOLVED, None)

    def referrals(self, *, status: ReferralStatus | None = None) -> list[ReferralView]:
        """Referrals, newest first, optionally of one status."""
        with self._read() as session:
            query = select(Referral).order_by(Referral.id.desc())
            if status is not None:
                query = query.where(Referral.status == status)
            return [ReferralView.model_validate(r) for r in session.scalars(query)]

    def _move_referral(
        self, referral_id: int, new: ReferralStatus, reference: str | None
    ) -> ReferralView:
        with self._write() as session:
            referral = session.get(Referral, referral_id)
            if referral is None:
                raise NotFound(f"There is no referral {referral_id}.")
            current = ReferralStatus(referral.status)
            if new not in _NEXT[current]:
                raise InvalidTransition(
                    f"Referral {referral_id} is {current.value} "
                    f"and cannot become {new.value}."
                )
            now = self.clock.now()
            referral.status = new
            if new == ReferralStatus.ACKNOWLEDGED:
                referral.acknowledged_at = now
            else:
                referral.resolved_at = now
                referral.acknowledged_at = referral.acknowledged_at or now
            if reference:
                referral.reference_number = reference.strip()[:64]
            self._event(
                session,
                f"referral.{new.value}",
                call_id=referral.call_id,
                referral_id=referral.id,
                agency=referral.agency_code,
                reference=referral.reference_number,
            )
            return ReferralView.model_validate(referral)
