"""The responder view's text lookup and colours.

The words themselves are in the shared catalogue (``console/_texts_responder.py``,
keys ``responder.*``); :func:`text` looks them up in the view's own language.
"""

from __future__ import annotations

from typing import Final

from console.i18n import LANGUAGES, translate
from dispatch.enums import AssignmentStatus, Priority, UnitStatus

Language = str
"""``"id"`` (default for the Blitar pack) or ``"en"``."""


def text(msgid: str, language: Language = "id", /, **params: object) -> str:
    """The text of ``responder.<msgid>`` in ``language`` (``console._texts_responder``).

    The responder view keeps its own language (one unit's tablet), so it
    passes it explicitly instead of following the console's.
    """
    if language not in LANGUAGES:
        language = "en"
    return translate(f"responder.{msgid}", language, **params)


def status_text(
    status: UnitStatus | AssignmentStatus | str, language: Language = "id"
) -> str:
    """A status as upper-case words (always shown with its colour, never alone)."""
    return text(f"status.{status}", language)


#: Rich colour per priority: text label plus colour, never colour alone.
PRIORITY_STYLE: Final[dict[Priority, str]] = {
    Priority.P1: "bold white on red",
    Priority.P2: "bold black on #ff8700",
    Priority.P3: "bold black on yellow",
    Priority.P4: "bold white on blue",
}

#: Rich colour per unit status.
STATUS_STYLE: Final[dict[str, str]] = {
    "available": "bold black on green",
    "dispatched": "bold white on red",
    "acknowledged": "bold black on #ff8700",
    "en_route": "bold black on #ff8700",
    "on_scene": "bold white on magenta",
    "transporting": "bold white on blue",
    "at_hospital": "bold white on blue",
    "returning": "bold black on cyan",
    "out_of_service": "bold white on #5f5f5f",
    "off_duty": "bold white on #5f5f5f",
}
