"""Ring services: what the phone system says, through the ring feed.

The ring feed (``siaga feed``, :mod:`dispatch.ringfeed`) calls these as its
own principal. A ring waits on its line for the terminal the line is mapped
to (``ring_lines`` in the settings); F2 there opens a call that takes it
(:meth:`CallService.open_call`). A ring that ends before anyone answered it
becomes a call with the outcome *abandoned*, so every call that reached the
center is counted.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.enums import CallOutcome, CallState
from dispatch.errors import InvalidInput, NotFound
from dispatch.models import Call, Ring
from dispatch.phone import normalise_number
from dispatch.services.base import ServiceBase

#: How far ahead of this machine's clock a phone system's time may run.
MAX_CLOCK_SKEW = timedelta(seconds=60)


class RingNotFound(NotFound):
    """No ring is waiting or in progress on that line."""

    code = "ring_not_found"


def waiting_ring(
    session: Session, terminal: str, now: datetime, window_s: int
) -> Ring | None:
    """The oldest ring a call at ``terminal`` may take now, if any.

    A ring is takeable while nobody took it, it rang within ``window_s``
    seconds, and it is still on the line (or was answered on the handset
    before the call taker pressed F2).
    """
    return session.scalars(
        _WAITING_RING,
        {"terminal": terminal, "since": now - timedelta(seconds=window_s)},
    ).first()


#: Built once: every new call asks it (its cache key is computed once too).
_WAITING_RING = (
    select(Ring)
    .where(
        Ring.terminal == bindparam("terminal"),
        Ring.call_id.is_(None),
        Ring.rang_at >= bindparam("since"),
        or_(Ring.ended_at.is_(None), Ring.answered_at.is_not(None)),
    )
    .order_by(Ring.rang_at, Ring.id)
    .limit(1)
)


class RingService(ServiceBase):
    """Ring, answered, ended: the three things a phone system tells us."""

    def ring_started(self, line: str, number: str | None, at: datetime) -> int:
        """A call rings on ``line``; returns the ring's id."""
        when = self._checked_time(at)
        e164 = normalise_number(number)
        terminal = self.settings.ring_lines.get(line)
        with self._write() as session:
            ring = Ring(
                line=line,
                terminal=terminal,
                caller_number=e164,
                caller_number_raw=number.strip()[:40] if number else None,
                rang_at=when,
            )
            session.add(ring)
            session.flush()
            self._event(
                session,
                "ring.received",
                ring_id=ring.id,
                line=line,
                terminal=terminal,
                caller_number=e164,
                rang_at=when,
            )
            return ring.id

    def ring_answered(self, line: str, at: datetime) -> int:
        """The handset on ``line`` was picked up; returns the ring's id.

        When a call already took the ring and the phone's answer is earlier
        than the call taker's F2, the call's answer time becomes the phone's:
        the handset is the answer, the key press only follows it.
        """
        when = self._checked_time(at)
        with self._write() as session:
            ring = self._ring_on(session, line, unanswered=True)
            if when < ensure_utc(ring.rang_at):
                raise InvalidInput(
                    f"answered before it rang on line {line}", field="at"
                )
            if ring.answered_at is None:
                ring.answered_at = when
            if ring.call_id is not None:
                call = self._call(session, ring.call_id)
                if call.answered_at is None or when < ensure_utc(call.answered_at):
                    call.answered_at = when
            self._event(
                session,
                "ring.answered",
                call_id=ring.call_id,
                ring_id=ring.id,
                line=line,
                answered_at=when,
            )
            return ring.id

    def ring_ended(self, line: str, at: datetime) -> int:
        """The call on ``line`` ended; an unanswered, untaken ring is abandoned."""
        when = self._checked_time(at)
        with self._write() as session:
            ring = self._ring_on(session, line)
            if when < ensure_utc(ring.rang_at):
                raise InvalidInput(f"ended before it rang on line {line}", field="at")
            ring.ended_at = when
            self._event(
                session,
                "ring.ended",
                call_id=ring.call_id,
                ring_id=ring.id,
                line=line,
                ended_at=when,
            )
            if ring.call_id is None and ring.answered_at is None:
                self._abandon(session, ring, when)
            return ring.id

    # -- helpers ---------------------------------------------------------------

    def _checked_time(self, at: datetime) -> datetime:
        if at.tzinfo is None:
            raise InvalidInput("the time must carry a time zone", field="at")
        when = ensure_utc(at)
        if when > self.clock.now() + MAX_CLOCK_SKEW:
            raise InvalidInput(
                "the time is in the future (is the phone system's clock right?)",
                field="at",
            )
        return when

    @staticmethod
    def _ring_on(session: Session, line: str, *, unanswered: bool = False) -> Ring:
        """The oldest ring on ``line`` that has not ended.

        With ``unanswered``, one not answered yet is preferred (call waiting:
        the second call on a line is the one a new ``answered`` is about).
        """
        query = select(Ring).where(Ring.line == line, Ring.ended_at.is_(None))
        order = (Ring.rang_at, Ring.id)
        if unanswered:
            query = query.order_by(Ring.answered_at.is_not(None), *order)
        else:
            query = query.order_by(*order)
        ring = session.scalars(query.limit(1)).first()
        if ring is None:
            raise RingNotFound(f"no call is ringing or in progress on line {line}")
        return ring

    def _abandon(self, session: Session, ring: Ring, when: datetime) -> None:
        call = Call(
            rang_at=ring.rang_at,
            received_at=ring.rang_at,
            answered_at=None,
            ended_at=when,
            ring_line=ring.line,
            state=CallState.CLOSED,
            outcome=CallOutcome.ABANDONED,
            operator=self.actor.operator,
            terminal=ring.terminal or self.actor.terminal,
            caller_number=ring.caller_number,
            caller_number_raw=ring.caller_number_raw,
            answers={},
        )
        session.add(call)
        session.flush()
        ring.call_id = call.id
        self._event(
            session,
            "call.opened",
            call_id=call.id,
            caller_number=call.caller_number,
            received_at=call.received_at,
            rang_at=call.rang_at,
            answered_at=None,
            line=ring.line,
        )
        self._event(
            session,
            "call.closed",
            call_id=call.id,
            outcome=CallOutcome.ABANDONED.value,
            note="rang off before anyone answered",
        )
