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
from functools import partial
from typing import Any, ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.command import Provider
from textual.reactive import reactive
from textual.screen import Screen
from textual.theme import Theme

from console.bindings import BY_ID, bindings_for, display_keys, relabel
from console.config import ConsoleSettings
from console.follow import JournalFollower
from console.i18n import _, current_language, engine_message, set_language
from console.messages import DatabaseRecovered, DatabaseTrouble, JournalAdvanced
from console.places import PlaceFinder
from dispatch.errors import DatabaseUnavailable, DispatchError
from dispatch.schemas import CallView

log = logging.getLogger("siaga.console")

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


class SiagaApp(App[None]):
    """The Siaga 112 console."""

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
    DEFAULT_MODE = "intake"
    BINDINGS: ClassVar[list[BindingType]] = [
        *bindings_for("app"),
        Binding("ctrl+c", "help_quit", show=False, system=True),
    ]
    # Textual's own annotation makes this an instance variable to mypy, so it
    # cannot be a ClassVar here; it is never mutated.
    HORIZONTAL_BREAKPOINTS: list[tuple[int, str]] | None = [  # noqa: RUF012
        (0, "-narrow"),
        (110, "-wide"),
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
    ) -> None:
        self.settings = settings or ConsoleSettings(
            database_url=str(services.engine.url)
        )
        set_language(self.settings.language)
        super().__init__()
        # Themes before the first screen: set later, the theme restyles every
        # widget of the mounted screen once more.
        for theme in THEMES:
            self.register_theme(theme)
        self._bad_theme = False
        try:
            self.theme = self.settings.theme
        except Exception:  # an unknown theme name: say so once mounted
            self._bad_theme = True
            self.theme = "siaga-dark"
        self.services = services
        self.places = PlaceFinder(lambda: services.pack)
        self.follower = JournalFollower(self, interval=self.settings.follow_seconds)
        self.follow_enabled = follow
        self.focus_incident_id: int | None = None
        self.settings_warning = settings_warning
        #: Run first in the start worker: a reason the database cannot be used
        #: (the app then exits with it), or ``None``. Checked here rather than
        #: before start-up so that the first screen does not wait for alembic.
        self.check_schema = check_schema

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
        services = self.services
        last = services.last_event_id()
        drafts = services.open_drafts()
        self.call_from_thread(self._started, last, drafts)
        self.places.warm()

    def _started(
        self, last_id: int, drafts: list[tuple[CallView, dict[str, Any]]]
    ) -> None:
        if self.follow_enabled:
            self.follower.start(last_id)
        if drafts:
            self._offer_draft(drafts)
        elif self.settings.caller_number:
            self.action_new_call()

    def _offer_draft(self, drafts: list[tuple[CallView, dict[str, Any]]]) -> None:
        from console.screens.dialogs import ConfirmDialog

        call, draft = drafts[0]
        rest = drafts[1:]

        def answered(resume: bool | None) -> None:
            if resume:
                self.switch_mode("intake")
                self.intake().restore(call, draft)
            else:
                self._abandon_draft(call.id)
            if rest:
                self.call_after_refresh(self._offer_draft, rest)

        when = call.received_at.astimezone(self.services.settings.zone).strftime(
            "%H:%M:%S"
        )
        self.push_screen(
            ConfirmDialog(
                _("draft.title"),
                _(
                    "draft.text",
                    id=call.id,
                    when=when,
                    number=call.caller_number or "-",
                ),
            ),
            answered,
        )

    @work(thread=True, group="drafts", exit_on_error=False, description="abandon draft")
    def _abandon_draft(self, call_id: int) -> None:
        self.services.close_call(call_id, "abandoned", note=_("draft.abandoned-note"))

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
            self.action_show_help_panel()

    def action_new_call(self) -> None:
        """F2: the intake screen with a new call open."""
        self.switch_mode("intake")
        number = self.settings.caller_number
        self.settings = self.settings.model_copy(update={"caller_number": None})
        self.call_after_refresh(partial(self.intake().new_call, number))

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

    # -- facts the screens need (from the engine's pack and catalogue) ---------

    def agency_codes(self) -> list[str]:
        """Agency codes of the region pack."""
        try:
            return [a.code for a in self.services.pack.agencies]
        except Exception:  # the pack is optional for the console to run
            return []

    def dispositions(self) -> list[tuple[str, str]]:
        """Close codes with their names in the current language."""
        try:
            from dispatch.catalogue import get_catalogue

            return [
                (code, d.name.get(current_language()))
                for code, d in get_catalogue().dispositions.items()
            ]
        except Exception:  # catalogue not loadable: the engine's interim codes
            return [
                (c, _(f"disposition.{c}"))
                for c in ("RESOLVED", "TRANSPORTED", "FALSE_ALARM", "GONE_ON_ARRIVAL")
            ]

    # -- the journal and database state -------------------------------------------

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Remember the position and tell every screen."""
        self.follower.advanced(message)
        self.database_ok()
        for screen in self._modes_screens():
            if screen.is_mounted and hasattr(screen, "on_journal_advanced"):
                screen.post_message(JournalAdvanced(message.events, message.last_id))

    @on(DatabaseTrouble)
    def _database_trouble(self, message: DatabaseTrouble) -> None:
        self.db_trouble = engine_message(message.detail)

    @on(DatabaseRecovered)
    def _database_recovered(self) -> None:
        self.database_ok()

    def database_ok(self) -> None:
        """The database answered: hide the banner."""
        if self.db_trouble:
            self.db_trouble = ""
            self.notify(_("banner.recovered"))

    def report_error(self, error: BaseException, screen: Any) -> None:
        """The one place worker errors become messages for the operator."""
        if isinstance(error, DatabaseUnavailable):
            self.db_trouble = engine_message(error.message)
            if hasattr(screen, "save_now"):
                screen.call_later(screen.set_timer, 2.0, screen.save_now)
            return
        if isinstance(error, DispatchError):
            if hasattr(
                screen, "report_dispatch_error"
            ) and screen.report_dispatch_error(error):
                return
            self.notify(
                engine_message(error.message), title=_("error.title"), severity="error"
            )
            return
        log.exception("unexpected error in a worker", exc_info=error)
        self.notify(
            _("error.unexpected", detail=f"{type(error).__name__}: {error}"),
            severity="error",
            timeout=15,
        )
