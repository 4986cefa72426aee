"""The facade's core: the door decorator, the services it holds, its context.

:func:`guarded` wraps every public facade method with its action (checked
by the door before any work, the result masked for the principal);
:class:`FacadeCore` builds the per-noun services and answers who, where and
on what the facade acts. The actions themselves are mixins in the
``facade_*`` modules, composed into :class:`~dispatch.services.facade.DispatchService`.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from sqlalchemy import Engine

from dispatch.access import RULES, Action, Scope
from dispatch.clock import Clock
from dispatch.config import EngineSettings
from dispatch.enums import (
    Role,
)
from dispatch.failover import FailoverGuard, guard_for
from dispatch.livefeed import JournalSignal
from dispatch.principal import Principal
from dispatch.services.base import Actor, ServiceContext
from dispatch.services.calls import CallService
from dispatch.services.door import Door
from dispatch.services.duties import DutyService
from dispatch.services.handoffs import HandoffService
from dispatch.services.incidents import IncidentService
from dispatch.services.integrity import IntegrityService
from dispatch.services.operators import OperatorService
from dispatch.services.queries import QueryService
from dispatch.services.recommendations import RecommendationService
from dispatch.services.records import RecordService
from dispatch.services.referrals import ReferralService
from dispatch.services.rings import RingService
from dispatch.services.shifts import ShiftService
from dispatch.services.signon import SignOnService
from dispatch.services.surge import SurgeService
from dispatch.services.unit_of_work import UnitOfWork
from dispatch.services.units import UnitService

if TYPE_CHECKING:
    from geodata.packs import RegionPack


from typing import cast

if TYPE_CHECKING:
    from dispatch.services.facade import DispatchService

T = TypeVar("T")
P = ParamSpec("P")
R = TypeVar("R")
S = TypeVar("S", bound="FacadeCore")

#: The argument that names the record a scoped rule checks.
_TARGET_ARG = {Scope.UNIT: "callsign", Scope.INCIDENT: "incident_id"}

#: Public facade method name -> the action its door checks.
GUARDED: dict[str, Action] = {}


def guarded(
    action: Action,
) -> Callable[
    [Callable[Concatenate[S, P], R]],
    Callable[Concatenate[S, P], R],
]:
    """Check ``action`` for the principal before the method runs; mask its result."""
    scope = RULES[action].scope

    def wrap(
        func: Callable[Concatenate[S, P], R],
    ) -> Callable[Concatenate[S, P], R]:
        name = _TARGET_ARG.get(scope)
        position = (
            list(inspect.signature(func).parameters).index(name) - 1 if name else -1
        )

        @functools.wraps(func)
        def door(self: S, /, *args: P.args, **kwargs: P.kwargs) -> R:
            def target() -> object:
                if name is not None and name in kwargs:
                    return kwargs[name]
                return args[position] if 0 <= position < len(args) else None

            def attempt() -> R:
                lens = self._door.enter(action, target if name else None)
                return lens.apply(func(self, *args, **kwargs))

            # A connection lost before the commit (a failover) is run again
            # once a leader answers; see dispatch/failover.py.
            return guard_for(self._ctx.engine).run(attempt)

        GUARDED[func.__name__] = action
        return door

    return wrap


class FacadeCore:
    """The services of one principal at one terminal, and the context they share."""

    def __init__(
        self,
        engine: Engine,
        *,
        settings: EngineSettings | None = None,
        clock: Clock | None = None,
        principal: Principal | None = None,
        pack: RegionPack | None = None,
    ) -> None:
        ctx = ServiceContext(
            engine, settings=settings, clock=clock, principal=principal, pack=pack
        )
        self._ctx = ctx
        self._door = Door(ctx)
        self._calls = CallService(ctx)
        self._incidents = IncidentService(ctx)
        self._units = UnitService(ctx)
        self._handoffs = HandoffService(ctx)
        self._recommendations = RecommendationService(ctx, self._units)
        self._referrals = ReferralService(ctx)
        self._duties = DutyService(ctx)
        self._queries = QueryService(ctx)
        self._records = RecordService(ctx)
        self._shifts = ShiftService(ctx)
        self._rings = RingService(ctx)
        self._signon = SignOnService(ctx)
        self._operators = OperatorService(ctx)
        self._surge = SurgeService(ctx, self._units)
        self._integrity = IntegrityService(ctx)
        self._uow = UnitOfWork(ctx)

    # -- context -----------------------------------------------------------------

    def journal_signal(self, *, poll_seconds: float = 1.0) -> JournalSignal:
        """A wake-up line for journal growth (NOTIFY on PostgreSQL, a poll on SQLite).

        It carries no data, only "look again": the events themselves are read
        through :meth:`events_after`, behind the door.
        """
        return JournalSignal(self._ctx.engine, poll_seconds=poll_seconds)

    @property
    def failover(self) -> FailoverGuard:
        """The engine's failover guard (front ends listen to it for the banner)."""
        return guard_for(self._ctx.engine)

    @property
    def engine(self) -> Engine:
        """The database engine."""
        return self._ctx.engine

    @property
    def settings(self) -> EngineSettings:
        """The engine settings."""
        return self._ctx.settings

    @property
    def clock(self) -> Clock:
        """The clock every service reads."""
        return self._ctx.clock

    @property
    def actor(self) -> Actor:
        """Who acts and where, as written into every event."""
        return self._ctx.actor

    @property
    def principal(self) -> Principal:
        """The principal (the configured operator is looked up on first use)."""
        return self._door.principal()

    @property
    def pack(self) -> RegionPack:
        """The region pack (loaded on first use)."""
        return self._ctx.pack

    @property
    def archive_folder(self) -> Path:
        """Where archives go unless a folder is named (the data folder's archive/)."""
        from dispatch.archive import default_archive_dir

        return default_archive_dir()

    @property
    def travel_model(self) -> Any:
        """The region pack's travel-time model (built once per service object)."""
        return self._ctx.travel_model

    def as_principal(self, principal: Principal) -> DispatchService:
        """The same services (database, clock, pack) for another principal."""
        from dispatch.services.facade import DispatchService

        return DispatchService(
            self.engine,
            settings=self.settings,
            clock=self.clock,
            principal=principal,
            pack=self._ctx._pack,
        )

    def as_actor(self, operator: str, terminal: str | None = None) -> DispatchService:
        """The same principal's role under another operator name (or terminal).

        For simulations and tests that play several desks of one role; a front
        end signs its operator on and uses :meth:`as_principal`.
        """
        return self.as_principal(
            replace(
                self.principal,
                operator=operator,
                terminal=terminal or self.principal.terminal,
            )
        )

    def for_unit(self, callsign: str) -> DispatchService:
        """The unit view's services: an unbound responder is bound to ``callsign``.

        A responder already bound (at sign-on) stays bound to its own unit;
        other roles keep their own reach (a dispatcher may work a unit's view
        for its crew). The door decides what each may do there.
        """
        principal = self.principal
        if principal.role != Role.RESPONDER or principal.unit is not None:
            return cast("DispatchService", self)
        return self.as_principal(replace(principal, unit=callsign.strip().upper()))
