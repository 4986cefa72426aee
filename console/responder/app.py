"""``ResponderApp``: the unit view for one vehicle terminal or phone.

It shows the unit's current assignment and makes one report per key. The app
follows the journal once a second (a thread worker asks the services for
events after the last id it has seen) and reloads only when an event concerns
this unit or its incident. A new assignment rings the terminal bell and stays
highlighted until it is acknowledged.

It starts with the sign-on screen: only a responder bound to this unit signs
on, and every report is journaled under that operator and this terminal.
The lock key (``responder.lock``) signs off and shows the sign-on screen
again for the next crew member.
"""

from __future__ import annotations

from collections import deque
from dataclasses import replace
from datetime import tzinfo
from typing import TYPE_CHECKING, ClassVar

from textual import events, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.action_key import new_action_key
from console.follow import JournalWake
from console.responder.data import ResponderSnapshot, concerns, load_snapshot
from console.responder.strings import status_text, text
from console.responder.widgets import (
    STATUS_KEYS,
    AssignmentPanel,
    StatusKeys,
    UnitBar,
)
from console.screens.signon import SignOnScreen
from console.signon_app import sign_off_left_open
from console.typeahead import TypeAhead
from dispatch.errors import DispatchError
from dispatch.principal import Principal

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
            "ctrl+s",
            "lock_terminal",
            text("key.lock", "en"),
            id="responder.lock",
            tooltip=text("tip.lock", "en"),
            show=False,
            priority=True,
        ),
        Binding(
            "f1",
            "show_help_panel",
            text("key.help", "en"),
            id="responder.help",
            tooltip=text("tip.help", "en"),
            show=False,
        ),
        Binding(
            "ctrl+l",
            "toggle_language",
            text("key.language", "en"),
            id="responder.language",
            tooltip=text("tip.language", "en"),
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
        principal: Principal | None = None,
    ) -> None:
        super().__init__()
        self.base_services = services
        self.services = services
        self.principal: Principal | None = None
        self._given_principal = principal
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
        #: Every key and paste from the terminal, in one ordered queue: the
        #: sign-on screen takes each key to the end before the next, so a
        #: burst (Ctrl+U, name, Tab, password, Enter) lands key by key.
        self.typeahead = TypeAhead(self, lambda event: App.on_event(self, event))

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go through the key queue, in order."""
        if not self.typeahead.take_from_terminal(event):
            await super().on_event(event)

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Bar, assignment (scrolls on small screens), message line, key pad."""
        yield UnitBar(id="bar")
        with VerticalScroll(id="assignment-scroll"):
            yield AssignmentPanel(id="assignment")
        yield Static("", id="message")
        yield StatusKeys(id="keys")

    def on_mount(self) -> None:
        """Sign on (unless given a principal), then load and follow the journal."""
        scroll = self.query_one("#assignment-scroll")
        scroll.focus()
        self._relabel()
        self.set_interval(1.0, self._clock_tick, name="responder-clock")
        # NOTIFY on PostgreSQL, the poll on SQLite (console/follow.py).
        self._wake = JournalWake(
            self, self.base_services, self._tick, self.follow_interval
        )
        self._wake.start()
        if self._given_principal is not None:
            self._act_for(self._given_principal)
        else:
            self.push_screen(self._signon_screen())

    def _signon_screen(self, notice: str | None = None) -> SignOnScreen:
        return SignOnScreen(
            self._sign_on_here,
            terminal=str(self.base_services.settings.terminal),
            unit=self.callsign,
            language=self.language,
            notice=notice,
        )

    def _sign_on_here(self, name: str, password: str) -> Principal:
        principal: Principal = self.base_services.sign_on(
            name,
            password,
            str(self.base_services.settings.terminal),
            unit=self.callsign,
        )
        return principal

    @on(SignOnScreen.SignedOn)
    def _signed_on(self, message: SignOnScreen.SignedOn) -> None:
        self.pop_screen()
        self._act_for(message.principal)

    def _act_for(self, principal: Principal) -> None:
        from console.signon_app import acting_for

        self.principal = principal
        self.services = acting_for(self.base_services, principal)
        self.sub_title = principal.operator
        self._render_all()
        self._follow(force=True)

    def action_lock_terminal(self) -> None:
        """Sign off (journaled) and show the sign-on screen for the next crew member."""
        principal = self.principal
        if principal is None:
            return
        self.principal = None
        self.services = self.base_services
        self._sign_off(principal, "locked")
        self.push_screen(self._signon_screen(text("locked", self.language)))

    @work(thread=True, group="signoff", exit_on_error=False, description="sign off")
    def _sign_off(self, principal: Principal, reason: str) -> None:
        self.base_services.sign_off(principal, reason=reason)

    def sign_off_at_exit(self) -> str | None:
        """After ``run()`` returns: end the sign-on left open (journaled).

        Returns why it could not be recorded (the database is gone), if so.
        """
        principal, self.principal = self.principal, None
        return sign_off_left_open(self.base_services, principal)

    def on_unmount(self) -> None:
        """Leaving: stop following the journal."""
        self._wake.stop()

    def _tick(self) -> None:
        if self.principal is None or not self.query(UnitBar):  # locked, closing
            return
        self._follow()

    def _clock_tick(self) -> None:
        if self.principal is None or not self.query(UnitBar):  # locked, closing
            return
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

    def action_toggle_language(self) -> None:
        """Ctrl+L: Indonesian ↔ English, now (the assignment is read again)."""
        self.language = "en" if self.language == "id" else "id"
        self._relabel()
        self._render_all()
        self._follow(force=True)

    def _relabel(self) -> None:
        """Key labels, tooltips and the help text in the view's language.

        Textual copies ``BINDINGS`` into the app, so the copies are replaced
        (``_bindings`` is private; there is no public setter).
        """
        names = {spec.binding_id: spec.target for spec in STATUS_KEYS}
        for name in ("refresh", "help", "language"):
            names[f"responder.{name}"] = name
        bindings = self._bindings.key_to_bindings
        for key, items in list(bindings.items()):
            bindings[key] = [self._relabelled(b, names.get(b.id or "")) for b in items]
        scroll = self.query_one("#assignment-scroll")
        setattr(scroll, "HELP", text("help", self.language))  # noqa: B010 - per instance
        self.refresh_bindings()

    def _relabelled(self, binding: Binding, name: str | None) -> Binding:
        if name is None:
            return binding
        label = text(f"key.{name}", self.language)
        if name in ("refresh", "help", "language"):
            tooltip = text(f"tip.{name}", self.language)
        else:
            tooltip = text("tip.report", self.language, status=label)
        return replace(binding, description=label, tooltip=tooltip)

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
                self.services.acknowledge_assignment(
                    self.callsign, idempotency_key=new_action_key()
                )
            else:
                self.services.report_status(
                    self.callsign, target, idempotency_key=new_action_key()
                )
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
