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
    """The figures of ``window`` through the service facade (its door checks)."""
    return services.shift_figures(window, as_of=as_of)


def handover_for(
    services: DispatchService, window: ShiftWindow, *, as_of: datetime | None = None
) -> HandoverReport:
    """The handover report of ``window`` through the service facade.

    When ``window`` is a stored shift that has been handed over, this is the
    report stored at the close, not a new one.
    """
    return services.handover(window, as_of=as_of)


def log_for(
    services: DispatchService,
    window: ShiftWindow | None,
    flt: LogFilter | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[LogEntry]:
    """The shift log through the service facade (masked for the role)."""
    return services.shift_log(window, flt, after_id=after_id, limit=limit)


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
