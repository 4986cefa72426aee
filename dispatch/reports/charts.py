"""The reports' charts as plain data, shared by every drawer.

A supervisor would rather look than read for a few questions: how many calls
came in each hour and how many of them were pranks or silent, whether the
response and processing times kept to their targets, and which agencies and
sectors the hand-offs and referrals went to. :func:`handover_charts` and
:func:`period_charts` answer them as :class:`Chart` objects built from the
same report data the tables use, so a chart can never disagree with a table.

Drawing is elsewhere and loads its library only when a chart is drawn:
:mod:`dispatch.reports.chart_draw` (matplotlib, SVG for HTML and PNG for
PDF) and the console's chart panel (a terminal plot). This module imports
neither, so reports without charts (Markdown, CSV, JSON) stay light.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

from dispatch.reports.figures import NO_OUTCOME, ShiftFigures
from dispatch.reports.followup import HandoffAgencyRow, ReferralFollowUpRow

if TYPE_CHECKING:
    from dispatch.reports.handover import HandoverReport
    from dispatch.reports.period import PeriodReport

__all__ = ["Chart", "Series", "handover_charts", "period_charts"]

#: Outcomes drawn first (bottom of a stack) and their order; others follow.
OUTCOME_ORDER = ("incident", "referral", "advice", "prank", "silent", NO_OUTCOME)


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Series(_Frozen):
    """One named row of values, one value per category of its chart."""

    name: str
    values: tuple[float, ...]
    kind: Literal["bar", "target"] = "bar"
    """``target`` series are drawn as markers over the bars, not as bars."""


class Chart(_Frozen):
    """A bar chart: categories along the x axis, one or more series."""

    key: str
    """Stable id (``calls-per-hour``), used for file and widget names."""
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str
    """What the y axis counts (``calls``, ``seconds``, ``referrals``)."""
    stacked: bool = False

    @property
    def bars(self) -> tuple[Series, ...]:
        """The series drawn as bars."""
        return tuple(s for s in self.series if s.kind == "bar")

    @property
    def targets(self) -> tuple[Series, ...]:
        """The series drawn as target markers."""
        return tuple(s for s in self.series if s.kind == "target")

    @property
    def empty(self) -> bool:
        """True when no bar has a value: the drawers say "no data" instead."""
        return not any(v for s in self.bars for v in s.values)


def _ordered_outcomes(figures: ShiftFigures) -> list[str]:
    seen = {o for hour in figures.calls_by_hour for o in hour.outcomes}
    first = [o for o in OUTCOME_ORDER if o in seen]
    return first + sorted(seen - set(first))


def calls_per_hour_chart(figures: ShiftFigures) -> Chart:
    """Calls per local hour, stacked by outcome (prank and silent visible)."""
    hours = figures.calls_by_hour
    outcomes = _ordered_outcomes(figures)
    return Chart(
        key="calls-per-hour",
        title=f"Calls per hour by outcome ({figures.zone})",
        categories=tuple(f"{h.hour:02d}" for h in hours),
        series=tuple(
            Series(name=o, values=tuple(float(h.outcomes.get(o, 0)) for h in hours))
            for o in outcomes
        ),
        unit="calls",
        stacked=True,
    )


def _value(seconds: float | None) -> float:
    return 0.0 if seconds is None else float(seconds)


def times_chart(figures: ShiftFigures) -> Chart:
    """Median answer, dispatch and on-scene times per priority against targets.

    Categories are ``answer`` (ring to answer, all calls) then one per
    priority for answer-to-dispatch and call-to-on-scene; a missing median
    (no incident of that priority) is drawn as 0 and a missing target not at
    all (0 is never a target).
    """
    categories = ["answer"]
    medians = [_value(figures.answer.median_s)]
    targets = [_value(figures.answer.target_s)]
    for row in figures.by_priority:
        for label, stats in (
            ("dispatch", row.answer_to_dispatch),
            ("on scene", row.call_to_on_scene),
        ):
            categories.append(f"{row.priority} {label}")
            medians.append(_value(stats.median_s))
            targets.append(_value(stats.target_s))
    return Chart(
        key="times-vs-targets",
        title="Response and processing times (median) against targets",
        categories=tuple(categories),
        series=(
            Series(name="median", values=tuple(medians)),
            Series(name="target", values=tuple(targets), kind="target"),
        ),
        unit="seconds",
    )


def handoffs_chart(rows: Sequence[HandoffAgencyRow]) -> Chart:
    """Hand-offs per agency: acknowledged, still waiting, escalated."""
    return Chart(
        key="handoffs-by-agency",
        title="Hand-offs by agency",
        categories=tuple(r.name for r in rows),
        series=(
            Series(
                name="acknowledged", values=tuple(float(r.acknowledged) for r in rows)
            ),
            Series(name="waiting", values=tuple(float(r.waiting) for r in rows)),
            Series(name="escalated", values=tuple(float(r.escalated) for r in rows)),
        ),
        unit="hand-offs",
    )


def referrals_chart(key: str, title: str, rows: Sequence[ReferralFollowUpRow]) -> Chart:
    """Referrals per agency or sector: resolved, open, overdue."""
    return Chart(
        key=key,
        title=title,
        categories=tuple(r.name for r in rows),
        series=(
            Series(name="resolved", values=tuple(float(r.resolved) for r in rows)),
            Series(name="open", values=tuple(float(r.open) for r in rows)),
            Series(name="overdue", values=tuple(float(r.overdue) for r in rows)),
        ),
        unit="referrals",
    )


def _charts(
    figures: ShiftFigures,
    handoffs: Sequence[HandoffAgencyRow],
    by_agency: Sequence[ReferralFollowUpRow],
    by_sector: Sequence[ReferralFollowUpRow],
) -> list[Chart]:
    return [
        calls_per_hour_chart(figures),
        times_chart(figures),
        handoffs_chart(handoffs),
        referrals_chart("referrals-by-agency", "Referrals by agency", by_agency),
        referrals_chart("referrals-by-sector", "Referrals by sector", by_sector),
    ]


def handover_charts(report: HandoverReport) -> list[Chart]:
    """The charts of a handover report (and of the supervisor screen)."""
    return _charts(
        report.figures,
        report.handoffs_by_agency,
        report.referrals_by_agency,
        report.referrals_by_sector,
    )


def period_charts(report: PeriodReport) -> list[Chart]:
    """The charts of a period report."""
    return _charts(
        report.totals,
        report.handoffs_by_agency,
        report.followup_by_agency,
        report.followup_by_sector,
    )
