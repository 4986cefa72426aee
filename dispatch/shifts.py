"""The shift as a stored fact: opened once, signed on to, closed at the handover.

Pure database steps on a session; :mod:`dispatch.services.shifts` wraps them
in units of work with their journal events.

- :func:`insert_shift_if_absent` opens the shift of a window with one
  ``INSERT ... ON CONFLICT DO NOTHING`` on the unique ``starts_at``: however
  many desks call it at the change-over, at the same instant, on SQLite or
  PostgreSQL, one row is made and exactly one caller learns it made it.
- :func:`sign_on` records an operator at a terminal on a shift; the partial
  unique index keeps one operator per terminal.
- :func:`carry_over` lists what a closing shift passes on;
  :func:`report_text` / :func:`report_digest` fix the stored handover report
  and its SHA-256; :func:`stored_report` reads it back, refusing one whose
  digest no longer matches.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dispatch.enums import IncidentStatus, ReferralStatus
from dispatch.errors import DispatchError, InvalidTransition
from dispatch.models import Incident, Referral, Shift, ShiftSignOn
from dispatch.reports.handover import HandoverReport
from dispatch.reports.window import ShiftWindow
from dispatch.schemas import (
    CarriedIncident,
    CarriedReferral,
    ShiftView,
    SignOnView,
)

_OPEN_INCIDENT = tuple(s.value for s in IncidentStatus if s.is_open)


class StoredReportAltered(DispatchError, ValueError):
    """The stored handover report no longer matches its journaled digest."""

    code = "stored_report_altered"


class ShiftAlreadyClosed(InvalidTransition):
    """Someone handed this shift over already."""

    code = "shift_already_closed"


def insert_shift_if_absent(
    session: Session, window: ShiftWindow, *, at: datetime, by: str
) -> bool:
    """Create the shift of ``window`` unless it exists; True when this call made it."""
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(Shift)
        .values(starts_at=window.start, ends_at=window.end, opened_at=at, opened_by=by)
        .on_conflict_do_nothing(index_elements=[Shift.starts_at])
        .returning(Shift.id)
    )
    return session.execute(statement).first() is not None


def shift_starting(session: Session, start: datetime) -> Shift | None:
    """The stored shift that starts at ``start``, if any."""
    return session.scalars(select(Shift).where(Shift.starts_at == start)).one_or_none()


def shift_to_close(session: Session, now: datetime) -> Shift | None:
    """The oldest shift already started and not handed over yet."""
    return session.scalars(
        select(Shift)
        .where(Shift.closed_at.is_(None), Shift.starts_at <= now)
        .order_by(Shift.starts_at)
        .limit(1)
    ).one_or_none()


def active_sign_ons(session: Session) -> list[ShiftSignOn]:
    """Everyone signed on now, by terminal."""
    return list(
        session.scalars(
            select(ShiftSignOn)
            .where(ShiftSignOn.signed_off_at.is_(None))
            .order_by(ShiftSignOn.terminal)
        )
    )


def sign_on_at(session: Session, terminal: str) -> ShiftSignOn | None:
    """Who is signed on at ``terminal`` now, if anyone."""
    return session.scalars(
        select(ShiftSignOn).where(
            ShiftSignOn.terminal == terminal, ShiftSignOn.signed_off_at.is_(None)
        )
    ).one_or_none()


def sign_off_terminal(session: Session, terminal: str, at: datetime) -> list[str]:
    """End the sign-on at ``terminal`` (if any); return who was signed off."""
    rows = session.scalars(
        select(ShiftSignOn).where(
            ShiftSignOn.terminal == terminal, ShiftSignOn.signed_off_at.is_(None)
        )
    ).all()
    for row in rows:
        row.signed_off_at = at
    session.flush()
    return [row.operator for row in rows]


def sign_on(
    session: Session,
    shift: Shift,
    *,
    operator: str,
    role: str,
    terminal: str,
    at: datetime,
    session_id: int | None = None,
) -> ShiftSignOn:
    """Record ``operator`` on ``shift`` at ``terminal`` (the previous one is ended)."""
    sign_off_terminal(session, terminal, at)
    row = ShiftSignOn(
        shift_id=shift.id,
        operator=operator,
        role=role,
        terminal=terminal,
        session_id=session_id,
        signed_on_at=at,
    )
    session.add(row)
    session.flush()
    return row


def carry_over(
    session: Session,
) -> tuple[tuple[CarriedIncident, ...], tuple[CarriedReferral, ...]]:
    """Open incidents (by priority, then age) and unresolved referrals."""
    incidents = tuple(
        CarriedIncident.model_validate(i)
        for i in session.scalars(
            select(Incident)
            .where(Incident.status.in_(_OPEN_INCIDENT))
            .order_by(Incident.priority, Incident.call_received_at, Incident.id)
        )
    )
    referrals = tuple(
        CarriedReferral(
            referral_id=r.id,
            agency_code=r.agency_code,
            channel=r.channel,
            reference_number=r.reference_number,
            status=r.status,
        )
        for r in session.scalars(
            select(Referral)
            .where(Referral.status != ReferralStatus.RESOLVED)
            .order_by(Referral.sent_at, Referral.id)
        )
    )
    return incidents, referrals


def close(session: Session, shift: Shift, *, at: datetime, by: str, text: str) -> str:
    """Mark ``shift`` closed with its report; return the report's digest.

    The update only applies to a shift still open, so two supervisors
    closing at once cannot both succeed.
    """
    digest = report_digest(text)
    done = cast(
        "CursorResult[Any]",
        session.execute(
            update(Shift)
            .where(Shift.id == shift.id, Shift.closed_at.is_(None))
            .values(closed_at=at, closed_by=by, report=text, report_sha256=digest)
            .execution_options(synchronize_session=False),
        ),
    )
    if done.rowcount != 1:
        raise ShiftAlreadyClosed(f"Shift {shift.id} has already been handed over.")
    session.refresh(shift)
    return digest


def report_text(report: HandoverReport) -> str:
    """The one stored text of a handover report (JSON, fields in model order)."""
    return report.model_dump_json()


def report_digest(text: str) -> str:
    """SHA-256 (hex) of the stored report text, as journaled."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def stored_report(shift: Shift) -> HandoverReport | None:
    """The handover report stored at the close, checked against its digest."""
    if shift.report is None:
        return None
    if report_digest(shift.report) != shift.report_sha256:
        raise StoredReportAltered(
            f"The stored handover report of shift {shift.id} does not match the "
            "digest journaled when it was closed; it was altered."
        )
    return HandoverReport.model_validate_json(shift.report)


def shift_view(shift: Shift, sign_ons: list[ShiftSignOn] | None = None) -> ShiftView:
    """The frozen view of a shift (with the sign-ons given)."""
    return ShiftView(
        id=shift.id,
        starts_at=shift.starts_at,
        ends_at=shift.ends_at,
        opened_at=shift.opened_at,
        opened_by=shift.opened_by,
        closed_at=shift.closed_at,
        closed_by=shift.closed_by,
        report_sha256=shift.report_sha256,
        sign_ons=tuple(SignOnView.model_validate(s) for s in sign_ons or ()),
    )
