"""The desk file: what one stress desk was told, one JSON object per line.

Every desk process appends to its own file and flushes each line before it
starts the next action, so a desk killed at any moment leaves every
acknowledgement it received on disk (the kernel keeps what was written even
when the process dies). The checker reads the files back: each ``ack`` line
is an action the service acknowledged and that must therefore be in the
database; ``cycle``, ``refused`` and ``error`` lines feed the figures.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO


class DeskLog:
    """Appends the records of one desk process (owner-only file, line-flushed)."""

    def __init__(self, path: Path) -> None:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        self._out: TextIO = os.fdopen(fd, "a", encoding="utf-8")

    def _line(self, record: dict[str, Any]) -> None:
        self._out.write(json.dumps(record, separators=(",", ":")) + "\n")
        self._out.flush()

    def started(self, incarnation: int) -> None:
        """A desk process (the first, or one restarted after a kill) began."""
        self._line({"t": "start", "n": incarnation})

    def ack(self, action: str, **ids: Any) -> None:
        """The service acknowledged ``action``; ``ids`` say what it touched."""
        self._line({"t": "ack", "a": action, **ids})

    def refused(self, action: str, code: str) -> None:
        """The engine refused on purpose (a unit taken by another desk ...)."""
        self._line({"t": "refused", "a": action, "code": code})

    def error(self, action: str, kind: str, message: str) -> None:
        """The action failed for a reason that is not a domain refusal."""
        self._line({"t": "error", "a": action, "kind": kind, "msg": message[:200]})

    def cycle(self, seconds: float) -> None:
        """One desk cycle (a call from pick-up to its end) took ``seconds``."""
        self._line({"t": "cycle", "s": round(seconds, 6)})

    def close(self) -> None:
        """Close the file."""
        self._out.close()


@dataclass
class DeskRecords:
    """Everything one desk file holds, read back."""

    acks: list[dict[str, Any]] = field(default_factory=list)
    cycles: list[float] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str, str]] = field(default_factory=list)
    starts: int = 0


def _lines(path: Path) -> Iterator[dict[str, Any]]:
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.endswith("\n"):
                return  # the process died in the middle of this line
            yield json.loads(line)


def read_desk_file(path: Path) -> DeskRecords:
    """Read one desk file; a last line cut short by a kill is ignored."""
    records = DeskRecords()
    if not path.exists():
        return records
    for record in _lines(path):
        kind = record["t"]
        if kind == "ack":
            records.acks.append(record)
        elif kind == "cycle":
            records.cycles.append(float(record["s"]))
        elif kind == "refused":
            records.refused.append((record["a"], record["code"]))
        elif kind == "error":
            records.errors.append((record["a"], record["kind"], record["msg"]))
        elif kind == "start":
            records.starts += 1
    return records
