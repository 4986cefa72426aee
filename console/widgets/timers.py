"""Timers against targets: elapsed time as text + colour + a marker, never colour alone.

Targets come from the incident catalogue (``targets.toml``: answer target,
dispatch target per priority, warning fraction); while the catalogue cannot
be loaded the published defaults below apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from rich.text import Text

from dispatch.enums import Priority


@dataclass(frozen=True)
class Targets:
    """The time targets the console colours timers against (seconds)."""

    answer: int
    dispatch: dict[Priority, int]
    warning_fraction: float


@cache
def targets() -> Targets:
    """Targets from the engine's catalogue (the one source of the targets)."""
    from dispatch.catalogue import get_catalogue

    cat = get_catalogue()
    return Targets(
        answer=cat.answer_target_s,
        dispatch={p: cat.priority_targets[p].dispatch_target_s for p in Priority},
        warning_fraction=cat.warning_fraction,
    )


def clock_text(seconds: float) -> str:
    """``75`` → ``"01:15"``; an hour or more → ``"1:02:03"``."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def elapsed(now: datetime, since: datetime) -> float:
    """Seconds from ``since`` to ``now`` (both aware; naive taken as UTC)."""
    from dispatch.clock import ensure_utc

    return (ensure_utc(now) - ensure_utc(since)).total_seconds()


def timer_state(seconds: float, target: float) -> str:
    """``"ok"``, ``"warn"`` (past the warning fraction) or ``"over"`` (past target)."""
    if seconds > target:
        return "over"
    if seconds >= target * targets().warning_fraction:
        return "warn"
    return "ok"


#: Marker shown after a timer so its state reads without colour.
MARKERS = {"ok": " ", "warn": "!", "over": "‼"}
STYLES = {"ok": "", "warn": "bold yellow", "over": "bold reverse red"}


def timer_text(seconds: float, target: float, *, show_target: bool = False) -> Text:
    """A timer coloured and marked against its target."""
    state = timer_state(seconds, target)
    body = clock_text(seconds)
    if show_target:
        body += f"/{clock_text(target)}"
    return Text(f"{body}{MARKERS[state]}", style=STYLES[state])


#: Colours as hex or names both Rich and Textual know: a name only Rich knows
#: ("dark_orange") made Textual try, fail and suggest on every paint (~10 ms).
PRIORITY_STYLES = {
    Priority.P1: "bold white on red",
    Priority.P2: "bold black on #ff8700",
    Priority.P3: "black on yellow",
    Priority.P4: "white on blue",
}


def priority_text(priority: Priority | str | None) -> Text:
    """``P1`` … ``P4`` as text with its colour (the text alone is enough)."""
    if priority is None:
        return Text("--")
    value = Priority(priority)
    return Text(f" {value.value} ", style=PRIORITY_STYLES[value])
