"""The service API: the only way front ends change (or read) dispatch state.

Each public method is one transaction that writes its journal events in the
same commit, and raises a :class:`~dispatch.errors.DispatchError` with an
operator-fit message when it cannot do what was asked.
"""

from __future__ import annotations

from dispatch.services.base import Actor
from dispatch.services.calls import CallServices
from dispatch.services.engine import EngineServices
from dispatch.services.referrals import ReferralServices


class DispatchService(CallServices, EngineServices, ReferralServices):
    """All services for one operator at one terminal."""

    def as_actor(self, operator: str, terminal: str | None = None) -> DispatchService:
        """The same services acting for another operator (or terminal)."""
        return DispatchService(
            self.engine,
            settings=self.settings,
            clock=self.clock,
            actor=Actor(operator, terminal or self.actor.terminal),
            pack=self._pack,
        )


__all__ = ["Actor", "DispatchService"]
