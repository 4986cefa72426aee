"""Shift services: open the shift, sign on to it, hand it over (close it).

Opening is an idempotent step any desk, the supervisor screen or a watcher
process may call as often as it likes: the database keeps one row per shift
(:func:`dispatch.shifts.insert_shift_if_absent`) and only the caller that
made the row writes ``shift.opened``. Closing generates the handover report
at that moment, stores it with its SHA-256 and journals ``shift.closed``
with the digest and what is carried into the next shift.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import shifts
from dispatch.errors import InvalidTransition
from dispatch.integrity import take_checkpoint
from dispatch.journal import canonical_time
from dispatch.models import Operator, Shift
from dispatch.reports.handover import HandoverReport, build_handover
from dispatch.reports.window import ShiftWindow, shift_window
from dispatch.schemas import CarryOverView, ShiftView, SignOnView
from dispatch.services.base import ServiceBase


class ShiftService(ServiceBase):
    """The shift record: opened once, signed on to, closed at the handover."""

    # -- opening -----------------------------------------------------------

    def open_shift(self) -> ShiftView:
        """Make sure the shift running now is stored (cheap when it already is)."""
        start = self._window(self.clock.now()).start
        with self._read() as session:
            existing = shifts.shift_starting(session, start)
            if existing is not None:
                return shifts.shift_view(existing)
        with self._write() as session:
            return shifts.shift_view(self._open(session, self.clock.now()))

    def _open(self, session: Session, now: datetime) -> Shift:
        window = self._window(now)
        made = shifts.insert_shift_if_absent(
            session, window, at=now, by=self.actor.operator
        )
        shift = shifts.shift_starting(session, window.start)
        assert shift is not None  # inserted now, or by whoever won the race
        if made:
            self._event(
                session,
                "shift.opened",
                shift_id=shift.id,
                starts_at=canonical_time(window.start),
                ends_at=canonical_time(window.end),
                starts_local=f"{window.local_start:%Y-%m-%d %H:%M %Z}",
            )
        return shift

    # -- signing on and off ------------------------------------------------

    def sign_on_shift(
        self, *, role: str | None = None, session_id: int | None = None
    ) -> SignOnView:
        """Sign this operator on to the current shift at this terminal.

        Opens the shift when nobody has yet. Whoever was signed on at this
        terminal before is signed off. ``role`` and ``session_id`` default to
        the signed-on principal's (without one, the operator's stored role; an
        operator who is not registered is recorded as such).
        """
        now = self.clock.now()
        with self._write() as session:
            shift = self._open(session, now)
            who = role or self._role(session)
            principal = self.ctx.principal
            if session_id is None and principal is not None:
                session_id = principal.session_id
            for previous in shifts.sign_off_terminal(session, self.actor.terminal, now):
                self._event(
                    session, "shift.signed_off", shift_id=shift.id, operator=previous
                )
            row = shifts.sign_on(
                session,
                shift,
                operator=self.actor.operator,
                role=who,
                terminal=self.actor.terminal,
                at=now,
                session_id=session_id,
            )
            self._event(
                session,
                "shift.signed_on",
                shift_id=shift.id,
                operator=self.actor.operator,
                role=who,
            )
            return SignOnView.model_validate(row)

    def carry_sign_on(self) -> SignOnView | None:
        """At the change-over, sign this terminal's operator on to the new shift.

        Desks call this every minute: it is one read while nothing changed.
        When the shift running now is not the one this terminal's operator
        signed on to (or is not stored yet), the operator is signed on to it,
        which opens it if no desk has yet. ``None`` when there was nothing to
        carry (nobody signed on here, or someone else is).
        """
        start = self._window(self.clock.now()).start
        with self._read() as session:
            mine = shifts.sign_on_at(session, self.actor.terminal)
            if mine is None or mine.operator != self.actor.operator:
                return None
            shift = shifts.shift_starting(session, start)
            if shift is not None and mine.shift_id == shift.id:
                return None
            role, session_id = mine.role, mine.session_id
        return self.sign_on_shift(role=role, session_id=session_id)

    def sign_off_shift(self) -> list[str]:
        """Sign off whoever is signed on at this terminal; return their names."""
        now = self.clock.now()
        with self._write() as session:
            gone = shifts.sign_off_terminal(session, self.actor.terminal, now)
            for operator in gone:
                self._event(session, "shift.signed_off", operator=operator)
            return gone

    def _role(self, session: Session) -> str:
        if self.ctx.principal is not None:
            return str(self.ctx.principal.role)
        role = session.scalars(
            select(Operator.role).where(Operator.username == self.actor.operator)
        ).one_or_none()
        return role or "unregistered"

    # -- reading -----------------------------------------------------------

    def current_shift(self) -> ShiftView | None:
        """The stored shift running now, with everyone signed on (None: not opened)."""
        start = self._window(self.clock.now()).start
        with self._read() as session:
            shift = shifts.shift_starting(session, start)
            if shift is None:
                return None
            return shifts.shift_view(shift, shifts.active_sign_ons(session))

    def shift_starting_at(self, start: datetime) -> ShiftView | None:
        """The stored shift that starts at ``start`` (a window's start), if any."""
        with self._read() as session:
            shift = shifts.shift_starting(session, start)
            return None if shift is None else shifts.shift_view(shift)

    def stored_handover(self, start: datetime) -> HandoverReport | None:
        """The handover report stored when the shift starting at ``start`` closed.

        ``None`` when there is no such shift or it is not closed yet; raises
        :class:`~dispatch.shifts.StoredReportAltered` when the stored text no
        longer matches its journaled digest.
        """
        with self._read() as session:
            shift = shifts.shift_starting(session, start)
            return None if shift is None else shifts.stored_report(shift)

    def handover_preview(self) -> CarryOverView:
        """The shift the next close would hand over, and what it would carry."""
        now = self.clock.now()
        with self._read() as session:
            shift = shifts.shift_to_close(session, now)
            if shift is None:
                raise InvalidTransition("No shift is open to hand over.")
            incidents, referrals = shifts.carry_over(session)
            return CarryOverView(
                shift=shifts.shift_view(shift, shifts.active_sign_ons(session)),
                incidents=incidents,
                referrals=referrals,
            )

    # -- closing -----------------------------------------------------------

    def close_shift(self) -> CarryOverView:
        """Hand the oldest open shift over: generate, store and journal its report."""
        now = self.clock.now()
        with self._write() as session:
            shift = shifts.shift_to_close(session, now)
            if shift is None:
                raise InvalidTransition("No shift is open to hand over.")
            window = ShiftWindow(shift.starts_at, shift.ends_at, self.settings.timezone)
            witness = self.ctx.witness
            report = build_handover(
                session, window, as_of=min(now, window.end)
            ).model_copy(
                update={
                    "shift_id": shift.id,
                    "handed_over_by": self.actor.operator,
                    "checkpoint": None
                    if witness is None
                    else take_checkpoint(session, witness),
                }
            )
            digest = shifts.close(
                session,
                shift,
                at=now,
                by=self.actor.operator,
                text=shifts.report_text(report),
            )
            incidents, referrals = shifts.carry_over(session)
            following = self._open(session, now) if now >= shift.ends_at else None
            self._event(
                session,
                "shift.closed",
                shift_id=shift.id,
                report_sha256=digest,
                report_stored="database",
                incidents_carried=len(incidents),
                referrals_carried=len(referrals),
                carried_incidents=[i.number for i in incidents],
                carried_referrals=[r.referral_id for r in referrals],
                next_shift_id=None if following is None else following.id,
            )
            return CarryOverView(
                shift=shifts.shift_view(shift),
                incidents=incidents,
                referrals=referrals,
            )

    def _window(self, now: datetime) -> ShiftWindow:
        return shift_window(now, self.settings)
