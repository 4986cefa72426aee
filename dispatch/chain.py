"""The hash chain: the one event digest and the one chain walk.

Each event's hash is SHA-256 over the previous event's hash and the event's
canonical JSON (:func:`text_digest`), so an edited, removed, inserted or
reordered row breaks the chain at a position :func:`walk_chain` names. Every
writer (:mod:`dispatch.journal`) and every verifier (``siaga log verify``,
archives, exports) goes through these two functions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import datetime
from hashlib import sha256
from typing import Any

from sqlalchemy import (
    String,
    Table,
    Text,
    bindparam,
    cast,
    func,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.db import canonical_json
from dispatch.models import Event, JournalHead

GENESIS_HASH = "0" * 64
_HEAD_ID = 1


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
    """The hash of an event given as Python values (see :func:`text_digest`)."""
    return text_digest(
        prev_hash,
        event_id,
        canonical_time(at),
        actor,
        terminal,
        kind,
        incident_id,
        call_id,
        unit_id,
        canonical_json(payload),
    )


def text_digest(
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
    """The one event hash: SHA-256 of the previous hash + the canonical JSON.

    The canonical JSON has sorted keys and no spaces (:func:`canonical_json`);
    it is assembled here in that key order from the time's canonical text and
    the payload's canonical text, so the stored text can be re-hashed without
    parsing it. Every writer and every verifier goes through this function.
    """
    quoted = _QUOTED
    body = (
        f'{prev_hash}{{"actor":{quoted.get(actor) or _quote(actor)},'
        f'"at":"{at_text}",'
        f'"call_id":{"null" if call_id is None else call_id},"id":{event_id},'
        f'"incident_id":{"null" if incident_id is None else incident_id},'
        f'"kind":{quoted.get(kind) or _quote(kind)},"payload":{payload_text},'
        f'"terminal":{quoted.get(terminal) or _quote(terminal)},'
        f'"unit_id":{"null" if unit_id is None else unit_id}}}'
    )
    return sha256(body.encode("utf-8")).hexdigest()


_encode_text = json.JSONEncoder(ensure_ascii=False).encode
_QUOTED: dict[str, str] = {}
_QUOTED_MAX = 4096


def _quote(value: str) -> str:
    """JSON string literal of an actor, terminal or kind (few distinct: cached)."""
    quoted = _QUOTED.get(value)
    if quoted is None:
        quoted = _encode_text(value)
        if len(_QUOTED) < _QUOTED_MAX:
            _QUOTED[value] = quoted
    return quoted


_EVENTS: Table = Event.__table__  # type: ignore[assignment]  # mapped to a Table
_HEAD: Table = JournalHead.__table__  # type: ignore[assignment]  # mapped to a Table


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
    last_hash: str = GENESIS_HASH
    """Hash of the last event verified (the start hash when none was)."""

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
    texts = (
        (*row[:2], canonical_time(row[1]), *row[2:8], canonical_json(row[8]), *row[9:])
        for row in rows
    )
    return walk_chain(
        ((r[0], *r[2:]) for r in texts), start_id=start_id, start_hash=start_hash
    )


def walk_chain(
    rows: Iterable[tuple[Any, ...]], *, start_id: int, start_hash: str
) -> VerifyReport:
    """The one chain walk: check ids, links and hashes of rows in text form.

    Each row is ``(id, at_text, actor, terminal, kind, incident_id, call_id,
    unit_id, payload_text, prev_hash, hash)``, oldest first, the chain
    continuing from event ``start_id`` whose hash is ``start_hash``. Stops at
    the first problem.
    """
    expected = start_id + 1
    running = start_hash
    digest = text_digest
    problem: ChainProblem | None = None
    for row in rows:
        event_id, at, actor, terminal, kind, incident, call, unit, body, prev, own = row
        if event_id != expected:
            what = "missing" if event_id > expected else "out of order"
            problem = ChainProblem(
                expected, f"event {expected} is {what} (found {event_id} next)"
            )
            break
        if prev != running:
            problem = ChainProblem(
                event_id, f"event {event_id} does not link to event {event_id - 1}"
            )
            break
        if own != digest(
            prev, event_id, at, actor, terminal, kind, incident, call, unit, body
        ):
            problem = ChainProblem(
                event_id, f"event {event_id} was altered (hash mismatch)"
            )
            break
        running = own
        expected += 1
    checked = expected - start_id - 1
    return VerifyReport(
        checked,
        start_id + 1 if checked else None,
        expected - 1 if checked else None,
        problem,
        last_hash=running,
    )


def _text_columns(session: Session) -> tuple[Any, ...]:
    """Event columns with ``at`` as canonical text and ``payload`` as stored text."""
    if session.get_bind().dialect.name == "postgresql":
        at_text: Any = func.to_char(
            func.timezone("UTC", _EVENTS.c.at), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'
        )
        payload: Any = cast(_EVENTS.c.payload, Text)
    else:
        # SQLAlchemy stores SQLite datetimes as "YYYY-MM-DD HH:MM:SS.ffffff" (UTC).
        at_text = func.replace(type_coerce(_EVENTS.c.at, String), " ", "T") + "Z"
        payload = type_coerce(_EVENTS.c.payload, Text)
    c = _EVENTS.c
    return (
        c.id, at_text, c.actor, c.terminal, c.kind, c.incident_id, c.call_id,
        c.unit_id, payload, c.prev_hash, c.hash,
    )  # fmt: skip


def iter_stored_text(
    session: Session, *, after_id: int = 0, batch: int = 20_000
) -> Iterator[tuple[Any, ...]]:
    """Stored events in the text form :func:`walk_chain` reads, oldest first.

    Rows come straight from the driver's cursor (no result objects): the walk
    is the hot loop of ``siaga log verify``.
    """
    statement = (
        select(*_text_columns(session))
        .where(_EVENTS.c.id > bindparam("after"))
        .order_by(_EVENTS.c.id)
        .limit(batch)
    )
    connection = session.connection()
    compiled = statement.compile(dialect=connection.dialect)
    positions = compiled.positiontup
    cursor = connection.connection.cursor()
    try:
        after = after_id
        while True:
            params = compiled.construct_params({"after": after})
            if positions is not None:
                cursor.execute(compiled.string, [params[key] for key in positions])
            else:
                cursor.execute(compiled.string, params)
            rows = cursor.fetchall()
            if not rows:
                return
            yield from rows
            after = rows[-1][0]
    finally:
        cursor.close()


def read_head(session: Session) -> tuple[int, str, int, str] | None:
    """``(last_id, last_hash, base_id, base_hash)`` of the head row, if it exists."""
    row = (
        session.connection()
        .execute(
            select(
                _HEAD.c.last_id, _HEAD.c.last_hash, _HEAD.c.base_id, _HEAD.c.base_hash
            ).where(_HEAD.c.id == _HEAD_ID)
        )
        .one_or_none()
    )
    return None if row is None else (row[0], row[1], row[2], row[3])


def _first_stored(session: Session) -> tuple[int, str] | None:
    """Id and ``prev_hash`` of the oldest stored event."""
    row = (
        session.connection()
        .execute(
            select(_EVENTS.c.id, _EVENTS.c.prev_hash).order_by(_EVENTS.c.id).limit(1)
        )
        .one_or_none()
    )
    return None if row is None else (row[0], row[1])


def last_stored_id(session: Session) -> int:
    """The largest stored event id (0 when there is none)."""
    value = session.connection().execute(select(func.max(_EVENTS.c.id))).scalar()
    return int(value or 0)


def chain_base(
    session: Session, head: tuple[int, str, int, str] | None
) -> tuple[int, str]:
    """Where the online chain starts: the head's base, or the oldest event's link."""
    if head is not None:
        return head[2], head[3]
    first = _first_stored(session)
    return (0, GENESIS_HASH) if first is None else (first[0] - 1, first[1])


def holds(session: Session, event_id: int, digest: str) -> bool:
    """Whether event ``event_id`` is stored with ``digest`` (or was archived).

    An event below the online base was archived: the archive's own verify
    covers it, and the base is checked when it is exactly the base.
    """
    stored = (
        session.connection()
        .execute(select(_EVENTS.c.hash).where(_EVENTS.c.id == event_id))
        .scalar_one_or_none()
    )
    if stored is not None:
        return bool(stored == digest)
    head = read_head(session)
    if head is None or event_id > head[2]:
        return event_id == 0 and digest == GENESIS_HASH
    return event_id < head[2] or head[3] == digest


def verify_chain(session: Session) -> VerifyReport:
    """Verify the online journal from its base to its head.

    A missing head row is a problem (``siaga log repair-head``), and so is a
    head that does not name the chain's last event: both are how a truncated
    or rewritten journal would otherwise pass.
    """
    head = read_head(session)
    start = chain_base(session, head)
    report = walk_chain(
        iter_stored_text(session, after_id=start[0]),
        start_id=start[0],
        start_hash=start[1],
    )
    if not report.ok:
        return report
    end = report.last_id if report.last_id is not None else start[0]
    if head is None:
        problem = ChainProblem(
            end,
            "the journal_head row is missing: writing is stopped until "
            "`siaga log repair-head` restores it",
        )
    elif head[0] != end:
        problem = ChainProblem(
            end + 1,
            f"journal_head says the journal ends at event {head[0]} but it ends at "
            f"{end} (events removed from the end, or the head moved)",
        )
    elif head[1] != report.last_hash:
        problem = ChainProblem(end, f"journal_head's hash differs from event {end}")
    else:
        return report
    return replace(report, problem=problem)
