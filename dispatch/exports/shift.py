"""Export a shift as JSON Lines: a header, then every event of the window.

Each event line carries exactly the fields the hash covers plus
``prev_hash``/``hash`` (the archive format), so a full export can be checked on
its own: the first event links to the header's ``start_hash`` and each next
one to the one before, as long as the window's events are contiguous in id
(events are appended in clock order, so a shift normally is).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.access import mask_payload
from dispatch.journal import EVENT_FIELDS, canonical_time
from dispatch.models import Event
from dispatch.reports.window import ShiftWindow

FORMAT = "siaga-shift-export"


def shift_rows(session: Session, window: ShiftWindow) -> Iterator[tuple[Any, ...]]:
    """Event rows of the window, oldest first, fetched in batches."""
    after = 0
    while True:
        rows = session.execute(
            select(*journal._COLUMNS)
            .where(Event.at >= window.start, Event.at < window.end, Event.id > after)
            .order_by(Event.id)
            .limit(5000)
        ).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        after = rows[-1][0]


def event_line(row: tuple[Any, ...], *, full: bool = True) -> str:
    """One event as a canonical JSON line; callers masked unless ``full``."""
    record = dict(zip(EVENT_FIELDS, row, strict=True))
    record["at"] = canonical_time(record["at"])
    if not full and isinstance(record.get("payload"), dict):
        record["payload"] = mask_payload(record["payload"])
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def write_shift_jsonl(
    session: Session, window: ShiftWindow, out: IO[str], *, full: bool = False
) -> int:
    """Write the header and the window's events to ``out``; return the count.

    Unless ``full``, callers' numbers and names in the payloads are masked and
    the header says ``"masked": true``: such a file is for reading, and only
    the full export (or an archive) verifies against the hashes.
    """
    rows = list(shift_rows(session, window))
    header = {
        "format": FORMAT,
        "version": 1,
        "shift_start": canonical_time(window.start),
        "shift_end": canonical_time(window.end),
        "zone": window.zone,
        "count": len(rows),
        "first_id": rows[0][0] if rows else None,
        "last_id": rows[-1][0] if rows else None,
        "start_hash": rows[0][-2] if rows else None,
        "end_hash": rows[-1][-1] if rows else None,
        "masked": not full,
    }
    out.write(json.dumps(header, sort_keys=True) + "\n")
    for row in rows:
        out.write(event_line(row, full=full) + "\n")
    return len(rows)
