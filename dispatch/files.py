"""Owner-only files and folders for everything that holds callers' data.

The database (with SQLite's ``-wal`` and ``-shm`` files), archives, exports,
stored handover reports and key files are created readable and writable by
their owner only (``0600``; folders ``0700``) whatever the process umask is:
the mode is set with ``fchmod``/``chmod`` after creation, because the mode
given to ``open``/``mkdir`` is filtered through the umask. All desks on one
server run under one service account, so owner-only still lets every desk in.

Folders that already exist are left as they are (``--out /tmp`` must not
change ``/tmp``); only the folders created here are made owner-only.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import IO, Literal, overload

PRIVATE_FILE = 0o600
"""Mode of every file holding personal data: owner read/write."""

PRIVATE_DIR = 0o700
"""Mode of every folder created for such files: owner only."""


def private_dir(path: Path) -> Path:
    """Create ``path`` (and missing parents) as owner-only folders; return it."""
    path = path.expanduser()
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=PRIVATE_DIR)
        except FileExistsError:
            continue  # another desk made it first; leave its mode alone
        os.chmod(folder, PRIVATE_DIR)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def _open_fd(path: Path, *, truncate: bool, exclusive: bool = False) -> int:
    flags = os.O_WRONLY | os.O_CREAT
    if truncate:
        flags |= os.O_TRUNC
    if exclusive:
        flags |= os.O_EXCL
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except BaseException:
        os.close(fd)
        raise
    return fd


@overload
def open_private(
    path: Path, mode: Literal["w"] = "w", *, exclusive: bool = False
) -> IO[str]: ...
@overload
def open_private(
    path: Path, mode: Literal["wb"], *, exclusive: bool = False
) -> IO[bytes]: ...
def open_private(
    path: Path, mode: Literal["w", "wb"] = "w", *, exclusive: bool = False
) -> IO[str] | IO[bytes]:
    """Open ``path`` for writing as an owner-only file (created or truncated).

    Text mode writes UTF-8 and never translates line ends.
    """
    fd = _open_fd(path, truncate=True, exclusive=exclusive)
    raw = os.fdopen(fd, "wb")
    if mode == "wb":
        return raw
    return io.TextIOWrapper(raw, encoding="utf-8", newline="\n")


def write_private_text(path: Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to an owner-only file; return the path."""
    with open_private(path, "w") as handle:
        handle.write(text)
    return path


def write_private_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to an owner-only file; return the path."""
    with open_private(path, "wb") as handle:
        handle.write(data)
    return path


def make_private(path: Path) -> None:
    """Tighten an existing file of ours to owner-only (no-op if it is absent).

    Files owned by another account are left alone: changing them would fail,
    and they are not ours to change.
    """
    try:
        info = path.stat()
    except FileNotFoundError:
        return
    if info.st_uid == os.geteuid() and info.st_mode & 0o777 != PRIVATE_FILE:
        os.chmod(path, PRIVATE_FILE)


def touch_private(path: Path) -> Path:
    """Make sure ``path`` exists as an owner-only file, keeping its content."""
    fd = _open_fd(path, truncate=False)
    os.close(fd)
    return path


__all__ = [
    "PRIVATE_DIR",
    "PRIVATE_FILE",
    "make_private",
    "open_private",
    "private_dir",
    "touch_private",
    "write_private_bytes",
    "write_private_text",
]
