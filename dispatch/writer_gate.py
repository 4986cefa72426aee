"""First come, first served: the order in which SQLite writers take the file.

SQLite lets one writer at a time hold a database file; the others wait in its
busy handler, which sleeps longer and longer between tries (1 ms at first,
100 ms after a dozen). When many desks write all the time, a writer that has
waited a while sleeps 100 ms, wakes into a file that another writer — one that
started waiting a moment ago and still sleeps 1 ms — has just taken, and
loses again: with 32 desks some waited seconds for a write that takes
milliseconds (issue #11, docs/durability.md). That unfairness, not the work,
made the long tail.

The gate queues writers before they ask SQLite: each takes a ticket from a
counter in a small file next to the database, holds the byte of its ticket in
that file while it waits and writes, and goes ahead when the byte of the
ticket before it is free — the writer ahead has committed, rolled back,
given up waiting, or died (the kernel frees the locks of a dead process).
The locks are Linux open-file-description locks, so two threads of one
process queue like two processes do.

The gate orders; it does not protect. SQLite's own lock still keeps writers
apart, so a writer that waited too long at the gate (the busy timeout) goes
on to SQLite's busy handler, and where the gate cannot work (no OFD locks,
a read-only folder) writers simply go straight to SQLite as before.
"""

from __future__ import annotations

import fcntl
import os
import struct
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispatch.files import touch_private

#: The queue's bytes: a ticket holds byte ``ticket % _SLOTS`` past the counter.
_SLOTS = 1 << 20
#: The counter: eight bytes at the start of the file.
_COUNTER = struct.Struct("<Q")
#: Pauses between looks at the writer ahead: short at first (a commit takes
#: milliseconds), then a little longer so that many waiters cost little CPU.
_FIRST_PAUSES = (0.0001, 0.0002, 0.0005)
_PAUSE = 0.001

#: The open-file-description lock commands (Linux); 0 where there are none.
_SETLK: int = getattr(fcntl, "F_OFD_SETLK", 0)
_SETLKW: int = getattr(fcntl, "F_OFD_SETLKW", 0)
_GETLK: int = getattr(fcntl, "F_OFD_GETLK", 0)


def supported() -> bool:
    """True where the kernel offers open-file-description locks (Linux)."""
    return all((_SETLK, _SETLKW, _GETLK))


class WriterGate:
    """The queue of one SQLite database's writers (see the module's note)."""

    def __init__(self, path: Path, *, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds

    @classmethod
    def beside(cls, database: Path, *, wait_seconds: float) -> WriterGate | None:
        """The gate of ``database`` (``NAME-writers`` next to it), if it can work."""
        if not supported():
            return None
        path = database.with_name(database.name + "-writers")
        try:
            touch_private(path)
        except OSError:
            return None
        return cls(path, wait_seconds=wait_seconds)

    @contextmanager
    def turn(self) -> Iterator[None]:
        """Wait for this writer's turn; hold it until the block ends."""
        try:
            fd = os.open(self.path, os.O_RDWR)
        except OSError:
            yield  # no gate this time; SQLite's busy handler still orders
            return
        try:
            ticket = self._take_ticket(fd)
            self._wait_for(fd, ticket - 1)
            yield
        finally:
            os.close(fd)  # frees this writer's byte: the next one goes

    def _take_ticket(self, fd: int) -> int:
        """Count one more writer and hold its byte before anyone can look."""
        _lock(fd, fcntl.F_WRLCK, 0, _COUNTER.size, wait=True)
        try:
            raw = os.pread(fd, _COUNTER.size, 0)
            ticket = _COUNTER.unpack(raw)[0] if len(raw) == _COUNTER.size else 0
            os.pwrite(fd, _COUNTER.pack(ticket + 1), 0)
            _lock(fd, fcntl.F_WRLCK, _slot(ticket), 1, wait=True)
        finally:
            _lock(fd, fcntl.F_UNLCK, 0, _COUNTER.size, wait=False)
        return ticket

    def _wait_for(self, fd: int, ticket: int) -> None:
        """Return when the writer with ``ticket`` is gone, or the wait ran out."""
        if ticket < 0:
            return
        deadline = time.monotonic() + self.wait_seconds
        pauses = iter(_FIRST_PAUSES)
        while _held(fd, _slot(ticket)):
            if time.monotonic() >= deadline:
                return  # SQLite's busy handler takes over from here
            time.sleep(next(pauses, _PAUSE))


def _slot(ticket: int) -> int:
    return _COUNTER.size + ticket % _SLOTS


def _lock(fd: int, kind: int, start: int, length: int, *, wait: bool) -> None:
    command = _SETLKW if wait else _SETLK
    fcntl.fcntl(fd, command, _flock(kind, start, length))


def _held(fd: int, start: int) -> bool:
    """True when another open file holds a lock on the byte at ``start``."""
    answer = fcntl.fcntl(fd, _GETLK, _flock(fcntl.F_WRLCK, start, 1))
    kind: int = struct.unpack(_FLOCK, answer)[0]
    return kind != fcntl.F_UNLCK


#: ``struct flock`` on Linux x86-64/arm64: type, whence, start, len, pid.
_FLOCK = "hhqqi4x"


def _flock(kind: int, start: int, length: int) -> bytes:
    return struct.pack(_FLOCK, kind, os.SEEK_SET, start, length, 0)
