"""Console settings: the engine's settings plus theme, language and keymap.

:class:`ConsoleSettings` extends :class:`dispatch.config.EngineSettings` and is
read from the same places (arguments, ``SIAGA_*`` variables, the TOML file
named by ``SIAGA_CONFIG_FILE`` or ``siaga.toml`` in the user config folder)::

    language = "en"
    theme = "siaga-light"

    [keymap]
    "board.accept-recommendation" = "a,ctrl+y"

A bad value never stops a call taker from working: :func:`load_console_settings`
falls back to the defaults for the console's own keys and says why.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, ValidationError, field_validator

from dispatch.config import EngineSettings

#: Themes the console registers itself; any Textual theme name is accepted too.
CONSOLE_THEMES = ("siaga-dark", "siaga-light")


class ConsoleSettings(EngineSettings):
    """Everything the console needs: engine settings plus UI preferences."""

    theme: str = "siaga-dark"
    """Theme name: ``siaga-dark``, ``siaga-light``, ``ansi-dark``, ``ansi-light``…"""

    keymap: dict[str, str] = Field(default_factory=dict)
    """Binding id → keys (comma separated), e.g. ``{"intake.prank": "f10,ctrl+k"}``."""

    caller_number: str | None = None
    """Number the telephony side passes for the ringing line (pre-fills intake)."""

    autosave_seconds: float = Field(default=1.0, gt=0, le=30)
    """How long after the last keystroke the call draft is saved."""

    follow_seconds: float = Field(default=1.0, gt=0, le=10)
    """How often the console asks the journal what changed on other terminals
    (SQLite; on PostgreSQL the journal's NOTIFY wakes it instead)."""

    idle_lock_minutes: float = Field(default=10.0, gt=0, le=480)
    """Minutes without a key press after which the terminal locks (signs off).

    Never while a call is in progress or a dialog is open: the lock waits.
    """

    @field_validator("keymap")
    @classmethod
    def _keys_are_text(cls, value: dict[str, str]) -> dict[str, str]:
        for binding_id, keys in value.items():
            if not keys.strip():
                raise ValueError(f"keymap entry {binding_id!r} has no keys")
        return value


def load_console_settings(**overrides: Any) -> tuple[ConsoleSettings, str | None]:
    """Settings plus a warning when the console's own keys had to fall back.

    Engine keys are checked by the CLI first (``CliState.settings()``), so a
    validation error here concerns theme, keymap or timings: those are
    dropped one at a time until the rest loads.
    """
    clean = {k: v for k, v in overrides.items() if v is not None}
    try:
        return ConsoleSettings(**clean), None
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        warning = f"{key}: {first['msg']}"
    fallback = dict(clean)
    for name in (
        "theme",
        "keymap",
        "autosave_seconds",
        "follow_seconds",
        "idle_lock_minutes",
    ):
        fallback[name] = ConsoleSettings.model_fields[name].get_default(
            call_default_factory=True
        )
    return ConsoleSettings(**fallback), warning
