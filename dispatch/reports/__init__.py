"""Shift log, figures and reports: what a 112 center is accountable for.

Public API (pure data; no Textual, no SQLAlchemy needed by callers of the
``*_for`` functions)::

    from dispatch.reports import shift_window, shift_figures_for
    window = shift_window(services.clock.now(), services.settings)
    figures = shift_figures_for(services, window)      # frozen ShiftFigures

- :mod:`.window` — :class:`ShiftWindow` and how to get one.
- :mod:`.figures` — :class:`ShiftFigures`, computed from the tables.
- :mod:`.shiftlog` — the journal through a window, filtered.
- :mod:`.handover` — the handover report's content; :mod:`.render`,
  :mod:`.pdf` draw it.
- :mod:`.period` — the period (monthly) report and its CSV.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from dispatch.reports.figures import DurationStats, PriorityFigures, ShiftFigures
from dispatch.reports.handover import HandoverReport
from dispatch.reports.shiftlog import LogEntry, LogFilter, UnknownFilterValue
from dispatch.reports.window import (
    ShiftWindow,
    custom_window,
    period_window,
    shift_for_date,
    shift_window,
)

if TYPE_CHECKING:
    from dispatch.services import DispatchService


def shift_figures_for(
    services: DispatchService, window: ShiftWindow, *, as_of: datetime | None = None
) -> ShiftFigures:
    """The figures of ``window`` through the service layer (for the console).

    ``as_of`` defaults to the services' clock (capped at the window's end).
    """
    from dispatch.reports.figures import shift_figures

    when = as_of or min(services.clock.now(), window.end)
    return services.run_read(lambda s: shift_figures(s, window, as_of=when))


def handover_for(
    services: DispatchService, window: ShiftWindow, *, as_of: datetime | None = None
) -> HandoverReport:
    """The handover report of ``window`` through the service layer."""
    from dispatch.reports.handover import build_handover

    when = as_of or min(services.clock.now(), window.end)
    return services.run_read(lambda s: build_handover(s, window, as_of=when))


def log_for(
    services: DispatchService,
    window: ShiftWindow | None,
    flt: LogFilter | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[LogEntry]:
    """The shift log through the service layer (for the supervisor screen)."""
    from dispatch.reports.shiftlog import log_entries

    return services.run_read(
        lambda s: log_entries(s, window, flt, after_id=after_id, limit=limit)
    )


__all__ = [
    "DurationStats",
    "HandoverReport",
    "LogEntry",
    "LogFilter",
    "PriorityFigures",
    "ShiftFigures",
    "ShiftWindow",
    "UnknownFilterValue",
    "custom_window",
    "handover_for",
    "log_for",
    "period_window",
    "shift_figures_for",
    "shift_for_date",
    "shift_window",
]
