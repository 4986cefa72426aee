"""The event journal: append and follow; the chain itself is :mod:`dispatch.chain`.

Every state change writes one event in the same transaction as the change.
Services queue their events (:func:`defer`) and the unit of work appends
them just before the commit (:func:`flush_pending`): only then does a writer
take the single ``journal_head`` row (``SELECT … FOR UPDATE`` on PostgreSQL;
SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so ids are handed
out one by one in commit order, each hashed with
:func:`dispatch.chain.text_digest`, while the rest of two actions on
PostgreSQL overlap under the database's row locks. The verification names
are re-exported here for callers that know them from this module.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import String, bindparam, cast, func, insert, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from dispatch.chain import (
    _COLUMNS,
    _EVENTS,
    _HEAD,
    _HEAD_ID,
    EVENT_FIELDS,
    GENESIS_HASH,
    ChainProblem,
    VerifyReport,
    _first_stored,
    canonical_time,
    chain_base,
    event_digest,
    holds,
    iter_event_rows,
    iter_stored_text,
    last_stored_id,
    read_head,
    text_digest,
    verify_chain,
    verify_rows,
    walk_chain,
)
from dispatch.clock import ensure_utc
from dispatch.errors import JournalCorrupt
from dispatch.livefeed import CHANNEL  # desks LISTEN on it; payload: the new last id
from dispatch.models import Event, JournalHead

__all__ = [
    "EVENT_FIELDS",
    "GENESIS_HASH",
    "_COLUMNS",
    "ChainProblem",
    "VerifyReport",
    "append",
    "canonical_time",
    "chain_base",
    "defer",
    "event_digest",
    "events_after",
    "flush_pending",
    "holds",
    "iter_event_rows",
    "iter_stored_text",
    "last_event_id",
    "last_stored_id",
    "lock_journal",
    "read_head",
    "text_digest",
    "verify_chain",
    "verify_rows",
    "walk_chain",
    "written_head",
]

_HEAD_KEY = "siaga_journal_head"

_SELECT_TAIL = (
    select(_HEAD.c.last_id, _HEAD.c.last_hash)
    .where(_HEAD.c.id == _HEAD_ID)
    .with_for_update()
)
_INSERT_EVENTS = insert(_EVENTS)

_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)
#: PostgreSQL moves the head and notifies in the same statement (no extra
#: round trip per write); the notification is delivered at commit, and never
#: for a write that rolls back.
_MOVE_HEAD_NOTIFY = _MOVE_HEAD.returning(
    func.pg_notify(literal(CHANNEL, String), cast(_HEAD.c.last_id, String))
)


@dataclass
class _Tail:
    """The chain's end as this transaction sees it (under the journal lock)."""

    last_id: int
    last_hash: str
    moved: bool = False


def _tail(session: Session) -> _Tail:
    """Lock the head row (creating it on first use) and remember the chain's end.

    Read once per transaction with a Core statement; later appends in the same
    transaction reuse it. A head row missing from a journal that has events is
    damage, not a first use: writing stops with :class:`JournalCorrupt` until
    :func:`repair_head` (``siaga log repair-head``) puts it back.
    """
    cached = session.info.get(_HEAD_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    connection = session.connection()
    row = connection.execute(_SELECT_TAIL).one_or_none()
    if row is None:
        if _first_stored(session) is not None:
            raise JournalCorrupt(
                "The journal's head record (journal_head) is missing, so no event "
                "can be written; a supervisor must run `siaga log verify` and then "
                "`siaga log repair-head`.",
                position=None,
            )
        connection.execute(
            insert(_HEAD).values(
                id=_HEAD_ID,
                last_id=0,
                last_hash=GENESIS_HASH,
                base_id=0,
                base_hash=GENESIS_HASH,
            )
        )
        tail = _Tail(0, GENESIS_HASH)
    else:
        tail = _Tail(row.last_id, row.last_hash)
    session.info[_HEAD_KEY] = tail
    return tail


def written_head(session: Session) -> tuple[int, str] | None:
    """``(last_id, last_hash)`` when this transaction appended events, else ``None``.

    Read after the commit to write a checkpoint (:mod:`dispatch.witness`).
    """
    tail = session.info.get(_HEAD_KEY)
    if tail is None or not tail.moved:
        return None
    return tail.last_id, tail.last_hash


def lock_journal(session: Session) -> None:
    """Take the journal's write lock for this transaction (call it first)."""
    _tail(session)


def _prepare(tail: _Tail, event: dict[str, Any]) -> dict[str, Any]:
    """Give one event its id and hashes and move the tail past it."""
    body = _jsonable(event.get("payload") or {})
    event_id = tail.last_id + 1
    at = ensure_utc(event["at"])
    digest = event_digest(
        prev_hash=tail.last_hash,
        event_id=event_id,
        at=at,
        actor=event["actor"],
        terminal=event["terminal"],
        kind=event["kind"],
        incident_id=event.get("incident_id"),
        call_id=event.get("call_id"),
        unit_id=event.get("unit_id"),
        payload=body,
    )
    row = {
        "id": event_id,
        "at": at,
        "actor": event["actor"],
        "terminal": event["terminal"],
        "kind": event["kind"],
        "incident_id": event.get("incident_id"),
        "call_id": event.get("call_id"),
        "unit_id": event.get("unit_id"),
        "payload": body,
        "prev_hash": tail.last_hash,
        "hash": digest,
    }
    tail.last_id, tail.last_hash = event_id, digest
    return row


def _write(session: Session, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Insert events (one batch) and move the head, inside the caller's transaction."""
    session.flush()  # the rows the events refer to go first
    tail = _tail(session)
    rows = [_prepare(tail, event) for event in events]
    connection = session.connection()
    try:
        connection.execute(_INSERT_EVENTS, rows)
    except IntegrityError as exc:
        raise JournalCorrupt(
            f"The journal's head record (journal_head) says the journal ends at "
            f"event {rows[0]['id'] - 1}, but later events exist, so no event can "
            "be written; a supervisor must run `siaga log verify` and then "
            "`siaga log repair-head`.",
            position=rows[0]["id"],
        ) from exc
    # On PostgreSQL the same statement wakes every desk listening on the
    # channel (dispatch/livefeed.py).
    move = _MOVE_HEAD_NOTIFY if connection.dialect.name == "postgresql" else _MOVE_HEAD
    connection.execute(move, {"new_id": tail.last_id, "new_hash": tail.last_hash})
    tail.moved = True
    return rows


def append(
    session: Session,
    *,
    at: datetime,
    actor: str,
    terminal: str,
    kind: str,
    incident_id: int | None = None,
    call_id: int | None = None,
    unit_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> Event:
    """Append one event to the chain inside the caller's transaction."""
    (row,) = _write(
        session,
        [
            {
                "at": at,
                "actor": actor,
                "terminal": terminal,
                "kind": kind,
                "incident_id": incident_id,
                "call_id": call_id,
                "unit_id": unit_id,
                "payload": payload,
            }
        ],
    )
    return Event(**row)


_PENDING_KEY = "siaga_journal_pending"


def defer(session: Session, **event: Any) -> None:
    """Queue an event to be appended when the unit of work ends.

    Services record events as they go and :func:`flush_pending` appends them
    all at once just before the commit: one head update per transaction, and
    the inserts go to the database in one batch.
    """
    session.info.setdefault(_PENDING_KEY, []).append(event)


def flush_pending(session: Session) -> None:
    """Append every deferred event of this transaction, in the order recorded."""
    pending = session.info.pop(_PENDING_KEY, None)
    if pending:
        _write(session, pending)


def _jsonable(payload: dict[str, Any]) -> dict[str, Any]:
    """Round-trip through JSON so the hash sees exactly what the database keeps."""
    text = json.dumps(payload, sort_keys=True, default=_default, allow_nan=False)
    result: dict[str, Any] = json.loads(text)
    return result


def _default(value: object) -> object:
    if isinstance(value, datetime):
        return canonical_time(value)
    if isinstance(value, set | frozenset | tuple):
        return sorted(value) if isinstance(value, set | frozenset) else list(value)
    return str(value)


def events_after(session: Session, after_id: int, limit: int = 500) -> list[Event]:
    """Events with id greater than ``after_id``, oldest first (the terminals' feed)."""
    query = select(Event).where(Event.id > after_id).order_by(Event.id).limit(limit)
    return list(session.scalars(query))


def last_event_id(session: Session) -> int:
    """Id of the newest event (0 for an empty journal)."""
    head = session.get(JournalHead, _HEAD_ID)
    return head.last_id if head else 0
