"""Seeded databases for the responder, map and supervisor tests (and snapshots).

Every helper runs on a FixedClock so that screens and snapshots are the same
on every run. Type codes are picked from whatever the engine accepts today
(the interim triage table or the catalogue), so tests survive the switch.
"""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from textual.app import App
from textual.screen import Screen

from console.follow import JournalFollower
from console.messages import JournalAdvanced
from dispatch.clock import FixedClock
from dispatch.config import EngineSettings
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.errors import InvalidInput
from dispatch.principal import Principal
from dispatch.schemas import IncidentDetail
from dispatch.services import DispatchService
from dispatch.setup import init_database

#: 2026-11-29 10:00 in Blitar (UTC+7).
START = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)

#: Inside Kota Blitar: the alun-alun, and a point in Sananwetan.
ALUN_ALUN = (-8.0985, 112.1652)
SANANWETAN = (-8.0950, 112.1780)

_PREFERRED = {
    "medical": ("MED-CHEST", "MED-UNCON", "MED"),
    "fire": ("FIRE-HOUSE", "FIRE-BUILDING", "FIRE"),
    "traffic": ("TRAFFIC-INJURY", "TRAFFIC", "TRAFFIC-CRASH"),
    "tree": ("TREE", "TREE-FALLEN", "HAZ-TREE"),
}


def make_services(
    tmp_path: Path, clock: FixedClock | None = None, language: str = "id"
) -> DispatchService:
    """A fresh SQLite database with the Blitar roster, on a fixed clock."""
    clock = clock or FixedClock(START)
    url = "sqlite:///" + str(tmp_path / "t.db")
    engine = make_engine(url)
    init_database(engine, pack_name="blitar", demo=True, clock=clock)
    settings = EngineSettings(
        # The demo supervisor: looked up in the operators table like a desk does.
        database_url=url,
        language=language,
        operator="supervisor",
        terminal="desk-1",
    )
    return DispatchService(engine, settings=settings, clock=clock)


def type_code(kind: str = "medical") -> str:
    """A type code of this kind that the engine accepts now."""
    from dispatch import triage_bridge

    for code in _PREFERRED[kind]:
        try:
            triage_bridge.classify(code, {})
        except InvalidInput:
            continue
        return code
    raise LookupError(f"no accepted type code for {kind}")


def new_incident(
    services: DispatchService,
    *,
    kind: str = "medical",
    at: tuple[float, float] = ALUN_ALUN,
    number: str = "081234567890",
    caller: str | None = "Bu Sri",
    place: str = "Jl. Merdeka 12",
    text: str = "depan alun-alun, rumah cat hijau",
    note: str | None = "Pasien laki-laki 60 th, nyeri dada, sadar.",
    units: tuple[str, ...] = (),
) -> IncidentDetail:
    """Open a call, make an incident of it, add a note, assign units."""
    call = services.open_call({"caller_number": number, "caller_name": caller})
    location: dict[str, Any] = {
        "text": text,
        "lat": at[0],
        "lon": at[1],
        "place_name": place,
    }
    incident = services.create_incident(
        call.id, location=location, classification={"type_code": type_code(kind)}
    )
    if note:
        services.add_note(incident.id, note)
    for callsign in units:
        services.assign_unit(incident.id, callsign)
    return services.incident(incident.id)


class OpsHost(App[None]):
    """A bare app around one of our screens: services, follower, nothing else.

    The real console (``SiagaApp``) does the same in its modes; this keeps the
    screen tests independent of the shell.
    """

    def __init__(
        self,
        services: DispatchService,
        screen: Screen[Any],
        *,
        follow_interval: float = 60.0,
        language: str = "id",
    ) -> None:
        super().__init__()
        self.services = services
        self._first = screen
        self._language = language
        self.follower = JournalFollower(self, interval=follow_interval)  # type: ignore[arg-type]

    def on_mount(self) -> None:
        from console.i18n import set_language

        set_language(self._language)
        self.push_screen(self._first)
        self.follower.start(self.services.last_event_id())

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        self.follower.advanced(message)
        if self._first.is_mounted:
            self._first.post_message(JournalAdvanced(message.events, message.last_id))


async def settle(app: App[Any], pilot: Any, rounds: int = 3) -> None:
    """Let workers finish and their messages land (a cancelled stale worker is fine)."""
    from textual.worker import WorkerCancelled

    for _ in range(rounds):
        # An exclusive worker replaced by a fresher one is fine.
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()


def unit_principal(services: DispatchService, callsign: str) -> Principal:
    """A responder of ``callsign`` signed on already (tests skip the sign-on screen)."""
    return Principal(
        services.actor.operator, Role.RESPONDER, services.actor.terminal, callsign
    )
