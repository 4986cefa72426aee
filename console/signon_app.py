"""``SignedOnApp``: the desk console's sign-on, lock key and inactivity lock.

The console starts in the ``signon`` mode. A good sign-on (a
:class:`~console.screens.signon.SignOnScreen.SignedOn` message) makes the
app act for that principal (``services.as_actor(operator, terminal)``, so
every event names the operator and the terminal) and switches to the work
modes. Locking — the ``app.lock`` key, :attr:`idle_lock_minutes` without a
key press, or the operator being disabled — signs the operator off (a
``signon.ended`` event) and shows the sign-on screen again; the next
operator signs on without a restart, and finds fresh screens when they are
someone else. A terminal never locks over a call in progress or an open
dialog: the key says why, the idle check waits.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.screen import ModalScreen, Screen

from console.i18n import _, current_language
from console.screens.signon import SignOnScreen
from dispatch.errors import DispatchError
from dispatch.principal import Principal

#: Journal events that end the signed-on operator's sign-on from elsewhere.
_ENDING_KINDS = frozenset({"operator.disabled", "operator.role_changed"})


class SignedOnApp(App[None]):
    """Base of :class:`~console.app.SiagaApp`: who is signed on, and locking."""

    DEFAULT_MODE: ClassVar[str] = "signon"
    #: Modes rebuilt when another operator signs on (filled by the subclass).
    WORK_MODES: ClassVar[tuple[str, ...]] = ()
    #: The mode shown after the first sign-on.
    FIRST_MODE: ClassVar[str] = "intake"

    def setup_signon(
        self, services: Any, principal: Principal | None, idle_lock_minutes: float
    ) -> None:
        """Call from ``__init__``: the unsigned services and an optional principal.

        A ``principal`` given here (an embedding program or a test that built
        one) skips the sign-on screen; ``siaga`` never passes one.
        """
        self.base_services = services
        self.principal: Principal | None = None
        self.idle_lock_minutes = idle_lock_minutes
        self.last_input_at = time.monotonic()
        self._given_principal = principal
        self._resume_mode = self.FIRST_MODE
        self._lock_pending: str | None = None
        self.add_mode("signon", self._signon_screen)

    def _signon_screen(self) -> Screen[Any]:
        return SignOnScreen(
            self.sign_on_here,
            terminal=self.signon_terminal,
            language=current_language(),
        )

    @property
    def signon_terminal(self) -> str:
        """This terminal's name (the settings' ``terminal``)."""
        return str(self.base_services.settings.terminal)

    def sign_on_here(self, name: str, password: str) -> Principal:
        """The engine's sign-on for this terminal (runs in the screen's worker)."""
        principal: Principal = self.base_services.sign_on(
            name, password, self.signon_terminal
        )
        return principal

    def start_signon(self) -> None:
        """Call from ``on_mount``: sign on, or act for the given principal at once."""
        if self._given_principal is not None:
            self._act_for(self._given_principal)
            self.switch_mode(self.FIRST_MODE)
        self.set_interval(
            self._idle_check_seconds(), self.check_inactivity, name="idle"
        )

    def _idle_check_seconds(self) -> float:
        return max(0.5, min(15.0, self.idle_lock_minutes * 60 / 4))

    # -- signing on --------------------------------------------------------------

    @on(SignOnScreen.SignedOn)
    async def _signed_on(self, message: SignOnScreen.SignedOn) -> None:
        principal = message.principal
        previous = getattr(self, "_last_operator", None)
        self._act_for(principal)
        if previous is not None and previous != principal.operator:
            await self._rebuild_work_modes()
            self._resume_mode = self.FIRST_MODE
        await self.switch_mode(self._resume_mode)
        role = _(f"role.{principal.role}")
        self.notify(_("signon.welcome", operator=principal.operator, role=role))
        self.after_signon()

    def _act_for(self, principal: Principal) -> None:
        self.principal = principal
        self._last_operator = principal.operator
        self.services = acting_for(self.base_services, principal)
        self.last_input_at = time.monotonic()
        self.sub_title = _(
            "signon.subtitle",
            operator=principal.operator,
            role=_(f"role.{principal.role}"),
            terminal=principal.terminal,
        )

    async def _rebuild_work_modes(self) -> None:
        """Fresh screens for another operator (nothing of the last one's view stays)."""
        for mode in self.WORK_MODES:
            factory = self.MODES[mode]
            await self.remove_mode(mode)
            self.add_mode(mode, factory)

    def after_signon(self) -> None:
        """Hook: start following the journal, offer drafts (the subclass)."""

    def before_lock(self) -> None:
        """Hook: stop what must not run while nobody is signed on (the subclass)."""

    # -- locking -----------------------------------------------------------------

    def has_open_call(self) -> bool:
        """True while a call is in progress (the subclass knows)."""
        return False

    def lock_refusal(self) -> str | None:
        """Why the terminal may not lock now, or ``None`` when it may."""
        if self.has_open_call():
            return _("signon.lock-refused-call")
        if isinstance(self.screen, ModalScreen):
            return _("signon.lock-refused-dialog")
        return None

    def action_lock_terminal(self) -> None:
        """The lock key: sign off and show the sign-on screen (not over a call)."""
        if self.principal is None:
            return
        refusal = self.lock_refusal()
        if refusal is not None:
            self.notify(refusal, severity="warning")
            return
        self.lock("locked", _("signon.locked"))

    def check_inactivity(self) -> None:
        """Lock after :attr:`idle_lock_minutes` without input, or a pending lock."""
        if self.principal is None or self.lock_refusal() is not None:
            return
        if self._lock_pending is not None:
            self.lock(self._lock_pending, _("signon.disabled-locked"), sign_off=False)
            return
        idle = time.monotonic() - self.last_input_at
        if idle >= self.idle_lock_minutes * 60:
            self.lock("idle", _("signon.idle-locked"))

    def lock(self, reason: str, notice: str, *, sign_off: bool = True) -> None:
        """Sign the operator off (journaled) and show the sign-on screen."""
        principal = self.principal
        if principal is None:
            return
        self.before_lock()
        self.principal = None
        self._lock_pending = None
        self.services = self.base_services
        self.sub_title = ""
        if self.current_mode != "signon":
            self._resume_mode = self.current_mode
        if sign_off:
            self._sign_off(principal, reason)
        self.switch_mode("signon")
        for screen in self._screen_stacks.get("signon", []):
            if isinstance(screen, SignOnScreen) and screen.is_mounted:
                screen.reset(notice)

    def sign_off_at_exit(self) -> str | None:
        """After ``run()`` returns: end the sign-on left open (journaled).

        Returns why it could not be recorded (the database is gone), if so.
        """
        principal, self.principal = self.principal, None
        return sign_off_left_open(self.base_services, principal)

    @work(thread=True, group="signoff", exit_on_error=False, description="sign off")
    def _sign_off(self, principal: Principal, reason: str) -> None:
        self.base_services.sign_off(principal, reason=reason)

    def watch_journal_for_signon(self, events_seen: list[Any]) -> None:
        """Lock soon when an event ends this operator's sign-on (disabled, new role)."""
        principal = self.principal
        if principal is None:
            return
        for event in events_seen:
            if (
                event.kind in _ENDING_KINDS
                and event.payload.get("name") == principal.operator
            ):
                self._lock_pending = "disabled"
                self.check_inactivity()
                return

    def note_activity(self, event: events.Event) -> None:
        """Remember when the operator last pressed a key, clicked or pasted."""
        if isinstance(event, events.Key | events.MouseDown | events.Paste):
            self.last_input_at = time.monotonic()

    async def on_event(self, event: events.Event) -> None:
        """Note the time of every key, click and paste (for the idle lock)."""
        self.note_activity(event)
        await super().on_event(event)


def acting_for(services: Any, principal: Principal) -> Any:
    """The facade for ``principal`` (the same object when it is built for it)."""
    if services.signed_principal == principal:
        return services
    return services.as_principal(principal)


def sign_off_left_open(services: Any, principal: Principal | None) -> str | None:
    """End a sign-on the program leaves open at exit (journaled).

    Returns why it could not be recorded (the database is gone), if so.
    """
    if principal is None or principal.session_id is None:
        return None
    try:
        services.sign_off(principal, reason="signed_off")
    except DispatchError as exc:
        return f"the sign-off was not recorded: {exc.message}"
    return None
