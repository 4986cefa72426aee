"""The shift log: the journal seen through a window, filtered, in plain words.

:func:`log_entries` answers "who did what, when, on which terminal" for a
window and a :class:`LogFilter` (kind, incident, unit, operator, call outcome,
free text). Each :class:`LogEntry` carries the raw event plus the incident
number, the unit's call sign and a one-line summary for people.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import String, cast, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from dispatch.errors import NotFound
from dispatch.keys import as_row_id
from dispatch.models import Call, Event, Incident, Unit
from dispatch.reports.window import ShiftWindow


@dataclass(frozen=True)
class LogFilter:
    """What to keep. Empty fields keep everything.

    ``kinds``: exact kinds (``unit.status``), families (``call`` = ``call.*``)
    or globs (``*.closed``). ``incident``: id or number. ``unit``: call sign.
    ``operator``: the acting username. ``outcome``: only events of calls that
    ended with this outcome. ``text``: case-insensitive match in the payload.
    """

    kinds: tuple[str, ...] = ()
    incident: str | None = None
    unit: str | None = None
    operator: str | None = None
    terminal: str | None = None
    outcome: str | None = None
    text: str | None = None


class LogEntry(BaseModel):
    """One journal event, with the names a person needs to read it."""

    model_config = ConfigDict(frozen=True)

    id: int
    at: datetime
    actor: str
    terminal: str
    kind: str
    incident_id: int | None
    incident_number: str | None
    call_id: int | None
    unit_id: int | None
    callsign: str | None
    payload: dict[str, Any]
    hash: str
    summary: str


def _kind_clause(kinds: tuple[str, ...]) -> ColumnElement[bool] | None:
    clauses: list[ColumnElement[bool]] = []
    for kind in kinds:
        kind = kind.strip()
        if not kind:
            continue
        if "*" in kind:
            clauses.append(Event.kind.like(kind.replace("*", "%")))
        elif "." in kind:
            clauses.append(Event.kind == kind)
        else:
            clauses.append(Event.kind.like(f"{kind}.%"))
    return or_(*clauses) if clauses else None


class UnknownFilterValue(NotFound):
    """A filter names an incident or unit that does not exist."""


def _filtered(session: Session, flt: LogFilter) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    kinds = _kind_clause(flt.kinds)
    if kinds is not None:
        where.append(kinds)
    if flt.incident:
        value = flt.incident.strip()
        row_id = as_row_id(value)
        query = (
            select(Incident.id).where(Incident.id == row_id)
            if row_id is not None
            else select(Incident.id).where(Incident.number == value)
        )
        incident_id = session.scalar(query)
        if incident_id is None:
            raise UnknownFilterValue(f"There is no incident {value}.")
        where.append(Event.incident_id == incident_id)
    if flt.unit:
        unit_id = session.scalar(
            select(Unit.id).where(Unit.callsign == flt.unit.strip().upper())
        )
        if unit_id is None:
            raise UnknownFilterValue(f"There is no unit {flt.unit}.")
        where.append(Event.unit_id == unit_id)
    if flt.operator:
        where.append(Event.actor == flt.operator)
    if flt.terminal:
        where.append(Event.terminal == flt.terminal)
    if flt.outcome:
        where.append(
            Event.call_id.in_(select(Call.id).where(Call.outcome == flt.outcome))
        )
    if flt.text:
        payload = cast(Event.payload, String)
        where.append(
            or_(
                Event.kind.ilike(f"%{flt.text.strip()}%"),
                *(payload.ilike(f"%{n}%") for n in search_needles(flt.text)),
            )
        )
    return where


_PHONE_CHARS = frozenset("0123456789+-() ./")


def search_needles(text: str) -> list[str]:
    """What to look for: the text, and a phone number the way it is stored.

    Numbers are journaled in E.164 (``+6281...``) while people type them the
    national way (``0813...``), often only the start of one: a whole number
    is normalised with :mod:`dispatch.phone`, a partial one gets its national
    ``0`` replaced by the country code.
    """
    needle = text.strip()
    needles = [needle]
    digits = "".join(ch for ch in needle if ch.isdigit() or ch == "+")
    if not needle or set(needle) - _PHONE_CHARS or len(digits) < 4:
        return needles
    from dispatch.errors import InvalidInput
    from dispatch.phone import DEFAULT_REGION, normalise_number

    try:
        whole = normalise_number(needle)
    except InvalidInput:
        whole = None
    if whole is None:
        import phonenumbers

        code = phonenumbers.country_code_for_region(DEFAULT_REGION)
        if digits.startswith("0"):
            whole = f"+{code}{digits[1:]}"
        elif digits.startswith(str(code)):
            whole = f"+{digits}"
        else:
            whole = digits
    for extra in (digits, whole):
        if extra not in needles:
            needles.append(extra)
    return needles


def log_entries(
    session: Session,
    window: ShiftWindow | None,
    flt: LogFilter | None = None,
    *,
    after_id: int = 0,
    limit: int | None = None,
) -> list[LogEntry]:
    """Events of ``window`` (all if ``None``) matching ``flt``, oldest first."""
    query = (
        select(Event, Incident.number, Unit.callsign)
        .outerjoin(Incident, Incident.id == Event.incident_id)
        .outerjoin(Unit, Unit.id == Event.unit_id)
        .where(Event.id > after_id, *_filtered(session, flt or LogFilter()))
        .order_by(Event.id)
    )
    if window is not None:
        query = query.where(Event.at >= window.start, Event.at < window.end)
    if limit is not None:
        query = query.limit(limit)
    return [
        _entry(event, number, callsign)
        for event, number, callsign in session.execute(query).all()
    ]


def _entry(event: Event, number: str | None, callsign: str | None) -> LogEntry:
    return LogEntry(
        id=event.id,
        at=event.at,
        actor=event.actor,
        terminal=event.terminal,
        kind=event.kind,
        incident_id=event.incident_id,
        incident_number=number,
        call_id=event.call_id,
        unit_id=event.unit_id,
        callsign=callsign or event.payload.get("callsign"),
        payload=dict(event.payload),
        hash=event.hash,
        summary=summarise(event.kind, event.payload, number, event.call_id),
    )


def summarise(
    kind: str, payload: dict[str, Any], number: str | None, call_id: int | None
) -> str:
    """One line a supervisor can read, for any event kind."""
    p = payload
    inc = number or p.get("number") or "?"
    unit = p.get("callsign") or "?"
    text = _SUMMARIES.get(kind)
    if text is not None:
        try:
            values = _safe(p)
            values.update(inc=inc, unit=unit, call=call_id)
            if "channel" in p:  # by its name, never the stored code ("ulpim")
                values["channel"] = _channel_name(str(p["channel"]))
            return text.format_map(values)
        except (KeyError, IndexError, ValueError):
            pass
    rest = ", ".join(f"{k}={v}" for k, v in sorted(p.items()) if v not in (None, ""))
    return f"{kind} {rest}".strip()


def _channel_name(code: str) -> str:
    from dispatch.catalogue import get_catalogue
    from dispatch.enums import ReferralChannel

    try:
        channel = ReferralChannel(code)
    except ValueError:  # an event older than the channel list: show what it says
        return code
    return get_catalogue().channels[channel].get("en")


class _Missing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "-"


def _safe(payload: dict[str, Any]) -> _Missing:
    return _Missing({k: ("-" if v is None else v) for k, v in payload.items()})


_SUMMARIES = {
    "call.opened": "call {call} answered (caller {caller_number})",
    "call.caller_updated": "call {call}: caller corrected to {caller_number}",
    "call.located": "call {call} located: {place} ({kelurahan})",
    "call.classified": "call {call} classified {type_code} {priority}",
    "call.noted": "call {call} note: {text}",
    "call.attached": "call {call} attached to incident {inc} (duplicate)",
    "call.referred": "call {call} referred to {agency} via {channel}",
    "call.closed": "call {call} ended as {outcome}",
    "incident.created": "incident {inc} created: {type_code} {priority} ({kelurahan})",
    "incident.noted": "incident {inc} note: {text}",
    "incident.closed": "incident {inc} closed: {disposition}",
    "incident.cancelled": "incident {inc} cancelled: {reason}",
    "unit.assigned": "{unit} assigned to incident {inc}",
    "unit.released": "{unit} released from incident {inc}: {reason}",
    "unit.cleared": "{unit} cleared from incident {inc}",
    "unit.status": "{unit} {previous} → {status}",
    "unit.position": "{unit} position reported",
    "assignment.acknowledged": "{unit} acknowledged incident {inc}",
    "assignment.preempted": "{unit} pre-empted from incident {inc} by {by_incident}",
    "handoff.requested": "incident {inc} handed to {agency}",
    "handoff.acknowledged": "{agency} acknowledged incident {inc} ({by})",
    "handoff.escalated": "hand-off of incident {inc} to {agency} escalated "
    "after {waited_seconds} s",
    "shift.opened": "shift {shift_id} opened ({starts_local})",
    "shift.signed_on": "{operator} signed on to shift {shift_id} as {role}",
    "shift.signed_off": "{operator} signed off from shift {shift_id}",
    "shift.closed": "shift {shift_id} handed over: {incidents_carried} incidents "
    "and {referrals_carried} referrals carried; report sha256 {report_sha256}",
}
