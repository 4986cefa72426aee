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

    #: The field's text the message is about: a change of the text clears the
    #: message, a late notice of the same text does not (None: any change).
    value: str | None = None

    def show(self, message: str, value: str | None = None) -> None:
        """Show ``message`` under the field (about the field's text ``value``)."""
        self.value = value
        self.update(f"✖ {message}")
        self.add_class("-shown")

    def clear_unless(self, value: str) -> None:
        """Hide the message unless it is about ``value``."""
        if self.value is None or self.value != value:
            self.clear()

    def clear(self) -> None:
        """Hide the message."""
        self.value = None
        self.update("")
        self.remove_class("-shown")

    @property
    def shown(self) -> bool:
        """True while a message is shown."""
        return self.has_class("-shown")
