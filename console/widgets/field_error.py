"""Inline validation message under a field: a red label, hidden while empty."""

from __future__ import annotations

from textual.widgets import Static


class FieldError(Static):
    """The message for the field above it; shows text as well as colour."""

    DEFAULT_CSS = """
    FieldError {
        color: $error;
        text-style: bold;
        height: auto;
        padding: 0 0 0 14;
        display: none;
    }
    FieldError.-shown { display: block; }
    """

    def show(self, message: str) -> None:
        """Show ``message`` under the field."""
        self.update(f"✖ {message}")
        self.add_class("-shown")

    def clear(self) -> None:
        """Hide the message."""
        self.update("")
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        """True while a message is shown."""
        return self.has_class("-shown")
