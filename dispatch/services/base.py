"""The unit-of-work boundary every service shares.

A service method opens one session, takes the journal lock, does its work,
appends its events and commits — all or nothing. When the facade runs the
method as a front-end action (:mod:`dispatch.services.unit_of_work`), the
blocks join that action's one transaction instead, which is retried and
remembered under its idempotency key. Database trouble is turned into
:class:`~dispatch.errors.DatabaseUnavailable`, a lost optimistic-lock race
into :class:`~dispatch.errors.ConcurrentUpdate`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, bindparam, select
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch import journal
from dispatch.clock import Clock, SystemClock
from dispatch.config import EngineSettings
from dispatch.db import COMMITTING, WRITE_SESSION, read_session, write_session
from dispatch.errors import (
    CallNotFound,
    CommitInDoubt,
    ConnectionLost,
    DatabaseUnavailable,
    DispatchError,
    IncidentNotFound,
    UnitNotFound,
)
from dispatch.failover import is_connection_loss
from dispatch.keys import as_row_id
from dispatch.models import Call, Incident, Unit
from dispatch.principal import Principal
from dispatch.services.unit_of_work import (
    MAYBE_SAVED,
    RECONNECTING,
    joined_read,
    joined_write,
    short,
    translate,
)
from dispatch.witness import Witness

if TYPE_CHECKING:
    from geodata.packs import RegionPack

T = TypeVar("T")

#: Built once (with its cache key): every assignment and status looks it up.
_UNIT_BY_CALLSIGN = select(Unit).where(Unit.callsign == bindparam("callsign"))
_UNIT_BY_CALLSIGN_LOCKED = _UNIT_BY_CALLSIGN.with_for_update()


def locks_rows(session: Session) -> bool:
    """True when this session's loads for a change must lock their rows.

    On PostgreSQL the desks' busiest actions overlap (the journal lock is
    taken only at the commit; :mod:`dispatch.services.unit_of_work`), so an
    action locks the incident and the unit it changes when it loads them:
    two actions on the same incident or unit go one after the other, and a
    close cannot miss an assignment made at the same moment. SQLite's
    writers are one at a time anyway.
    """
    return bool(session.info.get(WRITE_SESSION)) and (
        session.get_bind().dialect.name == "postgresql"
    )


@dataclass(frozen=True)
class Actor:
    """Who acts, and from which terminal; written into every event."""

    operator: str
    terminal: str


class ServiceContext:
    """What every noun service shares: engine, settings, clock, principal, pack.

    One context is built by the facade and handed to each noun service, so a
    clock advanced in a test or a pack loaded once is seen by all of them.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        settings: EngineSettings | None = None,
        clock: Clock | None = None,
        principal: Principal | None = None,
        pack: RegionPack | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or EngineSettings(database_url=str(engine.url))
        self.clock: Clock = clock or SystemClock()
        self.principal = principal
        """Who acts; ``None`` until the door looks up the configured operator."""
        self._pack = pack
        from dispatch.catalogue import use_region_pack

        # one city per process: its catalogue answers every lookup from now on
        use_region_pack(pack.path if pack is not None else self.settings.region_pack)

    @property
    def actor(self) -> Actor:
        """Who acts and where, as written into every event.

        Before the principal is known this is the configured claim; the door
        resolves (or refuses) it before any service runs.
        """
        if self.principal is None:
            return Actor(self.settings.operator, self.settings.terminal)
        return Actor(self.principal.operator, self.principal.terminal)

    @cached_property
    def pack(self) -> RegionPack:
        """The region pack (loaded on first use)."""
        if self._pack is not None:
            return self._pack
        from geodata.packs import load_pack

        return load_pack(self.settings.region_pack)

    @cached_property
    def witness(self) -> Witness | None:
        """Signs checkpoints of the journal's head (``None``: in-memory database)."""
        return Witness.for_settings(self.settings)

    @cached_property
    def travel_model(self) -> Any:
        """The region pack's travel-time model (built once per context)."""
        from geodata.travel import default_travel_model

        return default_travel_model(self.pack)


class ServiceBase:
    """One noun's services: the shared context plus the unit-of-work helpers."""

    def __init__(self, ctx: ServiceContext) -> None:
        self.ctx = ctx

    @property
    def engine(self) -> Engine:
        """The database engine."""
        return self.ctx.engine

    @property
    def settings(self) -> EngineSettings:
        """The engine settings."""
        return self.ctx.settings

    @property
    def clock(self) -> Clock:
        """The clock every service of this context reads."""
        return self.ctx.clock

    @property
    def actor(self) -> Actor:
        """Who acts, written into every event."""
        return self.ctx.actor

    @property
    def pack(self) -> RegionPack:
        """The region pack (loaded on first use)."""
        return self.ctx.pack

    # -- units of work -----------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        """One write transaction, or the action's own when the facade runs one.

        Inside :class:`~dispatch.services.unit_of_work.UnitOfWork` the block
        joins the action's transaction (locked, retried and committed there);
        called on its own it is a transaction of its own.
        """
        ambient = joined_write(self.engine)
        if ambient is not None:
            yield ambient
            return
        session: Session | None = None
        try:
            with write_session(self.engine) as session:
                journal.lock_journal(session)  # a lone write: one at a time
                yield session
                journal.flush_pending(session)
            witness = self.ctx.witness
            if witness is not None:
                witness.after_commit(journal.written_head(session), self._holds)
        except DispatchError:
            raise
        except (DBAPIError, StaleDataError) as exc:
            if not (isinstance(exc, DBAPIError) and self._lost(exc)):
                mapped = translate(exc)
                if mapped is None:
                    raise
                raise mapped from exc
            if session is not None and session.info.get(COMMITTING):
                raise CommitInDoubt(f"{MAYBE_SAVED} ({short(exc)})") from exc
            raise ConnectionLost(RECONNECTING, detail=short(exc)) from exc

    def _lost(self, exc: DBAPIError) -> bool:
        """A lost PostgreSQL connection (SQLite's errors are locks, not losses)."""
        return self.engine.dialect.name == "postgresql" and is_connection_loss(exc)

    def _holds(self, event_id: int, digest: str) -> bool:
        with read_session(self.engine) as session:
            return journal.holds(session, event_id, digest)

    @contextmanager
    def _read(self) -> Iterator[Session]:
        """A read session; inside a running action, the action's own session."""
        ambient = joined_read(self.engine)
        if ambient is not None:
            yield ambient
            return
        try:
            with read_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            if self._lost(exc):
                raise ConnectionLost(RECONNECTING, detail=short(exc)) from exc
            raise DatabaseUnavailable(
                f"The database is not answering ({short(exc)})."
            ) from exc

    def _event(
        self,
        session: Session,
        kind: str,
        *,
        incident_id: int | None = None,
        call_id: int | None = None,
        unit_id: int | None = None,
        **payload: Any,
    ) -> None:
        journal.defer(
            session,
            at=self.clock.now(),
            actor=self.actor.operator,
            terminal=self.actor.terminal,
            kind=kind,
            incident_id=incident_id,
            call_id=call_id,
            unit_id=unit_id,
            payload=payload,
        )

    # -- lookups -----------------------------------------------------------

    @staticmethod
    def _call(session: Session, call_id: int) -> Call:
        call = session.get(Call, call_id)
        if call is None:
            raise CallNotFound(f"There is no call {call_id}.", call_id=call_id)
        return call

    @staticmethod
    def _incident(session: Session, incident_id: int | str) -> Incident:
        row_id = as_row_id(incident_id)
        if isinstance(incident_id, str) and not incident_id.isdigit():
            query = select(Incident).where(Incident.number == incident_id)
            if locks_rows(session):
                query = query.with_for_update()
            incident = session.scalars(query).one_or_none()
        else:
            incident = (
                None
                if row_id is None
                else session.get(
                    Incident, row_id, with_for_update=locks_rows(session) or None
                )
            )
        if incident is None:
            raise IncidentNotFound(
                f"There is no incident {incident_id}.", incident_id=incident_id
            )
        return incident

    @staticmethod
    def _unit(session: Session, callsign: str) -> Unit:
        query = _UNIT_BY_CALLSIGN_LOCKED if locks_rows(session) else _UNIT_BY_CALLSIGN
        unit = session.scalars(
            query, {"callsign": callsign.strip().upper()}
        ).one_or_none()
        if unit is None:
            raise UnitNotFound(f"There is no unit {callsign}.", callsign=callsign)
        return unit
