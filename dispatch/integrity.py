"""The journal checked against what lies outside it: signed checkpoints.

:func:`check_anchor` compares the online chain with the newest checkpoint of
the witness file (:mod:`dispatch.witness`): a journal cut short and its head
moved back, or an event rewritten and every later hash recomputed, passes the
chain walk but not this. :func:`take_checkpoint` signs the head now and
:func:`repair_head` puts a missing or damaged ``journal_head`` row back on the
chain's verified end, journaled. See ``docs/journal.md`` for the threat model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, insert, text
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.errors import JournalCorrupt
from dispatch.models import JournalHead
from dispatch.witness import Checkpoint, Witness, WitnessError


@dataclass(frozen=True)
class Finding:
    """One line of an integrity check: fine, or a problem."""

    ok: bool
    line: str


def check_anchor(session: Session, witness: Witness | None) -> Finding:
    """The online journal against the newest signed checkpoint."""
    if witness is None:
        return Finding(True, "not anchored: an in-memory database has no witness")
    try:
        read = witness.read()
    except WitnessError as exc:
        return Finding(False, f"witness: {exc}")
    if not read.ok:
        return Finding(False, f"witness {witness.witness_file}: {read.problem}")
    latest = read.latest
    if latest is None:
        return Finding(
            True,
            f"NOT ANCHORED: no checkpoint in {witness.witness_file} yet "
            "(`siaga log checkpoint` writes one)",
        )
    where = f"checkpoint {latest.seq} of {latest.at:%Y-%m-%d %H:%M:%S} UTC"
    head = journal.read_head(session)
    end = head[0] if head is not None else journal.last_stored_id(session)
    if end < latest.event_id:
        return Finding(
            False,
            f"{where} signed event {latest.event_id}, but the journal ends at "
            f"event {end}: events were removed from the end",
        )
    if not journal.holds(session, latest.event_id, latest.hash):
        return Finding(
            False,
            f"event {latest.event_id} differs from {where} that signed it: the "
            "journal was rewritten at or before that event",
        )
    return Finding(
        True, f"anchored: {where} (event {latest.event_id}) matches the journal"
    )


def take_checkpoint(
    session: Session, witness: Witness, *, min_age: float = 0.0
) -> Checkpoint:
    """Sign the journal's head now (refused when the head row is missing).

    Stamped with the real time of signing, whatever clock the services run on.
    With ``min_age``, a newest checkpoint younger than that is returned
    instead of a new one (a screen that refreshes must not flood the file).
    """
    head = journal.read_head(session)
    if head is None:
        raise JournalCorrupt(
            "The journal's head record (journal_head) is missing; run "
            "`siaga log verify`, then `siaga log repair-head`."
        )
    return witness.checkpoint(
        head[0],
        head[1],
        datetime.now(UTC),
        lambda i, h: journal.holds(session, i, h),
        min_age=min_age,
    )


def repair_head(
    session: Session,
    witness: Witness | None,
    *,
    at: datetime,
    actor: str,
    terminal: str,
) -> str:
    """Put ``journal_head`` back on the chain's verified end and journal it.

    Refused when the chain itself is broken, or ends before the newest signed
    checkpoint (that would bless a journal cut short). Returns what was done.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("LOCK TABLE journal_head IN EXCLUSIVE MODE"))
    before = journal.read_head(session)
    report = journal.verify_chain(session)
    if report.ok:
        return f"journal_head is sound (event {before[0] if before else 0})"
    problem = report.problem.message if report.problem else ""
    if "journal_head" not in problem:
        raise JournalCorrupt(f"The chain itself is broken ({problem}); not repaired.")
    end_id = report.last_id if report.last_id is not None else 0
    if witness is not None:
        try:
            latest = witness.read().latest
        except WitnessError as exc:
            raise JournalCorrupt(f"{exc} Not repaired.") from exc
        if latest is not None and (
            latest.event_id > end_id
            or not journal.holds(session, latest.event_id, latest.hash)
        ):
            raise JournalCorrupt(
                f"Checkpoint {latest.seq} signed event {latest.event_id}, which "
                f"the journal (ending at event {end_id}) no longer holds as "
                "signed: events were removed or rewritten; not repaired."
            )
    base = journal.chain_base(session, before)
    session.execute(delete(JournalHead))
    session.execute(
        insert(JournalHead).values(
            id=1,
            last_id=end_id,
            last_hash=report.last_hash,
            base_id=base[0],
            base_hash=base[1],
        )
    )
    journal.append(
        session,
        at=at,
        actor=actor,
        terminal=terminal,
        kind="journal.head_repaired",
        payload={
            "before": None if before is None else {"last_id": before[0]},
            "last_id": end_id,
            "last_hash": report.last_hash,
        },
    )
    return (
        f"journal_head {'recreated' if before is None else 'moved'}: "
        f"the journal ends at event {end_id}; repair journaled as event {end_id + 1}"
    )
