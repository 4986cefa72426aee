"""SiagaApp: the console's modes (intake, board, supervisor, map), global keys, themes.

The app is built around one injected :class:`~dispatch.services.DispatchService`
(tests pass one on a temporary database with a fixed clock). It follows the
journal so every screen sees other terminals' changes within a second, offers
back call drafts left open by a crash, asks before quitting with a call open,
and turns engine errors into field messages, notifications or the database
banner — never a traceback.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from textual import events, work
from textual.app import App, InvalidThemeError, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme
from textual.timer import Timer

from console.bindings import (
    BY_ID,
    bindings_for,
    display_keys,
    is_narrow,
    relabel,
    set_narrow,
)
from console.config import ConsoleSettings
from console.duties import DeskDuties, escalation_alarms
from console.follow import JournalFollower
from console.i18n import _, current_language, engine_message, set_language
from console.messages import JournalAdvanced
from console.pack_facts import PackFacts
from console.places import PlaceFinder
from console.signon_app import SignedOnApp
from console.trouble import TroubleReports
from console.typeahead import TypeAhead
from dispatch.errors import DispatchError
from dispatch.principal import Principal
from dispatch.schemas import CallView

log = logging.getLogger("siaga.console")

#: How often a desk checks whether the change-over has passed (one cheap read).
SHIFT_CHECK_SECONDS = 60.0

THEMES = (
    Theme(
        name="siaga-dark",
        primary="#3B8EEA",
        secondary="#1F5C99",
        accent="#FFB454",
        warning="#FFC857",
        error="#FF5C5C",
        success="#4EBF71",
        foreground="#E6E6E6",
        background="#101418",
        surface="#161C22",
        panel="#1E2730",
        dark=True,
    ),
    Theme(
        name="siaga-light",
        primary="#0B4F9C",
        secondary="#1F5C99",
        accent="#8A4B00",
        warning="#8A5A00",
        error="#B00020",
        success="#1B6E33",
        foreground="#111111",
        background="#FFFFFF",
        surface="#F2F2F2",
        panel="#E2E6EA",
        dark=False,
    ),
)


def _intake() -> Screen[Any]:
    from console.screens.intake import IntakeScreen

    return IntakeScreen()


def _board() -> Screen[Any]:
    from console.screens.board import BoardScreen

    return BoardScreen()


def _commands() -> type[Provider]:
    from console.commands import SiagaCommands

    return SiagaCommands


def _supervisor() -> Screen[Any]:
    from console.screens.supervisor import SupervisorScreen

    return SupervisorScreen()


def _map() -> Screen[Any]:
    from console.screens.map import MapScreen

    return MapScreen()


#: Below this many columns the screens use their one-column layout.
NARROW_BELOW = 110
#: Below this many columns the footer leaves the screen-switch keys (F2–F5)
#: off, so a screen's own keys fit (``console.bindings.set_narrow``).
FOOTER_NAV_FROM = 160


class SiagaApp(PackFacts, TroubleReports, SignedOnApp):
    """The Siaga 112 console: signs an operator on, then intake, board, …."""

    TITLE = "Siaga 112"
    CSS_PATH = "app.tcss"
    # Screens are built on first use: their modules (and the map's geometry)
    # are imported then, not at start-up.
    MODES: ClassVar[dict[str, str | Callable[[], Screen[Any]]]] = {
        "intake": _intake,
        "board": _board,
        "supervisor": _supervisor,
        "map": _map,
    }
    WORK_MODES = ("intake", "board", "supervisor", "map")
    FIRST_MODE = "intake"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("app"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
        # Closes the help panel; inactive (the key goes on) while it is hidden.
        Binding("escape", "hide_help", show=False, system=True, priority=True),
    ]
    # Textual's own annotation makes this an instance variable to mypy, so it
    # cannot be a ClassVar here; it is never mutated.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-narrow"),
        (NARROW_BELOW, "-wide"),
    ]
    ENABLE_COMMAND_PALETTE = True
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = (
        App.COMMANDS | {_commands}
    )

    db_trouble: reactive[str] = reactive("")
    """Engine message while the database is locked or unreachable; empty when fine."""

    def __init__(
        self,
        services: Any,
        settings: ConsoleSettings | None = None,
        *,
        follow: bool = True,
        settings_warning: str | None = None,
        check_schema: Callable[[], str | None] | None = None,
        principal: Principal | None = None,
    ) -> None:
        self.settings = settings or ConsoleSettings(
            database_url=str(services.engine.url)
        )
        set_language(self.settings.language)
        set_narrow(False)  # until the first resize says otherwise
        super().__init__()
        # Themes before the first screen: set later, the theme restyles every
        # widget of the mounted screen once more.
        for theme in THEMES:
            self.register_theme(theme)
        self._bad_theme = False
        try:
            self.theme = self.settings.theme
        except InvalidThemeError:  # an unknown theme name: say so once mounted
            self._bad_theme = True
            self.theme = "siaga-dark"
        self.services = services
        self.setup_signon(services, principal, self.settings.idle_lock_minutes)
        self._shift_timer: Timer | None = None
        self.places = PlaceFinder(lambda: services.pack)
        self.follower = JournalFollower(self, interval=self.settings.follow_seconds)
        # A failover: the banner says "reconnecting" while a service call
        # waits for the new leader, typed work stays where it is.
        services.failover.listen(self._failover_changed)
        self.follow_enabled = follow
        self.duties = DeskDuties(self, interval=self.settings.duty_interval_seconds)
        self.focus_incident_id: int | None = None
        self.settings_warning = settings_warning
        #: Run first in the start worker: a reason the database cannot be used
        #: (the app then exits with it), or ``None``. Checked here rather than
        #: before start-up so that the first screen does not wait for alembic.
        self.check_schema = check_schema
        #: Every key and paste from the terminal, in one ordered queue.
        self.typeahead = TypeAhead(
            self,
            lambda event: App.on_event(self, event),
            on_error=lambda error: self.report_error(error, self.screen),
        )
        #: Calls a crash left open on this terminal, until the intake shows them.
        self.waiting_drafts: list[tuple[CallView, dict[str, Any]]] = []

    async def on_event(self, event: events.Event) -> None:
        """Keys and pastes from the terminal go through the key queue, in order."""
        self.note_activity(event)  # the idle lock counts from the last key
        if not self.typeahead.take_from_terminal(event):
            await super().on_event(event)

    # -- start-up -----------------------------------------------------------------

    def on_mount(self) -> None:
        """Themes, keymap, labels; then follow the journal and offer drafts back."""
        if self._bad_theme:
            self.notify(
                _("config.bad-theme", theme=self.settings.theme), severity="warning"
            )
        if self.settings.keymap:
            self.set_keymap(self.settings.keymap)
        if self.settings_warning:
            self.notify(
                _("config.fallback", detail=self.settings_warning), severity="warning"
            )
        relabel(self)
        self.start_signon()
        self._start()

    @work(
        thread=True,
        exclusive=True,
        group="start",
        exit_on_error=False,
        description="start",
    )
    def _start(self) -> None:
        if self.check_schema is not None:
            problem = self.check_schema()
            if problem is not None:
                self.call_from_thread(self.exit, None, 1, f"siaga: {problem}")
                return
        if self.principal is None:  # build the services while the operator types
            self.base_services.has_admin()
        else:
            self._load_start_state()
        self.places.warm()

    def after_signon(self) -> None:
        """Follow the journal and offer drafts back, now that someone is signed on."""
        self._after_signon_worker()

    @work(thread=True, group="start", exit_on_error=False, description="signed on")
    def _after_signon_worker(self) -> None:
        self._load_start_state()

    def _load_start_state(self) -> None:
        services = self.services
        if self.principal is not None and self.principal.session_id is None:
            # A principal handed in (no sign-on here): record it on the shift.
            # A sign-on at this desk has done so already, with its session id.
            self._sign_on_shift()
        last = services.last_event_id()
        drafts = services.open_drafts()
        self.call_from_thread(self._started, last, drafts)

    def on_unmount(self) -> None:
        """Leaving: stop following and hearing about failovers."""
        self.follower.stop()
        self.services.failover.unlisten(self._failover_changed)

    def before_lock(self) -> None:
        """Nobody is signed on: stop following the journal."""
        self.follower.stop()

    def _sign_on_shift(self) -> None:
        """Record this operator at this terminal on the running shift.

        Opens the shift when this desk is the first at the change-over. A
        refusal is shown, and the desk keeps working: taking calls must not
        depend on the shift record.
        """
        try:
            self.services.sign_on_shift()
        except DispatchError as exc:
            self.call_from_thread(
                self.notify, engine_message(exc.message), severity="warning"
            )

    @work(
        thread=True,
        exclusive=True,
        group="shift",
        exit_on_error=False,
        description="shift change-over",
    )
    def _carry_sign_on(self) -> None:
        """At the change-over the desk's operator is signed on to the new shift."""
        if self.principal is not None:  # nobody to carry while the desk is locked
            self.services.carry_sign_on()

    def _started(
        self, last_id: int, drafts: list[tuple[CallView, dict[str, Any]]]
    ) -> None:
        if self.follow_enabled:
            self.follower.stop()
            self.follower.start(last_id)
            self.duties.start()
            if self._shift_timer is None:  # once, not at every sign-on
                self._shift_timer = self.set_interval(
                    SHIFT_CHECK_SECONDS, self._carry_sign_on, name="shift"
                )
        if drafts:
            # Offered in the intake's banner, never in a dialog over the form.
            self.waiting_drafts = drafts
            intake = self._intake_if_ready()
            if intake is not None:
                intake.offer_drafts(drafts)
        elif self.settings.caller_number:
            self.action_new_call()

    # -- the screens ----------------------------------------------------------------

    def intake(self) -> Any:
        """The intake screen (created on first use)."""
        from console.screens.intake import IntakeScreen

        for screen in self._modes_screens():
            if isinstance(screen, IntakeScreen):
                return screen
        raise LookupError("intake screen not created")

    def _modes_screens(self) -> Iterable[Screen[Any]]:
        for stack in (
            self._screen_stacks.values()
        ):  # every mode's screens (private: no public view)
            yield from stack

    def _intake_if_ready(self) -> Any:
        """The intake screen if it can take keys now, else None."""
        try:
            intake = self.intake()
        except LookupError:
            return None
        return intake if intake.is_mounted and intake.keys_ready else None

    def has_open_call(self) -> bool:
        """True while the intake screen holds a call."""
        try:
            return self.intake().call is not None
        except LookupError:
            return False

    # -- global actions ---------------------------------------------------------------

    def action_toggle_help(self) -> None:
        """F1: show or hide every binding of this screen."""
        if self.screen.query("HelpPanel"):
            self.action_hide_help_panel()
        else:
            self._localise_chain()
            self.action_show_help_panel()

    def action_hide_help(self) -> None:
        """Escape: close the help panel."""
        self.action_hide_help_panel()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Escape closes the help panel only while it is shown."""
        if action == "hide_help":
            return bool(self.screen.query("HelpPanel"))
        return True

    def _localise_chain(self) -> None:
        """Textual's own bindings on this screen in the operator's language."""
        from console.help_keys import localise

        for node, _bindings in self.screen._binding_chain:
            localise(node)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """The help panel lists the focused widget's keys: in our language too."""
        if self.screen.query("HelpPanel"):
            self._localise_chain()
            self.screen.refresh_bindings()

    def on_resize(self, event: events.Resize) -> None:
        """Screen-switch keys on the footer from :data:`FOOTER_NAV_FROM` columns."""
        narrow = event.size.width < FOOTER_NAV_FROM
        if narrow == is_narrow():
            return
        set_narrow(narrow)
        relabel(self)
        for screen in self._modes_screens():
            relabel(screen)
        self.refresh_bindings()

    def action_new_call(self) -> None:
        """F2: the intake screen with a new call open."""
        self.switch_mode("intake")
        number = self.settings.caller_number
        self.settings = self.settings.model_copy(update={"caller_number": None})
        intake = self._intake_if_ready()
        if intake is not None:
            intake.new_call(number)  # now: the digits after F2 go to the number
        else:  # still being built: right after the keys before F2, before the rest
            self.typeahead.next(lambda: self.intake().new_call(number))

    def action_show_board(self) -> None:
        """F3: the dispatch board."""
        self.switch_mode("board")

    def action_show_supervisor(self) -> None:
        """F4: the supervisor's floor view."""
        self.switch_mode("supervisor")

    def action_show_map(self) -> None:
        """F5: the map."""
        self.switch_mode("map")

    def action_toggle_language(self) -> None:
        """Switch between Indonesian and English, now."""
        self.set_language("en" if current_language() == "id" else "id")

    def set_language(self, lang: str) -> None:
        """Change the interface language and re-read every label."""
        set_language(lang)
        relabel(self)
        for screen in self._modes_screens():
            if hasattr(screen, "relabel") and screen.is_mounted:
                screen.relabel()
        self._localise_chain()
        self.refresh_bindings()
        self.notify(_("language.changed"))

    def action_toggle_theme(self) -> None:
        """Switch between the dark and the light theme."""
        self.theme = "siaga-light" if self.theme == "siaga-dark" else "siaga-dark"

    async def action_quit(self) -> None:
        """Quit, but ask first while a call is open (its draft stays saved)."""
        if not self.has_open_call():
            self.exit()
            return
        from console.screens.dialogs import ConfirmDialog

        self.intake().save_now()

        def answered(sure: bool | None) -> None:
            if sure:
                self.exit()

        self.push_screen(ConfirmDialog(_("quit.title"), _("quit.text")), answered)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Textual's system commands with our own texts."""
        yield SystemCommand(
            _("cmd.theme"), _("tip.app.theme"), self.action_toggle_theme
        )
        yield SystemCommand(
            _("cmd.language"), _("tip.app.language"), self.action_toggle_language
        )
        yield SystemCommand(
            _("key.app.help"), _("tip.app.help"), self.action_toggle_help
        )
        yield SystemCommand(_("key.app.quit"), _("tip.app.quit"), self.action_quit)

    def handle_bindings_clash(self, clashed_bindings: set[Binding], node: Any) -> None:
        """Tell the operator which remapped key collided."""
        ids = ", ".join(sorted(b.id or b.action for b in clashed_bindings))
        self.notify(_("config.clash", ids=ids), severity="warning")

    def keys_for(self, binding_id: str) -> str:
        """The keys bound to an id now (the config's keymap wins)."""
        keys = self._keymap.get(binding_id) if self._keymap else None
        return display_keys(keys or BY_ID[binding_id].keys)

    # -- the journal and database state -------------------------------------------

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Remember the position and tell every screen."""
        self.follower.advanced(message)
        self.watch_journal_for_signon(message.events)
        self.database_ok()
        escalation_alarms(self, message.events)
        for screen in self._modes_screens():
            if screen.is_mounted and hasattr(screen, "on_journal_advanced"):
                screen.post_message(JournalAdvanced(message.events, message.last_id))
