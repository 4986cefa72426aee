"""A footer that is rebuilt only when the keys it shows change.

Textual's :class:`~textual.widgets.Footer` rebuilds all its keys every time the
screen's bindings change, which is every focus move — even between two text
fields whose own keys are hidden from the footer. On the intake a call moves
focus a dozen times and the footer showed the same keys throughout; this
footer compares what it would show and rebuilds once per refresh, and only
when that changed.
"""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer


class QuietFooter(Footer):
    """:class:`~textual.widgets.Footer` without needless rebuilds."""

    _rebuild_pending = False
    _shown: Any = None

    def bindings_changed(self, screen: Screen[object]) -> None:
        """Rebuild after the next refresh, once, if the keys shown changed."""
        self._bindings_ready = True
        if not screen.app.app_focus or self._rebuild_pending:
            return
        if self.is_attached and screen is self.screen:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    def _keys_shown(self) -> tuple[Any, ...]:
        return tuple(
            (key, binding.action, binding.description, enabled, tooltip)
            for key, (_, binding, enabled, tooltip) in (
                self.screen.active_bindings.items()
            )
            if binding.show or binding.action == "command_palette"
        )

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        shown = self._keys_shown()
        if shown == self._shown:
            return
        self._shown = shown
        await self.recompose()
