"""The event journal: append, follow, and verify the SHA-256 hash chain.

Every state change writes one event in the same transaction as the change.
Each event's hash covers its own fields and the previous event's hash, so an
edited, removed, inserted or reordered row breaks the chain at a position
that :func:`verify_chain` names. Writers take the single ``journal_head`` row
first (``SELECT … FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
already serialises writers), so ids are handed out one by one in commit order.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.models import Event, JournalHead

GENESIS_HASH = "0" * 64
_HEAD_ID = 1
_HEAD_KEY = "siaga_journal_head"


def canonical_time(value: datetime) -> str:
    """The one textual form of a time that goes into a hash."""
    return ensure_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_digest(
    *,
    prev_hash: str,
    event_id: int,
    at: datetime,
    actor: str,
    terminal: str,
    kind: str,
    incident_id: int | None,
    call_id: int | None,
    unit_id: int | None,
    payload: dict[str, Any],
) -> str:
    """SHA-256 over the previous hash and a canonical JSON form of the event."""
    body = json.dumps(
        {
            "id": event_id,
            "at": canonical_time(at),
            "actor": actor,
            "terminal": terminal,
            "kind": kind,
            "incident_id": incident_id,
            "call_id": call_id,
            "unit_id": unit_id,
            "payload": payload,
        },
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        allow_nan=False,
    )
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


_EVENTS: Table = Event.__table__  # type: ignore[assignment]  # mapped to a Table
_HEAD: Table = JournalHead.__table__  # type: ignore[assignment]  # mapped to a Table
_SELECT_TAIL = (
    select(_HEAD.c.last_id, _HEAD.c.last_hash)
    .where(_HEAD.c.id == _HEAD_ID)
    .with_for_update()
)
_MOVE_HEAD = (
    update(_HEAD)
    .where(_HEAD.c.id == _HEAD_ID)
    .values(last_id=bindparam("new_id"), last_hash=bindparam("new_hash"))
)


@dataclass
class _Tail:
    """The chain's end as this transaction sees it (under the journal lock)."""

    last_id: int
    last_hash: str


def _tail(session: Session) -> _Tail:
    """Lock the head row (creating it on first use) and remember the chain's end.

    Read once per transaction with a Core statement; later appends in the same
    transaction reuse it.
    """
    cached = session.info.get(_HEAD_KEY)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    connection = session.connection()
    row = connection.execute(_SELECT_TAIL).one_or_none()
    if row is None:
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
    connection.execute(insert(_EVENTS), rows)
    connection.execute(_MOVE_HEAD, {"new_id": tail.last_id, "new_hash": tail.last_hash})
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


@dataclass(frozen=True)
class ChainProblem:
    """Where and how the chain is broken."""

    position: int
    message: str


@dataclass(frozen=True)
class VerifyReport:
    """The outcome of walking the chain."""

    checked: int
    first_id: int | None
    last_id: int | None
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        """True when the whole chain verified."""
        return self.problem is None


#: The fields of an event row, in the order :func:`iter_event_rows` yields them
#: (also the record layout of archives and shift exports).
EVENT_FIELDS = (
    "id",
    "at",
    "actor",
    "terminal",
    "kind",
    "incident_id",
    "call_id",
    "unit_id",
    "payload",
    "prev_hash",
    "hash",
)
_COLUMNS = tuple(getattr(Event, name) for name in EVENT_FIELDS)


def iter_event_rows(session: Session, batch: int = 5000) -> Iterator[tuple[Any, ...]]:
    """Every event as a plain row, oldest first, fetched in batches."""
    after = None
    while True:
        query = select(*_COLUMNS).order_by(Event.id).limit(batch)
        if after is not None:
            query = query.where(Event.id > after)
        rows = session.execute(query).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        after = rows[-1][0]


def verify_rows(
    rows: Iterable[tuple[Any, ...]],
    *,
    start_id: int = 0,
    start_hash: str = GENESIS_HASH,
) -> VerifyReport:
    """Walk event rows (as :func:`iter_event_rows` yields them) and check the chain."""
    expected_id = start_id + 1
    running = start_hash
    checked = 0
    first: int | None = None
    last: int | None = None
    for row in rows:
        (
            event_id,
            at,
            actor,
            terminal,
            kind,
            incident_id,
            call_id,
            unit_id,
            payload,
            prev,
            digest,
        ) = row
        if first is None:
            first = event_id
        if event_id != expected_id:
            what = "missing" if event_id > expected_id else "out of order"
            return VerifyReport(
                checked,
                first,
                last,
                ChainProblem(
                    expected_id,
                    f"event {expected_id} is {what} (found {event_id} next)",
                ),
            )
        if prev != running:
            return VerifyReport(
                checked,
                first,
                last,
                ChainProblem(
                    event_id, f"event {event_id} does not link to event {event_id - 1}"
                ),
            )
        recomputed = event_digest(
            prev_hash=prev,
            event_id=event_id,
            at=at,
            actor=actor,
            terminal=terminal,
            kind=kind,
            incident_id=incident_id,
            call_id=call_id,
            unit_id=unit_id,
            payload=payload,
        )
        if recomputed != digest:
            return VerifyReport(
                checked,
                first,
                last,
                ChainProblem(event_id, f"event {event_id} was altered (hash mismatch)"),
            )
        running = digest
        checked += 1
        last = event_id
        expected_id += 1
    return VerifyReport(checked, first, last, None)


def _text_digest(
    prev_hash: str,
    event_id: int,
    at_text: str,
    actor: str,
    terminal: str,
    kind: str,
    incident_id: int | None,
    call_id: int | None,
    unit_id: int | None,
    payload_text: str,
) -> str:
    """:func:`event_digest` built from stored text (identical result, no parsing).

    The body is the canonical JSON :func:`event_digest` hashes, assembled in its
    sorted key order with the payload's stored canonical text spliced in.
    """
    text = _encode_text
    body = (
        '{"actor":' + text(actor)
        + ',"at":"' + at_text
        + '","call_id":' + _id_text(call_id)
        + ',"id":' + str(event_id)
        + ',"incident_id":' + _id_text(incident_id)
        + ',"kind":' + text(kind)
        + ',"payload":' + payload_text
        + ',"terminal":' + text(terminal)
        + ',"unit_id":' + _id_text(unit_id)
        + "}"
    )  # fmt: skip
    return hashlib.sha256((prev_hash + body).encode("utf-8")).hexdigest()


_encode_text = json.JSONEncoder(ensure_ascii=False).encode


def _id_text(value: int | None) -> str:
    return "null" if value is None else str(value)


def _raw_columns(session: Session) -> tuple[Any, ...]:
    """Event columns with ``at`` as canonical text and ``payload`` as stored text."""
    if session.get_bind().dialect.name == "postgresql":
        at_text: Any = func.to_char(
            func.timezone("UTC", Event.at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
        )
        payload: Any = cast(Event.payload, Text)
    else:
        # SQLAlchemy stores SQLite datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
        at_text = func.replace(type_coerce(Event.at, String), " ", "T") + "Z"
        payload = type_coerce(Event.payload, Text)
    return (
        Event.id,
        at_text,
        Event.actor,
        Event.terminal,
        Event.kind,
        Event.incident_id,
        Event.call_id,
        Event.unit_id,
        payload,
        Event.prev_hash,
        Event.hash,
    )


def _verify_stored(
    session: Session, *, start_id: int, start_hash: str, batch: int = 20_000
) -> VerifyReport:
    """Walk the stored chain reading raw text: the fast path of :func:`verify_chain`."""
    columns = _raw_columns(session)
    expected_id = start_id + 1
    running = start_hash
    checked = 0
    first: int | None = None
    last: int | None = None
    after: int | None = None
    while True:
        query = select(*columns).order_by(Event.id).limit(batch)
        if after is not None:
            query = query.where(Event.id > after)
        rows = session.execute(query).all()
        if not rows:
            return VerifyReport(checked, first, last, None)
        for row in rows:
            (
                event_id,
                at,
                actor,
                terminal,
                kind,
                incident,
                call,
                unit,
                payload,
                prev,
                digest,
            ) = row
            if first is None:
                first = event_id
            if event_id != expected_id:
                what = "missing" if event_id > expected_id else "out of order"
                problem = f"event {expected_id} is {what} (found {event_id} next)"
                return VerifyReport(
                    checked, first, last, ChainProblem(expected_id, problem)
                )
            if prev != running:
                problem = f"event {event_id} does not link to event {event_id - 1}"
                return VerifyReport(
                    checked, first, last, ChainProblem(event_id, problem)
                )
            recomputed = _text_digest(
                prev, event_id, at, actor, terminal, kind, incident, call, unit, payload
            )
            if recomputed != digest:
                problem = f"event {event_id} was altered (hash mismatch)"
                return VerifyReport(
                    checked, first, last, ChainProblem(event_id, problem)
                )
            running = digest
            checked += 1
            last = event_id
            expected_id += 1
        after = rows[-1][0]


def verify_chain(session: Session) -> VerifyReport:
    """Verify the online journal from its base to its head."""
    head = session.get(JournalHead, _HEAD_ID)
    base_id = head.base_id if head else 0
    base_hash = head.base_hash if head else GENESIS_HASH
    report = _verify_stored(session, start_id=base_id, start_hash=base_hash)
    if not report.ok or head is None:
        return report
    last_seen = report.last_id if report.last_id is not None else base_id
    if head.last_id != last_seen:
        return VerifyReport(
            report.checked,
            report.first_id,
            report.last_id,
            ChainProblem(
                last_seen + 1,
                f"the journal should end at event {head.last_id} "
                f"but ends at {last_seen}"
                " (events were removed from the end)",
            ),
        )
    expected_hash = head.last_hash
    if report.last_id is not None:
        tail = session.get(Event, report.last_id)
        if tail is not None and tail.hash != expected_hash:
            return VerifyReport(
                report.checked,
                report.first_id,
                report.last_id,
                ChainProblem(
                    report.last_id, f"event {report.last_id} differs from the head"
                ),
            )
    return report
