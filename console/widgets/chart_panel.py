"""ChartPanel: the shift's charts drawn in the terminal (the supervisor's tab 7).

The charts are the reports' own (:mod:`dispatch.reports.charts`), so the
screen shows what the HTML and PDF reports show: calls per hour by outcome,
times against targets, hand-offs and referrals by agency and sector. They are
drawn with ``textual-plotext``, which is imported the first time a chart is
drawn, not when the console starts: a desk that never opens the tab never
pays for it. One plot per chart, keyed by the chart's key and redrawn in
place when the figures change.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.containers import VerticalScroll
from textual.widgets import Static

from console.i18n import _, has

if TYPE_CHECKING:
    from dispatch.reports.charts import Chart

#: Plotext colour names per series position; the legend names every series.
COLOURS = ("blue", "green", "orange", "red", "magenta", "cyan", "yellow", "white")


def _word(prefix: str, text: str) -> str:
    """``text`` in the console's language when the catalogue has it, else as is.

    The charts' data names outcomes, series and sectors in English words (the
    reports' language); the screen shows the operator's language.
    """
    key = prefix + text.replace(" ", "_")
    return _(key) if has(key) else text


def draw_chart(plt: Any, chart: Chart) -> None:
    """Draw one chart on a plotext figure (cleared first), in the UI language."""
    plt.clear_data()
    plt.clear_figure()
    title = _(f"chart.{chart.key}") if has(f"chart.{chart.key}") else chart.title
    plt.ylabel(_word("chart.unit.", chart.unit))
    if not chart.categories or chart.empty:
        plt.title(f"{title}: {_('charts.no-data')}")
        return
    plt.title(title)
    labels = [_word("sector.", c) for c in chart.categories]
    values = [list(s.values) for s in chart.bars]
    prefix = "outcome." if chart.key == "calls-per-hour" else "chart.series."
    names = [_word(prefix, s.name) for s in chart.bars]
    colours = [COLOURS[n % len(COLOURS)] for n in range(len(names))]
    if len(names) == 1:
        plt.bar(labels, values[0], label=names[0], color=colours[0])
    elif chart.stacked:
        plt.stacked_bar(labels, values, labels=names, color=colours)
    else:
        plt.multiple_bar(labels, values, labels=names, color=colours)
    for series in chart.targets:
        points = [(i + 1, v) for i, v in enumerate(series.values) if v > 0]
        if points:
            xs, ys = zip(*points, strict=True)
            plt.scatter(
                list(xs), list(ys), marker="=", color="white", label=series.name
            )


class ChartPanel(VerticalScroll):
    """One terminal plot per report chart, stacked and scrollable."""

    DEFAULT_CSS = """
    ChartPanel { height: 1fr; }
    ChartPanel > .chart { height: 16; margin-bottom: 1; }
    """

    def compose(self) -> Any:
        """A line until the first charts arrive."""
        yield Static(_("charts.loading"), id="charts-wait")

    def show(self, charts: list[Chart]) -> None:
        """Draw ``charts``: new plots are mounted, existing ones redrawn."""
        from textual_plotext import PlotextPlot

        waiting = self.query("#charts-wait")
        if waiting:
            waiting.remove()
        for chart in charts:
            found = self.query(f"#chart-{chart.key}")
            if found:
                plot = found.first(PlotextPlot)
            else:
                plot = PlotextPlot(id=f"chart-{chart.key}", classes="chart")
                self.mount(plot)
            draw_chart(plot.plt, chart)
            plot.refresh()
