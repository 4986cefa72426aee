"""``ResponderApp``: the unit view for one vehicle terminal or phone.

It shows the unit's current assignment and makes one report per key. The app
follows the journal once a second (a thread worker asks the services for
events after the last id it has seen) and reloads only when an event concerns
this unit or its incident. A new assignment rings the terminal bell and stays
highlighted until it is acknowledged.
"""

from __future__ import annotations

from collections import deque
from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual import on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.responder.data import ResponderSnapshot, concerns, load_snapshot
from console.responder.strings import status_text, text
from console.responder.widgets import (
    STATUS_KEYS,
    AssignmentPanel,
    StatusKeys,
    UnitBar,
)
from dispatch.errors import DispatchError

if TYPE_CHECKING:
    from dispatch.services import DispatchService

#: Events per journal request; more are fetched in the same poll.
_PAGE = 500


def _status_bindings() -> list[BindingType]:
    bindings: list[BindingType] = []
    for spec in STATUS_KEYS:
        action = (
            "acknowledge"
            if spec.target == "acknowledge"
            else f"report_status('{spec.target}')"
        )
        bindings.append(
            Binding(
                spec.key,
                action,
                text(f"key.{spec.target}", "en"),
                id=spec.binding_id,
                tooltip=text(
                    "tip.report", "en", status=text(f"key.{spec.target}", "en")
                ),
                show=False,
            )
        )
    return bindings


class ResponderApp(App[None]):
    """One unit's terminal: the assignment, and a key for every status report."""

    TITLE = "Siaga 112 — Unit"
    CSS_PATH = "responder.tcss"
    ENABLE_COMMAND_PALETTE = False

    BINDINGS: ClassVar[list[BindingType]] = [
        *_status_bindings(),
        Binding(
            "r,f5",
            "refresh",
            text("key.refresh", "en"),
            id="responder.refresh",
            tooltip=text("tip.refresh", "en"),
            show=False,
        ),
        Binding(
            "f1",
            "show_help_panel",
            text("key.help", "en"),
            id="responder.help",
            tooltip=text("tip.help", "en"),
            show=False,
        ),
    ]

    class Loaded(Message):
        """The follower or a report read a fresh snapshot."""

        def __init__(
            self,
            snapshot: ResponderSnapshot | None,
            last_event_id: int | None = None,
            reported: str | None = None,
            error: str | None = None,
        ) -> None:
            super().__init__()
            self.snapshot = snapshot
            self.last_event_id = last_event_id
            self.reported = reported
            self.error = error

    class AssignmentAnnounced(Message):
        """A new assignment reached this unit (bell rung, panel highlighted)."""

        def __init__(self, assignment_id: int, number: str) -> None:
            super().__init__()
            self.assignment_id = assignment_id
            self.number = number

    def __init__(
        self,
        services: DispatchService,
        callsign: str,
        *,
        language: str | None = None,
        follow_interval: float = 1.0,
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.callsign = callsign.strip().upper()
        self.language: str = language or services.settings.language
        self.zone: tzinfo = zone or services.settings.zone
        self.follow_interval = follow_interval
        self.snapshot: ResponderSnapshot | None = None
        """What the screen shows now."""
        self.last_event_id = -1
        """The newest journal event this terminal has seen (-1: none yet)."""
        self._following = False
        self._reporting = False
        self._pending: deque[str] = deque()
        self._announced: set[int] = set()
        self._armed: str | None = None
        self.title = f"{self.callsign} — Siaga 112"

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Bar, assignment (scrolls on small screens), message line, key pad."""
        yield UnitBar(id="bar")
        with VerticalScroll(id="assignment-scroll"):
            yield AssignmentPanel(id="assignment")
        yield Static("", id="message")
        yield StatusKeys(id="keys")

    def on_mount(self) -> None:
        """Load at once, then follow the journal."""
        scroll = self.query_one("#assignment-scroll")
        setattr(scroll, "HELP", text("help", self.language))  # noqa: B010 - per instance
        scroll.focus()
        self._render_all()
        self._follow(force=True)
        self.set_interval(self.follow_interval, self._tick, name="responder-follow")

    def _tick(self) -> None:
        self._follow()
        self._render_clock()

    # -- following ---------------------------------------------------------

    def _follow(self, *, force: bool = False) -> None:
        if self._following:
            return
        self._following = True
        unit_id = self.snapshot.unit.id if self.snapshot else None
        incident_id = (
            self.snapshot.incident.id
            if self.snapshot and self.snapshot.incident
            else None
        )
        self._load_changes(self.last_event_id, unit_id, incident_id, force)

    @work(
        thread=True,
        exclusive=True,
        group="responder-follow",
        exit_on_error=False,
        description="Follow the journal",
    )
    def _load_changes(
        self, after_id: int, unit_id: int | None, incident_id: int | None, force: bool
    ) -> None:
        relevant = force or unit_id is None
        if after_id < 0:
            last = self.services.last_event_id()
        else:
            last = after_id
            while True:
                events = self.services.events_after(last, _PAGE)
                if events:
                    last = events[-1].id
                    if unit_id is not None:
                        relevant = relevant or concerns(events, unit_id, incident_id)
                if len(events) < _PAGE:
                    break
        snapshot = (
            load_snapshot(self.services, self.callsign, self.language)
            if relevant
            else None
        )
        self.post_message(self.Loaded(snapshot, last_event_id=last))

    # -- reports -----------------------------------------------------------

    def action_acknowledge(self) -> None:
        """Confirm the assignment was received (key 1)."""
        self._request("acknowledge")

    def action_report_status(self, status: str) -> None:
        """Report a unit status (keys 2–8; 8 asks for a second press)."""
        self._request(status)

    def action_refresh(self) -> None:
        """Read the assignment again now."""
        self._following = False
        self._follow(force=True)

    def _request(self, target: str) -> None:
        spec = next(s for s in STATUS_KEYS if s.target == target)
        if spec.confirm and self._armed != target:
            self._armed = target
            self._say(
                text(
                    "press-again",
                    self.language,
                    key=spec.key,
                    label=text(f"key.{target}", self.language),
                ),
                warn=True,
            )
            self._render_keys()
            return
        self._armed = None
        self._pending.append(target)
        self._next_report()

    def _next_report(self) -> None:
        if self._reporting or not self._pending:
            return
        self._reporting = True
        self._submit_report(self._pending.popleft())

    @work(
        thread=True,
        group="responder-report",
        exit_on_error=False,
        description="Report a status",
    )
    def _submit_report(self, target: str) -> None:
        error: str | None = None
        try:
            if target == "acknowledge":
                self.services.acknowledge_assignment(self.callsign)
            else:
                self.services.report_status(self.callsign, target)
        except DispatchError as exc:
            error = exc.message
        snapshot = load_snapshot(self.services, self.callsign, self.language)
        self.post_message(self.Loaded(snapshot, reported=target, error=error))

    # -- results -----------------------------------------------------------

    @on(Loaded)
    def _show_loaded(self, message: Loaded) -> None:
        if message.last_event_id is not None:
            self.last_event_id = max(self.last_event_id, message.last_event_id)
            self._following = False
        if message.reported is not None:
            self._reporting = False
        if message.snapshot is not None:
            self._show(message.snapshot)
        if message.error is not None:
            self._say(message.error, warn=True)
        elif message.reported is not None and self.snapshot is not None:
            self._say(
                text(
                    "reported",
                    self.language,
                    callsign=self.callsign,
                    status=status_text(self.snapshot.shown_status, self.language),
                )
            )
        self._next_report()

    def _show(self, snapshot: ResponderSnapshot) -> None:
        self.snapshot = snapshot
        assignment = snapshot.assignment
        if (
            assignment is not None
            and snapshot.unacknowledged
            and assignment.id not in self._announced
            and snapshot.incident is not None
        ):
            self._announced.add(assignment.id)
            self.bell()
            incident = snapshot.incident
            self._say(
                text(
                    "new-assignment-notify",
                    self.language,
                    number=incident.number,
                    priority=incident.priority,
                    type=snapshot.type_name or incident.type_code,
                ),
                warn=True,
            )
            self.post_message(self.AssignmentAnnounced(assignment.id, incident.number))
        self.query_one("#assignment-scroll").set_class(snapshot.unacknowledged, "-new")
        self._render_all()

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        if event.worker.group == "responder-follow":
            self._following = False
        elif event.worker.group == "responder-report":
            self._reporting = False
        error = event.worker.error
        message = (
            error.message
            if isinstance(error, DispatchError)
            else text("unexpected", self.language, error=error)
        )
        self.log.error(f"{event.worker.description}: {error!r}")
        self._say(message, warn=True)
        self._next_report()

    # -- rendering ---------------------------------------------------------

    def _say(self, message: str, *, warn: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.update(message)
        line.set_class(warn, "-warn")

    def _render_clock(self) -> None:
        self.query_one(UnitBar).show(
            self.snapshot,
            self.callsign,
            self.services.clock.now(),
            self.zone,
            self.language,
        )

    def _render_keys(self) -> None:
        self.query_one(StatusKeys).show(self.snapshot, self.language, self._armed)

    def _render_all(self) -> None:
        self._render_clock()
        self.query_one(AssignmentPanel).show(
            self.snapshot, self.services.clock.now(), self.zone, self.language
        )
        self._render_keys()
