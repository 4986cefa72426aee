"""Sign-on policy and read models: the growing wait after failures, and the views.

Failed sign-ons are counted twice: for the name typed (known or not, so a
wait never tells whether a name exists) and for the terminal. The first
:data:`FREE_FAILURES` cost nothing; each one after that blocks the name (or
terminal) for twice as long as the one before, up to :data:`MAX_WAIT`. The
counts live in the database (:class:`~dispatch.models.SignOnThrottle`), so
restarting the program does not reset them; a good sign-on (or an
administrator's password reset) clears the name's count.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from dispatch.enums import Role

FREE_FAILURES = 3
"""Failed sign-ons in a row that cost no wait (typing mistakes happen)."""

FIRST_WAIT = 2
"""Seconds of the first wait; each further failure doubles it."""

MAX_WAIT = 900
"""The longest wait, in seconds (15 minutes)."""

#: Roles that sign on at a desk (the console); responders sign on to a unit.
DESK_ROLES = frozenset({Role.CALL_TAKER, Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})

#: Why a sign-on ended (``TerminalSessionView.end_reason`` and the journal's payload).
END_REASONS = ("signed_off", "locked", "idle", "replaced", "disabled")


def wait_after(failures: int) -> int:
    """Seconds to wait after ``failures`` consecutive failed sign-ons (0: none)."""
    if failures <= FREE_FAILURES:
        return 0
    return int(min(FIRST_WAIT * 2 ** (failures - FREE_FAILURES - 1), MAX_WAIT))


def blocked_until(failures: int, now: datetime) -> datetime | None:
    """When the next attempt may be made, or ``None`` when it may be made now."""
    wait = wait_after(failures)
    return now + timedelta(seconds=wait) if wait else None


def seconds_left(until: datetime | None, now: datetime) -> int:
    """Whole seconds (rounded up) until ``until``; 0 when it has passed."""
    if until is None or until <= now:
        return 0
    left = (until - now).total_seconds()
    return max(1, int(left) + (0 if left == int(left) else 1))


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class OperatorView(_View):
    """An operator as the administrator's list shows it (never the hash)."""

    username: str
    display_name: str
    role: Role
    active: bool
    unit_callsign: str | None
    has_password: bool
    created_at: datetime
    last_signon_at: datetime | None


class TerminalSessionView(_View):
    """One sign-on: who, where, since when (and until when, once ended)."""

    id: int
    username: str
    role: Role
    terminal: str
    unit_callsign: str | None
    started_at: datetime
    ended_at: datetime | None
    end_reason: str | None
