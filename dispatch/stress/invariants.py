"""The promises a stress run must leave intact, checked on the database.

Each check reads the database once (and the desk files for what the service
acknowledged) and returns a :class:`Check`: its name, whether it held, and a
line saying what was seen. The journal checks reuse the code behind
``siaga log verify`` (the chain walk, the signed checkpoint and the
``--state`` replay), so the stress tool and an operator see the same verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch import integrity, journal, replay
from dispatch.models import Assignment, Call, Event, Incident, Unit
from dispatch.witness import Witness

#: Journal events that end a call (each call must have exactly one).
_CALL_ENDINGS = ("call.closed", "call.attached", "call.referred", "incident.created")


@dataclass(frozen=True)
class Check:
    """One invariant: held or not, and what was seen."""

    name: str
    ok: bool
    detail: str


def no_double_assignment(session: Session) -> Check:
    """No unit is on two active assignments at once."""
    doubled = session.execute(
        select(Unit.callsign, func.count())
        .join(Assignment, Assignment.unit_id == Unit.id)
        .where(Assignment.active.is_(True))
        .group_by(Unit.callsign)
        .having(func.count() > 1)
    ).all()
    if doubled:
        names = ", ".join(f"{cs} ({n})" for cs, n in doubled)
        return Check("no unit on two active assignments", False, names)
    active = session.scalar(
        select(func.count()).select_from(Assignment).where(Assignment.active.is_(True))
    )
    return Check(
        "no unit on two active assignments", True, f"{active} active assignments"
    )


def one_outcome_per_call(session: Session, *, killed_terminals: Counter[str]) -> Check:
    """Every call has exactly one outcome; a killed desk may leave one open.

    A desk killed after the database committed its new call but before it
    wrote the acknowledgement down cannot know that call exists; at most one
    such call per kill, on that desk's terminal, is allowed to stay open.
    """
    name = "every call exactly one outcome"
    endings = session.execute(
        select(Event.call_id, func.count())
        .where(Event.kind.in_(_CALL_ENDINGS), Event.call_id.is_not(None))
        .group_by(Event.call_id)
        .having(func.count() > 1)
    ).all()
    if endings:
        ids = ", ".join(str(c) for c, _ in endings[:10])
        return Check(name, False, f"{len(endings)} calls ended twice: {ids}")
    total = session.scalar(select(func.count()).select_from(Call)) or 0
    open_calls = Counter(
        terminal
        for (terminal,) in session.execute(
            select(Call.terminal).where(Call.outcome.is_(None))
        )
    )
    excess = {t: n for t, n in open_calls.items() if n > killed_terminals.get(t, 0)}
    if excess:
        where = ", ".join(f"{t}: {n}" for t, n in sorted(excess.items()))
        return Check(name, False, f"calls without an outcome: {where}")
    left = sum(open_calls.values())
    note = f" ({left} left open by killed desks)" if left else ""
    return Check(name, True, f"{total} calls, each ended once{note}")


def _acked_state(
    session: Session,
) -> tuple[dict[int, Any], dict[int, str], set[tuple[int, str]], Counter[Any]]:
    calls: dict[int, Any] = {}
    for ident, outcome in session.execute(select(Call.id, Call.outcome)):
        calls[ident] = outcome
    incidents: dict[int, str] = {}
    for ident, status in session.execute(select(Incident.id, Incident.status)):
        incidents[ident] = status
    assigned = {
        (incident, callsign)
        for incident, callsign in session.execute(
            select(Assignment.incident_id, Unit.callsign).join(
                Unit, Unit.id == Assignment.unit_id
            )
        )
    }
    statuses: Counter[Any] = Counter()
    rows = session.execute(
        select(Event.incident_id, Event.payload).where(Event.kind == "unit.status")
    )
    for incident_id, payload in rows:
        statuses[(incident_id, payload.get("callsign"), payload.get("status"))] += 1
    return calls, incidents, assigned, statuses


def _missing(ack: dict[str, Any], state: tuple[Any, ...]) -> bool:
    calls, incidents, assigned, _ = state
    action = ack["a"]
    if action == "call.open":
        return ack["call"] not in calls
    if action == "call.close":
        return bool(calls.get(ack["call"]) != ack["outcome"])
    if action == "incident.create":
        return ack["incident"] not in incidents or calls.get(ack["call"]) != "incident"
    if action == "unit.assign":
        return bool((ack["incident"], ack["unit"]) not in assigned)
    if action == "incident.close":
        return bool(incidents.get(ack["incident"]) != "closed")
    return False


def acknowledged_present(session: Session, acks: Iterable[dict[str, Any]]) -> Check:
    """Every action the service acknowledged to a desk is in the database."""
    state = _acked_state(session)
    missing: list[str] = []
    wanted: Counter[Any] = Counter()
    count = 0
    for ack in acks:
        count += 1
        if ack["a"] == "unit.status":
            wanted[(ack["incident"], ack["unit"], ack["status"])] += 1
        elif _missing(ack, state):
            missing.append(f"{ack['a']} {ack}")
    statuses = state[3]
    missing.extend(
        f"unit.status {key} x{n - statuses[key]}"
        for key, n in wanted.items()
        if statuses[key] < n
    )
    if missing:
        return Check(
            "every acknowledged action present",
            False,
            f"{len(missing)} missing, e.g. {missing[0]}",
        )
    return Check(
        "every acknowledged action present", True, f"{count} acknowledged actions found"
    )


def journal_verifies(session: Session, witness: Witness | None) -> list[Check]:
    """The hash chain walks clean and matches the newest signed checkpoint."""
    report = journal.verify_chain(session)
    chain = Check(
        "journal verifies",
        report.ok,
        f"{report.checked} events verified"
        if report.ok
        else f"broken at event {report.problem.position}: {report.problem.message}"
        if report.problem
        else "broken",
    )
    anchor = integrity.check_anchor(session, witness)
    return [chain, Check("journal matches its checkpoint", anchor.ok, anchor.line)]


def event_ids_without_gaps(session: Session) -> Check:
    """Event ids run 1, 2, 3 … up to the journal head with none missing."""
    count, first, last = session.execute(
        select(func.count(), func.min(Event.id), func.max(Event.id))
    ).one()
    head = journal.read_head(session)
    head_id = head[0] if head else None
    ok = count == 0 or (last - first + 1 == count and head_id == last)
    return Check(
        "event ids without gaps",
        ok,
        f"{count} events, ids {first}..{last}, head at {head_id}",
    )


def tables_agree_with_journal(session: Session) -> Check:
    """Replaying the journal gives the incident, call and assignment tables."""
    problems = replay.state_problems(session)
    if problems:
        return Check(
            "domain tables agree with the journal",
            False,
            "; ".join(replay.summarise(problems)),
        )
    return Check(
        "domain tables agree with the journal",
        True,
        "incidents, calls and assignments replay from the journal",
    )


def check_all(
    session: Session,
    *,
    acks: Iterable[dict[str, Any]],
    killed_terminals: Counter[str],
    witness: Witness | None,
) -> list[Check]:
    """Every invariant, in the order they are printed."""
    return [
        no_double_assignment(session),
        one_outcome_per_call(session, killed_terminals=killed_terminals),
        acknowledged_present(session, acks),
        *journal_verifies(session, witness),
        event_ids_without_gaps(session),
        tables_agree_with_journal(session),
    ]
