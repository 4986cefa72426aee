"""The lock SQLite writers wait on in the kernel instead of in SQLite's busy handler.

SQLite lets one writer at a time hold a database file. The others wait in
its busy handler, which sleeps longer and longer between tries (1 ms at
first, 100 ms after a dozen): a writer that has waited a while sleeps
100 ms, wakes into a file another writer took a moment ago, and loses again.
With 32 stress desks most writes waited milliseconds and a few waited
seconds (issue #11, docs/durability.md).

Here a writer first takes an exclusive lock on a small file next to the
database (``NAME-writer``) and holds it until its transaction has committed
or rolled back. A writer that finds it taken sleeps in the kernel and is
woken the moment it is free — no polling, no growing pauses — and then
whichever waiter runs first takes it. That is deliberately not a queue: a
first-come-first-served queue was tried and made a lock convoy on two cores
(the writer whose turn it was was often not running; docs/durability.md).

The lock orders; it does not protect. SQLite's own lock still keeps writers
apart, and a writer that waited longer than its bound here goes on to
SQLite's busy handler, so a holder that hangs (stopped, debugged) delays
writers but never blocks them for good. A holder that dies frees the lock
with its process. The locks are Linux open-file-description locks, taken on
a file opened per transaction, so two threads of one process exclude each
other like two processes do. Where they are missing, or the file cannot be
made, writers go straight to SQLite as before.
"""

from __future__ import annotations

import fcntl
import os
import struct
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from dispatch.files import touch_private

#: The open-file-description lock commands (Linux); 0 where there are none.
_SETLK: int = getattr(fcntl, "F_OFD_SETLK", 0)
_SETLKW: int = getattr(fcntl, "F_OFD_SETLKW", 0)

#: ``struct flock`` on Linux x86-64/arm64: type, whence, start, len, pid.
_FLOCK = "hhqqi4x"
_WHOLE_FILE_WRITE = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)


def supported() -> bool:
    """True where the kernel offers open-file-description locks (Linux)."""
    return bool(_SETLK and _SETLKW)


class WriterLock:
    """The writers' lock of one SQLite database file."""

    def __init__(self, path: Path, *, wait_seconds: float) -> None:
        self.path = path
        self.wait_seconds = wait_seconds

    @classmethod
    def beside(cls, database: Path, *, wait_seconds: float) -> WriterLock | None:
        """The lock of ``database`` (``NAME-writer`` next to it), if it can work."""
        if not supported():
            return None
        path = database.with_name(database.name + "-writer")
        try:
            touch_private(path)
        except OSError:
            return None
        return cls(path, wait_seconds=wait_seconds)

    @contextmanager
    def held(self) -> Iterator[bool]:
        """Hold the lock for the block; ``False`` when the wait ran out first.

        Either way the block runs: after a wait that ran out the writer goes
        on to SQLite's own busy handler (see the module's note).
        """
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CLOEXEC)
        except OSError:
            yield False
            return
        request = _Request(fd)
        if not request.take(self.wait_seconds):
            yield False  # the request closes the file when it is granted
            return
        try:
            yield True
        finally:
            os.close(fd)  # frees the lock: a waiter is woken


class _Request:
    """One writer's claim on the lock, with a bounded wait.

    An uncontended lock is taken at once. Otherwise a helper thread waits in
    the kernel (``F_OFD_SETLKW`` cannot time out) while the writer waits for
    it at most ``seconds``; when the writer gave up first, the helper lets
    the lock go as soon as it gets it and closes the file.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._mutex = threading.Lock()
        self._done = threading.Event()
        self._granted = False
        self._abandoned = False

    def take(self, seconds: float) -> bool:
        try:
            fcntl.fcntl(self.fd, _SETLK, _WHOLE_FILE_WRITE)
            return True
        except OSError:
            pass  # held by another writer: wait for it in the kernel
        helper = threading.Thread(
            target=self._wait_in_kernel, name="siaga-writer-lock", daemon=True
        )
        helper.start()
        self._done.wait(seconds)
        with self._mutex:
            if self._granted:
                return True
            self._abandoned = True
            return False

    def _wait_in_kernel(self) -> None:
        try:
            fcntl.fcntl(self.fd, _SETLKW, _WHOLE_FILE_WRITE)
            granted = True
        except OSError:
            granted = False
        with self._mutex:
            if not self._abandoned and granted:
                self._granted = True
                self._done.set()
                return
            self._abandoned = True
            self._done.set()
        os.close(self.fd)  # nobody uses this claim any more
