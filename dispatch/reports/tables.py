"""The handover report as plain tables of text, shared by every renderer.

Rich, Markdown, HTML and PDF all draw these same :class:`TextTable` objects,
so the numbers cannot differ between the terminal and the archive copies.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from dispatch.reports.figures import DurationStats, ShiftFigures
from dispatch.reports.handover import HandoverReport


@dataclass(frozen=True)
class TextTable:
    """A titled table of strings."""

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    empty: str = "none"


def fmt_seconds(value: float | None) -> str:
    """``65 s`` / ``62.5 s``; ``-`` for no data."""
    if value is None:
        return "-"
    return f"{value:.0f} s" if float(value).is_integer() else f"{value:.1f} s"


def fmt_share(value: float | None) -> str:
    """``22.7 %``; ``-`` for no data."""
    return "-" if value is None else f"{100 * value:.1f} %"


def fmt_duration(seconds: float) -> str:
    """``2 h 05 m`` / ``4 m 10 s`` for ages and waits."""
    total = int(max(0, seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} m"
    return f"{minutes} m {secs:02d} s"


def fmt_time(value: datetime, zone: str) -> str:
    """Local ``YYYY-MM-DD HH:MM:SS``."""
    return value.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S")


#: Shown where an interval could not be measured (no ring signal, for answers).
NOT_MEASURED = "not measured"


def fmt_count(stats: DurationStats) -> str:
    """``12``, or ``3 (+9 not measured)`` when some items had no measurement."""
    if stats.unmeasured:
        return f"{stats.count} (+{stats.unmeasured} {NOT_MEASURED})"
    return str(stats.count)


def _stats_row(label: str, stats: DurationStats) -> tuple[str, ...]:
    if stats.not_measured:
        return (
            label,
            fmt_count(stats),
            NOT_MEASURED,
            NOT_MEASURED,
            fmt_seconds(stats.target_s),
            NOT_MEASURED,
        )
    return (
        label,
        fmt_count(stats),
        fmt_seconds(stats.median_s),
        fmt_seconds(stats.p90_s),
        fmt_seconds(stats.target_s),
        fmt_share(stats.share_within),
    )


def figure_tables(fig: ShiftFigures) -> list[TextTable]:
    """The figures as tables: summary, outcomes, incidents, times."""
    summary = TextTable(
        "Summary",
        ("figure", "value"),
        (
            ("calls", str(fig.calls_total)),
            ("prank share", fmt_share(fig.prank_share)),
            ("silent share", fmt_share(fig.silent_share)),
            ("incidents", str(fig.incidents_total)),
            (
                "referrals (acknowledged)",
                f"{fig.referrals_total} ({fig.referrals_acknowledged})",
            ),
            ("open incidents", str(fig.open_incidents)),
            ("overdue timers", str(fig.overdue_timers)),
            ("unacknowledged hand-offs", str(fig.unacknowledged_handoffs)),
            ("overdue hand-offs", str(fig.overdue_handoffs)),
            ("hand-off escalations", str(fig.handoff_escalations)),
            ("units busy / total", f"{fig.units_busy} / {fig.units_total}"),
            ("units out of service", str(fig.units_out_of_service)),
        ),
    )
    outcomes = TextTable(
        "Calls by outcome",
        ("outcome", "calls", "share"),
        tuple(
            (name, str(n), fmt_share(n / fig.calls_total if fig.calls_total else None))
            for name, n in fig.calls_by_outcome.items()
        ),
    )
    by_type = TextTable(
        "Incidents by type",
        ("type", "incidents"),
        tuple((k, str(v)) for k, v in fig.incidents_by_type.items()),
    )
    by_priority = TextTable(
        "Incidents by priority",
        ("priority", "incidents"),
        tuple((k, str(v)) for k, v in fig.incidents_by_priority.items()),
    )
    headers = ("measure", "n", "median", "p90", "target", "within target")
    times = TextTable(
        "Times against targets",
        headers,
        (
            _stats_row("ring to answer (NENA: 90 % within target)", fig.answer),
            *(
                _stats_row(f"{row.priority} answer to dispatch", row.answer_to_dispatch)
                for row in fig.by_priority
            ),
            *(
                _stats_row(f"{row.priority} call to on scene", row.call_to_on_scene)
                for row in fig.by_priority
            ),
        ),
    )
    return [summary, outcomes, by_type, by_priority, times]


def handover_heading(report: HandoverReport) -> list[str]:
    """The lines under the handover report's title: shift, time, who handed over."""
    shift = f"Shift: {report.window_label}"
    if report.shift_id is not None:
        shift += f" (shift {report.shift_id})"
    lines = [
        shift,
        f"As at: {fmt_time(report.generated_at, report.figures.zone)} "
        f"({report.figures.zone}); targets from the {report.figures.targets_source}",
    ]
    if report.handed_over_by:
        lines.append(f"Handed over by: {report.handed_over_by}")
    checkpoint = report.checkpoint
    if checkpoint is not None:
        lines.append(
            f"Journal checkpoint {checkpoint.seq}: event {checkpoint.event_id}, "
            f"hash {checkpoint.hash}, signed {checkpoint.signature}"
        )
    else:
        lines.append("Journal checkpoint: none (in-memory database, no witness)")
    return lines


#: How far a hand-off escalated, in the report's words.
_ESCALATED = {1: "desk alarm", 2: "supervisor"}


def handover_tables(report: HandoverReport) -> list[TextTable]:
    """Every table of the handover report, in reading order."""
    zone = report.figures.zone
    open_incidents = TextTable(
        "Open incidents",
        ("incident", "type", "prio", "status", "kelurahan", "age", "units", "pending"),
        tuple(
            (
                i.number,
                i.type_code,
                i.priority,
                i.status + (" OVERDUE" if i.overdue else ""),
                i.kelurahan or "-",
                fmt_duration(i.age_s),
                ", ".join(i.units) or "-",
                i.pending,
            )
            for i in report.open_incidents
        ),
    )
    handoffs = TextTable(
        "Unacknowledged hand-offs",
        ("incident", "agency", "requested", "waiting", "escalated"),
        tuple(
            (
                h.number,
                h.agency,
                fmt_time(h.requested_at, zone),
                fmt_duration(h.waited_s) + (" OVERDUE" if h.overdue else ""),
                _ESCALATED.get(h.escalation_level, "yes" if h.escalated else "no"),
            )
            for h in report.handoffs
        ),
    )
    referrals = TextTable(
        "Open referrals",
        ("referral", "agency", "channel", "reference", "status", "sent", "waiting"),
        tuple(
            (
                str(r.referral_id),
                r.agency,
                r.channel,
                r.reference or "-",
                r.status,
                fmt_time(r.sent_at, zone),
                fmt_duration(r.waited_s),
            )
            for r in report.referrals
        ),
    )
    units = TextTable(
        "Units out of service",
        ("unit", "name", "agency", "status", "since"),
        tuple(
            (u.callsign, u.name, u.agency, u.status, fmt_time(u.since, zone))
            for u in report.units_out
        ),
    )
    notable = TextTable(
        "Notable events",
        ("event", "time", "operator", "what"),
        tuple(
            (str(n.event_id), fmt_time(n.at, zone), n.actor, n.text)
            for n in report.notable
        ),
    )
    from dispatch.reports.followup import followup_tables

    return [
        open_incidents,
        handoffs,
        referrals,
        units,
        *figure_tables(report.figures),
        *followup_tables(
            report.handoffs_by_agency,
            report.referrals_by_agency,
            report.referrals_by_sector,
        ),
        notable,
    ]
