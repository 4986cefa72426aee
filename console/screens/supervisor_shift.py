"""Closing the shift from the supervisor screen (key ``h``).

:class:`ShiftActions` is mixed into the supervisor screen: it asks the
engine what a handover now would carry over, shows that in a confirmation,
and only then closes the shift (the engine stores the handover report and
its SHA-256).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from console.screens.ops_texts import t
from console.widgets.shift_panel import carry_over_text
from dispatch.access import Action, allowed
from dispatch.schemas import CarryOverView


class ShiftActions(Screen[None]):
    """The close-shift key: preview, confirm, close, report."""

    @property
    def services(self) -> Any:
        """The engine's services (the screen overrides this)."""
        raise NotImplementedError

    @property
    def zone(self) -> ZoneInfo:
        """The center's time zone (the screen overrides this)."""
        raise NotImplementedError

    def action_reload(self) -> None:
        """Read everything again (the screen overrides this)."""
        raise NotImplementedError

    class HandoverPreviewed(Message):
        """What closing the shift now would carry over (asks for confirmation)."""

        def __init__(self, preview: CarryOverView) -> None:
            super().__init__()
            self.preview = preview

    class ShiftHandedOver(Message):
        """The shift was closed and its handover report stored."""

        def __init__(self, closed: CarryOverView) -> None:
            super().__init__()
            self.closed = closed

    def action_close_shift(self) -> None:
        """Hand the shift over (key ``h``): confirm what is carried, then close."""
        if not allowed(self.services.principal.role, Action.SHIFT_CLOSE):
            self.notify(t("sup.close-denied"), severity="warning")
            return
        self._preview_handover()

    @work(
        thread=True,
        exclusive=True,
        group="sup-close",
        exit_on_error=False,
        description="Read what the handover carries over",
    )
    def _preview_handover(self) -> None:
        self.post_message(self.HandoverPreviewed(self.services.handover_preview()))

    @on(HandoverPreviewed)
    def _confirm_close(self, message: HandoverPreviewed) -> None:
        from console.screens.dialogs import ConfirmDialog

        def answered(sure: bool | None) -> None:
            if sure:
                self._close_shift()

        title = t("sup.close-title", id=message.preview.shift.id)
        text = carry_over_text(message.preview, self.zone)
        self.app.push_screen(ConfirmDialog(title, text), answered)

    @work(
        thread=True,
        exclusive=True,
        group="sup-close",
        exit_on_error=False,
        description="Close the shift and store its handover report",
    )
    def _close_shift(self) -> None:
        self.post_message(self.ShiftHandedOver(self.services.close_shift()))

    @on(ShiftHandedOver)
    def _handed_over(self, message: ShiftHandedOver) -> None:
        shift = message.closed.shift
        digest = (shift.report_sha256 or "")[:12]
        self.notify(t("sup.shift-closed-note", id=shift.id, digest=digest))
        self.action_reload()
