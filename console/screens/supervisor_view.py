"""What the supervisor's tabs show, as Rich renderables and table cells.

Pure functions from the engine's report and queue views to text: the shift
figures (:func:`figures_renderable`), a queue row (:func:`queue_cells`), the
attention list (:func:`attention_lines`), and the surge plan and its result
(:func:`surge_plan_text`, :func:`surge_result_text`). The screen
(:mod:`console.screens.supervisor`) decides when to show them.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from rich.box import SIMPLE_HEAD
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from console.screens.ops_texts import t
from console.widgets.timers import clock_text
from dispatch.clock import ensure_utc

if TYPE_CHECKING:
    from dispatch.reports.figures import DurationStats, ShiftFigures
    from dispatch.reports.handover import HandoverReport
    from dispatch.schemas import IncidentSummary, SurgePlan, SurgeResult

PRIORITY_STYLE = {
    "P1": "bold white on red",
    "P2": "bold black on #ff8700",
    "P3": "bold black on yellow",
    "P4": "bold white on blue",
}


def hm(value: datetime) -> str:
    """Day/month and time, as the supervisor's lines show them."""
    return value.strftime("%d/%m %H:%M")


def queue_cells(incident: IncidentSummary, now: datetime) -> tuple[Any, ...]:
    """One row of the supervisor's queue table."""
    age = max(0, int((now - ensure_utc(incident.call_received_at)).total_seconds()))
    return (
        Text(
            f" {incident.priority} ",
            style=PRIORITY_STYLE.get(str(incident.priority), ""),
        ),
        incident.number,
        incident.type_code,
        t(f"istatus.{incident.status}"),
        incident.place_name or incident.location_text or "—",
        f"{age // 60}:{age % 60:02d}",
        ", ".join(incident.units) or "—",
    )


def attention_lines(report: HandoverReport, zone: tzinfo) -> list[Text]:
    """Hand-offs nobody acknowledged and timers past target, one line each."""
    lines: list[Text] = []
    for handoff in report.handoffs:
        lines.append(
            Text(
                "⚠ "
                + t(
                    "sup.handoff-waiting",
                    number=handoff.number,
                    agency=handoff.agency,
                    since=hm(handoff.requested_at.astimezone(zone)),
                    minutes=int(handoff.waited_s // 60),
                )
            )
        )
    for line in report.open_incidents:
        if line.overdue:
            lines.append(
                Text(
                    "⏱ "
                    + t(
                        "sup.timer-overdue",
                        number=line.number,
                        priority=line.priority,
                        status=t(f"istatus.{line.status}"),
                        minutes=int(line.age_s // 60),
                    )
                )
            )
    return lines


def surge_plan_text(plan: SurgePlan) -> Table:
    """Every line the surge would commit: incident, priority, unit, ETA."""
    table = Table(box=SIMPLE_HEAD, expand=True, pad_edge=False)
    table.add_column(t("col.number"))
    table.add_column(t("col.prio"))
    table.add_column(t("col.type"))
    table.add_column(t("sup.surge.unit"))
    table.add_column("ETA", justify="right")
    for line in plan.lines:
        table.add_row(
            line.number,
            Text(f" {line.priority} ", style=PRIORITY_STYLE.get(line.priority, "")),
            line.type_code,
            line.callsign,
            clock_text(line.eta_seconds),
        )
    for skip in plan.skipped:
        table.add_row(
            skip.number, "", "", Text(t(f"sup.surge.skip.{skip.code}"), style="dim"), ""
        )
    return table


def surge_result_text(result: SurgeResult) -> str:
    """One sentence for the notification, then the incidents that failed."""
    lines = [
        t(
            "sup.surge.done",
            units=result.assigned_count,
            incidents=len(result.outcomes) - len(result.failed),
        )
    ]
    lines += [
        t("sup.surge.failed", number=o.number, error=o.error) for o in result.failed
    ]
    return "\n".join(lines)


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _stats_row(label: str, stats: DurationStats) -> tuple[str, ...]:
    count = str(stats.count)
    if stats.unmeasured:  # measured / all, e.g. calls answered without a ring
        count = f"{stats.count}/{stats.count + stats.unmeasured}"
    if stats.not_measured:
        return (label, count, "—", "—", _seconds(stats.target_s), t("sup.not-measured"))
    within = (
        f"{stats.within_target}/{stats.count} ({_share(stats.share_within)})"
        if stats.target_s is not None and stats.count
        else "—"
    )
    return (
        label,
        count,
        _seconds(stats.median_s),
        _seconds(stats.p90_s),
        _seconds(stats.target_s),
        within,
    )


def figures_renderable(fig: ShiftFigures) -> RenderableType:
    """The shift figures as compact Rich tables (flow side by side when wide)."""
    summary = Text()
    summary.append(f"{t('sup.calls')} {fig.calls_total}", style="bold")
    summary.append(
        f" · {t('sup.prank')} {_share(fig.prank_share)}"
        f" · {t('sup.silent')} {_share(fig.silent_share)}"
    )
    summary.append(f"\n{t('sup.incidents')} {fig.incidents_total}", style="bold")
    summary.append(f" · {t('sup.open-incidents')} {fig.open_incidents}")
    summary.append(
        f"\n{t('sup.units-busy')} {fig.units_busy}/{fig.units_total}", style="bold"
    )

    outcomes = Table(title=t("sup.calls"), box=SIMPLE_HEAD, title_justify="left")
    outcomes.add_column(t("sup.outcome"))
    outcomes.add_column(t("sup.count"), justify="right")
    outcomes.add_column(t("sup.share"), justify="right")
    for name, count in fig.calls_by_outcome.items():
        share = count / fig.calls_total if fig.calls_total else None
        outcomes.add_row(t(f"outcome.{name}"), str(count), _share(share))

    priorities = Table(
        title=t("sup.by-priority"), box=SIMPLE_HEAD, title_justify="left"
    )
    priorities.add_column(t("col.prio"))
    priorities.add_column(t("sup.count"), justify="right")
    for name, count in sorted(fig.incidents_by_priority.items()):
        priorities.add_row(
            Text(f" {name} ", style=PRIORITY_STYLE.get(name, "")), str(count)
        )

    types = Table(title=t("sup.by-type"), box=SIMPLE_HEAD, title_justify="left")
    types.add_column(t("col.type"))
    types.add_column(t("sup.count"), justify="right")
    for name, count in sorted(
        fig.incidents_by_type.items(), key=lambda kv: (-kv[1], kv[0])
    ):
        types.add_row(name, str(count))

    times = Table(title=t("sup.times"), box=SIMPLE_HEAD, title_justify="left")
    for header, justify in (
        ("sup.measure", "left"),
        ("n", "right"),
        ("sup.median", "right"),
        ("sup.p90", "right"),
        ("sup.target", "right"),
        ("sup.within", "right"),
    ):
        times.add_column(t(header) if "." in header else header, justify=justify)  # type: ignore[arg-type]
    times.add_row(*_stats_row(t("sup.answer"), fig.answer))
    for row in fig.by_priority:
        times.add_row(
            *_stats_row(
                f"{row.priority} {t('sup.answer-dispatch')}", row.answer_to_dispatch
            )
        )
    for row in fig.by_priority:
        times.add_row(
            *_stats_row(f"{row.priority} {t('sup.call-scene')}", row.call_to_on_scene)
        )

    return Group(
        summary,
        Columns([outcomes, priorities, types], padding=(0, 2)),
        times,
    )
