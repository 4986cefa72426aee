"""Shift windows: the 24-hour slices of the journal a supervisor hands over.

A shift starts at the configured change-over time (local time in the center's
zone, 07:00 Asia/Jakarta for Blitar) and ends at the same local time the next
day. Windows are half-open, ``[start, end)``, and hold aware UTC datetimes so
they compare directly with what the database stores.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dispatch.clock import ensure_utc
from dispatch.config import EngineSettings


@dataclass(frozen=True)
class ShiftWindow:
    """A half-open time window ``[start, end)`` in UTC, shown in ``zone``."""

    start: datetime
    end: datetime
    zone: str = "UTC"

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a shift window needs aware datetimes")
        if self.end <= self.start:
            raise ValueError("a shift window must end after it starts")
        object.__setattr__(self, "start", self.start.astimezone(UTC))
        object.__setattr__(self, "end", self.end.astimezone(UTC))

    def contains(self, when: datetime) -> bool:
        """True when ``when`` falls inside the window."""
        return self.start <= ensure_utc(when) < self.end

    @property
    def local_start(self) -> datetime:
        """Start in the center's time zone."""
        return self.start.astimezone(ZoneInfo(self.zone))

    @property
    def local_end(self) -> datetime:
        """End in the center's time zone."""
        return self.end.astimezone(ZoneInfo(self.zone))

    @property
    def label(self) -> str:
        """``2026-11-28 07:00 – 2026-11-29 07:00 WIB`` style text."""
        start, end = self.local_start, self.local_end
        return f"{start:%Y-%m-%d %H:%M} – {end:%Y-%m-%d %H:%M} {end:%Z}"

    @property
    def shift_date(self) -> date:
        """The local date the window starts on (the name of a shift)."""
        return self.local_start.date()

    def previous(self) -> ShiftWindow:
        """The window of the same length just before this one."""
        return ShiftWindow(self.start - (self.end - self.start), self.start, self.zone)


def shift_for_date(day: date, settings: EngineSettings) -> ShiftWindow:
    """The shift that starts at the change-over on local date ``day``."""
    zone = settings.zone
    start = datetime.combine(day, settings.shift_changeover, tzinfo=zone)
    end = datetime.combine(
        day + timedelta(days=1), settings.shift_changeover, tzinfo=zone
    )
    return ShiftWindow(start, end, settings.timezone)


def shift_window(when: datetime, settings: EngineSettings) -> ShiftWindow:
    """The shift that contains the instant ``when`` (aware datetime)."""
    local = ensure_utc(when).astimezone(settings.zone)
    day = local.date()
    if local.time().replace(tzinfo=None) < settings.shift_changeover:
        day -= timedelta(days=1)
    return shift_for_date(day, settings)


def custom_window(
    start: datetime, end: datetime, settings: EngineSettings
) -> ShiftWindow:
    """Any window; naive datetimes are read as local time in the center's zone."""
    zone = settings.zone
    if start.tzinfo is None:
        start = start.replace(tzinfo=zone)
    if end.tzinfo is None:
        end = end.replace(tzinfo=zone)
    return ShiftWindow(start, end, settings.timezone)


def period_window(first: date, last: date, settings: EngineSettings) -> ShiftWindow:
    """Local calendar days ``first`` … ``last`` inclusive (midnight to midnight)."""
    zone = settings.zone
    start = datetime.combine(first, datetime.min.time(), tzinfo=zone)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=zone)
    return ShiftWindow(start, end, settings.timezone)
