"""The door: checks one action for the principal, before any work.

:meth:`Door.enter` looks the action up in :data:`dispatch.access.RULES`; for
a responder it also checks the record named in the request against the
database (its own unit, an incident its unit worked). A refusal is journaled
as ``access.denied`` in its own small transaction and raised as
:class:`~dispatch.errors.AccessDenied`. What passes gets the
:class:`~dispatch.services.masking.Lens` its views leave through.

Until sign-on exists, a facade built without a principal becomes the
configured operator, looked up in the operators table with its stored role;
a name that is not there (or is disabled) is refused.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NoReturn

from pydantic import BaseModel
from sqlalchemy import or_, select, true
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.access import PRIVACY, RULES, Action, Reveal, Scope, refusal
from dispatch.enums import Role
from dispatch.errors import AccessDenied, UnknownOperator
from dispatch.keys import as_row_id
from dispatch.models import Assignment, Incident, Operator, Unit
from dispatch.principal import Principal
from dispatch.schemas import CallView, EventView, IncidentSummary
from dispatch.services import masking
from dispatch.services.base import ServiceBase
from dispatch.services.masking import Lens

#: The record named in a request, fetched only when a rule needs it.
Target = Callable[[], object]


@dataclass(frozen=True)
class _Crew:
    """A responder's own records, read once per request."""

    unit_id: int | None
    active: frozenset[int]  # incidents its unit works now
    worked: bool  # the incident named in the request is one it worked


class Door(ServiceBase):
    """Checks every action once, before any work, and picks the lens."""

    def principal(self) -> Principal:
        """The principal, looking the configured operator up on first use."""
        if self.ctx.principal is None:
            self.ctx.principal = self._configured_operator()
        return self.ctx.principal

    def enter(self, action: Action, target: Target | None = None) -> Lens:
        """Allow ``action`` (or raise :class:`AccessDenied`); return the lens."""
        principal = self.principal()
        rule = RULES[action]
        if principal.role not in rule.roles:
            self._deny(principal, action, None)
        if principal.role == Role.RESPONDER:
            return self._crew_lens(principal, action, rule.scope, target)
        return (
            masking.FULL if PRIVACY[principal.role] == Reveal.FULL else masking.MASKED
        )

    # -- responders ----------------------------------------------------------------

    def _crew_lens(
        self,
        principal: Principal,
        action: Action,
        scope: Scope,
        target: Target | None,
    ) -> Lens:
        if principal.unit is None:
            self._deny(principal, action, "this terminal is bound to no unit")
        own = principal.unit.strip().upper()
        named = target() if target is not None and scope != Scope.NONE else None
        if scope == Scope.UNIT and str(named).strip().upper() != own:
            self._deny(principal, action, f"only unit {own}'s own")
        with self._read() as session:
            crew = _crew(session, own, named if scope == Scope.INCIDENT else None)
        if scope == Scope.INCIDENT and not crew.worked:
            self._deny(principal, action, f"unit {own} is not assigned to it")
        return Lens(
            _reveals_while_assigned(crew.active),
            keeps_event=lambda e: _about_crew(e, crew),
        )

    # -- refusals ------------------------------------------------------------------

    def _deny(self, principal: Principal, action: Action, why: str | None) -> NoReturn:
        message = refusal(principal.role, action, why)
        self._journal_denial(
            principal.operator,
            principal.terminal,
            action=action.value,
            role=principal.role.value,
            unit=principal.unit,
            reason=message,
        )
        raise AccessDenied(message, action=action.value)

    def _journal_denial(self, operator: str, terminal: str, **payload: object) -> None:
        with self._write() as session:
            journal.defer(
                session,
                at=self.clock.now(),
                actor=operator,
                terminal=terminal,
                kind="access.denied",
                incident_id=None,
                call_id=None,
                unit_id=None,
                payload=dict(payload),
            )

    def _configured_operator(self) -> Principal:
        name = self.settings.operator.strip()
        terminal = self.settings.terminal
        with self._read() as session:
            row = session.scalars(
                select(Operator).where(Operator.username == name)
            ).one_or_none()
        if row is not None and row.active:
            return Principal(name, Role(row.role), terminal)
        state = "is disabled" if row is not None else "is not a registered operator"
        message = (
            f"Operator {name!r} {state}; ask an administrator, "
            "or set SIAGA_OPERATOR to your own user name."
        )
        self._journal_denial(
            name, terminal, action="sign_on", role=None, unit=None, reason=message
        )
        raise UnknownOperator(message, action="sign_on")


def _crew(session: Session, callsign: str, incident: object) -> _Crew:
    unit_id = session.scalar(select(Unit.id).where(Unit.callsign == callsign))
    if unit_id is None:
        return _Crew(None, frozenset(), False)
    active = frozenset(
        session.scalars(
            select(Assignment.incident_id).where(
                Assignment.unit_id == unit_id, Assignment.active == true()
            )
        )
    )
    worked = False
    if incident is not None:
        text = str(incident).strip()
        by = Incident.number == text
        row_id = as_row_id(text)
        if row_id is not None:
            by = or_(by, Incident.id == row_id)
        worked = (
            session.scalar(
                select(Assignment.id)
                .join(Incident, Incident.id == Assignment.incident_id)
                .where(Assignment.unit_id == unit_id, by)
                .limit(1)
            )
            is not None
        )
    return _Crew(unit_id, active, worked)


def _reveals_while_assigned(active: frozenset[int]) -> masking.Reveals:
    def reveals(view: BaseModel) -> bool:
        if isinstance(view, IncidentSummary):
            return view.id in active
        if isinstance(view, CallView | EventView):
            return view.incident_id in active
        return False

    return reveals


def _about_crew(event: EventView, crew: _Crew) -> bool:
    return (crew.unit_id is not None and event.unit_id == crew.unit_id) or (
        event.incident_id in crew.active
    )
