"""The database-trouble banner every screen carries at its top."""

from __future__ import annotations

from textual.widgets import Static

from console.i18n import _


class DatabaseBanner(Static):
    """Shown while the database is locked or unreachable; work stays on screen."""

    DEFAULT_CSS = """
    DatabaseBanner {
        dock: top;
        height: auto;
        background: $error;
        color: $text;
        text-style: bold;
        padding: 0 1;
        display: none;
    }
    DatabaseBanner.-shown { display: block; }
    """

    def on_mount(self) -> None:
        """Follow the app's database state."""
        self.watch(self.app, "db_trouble", self._trouble_changed)

    def _trouble_changed(self, detail: str) -> None:
        if detail:
            self.update(_("banner.database", detail=detail))
            self.add_class("-shown")
        else:
            self.remove_class("-shown")
