"""The operator roster: add, list, enable/disable, reset passwords, set roles.

Every change is journaled under the acting principal; no event ever holds a
password or a hash. Disabling an operator ends the sign-ons they have open
(their terminals lock at the next journal poll). A responder is always bound
to one existing unit; any other role to none.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch import passwords
from dispatch.enums import Role
from dispatch.errors import InvalidInput, OperatorNotFound
from dispatch.models import Operator, SignOn, SignOnThrottle, Unit
from dispatch.services.base import ServiceBase
from dispatch.signon import OperatorView


class OperatorService(ServiceBase):
    """Manage who may sign on, with which role (and a responder's unit)."""

    def operators(self) -> list[OperatorView]:
        """Every operator, by name."""
        with self._read() as session:
            rows = session.scalars(select(Operator).order_by(Operator.username))
            return [_view(op) for op in rows]

    def has_admin(self) -> bool:
        """True when an enabled administrator with a password exists."""
        with self._read() as session:
            return self._admin_exists(session)

    @staticmethod
    def _admin_exists(session: Session) -> bool:
        count = session.scalar(
            select(func.count())
            .select_from(Operator)
            .where(
                Operator.role == Role.ADMIN,
                Operator.active.is_(True),
                Operator.password_hash.is_not(None),
            )
        )
        return bool(count)

    def create_first_admin(self, name: str, password: str) -> OperatorView:
        """The first administrator (``siaga init``); refused once one exists.

        An operator of that name left without a password (made by an older
        ``siaga init --demo``) becomes the administrator.
        """
        username = passwords.normalise_name(name)
        digest = passwords.hash_password(password)
        with self._write() as session:
            if self._admin_exists(session):
                raise InvalidInput(
                    "There is already an administrator; use `siaga operator`.",
                    field="name",
                )
            now = self.clock.now()
            op = _find(session, username)
            if op is None:
                op = Operator(username=username, display_name=username, created_at=now)
                session.add(op)
            elif op.password_hash is not None:
                raise InvalidInput(
                    f"There is already an operator {username}; choose another name.",
                    field="name",
                )
            op.role, op.active, op.unit_callsign = Role.ADMIN, True, None
            op.password_hash, op.password_changed_at = digest, now
            session.flush()
            self._event(session, "operator.added", name=username, role=Role.ADMIN)
            return _view(op)

    def add_operator(
        self,
        name: str,
        role: Role | str,
        password: str,
        *,
        display_name: str | None = None,
        unit: str | None = None,
    ) -> OperatorView:
        """Create an operator with a password (hashed with argon2id).

        Raises:
            InvalidInput: bad name, password, role or unit; or the name is taken.
        """
        username = passwords.normalise_name(name)
        the_role = _role(role)
        shown = (display_name or username).strip()[:120] or username
        digest = passwords.hash_password(password)
        with self._write() as session:
            if _find(session, username) is not None:
                raise InvalidInput(
                    f"There is already an operator {username}.", field="name"
                )
            now = self.clock.now()
            op = Operator(
                username=username,
                display_name=shown,
                role=the_role,
                active=True,
                created_at=now,
                password_hash=digest,
                password_changed_at=now,
                unit_callsign=_unit_for(session, the_role, unit),
            )
            session.add(op)
            session.flush()
            self._event(
                session,
                "operator.added",
                name=username,
                role=the_role,
                unit=op.unit_callsign,
            )
            return _view(op)

    def set_operator_enabled(self, name: str, enabled: bool) -> OperatorView:
        """Enable or disable an operator; disabling ends their open sign-ons."""
        username = passwords.normalise_name(name)
        with self._write() as session:
            op = _get(session, username)
            if not enabled and op.role == Role.ADMIN:
                _keep_an_admin(session, op)
            op.active = enabled
            ended = 0 if enabled else _end_signons(session, op, self.clock.now())
            self._event(
                session,
                "operator.enabled" if enabled else "operator.disabled",
                name=username,
                signons_ended=ended,
            )
            return _view(op)

    def reset_password(self, name: str, password: str) -> OperatorView:
        """Set a new password and clear the name's failed-sign-on count."""
        username = passwords.normalise_name(name)
        digest = passwords.hash_password(password)
        with self._write() as session:
            op = _get(session, username)
            op.password_hash = digest
            op.password_changed_at = self.clock.now()
            throttle = session.get(SignOnThrottle, ("name", username))
            if throttle is not None:
                session.delete(throttle)
            self._event(session, "operator.password_reset", name=username)
            return _view(op)

    def set_role(
        self, name: str, role: Role | str, *, unit: str | None = None
    ) -> OperatorView:
        """Change an operator's role (and a responder's unit).

        The operator's open sign-ons end: the new role applies from the next
        sign-on, never to a principal already handed out.
        """
        username = passwords.normalise_name(name)
        the_role = _role(role)
        with self._write() as session:
            op = _get(session, username)
            if op.role == Role.ADMIN and the_role != Role.ADMIN:
                _keep_an_admin(session, op)
            op.unit_callsign = _unit_for(session, the_role, unit)
            before = op.role
            op.role = the_role
            ended = _end_signons(session, op, self.clock.now())
            self._event(
                session,
                "operator.role_changed",
                name=username,
                role=the_role,
                previous=before,
                unit=op.unit_callsign,
                signons_ended=ended,
            )
            return _view(op)


def _view(op: Operator) -> OperatorView:
    return OperatorView(
        username=op.username,
        display_name=op.display_name,
        role=Role(op.role),
        active=op.active,
        unit_callsign=op.unit_callsign,
        has_password=op.password_hash is not None,
        created_at=op.created_at,
        last_signon_at=op.last_signon_at,
    )


def _role(value: Role | str) -> Role:
    try:
        return Role(str(value).strip().lower())
    except ValueError:
        names = ", ".join(r.value for r in Role)
        raise InvalidInput(
            f"Unknown role {str(value)[:40]!r}: use one of {names}.", field="role"
        ) from None


def _find(session: Session, username: str) -> Operator | None:
    return session.scalars(
        select(Operator).where(Operator.username == username)
    ).one_or_none()


def _get(session: Session, username: str) -> Operator:
    op = _find(session, username)
    if op is None:
        raise OperatorNotFound(f"There is no operator {username}.", name=username)
    return op


def _unit_for(session: Session, role: Role, unit: str | None) -> str | None:
    if role != Role.RESPONDER:
        if unit:
            raise InvalidInput("Only a responder is bound to a unit.", field="unit")
        return None
    callsign = (unit or "").strip().upper()
    if not callsign:
        raise InvalidInput(
            "A responder is bound to one unit: give its callsign.", field="unit"
        )
    if (
        session.scalars(select(Unit.id).where(Unit.callsign == callsign)).first()
        is None
    ):
        raise InvalidInput(f"There is no unit {callsign[:32]}.", field="unit")
    return callsign


def _keep_an_admin(session: Session, op: Operator) -> None:
    others = session.scalar(
        select(func.count())
        .select_from(Operator)
        .where(
            Operator.role == Role.ADMIN,
            Operator.active.is_(True),
            Operator.id != op.id,
        )
    )
    if not others:
        raise InvalidInput(
            "This is the last enabled administrator: make another one first.",
            field="role",
        )


def _end_signons(session: Session, op: Operator, now: datetime) -> int:
    rows = list(
        session.scalars(
            select(SignOn).where(SignOn.operator_id == op.id, SignOn.ended_at.is_(None))
        )
    )
    for row in rows:
        row.ended_at = now
        row.end_reason = "disabled"
    return len(rows)
