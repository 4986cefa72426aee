"""Signing on and the operator roster.

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.access import Action
from dispatch.enums import (
    Role,
)
from dispatch.principal import Principal

if TYPE_CHECKING:
    from dispatch.signon import OperatorView, TerminalSessionView

from dispatch.services.guard import FacadeCore, guarded


class PeopleActions(FacadeCore):
    """Signing on and the operator roster."""

    # -- signing on (before there is a principal: the door is the password) ------

    def sign_on(
        self,
        name: str,
        password: str,
        terminal: str,
        *,
        unit: str | None = None,
        shift: bool = True,
    ) -> Principal:
        """Check name and password; open a sign-on at ``terminal``.

        With ``shift`` (a desk or a unit view) the operator is also signed on
        to the current shift there; the CLI's administrator sign-on is not.
        """
        principal = self._signon.sign_on(name, password, terminal, unit=unit)
        if shift:
            self.as_principal(principal).sign_on_shift(
                role=principal.role.value, session_id=principal.session_id
            )
        return principal

    def sign_off(
        self, principal: Principal, *, reason: str = "signed_off", shift: bool = True
    ) -> None:
        """End ``principal``'s sign-on (signed off, locked, idle) and shift sign-on."""
        self._signon.sign_off(principal, reason=reason)
        if shift:
            self.as_principal(principal).sign_off_shift()

    def has_admin(self) -> bool:
        """True when an enabled administrator with a password exists (``init``)."""
        return self._operators.has_admin()

    def create_first_admin(self, name: str, password: str) -> OperatorView:
        """The first administrator (``siaga init``); refused once one exists."""
        return self._operators.create_first_admin(name, password)

    def unit_for_signon(self, callsign: str) -> str:
        """The unit view's callsign, checked before its sign-on screen opens."""
        return self._signon.unit_for_signon(callsign)

    @property
    def signed_principal(self) -> Principal | None:
        """The principal these services were built for (``None``: not yet known)."""
        return self._ctx.principal

    @guarded(Action.SHIFT_READ)
    def signed_on(self) -> list[TerminalSessionView]:
        """Who is signed on at which terminal now."""
        return self._signon.signed_on()

    # -- the operator roster (administrators) -------------------------------------

    @guarded(Action.OPERATOR_LIST)
    def operators(self) -> list[OperatorView]:
        """Every operator, by name (never a password hash)."""
        return self._operators.operators()

    @guarded(Action.OPERATOR_ADD)
    def add_operator(
        self,
        name: str,
        role: Role | str,
        password: str,
        *,
        display_name: str | None = None,
        unit: str | None = None,
    ) -> OperatorView:
        """Create an operator with an argon2id-hashed password."""
        return self._operators.add_operator(
            name, role, password, display_name=display_name, unit=unit
        )

    @guarded(Action.OPERATOR_DISABLE)
    def disable_operator(self, name: str) -> OperatorView:
        """No more sign-ons for ``name``; its open ones end (terminals lock)."""
        return self._operators.set_operator_enabled(name, False)

    @guarded(Action.OPERATOR_ENABLE)
    def enable_operator(self, name: str) -> OperatorView:
        """Let ``name`` sign on again."""
        return self._operators.set_operator_enabled(name, True)

    @guarded(Action.OPERATOR_RESET_PASSWORD)
    def reset_password(self, name: str, password: str) -> OperatorView:
        """Set a new password and clear the name's failed sign-ons."""
        return self._operators.reset_password(name, password)

    @guarded(Action.OPERATOR_SET_ROLE)
    def set_role(
        self, name: str, role: Role | str, *, unit: str | None = None
    ) -> OperatorView:
        """Change an operator's role (and a responder's unit); sign-ons end."""
        return self._operators.set_role(name, role, unit=unit)
