"""Clocks: the one place the engine asks what time it is.

Services take a :class:`Clock` so that tests, snapshots and the simulator can
run on a fixed or simulated time. Every clock returns aware UTC datetimes;
conversion to the center's time zone happens only where times are shown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Something that tells the current time as an aware UTC datetime."""

    def now(self) -> datetime:
        """Return the current time (aware, UTC)."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> datetime:
        """Return the current UTC time."""
        return datetime.now(UTC)


class FixedClock:
    """A clock that stands still until told to move (tests, snapshots, simulator)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        """Return the clock's current time."""
        return self._now

    def advance(self, seconds: float = 0.0, **kwargs: float) -> datetime:
        """Move the clock forward and return the new time."""
        self._now += timedelta(seconds=seconds, **kwargs)
        return self._now

    def set(self, when: datetime) -> None:
        """Jump to ``when`` (aware)."""
        if when.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self._now = when.astimezone(UTC)


def ensure_utc(value: datetime) -> datetime:
    """Return ``value`` as aware UTC; naive values are taken to be UTC already.

    SQLite hands back naive datetimes even for ``DateTime(timezone=True)``
    columns, so everything read from the database passes through here.
    """
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)
