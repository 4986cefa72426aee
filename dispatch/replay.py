"""Replay the journal and compare it with the domain tables (``log verify --state``).

The chain and the checkpoints prove the journal was not rewritten; they say
nothing of an incident, a caller's number or an assignment changed straight in
its table without an event. This replays the events that create and settle
those rows and reports every row the journal does not account for:

* incidents: one per ``incident.created``, with its number, type and priority,
  and closed or cancelled exactly when an event says so;
* calls: one per ``call.opened``, with the caller number of the latest
  ``call.opened``/``call.caller_updated`` and the outcome of its ending event;
* assignments: as many rows per incident and unit as ``unit.assigned`` events,
  and active exactly while no release, clearing, pre-emption or final unit
  status has ended them.

Rows older than the online journal (archived shifts) are not compared.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.enums import AssignmentStatus, UnitStatus
from dispatch.models import Assignment, Call, Event, Incident
from dispatch.states import UNIT_TO_ASSIGNMENT

_KINDS = (
    "incident.created",
    "incident.closed",
    "incident.cancelled",
    "call.opened",
    "call.caller_updated",
    "call.closed",
    "call.attached",
    "call.referred",
    "unit.assigned",
    "unit.released",
    "unit.cleared",
    "unit.status",
    "assignment.preempted",
)
_UNIT_ENDS = ("unit.released", "unit.cleared", "assignment.preempted")
_ENDING = {"call.attached": "duplicate", "call.referred": "referral"}
_LIMIT = 20


@dataclass
class _Replayed:
    """What the journal says the tables hold."""

    incidents: dict[int, dict[str, Any]] = field(default_factory=dict)
    calls: dict[int, dict[str, Any]] = field(default_factory=dict)
    assignments: Counter[tuple[int, int]] = field(default_factory=Counter)
    active: set[tuple[int, int]] = field(default_factory=set)
    since: datetime | None = None


def _apply(state: _Replayed, row: Any) -> None:
    kind, incident, call, unit, payload = row
    if kind == "incident.created":
        state.incidents[incident] = {
            "number": payload.get("number"),
            "type_code": payload.get("type_code"),
            "priority": payload.get("priority"),
            "ended": None,
        }
        if call is not None and call in state.calls:
            state.calls[call]["outcome"] = "incident"
    elif kind in ("incident.closed", "incident.cancelled"):
        if incident in state.incidents:
            state.incidents[incident]["ended"] = kind.split(".")[1]
    elif kind in ("call.opened", "call.caller_updated"):
        entry = state.calls.setdefault(call, {"outcome": None})
        entry["caller_number"] = payload.get("caller_number")
    elif kind == "call.closed":
        state.calls.setdefault(call, {})["outcome"] = payload.get("outcome")
    elif kind in _ENDING:
        state.calls.setdefault(call, {})["outcome"] = _ENDING[kind]
    else:
        _apply_unit(state, kind, incident, unit, payload)


def _apply_unit(
    state: _Replayed, kind: str, incident: Any, unit: Any, payload: dict[str, Any]
) -> None:
    if kind == "unit.assigned":
        state.assignments[(incident, unit)] += 1
        state.active.add((incident, unit))
    elif kind in _UNIT_ENDS:
        state.active.discard((incident, unit))
    elif kind == "unit.status" and incident is not None:
        step = _step(payload.get("status"))
        if step is not None and not step.is_active:
            state.active.discard((incident, unit))


def _step(status: object) -> AssignmentStatus | None:
    try:
        return UNIT_TO_ASSIGNMENT.get(UnitStatus(str(status)))
    except ValueError:
        return None


def replay(session: Session) -> _Replayed:
    """Fold the online journal's create/settle events into expected rows."""
    state = _Replayed()
    state.since = session.scalar(select(Event.at).order_by(Event.id).limit(1))
    query = (
        select(
            Event.kind, Event.incident_id, Event.call_id, Event.unit_id, Event.payload
        )
        .where(Event.kind.in_(_KINDS))
        .order_by(Event.id)
    )
    for row in session.execute(query).yield_per(10_000):
        _apply(state, row)
    return state


def _incident_problems(session: Session, state: _Replayed) -> list[str]:
    problems: list[str] = []
    query = select(
        Incident.id,
        Incident.number,
        Incident.type_code,
        Incident.priority,
        Incident.status,
        Incident.created_at,
    )
    seen: set[int] = set()
    for ident, number, type_code, priority, status, created in session.execute(query):
        seen.add(ident)
        expected = state.incidents.get(ident)
        if expected is None:
            if state.since is not None and created >= state.since:
                problems.append(f"incident {number} has no incident.created event")
            continue
        for name, value in (
            ("number", number),
            ("type_code", type_code),
            ("priority", priority),
        ):
            if expected[name] != value:
                problems.append(
                    f"incident {number}: {name} is {value!r} but the journal "
                    f"says {expected[name]!r}"
                )
        ended = status if status in ("closed", "cancelled") else None
        if ended != expected["ended"]:
            problems.append(
                f"incident {number} is {status} but the journal says "
                f"{expected['ended'] or 'still open'}"
            )
    for ident in sorted(set(state.incidents) - seen):
        number = state.incidents[ident]["number"]
        problems.append(f"incident {number} (id {ident}) was deleted without an event")
    return problems


def _call_problems(session: Session, state: _Replayed) -> list[str]:
    problems: list[str] = []
    query = select(Call.id, Call.caller_number, Call.outcome, Call.received_at)
    seen: set[int] = set()
    for ident, number, outcome, received in session.execute(query):
        seen.add(ident)
        expected = state.calls.get(ident)
        if expected is None:
            if state.since is not None and received >= state.since:
                problems.append(f"call {ident} has no call.opened event")
            continue
        if "caller_number" in expected and expected["caller_number"] != number:
            problems.append(
                f"call {ident}: caller number is {number!r} but the journal "
                f"says {expected['caller_number']!r}"
            )
        if expected.get("outcome") != outcome:
            problems.append(
                f"call {ident}: outcome is {outcome!r} but the journal says "
                f"{expected.get('outcome')!r}"
            )
    for ident in sorted(set(state.calls) - seen):
        problems.append(f"call {ident} was deleted without an event")
    return problems


def _assignment_problems(session: Session, state: _Replayed) -> list[str]:
    rows = [
        (incident, unit, active)
        for incident, unit, active in session.execute(
            select(Assignment.incident_id, Assignment.unit_id, Assignment.active)
        )
        if incident in state.incidents
    ]
    stored: Counter[tuple[int, int]] = Counter((i, u) for i, u, _ in rows)
    active = {(i, u) for i, u, is_active in rows if is_active}
    problems = [
        f"incident id {pair[0]}, unit id {pair[1]}: the assignment is "
        f"{'active' if pair in active else 'ended'} but the journal says "
        f"{'active' if pair in state.active else 'ended'}"
        for pair in sorted(active ^ state.active)
    ]
    for pair in sorted(set(stored) | set(state.assignments)):
        if stored[pair] != state.assignments[pair]:
            problems.append(
                f"incident id {pair[0]}, unit id {pair[1]}: {stored[pair]} "
                f"assignment(s) stored, {state.assignments[pair]} in the journal"
            )
    return problems


def state_problems(session: Session) -> list[str]:
    """Every row of incidents, calls and assignments the journal does not explain."""
    state = replay(session)
    return (
        _incident_problems(session, state)
        + _call_problems(session, state)
        + _assignment_problems(session, state)
    )


def summarise(problems: list[str]) -> list[str]:
    """At most the first few problems, then how many more there were."""
    if len(problems) <= _LIMIT:
        return problems
    return [*problems[:_LIMIT], f"… and {len(problems) - _LIMIT} more"]
