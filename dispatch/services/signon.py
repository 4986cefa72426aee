"""Sign-on and sign-off: name + password + terminal → a :class:`Principal`.

A sign-on reads the operator and the throttle, checks the password outside
any transaction (argon2 takes a fifth of a second and must not hold the
journal lock), then records the outcome in one write: a sign-on row and a
``signon.started`` event, or a ``signon.failed`` event, the counts that slow
the next attempt and, when a wait begins, a ``signon.locked_out`` event.
Every refusal for a wrong name or password reads the same and costs the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import journal, passwords
from dispatch.enums import Role
from dispatch.errors import InvalidInput, SignOnRefused, SignOnThrottled
from dispatch.models import Operator, SignOn, SignOnThrottle
from dispatch.principal import Principal
from dispatch.services.base import ServiceBase
from dispatch.signon import DESK_ROLES, TerminalSessionView, blocked_until, seconds_left

#: The one message for a wrong name or a wrong password (ASVS 2.2.x, 3.x).
WRONG = "That name and password do not match an operator who may sign on."

#: The journal's actor for events of a terminal where no one is signed on.
NOBODY = "-"


@dataclass(frozen=True)
class _Found:
    """What the read phase of a sign-on learnt."""

    operator_id: int | None
    password_hash: str | None
    role: str | None
    active: bool
    unit: str | None
    wait: int


class SignOnService(ServiceBase):
    """Sign operators on and off terminals; say who is signed on where."""

    def sign_on(
        self, name: str, password: str, terminal: str, *, unit: str | None = None
    ) -> Principal:
        """Check name and password and open a sign-on at ``terminal``.

        ``unit`` is the callsign of the unit view signing on (responders only);
        ``None`` is a desk (console or browser view).

        Raises:
            InvalidInput: the name, password or terminal is empty or malformed
                (``field`` names which); nothing is counted.
            SignOnThrottled: too many failures for this name or terminal.
            SignOnRefused: wrong name or password (one message for both),
                a disabled operator, or the wrong kind of terminal.
        """
        username = passwords.normalise_name(name)
        if not password:
            raise InvalidInput("Type your password.", field="password")
        place = _terminal(terminal)
        callsign = unit.strip().upper() if unit else None
        found = self._look_up(username, place)
        if found.wait:
            raise SignOnThrottled(_wait_text(found.wait), retry_after=found.wait)
        good = passwords.verify_password(found.password_hash, password)
        if not good:
            self._record_failure(username, place, found)
            raise SignOnRefused(WRONG)
        refusal = _refusal(found, callsign)
        if refusal is not None:
            self._refuse(username, place, refusal)
            raise SignOnRefused(refusal)
        return self._open(username, place, found, callsign, password)

    def sign_off(self, principal: Principal, *, reason: str = "signed_off") -> None:
        """End ``principal``'s sign-on (signed off, locked, idle) and journal it."""
        with self._write() as session:
            now = self.clock.now()
            row = (
                session.get(SignOn, principal.session_id)
                if principal.session_id is not None
                else None
            )
            if row is not None and row.ended_at is None:
                row.ended_at = now
                row.end_reason = reason
            journal_event(
                self,
                session,
                "signon.ended",
                actor=principal.operator,
                terminal=principal.terminal,
                signon_id=principal.session_id,
                reason=reason,
            )

    def signed_on(self) -> list[TerminalSessionView]:
        """Who is signed on where now (open sign-ons, oldest first)."""
        with self._read() as session:
            rows = session.scalars(
                select(SignOn).where(SignOn.ended_at.is_(None)).order_by(SignOn.id)
            )
            return [TerminalSessionView.model_validate(r) for r in rows]

    def unit_for_signon(self, callsign: str) -> str:
        """``callsign`` normalised, if such a unit exists (the unit view's check).

        Raises:
            UnitNotFound: no unit has this callsign.
        """
        with self._read() as session:
            return self._unit(session, callsign).callsign

    # -- the steps ---------------------------------------------------------

    def _look_up(self, username: str, terminal: str) -> _Found:
        with self._read() as session:
            op = session.scalars(
                select(Operator).where(Operator.username == username)
            ).one_or_none()
            now = self.clock.now()
            wait = max(
                seconds_left(_blocked(session, "name", username), now),
                seconds_left(_blocked(session, "terminal", terminal), now),
            )
            if op is None:
                return _Found(None, None, None, False, None, wait)
            return _Found(
                op.id, op.password_hash, op.role, op.active, op.unit_callsign, wait
            )

    def _record_failure(self, username: str, terminal: str, found: _Found) -> None:
        with self._write() as session:
            now = self.clock.now()
            known = found.operator_id is not None
            by_name = _count_failure(session, "name", username, now)
            by_terminal = _count_failure(session, "terminal", terminal, now)
            journal_event(
                self,
                session,
                "signon.failed",
                actor=NOBODY,
                terminal=terminal,
                name=username if known else None,
                failures=by_name.failures,
                terminal_failures=by_terminal.failures,
            )
            for row in (by_name, by_terminal):
                if row.blocked_until is not None:
                    journal_event(
                        self,
                        session,
                        "signon.locked_out",
                        actor=NOBODY,
                        terminal=terminal,
                        scope=row.scope,
                        name=username if known and row.scope == "name" else None,
                        seconds=seconds_left(row.blocked_until, now),
                        until=row.blocked_until,
                    )

    def _refuse(self, username: str, terminal: str, reason: str) -> None:
        with self._write() as session:
            journal_event(
                self,
                session,
                "signon.refused",
                actor=NOBODY,
                terminal=terminal,
                name=username,
                reason=reason,
            )

    def _open(
        self,
        username: str,
        terminal: str,
        found: _Found,
        unit: str | None,
        password: str,
    ) -> Principal:
        if found.operator_id is None:  # unreachable: no hash, no match
            raise SignOnRefused(WRONG)
        fresh_hash = (
            passwords.hash_password(password)
            if found.password_hash and passwords.needs_rehash(found.password_hash)
            else None
        )
        with self._write() as session:
            now = self.clock.now()
            op = session.get(Operator, found.operator_id)
            if op is None or not op.active:  # disabled meanwhile
                raise SignOnRefused(WRONG)
            for old in session.scalars(
                select(SignOn).where(
                    SignOn.terminal == terminal,
                    SignOn.operator_id == op.id,
                    SignOn.ended_at.is_(None),
                )
            ):
                old.ended_at, old.end_reason = now, "replaced"
            row = SignOn(
                operator_id=op.id,
                username=username,
                role=op.role,
                terminal=terminal,
                unit_callsign=unit,
                started_at=now,
            )
            session.add(row)
            op.last_signon_at = now
            if fresh_hash is not None:
                op.password_hash = fresh_hash
            for scope, key in (("name", username), ("terminal", terminal)):
                throttle = session.get(SignOnThrottle, (scope, key))
                if throttle is not None:
                    session.delete(throttle)
            session.flush()
            journal_event(
                self,
                session,
                "signon.started",
                actor=username,
                terminal=terminal,
                signon_id=row.id,
                role=op.role,
                unit=unit,
            )
            return Principal(
                operator=username,
                role=Role(op.role),
                terminal=terminal,
                unit=unit,
                session_id=row.id,
            )


def journal_event(
    service: ServiceBase,
    session: Session,
    kind: str,
    *,
    actor: str,
    terminal: str,
    **payload: object,
) -> None:
    """Journal an event with an explicit actor (sign-on events name their own)."""
    journal.defer(
        session,
        at=service.clock.now(),
        actor=actor,
        terminal=terminal,
        kind=kind,
        incident_id=None,
        call_id=None,
        unit_id=None,
        payload=payload,
    )


def _terminal(raw: str) -> str:
    place = raw.strip()
    if not place or len(place) > 64 or not place.isprintable():
        raise InvalidInput(
            "This terminal has no usable name: set `terminal` in the configuration.",
            field="terminal",
        )
    return place


def _refusal(found: _Found, unit: str | None) -> str | None:
    """Why an operator with the right password may not sign on here, if so."""
    if not found.active:
        return "This operator is disabled; ask an administrator."
    role = Role(found.role or "")
    if unit is None:
        if role not in DESK_ROLES:
            return "Responders sign on at their unit's view (siaga unit CALLSIGN)."
        return None
    if role != Role.RESPONDER or found.unit != unit:
        return f"Only a responder bound to {unit} signs on to this unit."
    return None


def _blocked(session: Session, scope: str, key: str) -> datetime | None:
    row = session.get(SignOnThrottle, (scope, key))
    return row.blocked_until if row is not None else None


def _count_failure(
    session: Session, scope: str, key: str, now: datetime
) -> SignOnThrottle:
    row = session.get(SignOnThrottle, (scope, key))
    if row is None:
        row = SignOnThrottle(scope=scope, key=key, failures=0, last_failure_at=now)
        session.add(row)
    row.failures += 1
    row.last_failure_at = now
    row.blocked_until = blocked_until(row.failures, now)
    return row


def _wait_text(seconds: int) -> str:
    return (
        f"Too many failed sign-ons: wait {seconds} s before trying again "
        "(a supervisor can see the attempts in the log)."
    )
