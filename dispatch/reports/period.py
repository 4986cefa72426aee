"""The period (monthly) report: the city's figures in one command.

Per local day and per kelurahan: calls, prank and silent shares, incidents,
answer times and response times against targets; referrals by agency and by
public-service sector with how many the agency acknowledged. Rendered as
rich, Markdown, HTML and CSV (one file, a ``section`` column per table, raw
numbers so spreadsheets can compute with them).
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict
from rich.console import Group, RenderableType
from rich.text import Text
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.clock import ensure_utc
from dispatch.config import EngineSettings
from dispatch.enums import CallOutcome
from dispatch.models import Agency, Call, Incident, Referral
from dispatch.reports.figures import (
    DurationStats,
    ShiftFigures,
    duration_stats,
    shift_figures,
)
from dispatch.reports.followup import (
    FollowUpTargets,
    HandoffAgencyRow,
    ReferralFollowUpRow,
    followup_tables,
    handoffs_by_agency,
    referrals_by,
)
from dispatch.reports.render import (
    PAGE_CSS,
    rich_tables,
    tables_html,
    tables_markdown,
)
from dispatch.reports.tables import (
    NOT_MEASURED,
    TextTable,
    figure_tables,
    fmt_seconds,
    fmt_share,
)
from dispatch.reports.targets import Targets, load_targets
from dispatch.reports.window import period_window

if TYPE_CHECKING:
    from dispatch.services import DispatchService

#: The sectors the city's complaint channels report on, in report order.
SECTORS = (
    "drinking_water",
    "sanitation",
    "water_resources",
    "roads",
    "power",
    "social",
    "other",
)
UNKNOWN = "(unknown)"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class DayRow(_Frozen):
    """One local day."""

    day: date
    calls: int
    calls_by_outcome: dict[str, int]
    prank_share: float | None
    silent_share: float | None
    incidents: int
    answer: DurationStats
    p1_answer_to_dispatch: DurationStats
    p1_call_to_on_scene: DurationStats


class KelurahanRow(_Frozen):
    """One kelurahan over the whole period."""

    kelurahan: str
    calls: int
    prank: int
    silent: int
    incidents: int
    call_to_on_scene: DurationStats


class ReferralRow(_Frozen):
    """Referrals to one agency or in one sector."""

    key: str
    name: str
    sent: int
    acknowledged: int
    resolved: int


class PeriodReport(_Frozen):
    """The period report's data."""

    first_day: date
    last_day: date
    zone: str
    totals: ShiftFigures
    days: tuple[DayRow, ...]
    kelurahan: tuple[KelurahanRow, ...]
    referrals_by_agency: tuple[ReferralRow, ...]
    referrals_by_sector: tuple[ReferralRow, ...]
    handoffs_by_agency: tuple[HandoffAgencyRow, ...] = ()
    followup_by_agency: tuple[ReferralFollowUpRow, ...] = ()
    followup_by_sector: tuple[ReferralFollowUpRow, ...] = ()


def build_period(
    session: Session,
    first: date,
    last: date,
    *,
    settings: EngineSettings,
    as_of: datetime | None = None,
    followup_targets: FollowUpTargets | None = None,
) -> PeriodReport:
    """Gather the period report for local days ``first`` … ``last`` inclusive.

    ``followup_targets`` (the pack's, from the console) decide which open
    referrals count as overdue; without them the settings' defaults do.
    """
    goals = load_targets()
    window = period_window(first, last, settings)
    when = as_of or window.end
    totals = shift_figures(session, window, as_of=when, targets=goals)
    days = _day_rows(session, first, last, settings, when, goals)
    start, end = window.start, window.end
    kel_rows = _kelurahan_rows(session, start, end)
    by_agency, by_sector = _referral_rows(session, start, end)
    follow = followup_targets or FollowUpTargets.of(None, settings)
    follow_agency, follow_sector = referrals_by(session, start, end, follow, now=when)
    return PeriodReport(
        handoffs_by_agency=handoffs_by_agency(session, start, end, follow),
        followup_by_agency=follow_agency,
        followup_by_sector=follow_sector,
        first_day=first,
        last_day=last,
        zone=window.zone,
        totals=totals,
        days=days,
        kelurahan=kel_rows,
        referrals_by_agency=by_agency,
        referrals_by_sector=by_sector,
    )


def _day_rows(
    session: Session,
    first: date,
    last: date,
    settings: EngineSettings,
    when: datetime,
    goals: Targets,
) -> tuple[DayRow, ...]:
    """One row per local day, each from that day's shift figures."""
    days = []
    day = first
    while day <= last:
        fig = shift_figures(
            session, period_window(day, day, settings), as_of=when, targets=goals
        )
        days.append(
            DayRow(
                day=day,
                calls=fig.calls_total,
                calls_by_outcome=fig.calls_by_outcome,
                prank_share=fig.prank_share,
                silent_share=fig.silent_share,
                incidents=fig.incidents_total,
                answer=fig.answer,
                p1_answer_to_dispatch=fig.priority("P1").answer_to_dispatch,
                p1_call_to_on_scene=fig.priority("P1").call_to_on_scene,
            )
        )
        day += timedelta(days=1)
    return tuple(days)


def _kelurahan_rows(
    session: Session, start: datetime, end: datetime
) -> tuple[KelurahanRow, ...]:
    """Calls, incidents and on-scene times per kelurahan; unknown place last."""
    calls = session.execute(
        select(Call.kelurahan, Call.outcome).where(
            Call.received_at >= start, Call.received_at < end
        )
    ).all()
    by_kel: dict[str, Counter[str]] = defaultdict(Counter)
    for kel, outcome in calls:
        by_kel[kel or UNKNOWN]["calls"] += 1
        by_kel[kel or UNKNOWN][outcome or "open"] += 1
    on_scene: dict[str, list[float]] = defaultdict(list)
    for kel, received, arrived in session.execute(
        select(
            Incident.kelurahan, Incident.call_received_at, Incident.first_on_scene_at
        ).where(Incident.created_at >= start, Incident.created_at < end)
    ).all():
        by_kel[kel or UNKNOWN]["incidents"] += 1
        if arrived is not None:
            on_scene[kel or UNKNOWN].append(
                (ensure_utc(arrived) - ensure_utc(received)).total_seconds()
            )
    return tuple(
        KelurahanRow(
            kelurahan=name,
            calls=counts["calls"],
            prank=counts[CallOutcome.PRANK],
            silent=counts[CallOutcome.SILENT],
            incidents=counts["incidents"],
            call_to_on_scene=duration_stats(on_scene[name], None),
        )
        for name, counts in sorted(
            by_kel.items(), key=lambda kv: (kv[0] == UNKNOWN, kv[0])
        )
    )


def _referral_rows(
    session: Session, start: datetime, end: datetime
) -> tuple[tuple[ReferralRow, ...], tuple[ReferralRow, ...]]:
    """Referrals sent, acknowledged and resolved, by agency and by sector.

    Every sector has a row, even with nothing sent, so periods compare.
    """
    names = dict(session.execute(select(Agency.code, Agency.short_name)).all())
    referrals = session.execute(
        select(
            Referral.agency_code,
            Referral.sector,
            Referral.acknowledged_at,
            Referral.resolved_at,
        ).where(Referral.sent_at >= start, Referral.sent_at < end)
    ).all()
    agency: dict[str, Counter[str]] = defaultdict(Counter)
    sector: dict[str, Counter[str]] = {s: Counter() for s in SECTORS}
    for code, sec, acked, resolved in referrals:
        for bucket in (agency[code], sector.setdefault(sec or "other", Counter())):
            bucket["sent"] += 1
            bucket["acknowledged"] += acked is not None
            bucket["resolved"] += resolved is not None
    by_agency = tuple(
        ReferralRow(
            key=code,
            name=names.get(code, code),
            sent=c["sent"],
            acknowledged=c["acknowledged"],
            resolved=c["resolved"],
        )
        for code, c in sorted(agency.items())
    )
    by_sector = tuple(
        ReferralRow(
            key=key,
            name=key.replace("_", " "),
            sent=c["sent"],
            acknowledged=c["acknowledged"],
            resolved=c["resolved"],
        )
        for key, c in sector.items()
    )
    return by_agency, by_sector


def period_for(services: DispatchService, first: date, last: date) -> PeriodReport:
    """The period report through the service facade (its door checks)."""
    return services.period_report(first, last)


# -- tables ---------------------------------------------------------------------------


def _num(value: float | None, raw: bool, kind: str) -> str:
    if raw:
        if value is None:
            return ""
        return f"{100 * value:.1f}" if kind == "share" else f"{value:.1f}"
    return fmt_share(value) if kind == "share" else fmt_seconds(value)


def _answer(stats: DurationStats, value: float | None, raw: bool, kind: str) -> str:
    if stats.not_measured:
        return "" if raw else NOT_MEASURED
    return _num(value, raw, kind)


def period_tables(report: PeriodReport, *, raw: bool = False) -> list[TextTable]:
    """The report's tables; ``raw`` gives plain numbers (shares in %, times in s)."""
    outcomes = sorted({o for d in report.days for o in d.calls_by_outcome})
    daily = TextTable(
        "Per day",
        (
            "day",
            "calls",
            *outcomes,
            "prank share",
            "silent share",
            "incidents",
            "answers measured",
            "answer median",
            "answered within target",
            "P1 answer to dispatch median",
            "P1 call to on scene median",
        ),
        tuple(
            (
                d.day.isoformat(),
                str(d.calls),
                *(str(d.calls_by_outcome.get(o, 0)) for o in outcomes),
                _num(d.prank_share, raw, "share"),
                _num(d.silent_share, raw, "share"),
                str(d.incidents),
                f"{d.answer.count}/{d.answer.count + d.answer.unmeasured}",
                _answer(d.answer, d.answer.median_s, raw, "s"),
                _answer(d.answer, d.answer.share_within, raw, "share"),
                _num(d.p1_answer_to_dispatch.median_s, raw, "s"),
                _num(d.p1_call_to_on_scene.median_s, raw, "s"),
            )
            for d in report.days
        ),
    )
    kelurahan = TextTable(
        "Per kelurahan",
        (
            "kelurahan",
            "calls",
            "prank",
            "silent",
            "incidents",
            "call to on scene median",
        ),
        tuple(
            (
                k.kelurahan,
                str(k.calls),
                str(k.prank),
                str(k.silent),
                str(k.incidents),
                _num(k.call_to_on_scene.median_s, raw, "s"),
            )
            for k in report.kelurahan
        ),
    )

    def referral_table(title: str, rows: tuple[ReferralRow, ...]) -> TextTable:
        return TextTable(
            title,
            ("key", "name", "sent", "acknowledged", "resolved"),
            tuple(
                (r.key, r.name, str(r.sent), str(r.acknowledged), str(r.resolved))
                for r in rows
            ),
        )

    totals = figure_tables(report.totals)
    return [
        *totals,
        daily,
        kelurahan,
        referral_table("Referrals by agency", report.referrals_by_agency),
        referral_table("Referrals by sector", report.referrals_by_sector),
        *followup_tables(
            report.handoffs_by_agency,
            report.followup_by_agency,
            report.followup_by_sector,
            raw=raw,
        ),
    ]


def _title(report: PeriodReport) -> str:
    return f"Period report {report.first_day} to {report.last_day} ({report.zone})"


def period_markdown(report: PeriodReport) -> str:
    """The period report as Markdown."""
    return f"# {_title(report)}\n\n" + tables_markdown(period_tables(report))


def period_html(report: PeriodReport) -> str:
    """The period report as one HTML page."""
    import html

    from dispatch.reports.chart_draw import charts_html
    from dispatch.reports.charts import period_charts

    title = html.escape(_title(report))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{PAGE_CSS}</style></head>"
        f"<body><h1>{title}</h1>\n"
        f"{tables_html(period_tables(report))}\n"
        f"{charts_html(period_charts(report))}\n</body></html>\n"
    )


def period_pdf(report: PeriodReport) -> bytes:
    """The period report as PDF bytes: the tables, then the charts."""
    from dispatch.reports.charts import period_charts
    from dispatch.reports.pdf import tables_pdf

    return tables_pdf(
        _title(report), [], period_tables(report), charts=period_charts(report)
    )


def period_rich(report: PeriodReport) -> RenderableType:
    """The period report for a rich console."""
    return Group(
        Text(_title(report), style="bold"), *rich_tables(period_tables(report))
    )


def period_csv(report: PeriodReport) -> str:
    """All tables in one CSV: ``section`` column, a header row per section."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for table in period_tables(report, raw=True):
        writer.writerow(["section", *table.headers])
        for row in table.rows:
            writer.writerow([table.title, *row])
        writer.writerow([])
    return buffer.getvalue()
