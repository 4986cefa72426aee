"""Follow-up figures: hand-offs by agency, referrals by agency and by sector.

What a city reports about its "no wrong door" promise: how many hand-offs
each agency got, how fast it acknowledged them and how many escalated; how
many referrals went to each agency and each public-service sector, how fast
they were acknowledged and resolved, and how many are still open or past
their target (per sector, else per agency, from the region pack, else the
engine's defaults — :class:`FollowUpTargets`). The handover and period reports both
carry these tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.config import EngineSettings
from dispatch.enums import HandoffStatus, ReferralStatus, Sector
from dispatch.models import Agency, Handoff, HandoffEscalation, Referral
from dispatch.reports.figures import DurationStats, duration_stats

if TYPE_CHECKING:
    from dispatch.reports.tables import TextTable
    from geodata.packs import RegionPack

_OPEN_REFERRAL = (ReferralStatus.SENT.value, ReferralStatus.ACKNOWLEDGED.value)


@dataclass(frozen=True)
class FollowUpTargets:
    """Follow-up targets from the region pack, the settings as defaults.

    Hand-offs: seconds per agency to acknowledge. Referrals: hours to resolve,
    per sector first (``referral_targets.csv``: what a caller can wait for
    depends on the problem), else per agency (``agencies.csv``), else the
    ``referral_target_hours`` setting.
    """

    handoff_s: dict[str, int] = field(default_factory=dict)
    referral_h: dict[str, int] = field(default_factory=dict)
    default_handoff_s: int = 120
    default_referral_h: int = 72
    referral_sector_h: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, pack: RegionPack | None, settings: EngineSettings) -> FollowUpTargets:
        """The pack's targets with the settings as defaults.

        A sector the engine does not know in the pack's referral targets is
        an error in the pack (``ValueError`` naming it), not a silent miss.
        """
        agencies = pack.agencies if pack is not None else ()
        sectors = dict(pack.sector_target_h) if pack is not None else {}
        unknown = sorted(set(sectors) - {s.value for s in Sector})
        if unknown:
            raise ValueError(
                f"Region pack {pack.name if pack else ''}: referral targets name "
                f"unknown sector(s) {', '.join(unknown)}; "
                f"known: {', '.join(s.value for s in Sector)}."
            )
        return cls(
            referral_sector_h=sectors,
            handoff_s={
                a.code: a.handoff_ack_target_s
                for a in agencies
                if a.handoff_ack_target_s
            },
            referral_h={
                a.code: a.referral_target_h for a in agencies if a.referral_target_h
            },
            default_handoff_s=settings.handoff_escalation_seconds,
            default_referral_h=settings.referral_target_hours,
        )

    def for_handoff(self, agency: str) -> int:
        """Seconds the agency has to acknowledge a hand-off."""
        return self.handoff_s.get(agency, self.default_handoff_s)

    def for_referral(self, agency: str, sector: str | None = None) -> int:
        """Hours a referral has to be resolved: its sector's, agency's or default."""
        by_sector = self.referral_sector_h.get(sector or Sector.OTHER.value)
        if by_sector is not None:
            return by_sector
        return self.referral_h.get(agency, self.default_referral_h)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class HandoffAgencyRow(_Frozen):
    """Hand-offs to one agency in the window."""

    agency: str
    name: str
    requested: int
    acknowledged: int
    waiting: int
    escalated: int
    to_acknowledge: DurationStats


class ReferralFollowUpRow(_Frozen):
    """Referrals to one agency or in one sector in the window."""

    key: str
    name: str
    sent: int
    acknowledged: int
    resolved: int
    open: int
    overdue: int
    to_acknowledge: DurationStats
    to_resolve: DurationStats


def handoffs_by_agency(
    session: Session,
    start: datetime,
    end: datetime,
    targets: FollowUpTargets,
) -> tuple[HandoffAgencyRow, ...]:
    """Hand-offs requested in ``[start, end)``, one row per agency."""
    names = dict(session.execute(select(Agency.code, Agency.short_name)).all())
    rows = session.execute(
        select(
            Handoff.agency_code,
            Handoff.status,
            Handoff.requested_at,
            Handoff.acknowledged_at,
            func.count(HandoffEscalation.id),
        )
        .outerjoin(HandoffEscalation, HandoffEscalation.handoff_id == Handoff.id)
        .where(Handoff.requested_at >= start, Handoff.requested_at < end)
        .group_by(Handoff.id)
    ).all()
    grouped: dict[str, list[Any]] = defaultdict(list)
    for row in rows:
        grouped[row[0]].append(row)
    return tuple(
        HandoffAgencyRow(
            agency=code,
            name=names.get(code, code),
            requested=len(items),
            acknowledged=sum(1 for r in items if r[3] is not None),
            waiting=sum(1 for r in items if r[1] == HandoffStatus.REQUESTED),
            escalated=sum(1 for r in items if r[4]),
            to_acknowledge=duration_stats(
                (
                    (ensure_utc(r[3]) - ensure_utc(r[2])).total_seconds()
                    for r in items
                    if r[3] is not None
                ),
                targets.for_handoff(code),
            ),
        )
        for code, items in sorted(grouped.items())
    )


def referrals_by(
    session: Session,
    start: datetime,
    end: datetime,
    targets: FollowUpTargets,
    *,
    now: datetime,
) -> tuple[tuple[ReferralFollowUpRow, ...], tuple[ReferralFollowUpRow, ...]]:
    """Referrals sent in ``[start, end)``: (by agency, by sector in report order)."""
    names = dict(session.execute(select(Agency.code, Agency.short_name)).all())
    rows = session.execute(
        select(
            Referral.agency_code,
            Referral.sector,
            Referral.status,
            Referral.sent_at,
            Referral.acknowledged_at,
            Referral.resolved_at,
        ).where(Referral.sent_at >= start, Referral.sent_at < end)
    ).all()
    by_agency: dict[str, list[Any]] = defaultdict(list)
    by_sector: dict[str, list[Any]] = {s.value: [] for s in Sector}
    for row in rows:
        by_agency[row[0]].append(row)
        by_sector.setdefault(row[1] or Sector.OTHER.value, []).append(row)

    def summary(key: str, name: str, items: list[Any]) -> ReferralFollowUpRow:
        def overdue(r: Any) -> bool:
            age = (ensure_utc(now) - ensure_utc(r[3])).total_seconds()
            target_h = targets.for_referral(r[0], r[1])
            return r[2] in _OPEN_REFERRAL and age >= target_h * 3600

        return ReferralFollowUpRow(
            key=key,
            name=name,
            sent=len(items),
            acknowledged=sum(1 for r in items if r[4] is not None),
            resolved=sum(1 for r in items if r[5] is not None),
            open=sum(1 for r in items if r[2] in _OPEN_REFERRAL),
            overdue=sum(1 for r in items if overdue(r)),
            to_acknowledge=duration_stats(
                (_between(r[3], r[4]) for r in items if r[4] is not None), None
            ),
            to_resolve=duration_stats(
                (_between(r[3], r[5]) for r in items if r[5] is not None), None
            ),
        )

    return (
        tuple(
            summary(code, names.get(code, code), items)
            for code, items in sorted(by_agency.items())
        ),
        tuple(
            summary(key, key.replace("_", " "), items)
            for key, items in by_sector.items()
        ),
    )


def _between(earlier: datetime, later: datetime) -> float:
    return (ensure_utc(later) - ensure_utc(earlier)).total_seconds()


def followup_tables(
    handoffs: tuple[HandoffAgencyRow, ...],
    referral_agencies: tuple[ReferralFollowUpRow, ...],
    referral_sectors: tuple[ReferralFollowUpRow, ...],
    *,
    raw: bool = False,
) -> list[TextTable]:
    """Hand-offs by agency; referrals by agency and by sector.

    ``raw`` gives plain numbers (seconds, hours) for CSV.
    """
    # tables.py imports the handover report, which imports this module.
    from dispatch.reports.tables import TextTable, fmt_seconds

    def secs(value: float | None) -> str:
        if raw:
            return "" if value is None else f"{value:.1f}"
        return fmt_seconds(value)

    def hours(value: float | None) -> str:
        if value is None:
            return "" if raw else "-"
        return f"{value / 3600:.1f}" + ("" if raw else " h")

    handoff_table = TextTable(
        "Hand-offs by agency",
        (
            "agency",
            "requested",
            "acknowledged",
            "waiting",
            "escalated",
            "to acknowledge median",
            "within target",
        ),
        tuple(
            (
                h.name,
                str(h.requested),
                str(h.acknowledged),
                str(h.waiting),
                str(h.escalated),
                secs(h.to_acknowledge.median_s),
                f"{h.to_acknowledge.within_target}/{h.to_acknowledge.count}",
            )
            for h in handoffs
        ),
    )

    def referral_table(title: str, rows: tuple[ReferralFollowUpRow, ...]) -> TextTable:
        return TextTable(
            title,
            (
                "name",
                "sent",
                "acknowledged",
                "resolved",
                "open",
                "overdue",
                "to acknowledge median",
                "to resolve median",
            ),
            tuple(
                (
                    r.name,
                    str(r.sent),
                    str(r.acknowledged),
                    str(r.resolved),
                    str(r.open),
                    str(r.overdue),
                    hours(r.to_acknowledge.median_s),
                    hours(r.to_resolve.median_s),
                )
                for r in rows
            ),
        )

    return [
        handoff_table,
        referral_table("Referral follow-up by agency", referral_agencies),
        referral_table("Referral follow-up by sector", referral_sectors),
    ]
