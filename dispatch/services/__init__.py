"""The service API: the only way front ends change (or read) dispatch state.

Front ends call one facade, :class:`DispatchService` (in
:mod:`dispatch.services.facade`), built for one
:class:`~dispatch.principal.Principal`. It checks every action against the
role table (:mod:`dispatch.access`) before any work, hands the call to the
small service of its noun (calls, incidents, units, hand-offs,
recommendations, referrals, queries, records, shifts, rings), and masks the
views it returns for the principal's role. Each public method is one
transaction that writes its journal events in the same commit, and raises a
:class:`~dispatch.errors.DispatchError` with an operator-fit message when it
cannot do what was asked.
"""

from __future__ import annotations

from dispatch.services.base import Actor
from dispatch.services.facade import DispatchService

__all__ = ["Actor", "DispatchService"]
