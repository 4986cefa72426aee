"""The service facade: the one guarded door every front end calls.

:class:`DispatchService` carries a :class:`~dispatch.principal.Principal`.
Each public method is wrapped by :func:`guarded` with one
:class:`~dispatch.access.Action`: the door checks it against the role table
(:data:`dispatch.access.RULES`) once, before any work, then the call goes to
the small service of its noun, and the result leaves through the principal's
lens (masked for its role, :data:`dispatch.access.PRIVACY`):

=====================  ==========================================
call_intake.py         open, identify, locate, classify, note a call
calls.py               end a call: create or attach an incident, refer,
                       a one-key outcome
incidents.py           narrative notes, close, cancel
units.py               assign, release, acknowledge, status, position
handoffs.py            hand off to an agency, acknowledge, escalate
recommendations.py     recommend units, accept a recommendation
referrals.py           acknowledge, resolve, reopen, list referrals
duties.py              background duties (escalation, overdue referrals)
                       run as the watcher by desks and ``siaga watch``
rings.py               the ring feed: ring, answered, ended
queries.py             queue, board, incident, history, event feed
records.py             reports, exports, archives, the shift log
shifts.py              open the shift, sign on, hand over (close)
door.py                the check, the refusal (journaled), the lens
signon.py              sign on and off a terminal (passwords, waits)
operators.py           the operator roster: add, disable, reset, roles
=====================  ==========================================

The facade's own methods are grouped the same way, one mixin per module, so
that no file holds the whole door: ``guard.py`` (the :func:`guarded`
decorator and :class:`~dispatch.services.guard.FacadeCore`: the services, the
principal, the context), ``facade_calls.py`` (calls, the ring feed),
``facade_dispatching.py`` (incidents, units, recommendations),
``facade_followup.py`` (hand-offs, referrals, duties), ``facade_queries.py``
(what screens read; shifts), ``facade_records.py`` (integrity, reports,
exports, archives) and ``facade_people.py`` (sign-on, the roster).
"""

from __future__ import annotations

from dispatch.services.facade_calls import CallActions
from dispatch.services.facade_dispatching import DispatchingActions
from dispatch.services.facade_followup import FollowupActions
from dispatch.services.facade_people import PeopleActions
from dispatch.services.facade_queries import QueryActions
from dispatch.services.facade_records import RecordActions
from dispatch.services.guard import GUARDED, guarded

__all__ = ["GUARDED", "DispatchService", "guarded"]


class DispatchService(
    CallActions,
    DispatchingActions,
    FollowupActions,
    QueryActions,
    RecordActions,
    PeopleActions,
):
    """All services for one principal (an operator or a program) at one terminal.

    Without ``principal`` the facade acts for the configured operator
    (``settings.operator``), looked up in the operators table with its stored
    role on first use; a name that is not registered is refused.
    """
