"""What the operator is told when the engine says no or the database is away.

One place for it, mixed into :class:`~console.app.SiagaApp`: the red banner
while the database is locked or unreachable (``db_trouble``, shown by the
screens), the failover guard's "reconnecting" notice, and how an error from a
worker becomes a field message, a notification or the banner — never a
traceback.
"""

from __future__ import annotations

import logging
from typing import Any

from console.i18n import _, engine_message
from console.messages import DatabaseRecovered, DatabaseTrouble
from dispatch.errors import CommitInDoubt, DatabaseUnavailable, DispatchError

log = logging.getLogger("siaga.console")


class TroubleReports:
    """Mixin of the app: the database banner and the one error handler.

    The app declares ``db_trouble`` (a reactive the screens watch).
    """

    db_trouble: str
    notify: Any
    post_message: Any

    def on_database_trouble(self, message: DatabaseTrouble) -> None:
        """The database is locked or away: say so in the banner."""
        self.db_trouble = engine_message(message.detail)

    def on_database_recovered(self, message: DatabaseRecovered) -> None:
        """The database answers again: hide the banner."""
        self.database_ok()

    def _failover_changed(self, waiting: bool, detail: str) -> None:
        """From any thread: a service call waits for a new leader, or is through."""
        self.post_message(DatabaseTrouble(detail) if waiting else DatabaseRecovered())

    def database_ok(self) -> None:
        """The database answered: hide the banner."""
        if self.db_trouble:
            self.db_trouble = ""
            self.notify(_("banner.recovered"))

    def report_error(self, error: BaseException, screen: Any) -> None:
        """The one place worker errors become messages for the operator."""
        if isinstance(error, CommitInDoubt):
            # Not a passing banner: the operator must look before repeating.
            self.notify(
                engine_message(error.message),
                title=_("error.title"),
                severity="error",
                timeout=30,
            )
            return
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
