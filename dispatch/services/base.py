"""The unit-of-work boundary every service shares.

A service method opens one session, takes the journal lock, does its work,
appends its events and commits — all or nothing. Database trouble is turned
into :class:`~dispatch.errors.DatabaseUnavailable`, a lost optimistic-lock
race into :class:`~dispatch.errors.ConcurrentUpdate`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from dispatch import journal
from dispatch.clock import Clock, SystemClock
from dispatch.config import EngineSettings
from dispatch.db import read_session, write_session
from dispatch.errors import (
    CallNotFound,
    ConcurrentUpdate,
    DatabaseUnavailable,
    DispatchError,
    IncidentNotFound,
    UnitAlreadyAssigned,
    UnitNotFound,
)
from dispatch.models import Call, Incident, Unit

if TYPE_CHECKING:
    from geodata.packs import RegionPack

T = TypeVar("T")


@dataclass(frozen=True)
class Actor:
    """Who acts, and from which terminal; written into every event."""

    operator: str
    terminal: str


class ServiceBase:
    """Holds the engine, the clock, the settings and the acting operator."""

    def __init__(
        self,
        engine: Engine,
        *,
        settings: EngineSettings | None = None,
        clock: Clock | None = None,
        actor: Actor | None = None,
        pack: RegionPack | None = None,
    ) -> None:
        self.engine = engine
        self.settings = settings or EngineSettings(database_url=str(engine.url))
        self.clock: Clock = clock or SystemClock()
        self.actor = actor or Actor(self.settings.operator, self.settings.terminal)
        self._pack = pack

    @cached_property
    def pack(self) -> RegionPack:
        """The region pack (loaded on first use)."""
        if self._pack is not None:
            return self._pack
        from geodata.packs import load_pack

        return load_pack(self.settings.region_pack)

    # -- units of work -----------------------------------------------------

    @contextmanager
    def _write(self) -> Iterator[Session]:
        try:
            with write_session(self.engine) as session:
                journal.lock_journal(session)
                yield session
                journal.flush_pending(session)
        except DispatchError:
            raise
        except StaleDataError as exc:
            raise ConcurrentUpdate(
                "Someone else changed this record first; reload and try again."
            ) from exc
        except IntegrityError as exc:
            if "assignments" in str(exc.orig) or "uq_assignments_active_unit" in str(
                exc.orig
            ):
                raise UnitAlreadyAssigned(
                    "That unit was just assigned elsewhere; choose another unit."
                ) from exc
            raise
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"The database is not answering ({_short(exc)}); "
                "your work is kept, retrying."
            ) from exc

    @contextmanager
    def _read(self) -> Iterator[Session]:
        try:
            with read_session(self.engine) as session:
                yield session
        except OperationalError as exc:
            raise DatabaseUnavailable(
                f"The database is not answering ({_short(exc)})."
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

    def run_read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read session (for reports that need raw access)."""
        with self._read() as session:
            return work(session)

    # -- lookups -----------------------------------------------------------

    @staticmethod
    def _call(session: Session, call_id: int) -> Call:
        call = session.get(Call, call_id)
        if call is None:
            raise CallNotFound(f"There is no call {call_id}.", call_id=call_id)
        return call

    @staticmethod
    def _incident(session: Session, incident_id: int | str) -> Incident:
        if isinstance(incident_id, str) and not incident_id.isdigit():
            incident = session.scalars(
                select(Incident).where(Incident.number == incident_id)
            ).one_or_none()
        else:
            incident = session.get(Incident, int(incident_id))
        if incident is None:
            raise IncidentNotFound(
                f"There is no incident {incident_id}.", incident_id=incident_id
            )
        return incident

    @staticmethod
    def _unit(session: Session, callsign: str) -> Unit:
        unit = session.scalars(
            select(Unit).where(Unit.callsign == callsign.strip().upper())
        ).one_or_none()
        if unit is None:
            raise UnitNotFound(f"There is no unit {callsign}.", callsign=callsign)
        return unit


def _short(exc: Exception) -> str:
    text = str(getattr(exc, "orig", exc)).splitlines()[0]
    return text[:120]
