"""Send keys to a running app the way a terminal does: without waiting between them.

Pilot's ``press`` lets the app settle after every key, which hides every
ordering fault. These helpers post key events straight into the app's queue,
as the driver does when a burst of bytes arrives (SSH, a paste, a fast typist).
"""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Iterable
from typing import Any

from textual import events
from textual.app import App
from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key


def key_event(key: str) -> events.Key:
    """The event a terminal produces for ``key`` (a character or a key name)."""
    if len(key) == 1 and not key.isalnum():
        key = _character_to_key(key)
    original = REPLACED_KEYS.get(key, key)
    try:
        char: str | None = unicodedata.lookup(_get_unicode_name_from_key(original))
    except KeyError:
        char = key if len(key) == 1 else None
    return events.Key(key, char)


def text_keys(text: str) -> list[str]:
    """The keys that type ``text``."""
    return ["space" if ch == " " else ch for ch in text]


def burst(app: App[Any], keys: Iterable[str]) -> int:
    """Post every key at once, as one burst; returns how many were sent."""
    count = 0
    for key in keys:
        app.post_message(key_event(key))
        count += 1
    return count


async def paced(app: App[Any], keys: Iterable[str], delay: float) -> int:
    """Post keys ``delay`` seconds apart, never waiting for the app to settle."""
    count = 0
    for key in keys:
        app.post_message(key_event(key))
        count += 1
        await asyncio.sleep(delay)
    return count


async def drained(app: Any, pilot: Any, *, limit: float = 30.0) -> None:
    """Wait until every key sent was handled and the work it started is done."""
    import contextlib

    from textual.worker import WorkerCancelled, WorkerFailed, WorkerState

    loop = asyncio.get_running_loop()
    deadline = loop.time() + limit
    while loop.time() < deadline:
        # A worker's error is the app's to show (and the tests check what it
        # shows); waiting must not raise it here instead.
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await app.workers.wait_for_complete()
        await pilot.pause()
        busy = any(
            w.state in (WorkerState.PENDING, WorkerState.RUNNING) for w in app.workers
        )
        if not busy and not app.typeahead.pending and not app.typeahead.held:
            await pilot.pause()
            return
        await asyncio.sleep(0.01)
    raise AssertionError(
        f"keys still waiting after {limit} s: {app.typeahead.pending} queued, "
        f"held={app.typeahead.held}"
    )
