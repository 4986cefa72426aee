"""Referral follow-up: the receiving agency acknowledges, then resolves.

The desk records the agency's own reference number when it acknowledges,
a note when it resolves, and may reopen a referral the caller says is not
solved. Each sector has a resolution target in the region pack (else the
agency's, else the ``referral_target_hours`` setting); the follow-up duty
flags referrals past it, once each.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import (
    ColumnElement,
    CursorResult,
    and_,
    or_,
    select,
    true,
    update,
)

from dispatch.clock import ensure_utc
from dispatch.enums import CallbackOutcome, ReferralStatus
from dispatch.errors import InvalidInput, InvalidTransition, NotFound
from dispatch.models import Call, Referral
from dispatch.schemas import ReferralLine, ReferralView
from dispatch.services.base import ServiceBase

if TYPE_CHECKING:
    from dispatch.reports.followup import FollowUpTargets

_NEXT = {
    ReferralStatus.SENT: (ReferralStatus.ACKNOWLEDGED, ReferralStatus.RESOLVED),
    ReferralStatus.ACKNOWLEDGED: (ReferralStatus.RESOLVED,),
    ReferralStatus.RESOLVED: (),  # only reopen_referral leaves it
}
_OPEN = (ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value)
MAX_REFERENCE = 64
MAX_FOLLOW_UP_NOTE = 500


class ReferralService(ServiceBase):
    """Track what the responsible agency did with a referred complaint."""

    def acknowledge_referral(
        self,
        referral_id: int,
        *,
        reference_number: str | None = None,
        note: str | None = None,
    ) -> ReferralView:
        """The agency confirmed receipt with its own ticket number.

        The reference is required unless the referral already carries one
        (given at intake): without it nobody can chase the complaint later.
        """
        return self._move(
            referral_id,
            ReferralStatus.ACKNOWLEDGED,
            reference=_clean(
                reference_number, MAX_REFERENCE, "reference_number", one_line=True
            ),
            note=_clean(note, MAX_FOLLOW_UP_NOTE, "note"),
            need_reference=True,
        )

    def resolve_referral(
        self, referral_id: int, *, note: str | None = None
    ) -> ReferralView:
        """The agency reports the problem solved (with what it said, if given)."""
        return self._move(
            referral_id,
            ReferralStatus.RESOLVED,
            reference=None,
            note=_clean(note, MAX_FOLLOW_UP_NOTE, "note"),
        )

    def reopen_referral(self, referral_id: int, reason: str) -> ReferralView:
        """The caller says the problem is back: the referral is open again."""
        cleaned = _clean(reason, MAX_FOLLOW_UP_NOTE, "reason")
        if cleaned is None:
            raise InvalidInput("Say why the referral is reopened.", field="reason")
        with self._write() as session:
            referral = self._referral(session, referral_id)
            if referral.status != ReferralStatus.RESOLVED:
                raise InvalidTransition(
                    f"Referral {referral_id} is not resolved; nothing to reopen."
                )
            referral.status = ReferralStatus.ACKNOWLEDGED
            referral.resolved_at = None
            referral.overdue_at = None
            referral.note = cleaned
            self._event(
                session,
                "referral.reopened",
                call_id=referral.call_id,
                referral_id=referral.id,
                agency=referral.agency_code,
                reason=cleaned,
            )
            return ReferralView.model_validate(referral)

    def record_callback(
        self,
        referral_id: int,
        outcome: CallbackOutcome | str,
        note: str | None = None,
    ) -> ReferralView:
        """The desk called the caller back after the resolution: how it went.

        ``not_solved`` reopens the referral (the caller says the problem is
        still there); ``no_answer`` leaves the call-back owed.
        """
        try:
            result = CallbackOutcome(outcome)
        except ValueError as exc:
            choices = ", ".join(o.value for o in CallbackOutcome)
            raise InvalidInput(
                f"Unknown call-back outcome {outcome!r}; choose one of {choices}.",
                field="outcome",
            ) from exc
        cleaned = _clean(note, MAX_FOLLOW_UP_NOTE, "note")
        with self._write() as session:
            referral = self._referral(session, referral_id)
            if not referral.callback_requested:
                raise InvalidTransition(
                    f"The caller of referral {referral_id} did not ask to be told."
                )
            if referral.status != ReferralStatus.RESOLVED:
                raise InvalidTransition(
                    f"Referral {referral_id} is not resolved yet; call back later."
                )
            now = self.clock.now()
            if result != CallbackOutcome.NO_ANSWER:
                referral.callback_at = now
            referral.callback_outcome = result
            if result == CallbackOutcome.NOT_SOLVED:
                referral.status = ReferralStatus.ACKNOWLEDGED
                referral.resolved_at = None
                referral.overdue_at = None
                referral.callback_at = None
            if cleaned:
                referral.note = cleaned
            self._event(
                session,
                "referral.called_back",
                call_id=referral.call_id,
                referral_id=referral.id,
                agency=referral.agency_code,
                outcome=result,
                note=cleaned,
            )
            return ReferralView.model_validate(referral)

    def callbacks_due(self) -> list[ReferralView]:
        """Resolved referrals whose caller asked to be told and was not yet."""
        with self._read() as session:
            rows = session.scalars(
                select(Referral)
                .where(
                    Referral.status == ReferralStatus.RESOLVED,
                    Referral.callback_requested == true(),
                    Referral.callback_at.is_(None),
                )
                .order_by(Referral.resolved_at, Referral.id)
            )
            return [ReferralView.model_validate(r) for r in rows]

    def referrals(self, *, status: ReferralStatus | None = None) -> list[ReferralView]:
        """Referrals, newest first, optionally of one status."""
        with self._read() as session:
            query = select(Referral).order_by(Referral.id.desc())
            if status is not None:
                query = query.where(Referral.status == status)
            return [ReferralView.model_validate(r) for r in session.scalars(query)]

    def referral(self, referral_id: int) -> ReferralView:
        """One referral."""
        with self._read() as session:
            return ReferralView.model_validate(self._referral(session, referral_id))

    def open_referrals(self, *, with_callbacks: bool = False) -> list[ReferralLine]:
        """Referrals not yet resolved, oldest first, with age against target.

        ``with_callbacks`` adds the resolved ones whose caller still waits to
        be told (the desk's follow-up list).
        """
        now = self.clock.now()
        wanted: ColumnElement[bool] = Referral.status.in_(_OPEN)
        if with_callbacks:
            wanted = or_(
                wanted,
                and_(
                    Referral.status == ReferralStatus.RESOLVED,
                    Referral.callback_requested == true(),
                    Referral.callback_at.is_(None),
                ),
            )
        with self._read() as session:
            rows = session.execute(
                select(Referral, Call.caller_number)
                .join(Call, Call.id == Referral.call_id)
                .where(wanted)
                .order_by(Referral.sent_at, Referral.id)
            ).all()
            lines = []
            targets = self._targets()
            for referral, number in rows:
                target_h = targets.for_referral(referral.agency_code, referral.sector)
                age = (now - ensure_utc(referral.sent_at)).total_seconds()
                lines.append(
                    ReferralLine(
                        referral=ReferralView.model_validate(referral),
                        agency_name=self._agency_name(referral.agency_code),
                        caller_number=number,
                        age_s=age,
                        target_h=target_h,
                        overdue=(referral.status in _OPEN and age >= target_h * 3600),
                    )
                )
            return lines

    def _targets(self) -> FollowUpTargets:
        """Targets per sector, else agency, else the setting (read at each use)."""
        from dispatch.reports.followup import FollowUpTargets

        return FollowUpTargets.of(self.pack, self.settings)

    def flag_overdue_referrals(self) -> list[int]:
        """Flag open referrals past their target (sector, agency); each once.

        A read finds candidates; the write flags each with a conditional update
        (``overdue_at`` still empty), so concurrent desks flag each once.
        """
        now = self.clock.now()
        with self._read() as session:
            rows = session.execute(
                select(
                    Referral.id, Referral.agency_code, Referral.sector, Referral.sent_at
                ).where(Referral.status.in_(_OPEN), Referral.overdue_at.is_(None))
            ).all()
        targets = self._targets()
        due = [
            (rid, code, ensure_utc(sent), targets.for_referral(code, sector))
            for rid, code, sector, sent in rows
        ]
        due = [d for d in due if now - d[2] >= timedelta(hours=d[3])]
        if not due:
            return []
        flagged = []
        with self._write() as session:
            for rid, code, sent, target_h in due:
                if self._flag(session, rid, now):
                    flagged.append(rid)
                    referral = session.get(Referral, rid)
                    self._event(
                        session,
                        "referral.overdue",
                        call_id=referral.call_id if referral else None,
                        referral_id=rid,
                        agency=code,
                        waited_hours=round((now - sent).total_seconds() / 3600, 1),
                        target_hours=target_h,
                    )
        return flagged

    # -- helpers -----------------------------------------------------------------

    @staticmethod
    def _flag(session: Any, referral_id: int, now: datetime) -> bool:
        result = cast(
            CursorResult[Any],
            session.execute(
                update(Referral)
                .where(
                    Referral.id == referral_id,
                    Referral.overdue_at.is_(None),
                    Referral.status.in_(_OPEN),
                )
                .values(overdue_at=now)
                .execution_options(synchronize_session=False)
            ),
        )
        return result.rowcount == 1

    @staticmethod
    def _referral(session: Any, referral_id: int) -> Referral:
        referral = session.get(Referral, referral_id)
        if referral is None:
            raise NotFound(f"There is no referral {referral_id}.")
        return cast(Referral, referral)

    def _agency_name(self, code: str) -> str:
        agency = self.pack.agency_by_code.get(code)
        return agency.short_name if agency is not None else code

    def _move(
        self,
        referral_id: int,
        new: ReferralStatus,
        *,
        reference: str | None,
        note: str | None,
        need_reference: bool = False,
    ) -> ReferralView:
        with self._write() as session:
            referral = self._referral(session, referral_id)
            current = ReferralStatus(referral.status)
            if new not in _NEXT[current]:
                raise InvalidTransition(
                    f"Referral {referral_id} is {current.value} "
                    f"and cannot become {new.value}."
                )
            if need_reference and not (reference or referral.reference_number):
                raise InvalidInput(
                    "Type the agency's reference number.", field="reference_number"
                )
            now = self.clock.now()
            referral.status = new
            if new == ReferralStatus.ACKNOWLEDGED:
                referral.acknowledged_at = now
            else:
                referral.resolved_at = now
                referral.acknowledged_at = referral.acknowledged_at or now
            if reference:
                referral.reference_number = reference
            if note:
                referral.note = note
            self._event(
                session,
                f"referral.{new.value}",
                call_id=referral.call_id,
                referral_id=referral.id,
                agency=referral.agency_code,
                reference=referral.reference_number,
                note=note,
            )
            return ReferralView.model_validate(referral)


def _clean(
    value: str | None, limit: int, field: str, *, one_line: bool = False
) -> str | None:
    keep = "" if one_line else "\n\t"
    text = " ".join((value or "").split()) if one_line else (value or "")
    cleaned = "".join(ch for ch in text if ch.isprintable() or ch in keep).strip()
    if len(cleaned) > limit:
        raise InvalidInput(
            f"The {field} is longer than {limit} characters.", field=field
        )
    return cleaned or None
