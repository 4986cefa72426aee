"""Draw report charts with matplotlib: SVG for HTML pages, PNG for PDF.

matplotlib is imported inside the drawing functions, never at module level,
so importing the reports (or starting the console) does not pay its import
time; only writing an HTML or PDF report does. Figures are built with the
object API (``matplotlib.figure.Figure`` and an explicit canvas), not
``pyplot``: no global figure state, safe in a worker thread, no GUI backend.

SVG output keeps text as text (``svg.fonttype = none``: smaller, searchable,
selectable in a browser) and carries no date and a fixed id salt, so the same
report draws the same bytes twice.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from dispatch.reports.charts import Chart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["chart_png", "chart_svg", "charts_html"]

#: Bar colours in series order (colour-blind-safe Okabe-Ito palette); a
#: series is also named in the legend, never told apart by colour alone.
PALETTE = (
    "#0072B2",
    "#009E73",
    "#E69F00",
    "#D55E00",
    "#CC79A7",
    "#56B4E9",
    "#F0E442",
    "#000000",
)

_RC: dict[Any, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "siaga112",
    "font.size": 9,
}


def _figure(chart: Chart) -> Figure:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(9, 3.6), dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(chart.title, loc="left", fontsize=11)
    ax.set_ylabel(chart.unit)
    ax.grid(axis="y", alpha=0.3)
    ax.set_axisbelow(True)
    if not chart.categories or chart.empty:
        ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        ax.set_xticks([])
        ax.set_yticks([])
        return fig
    _draw_bars(ax, chart)
    for series in chart.targets:
        xs = [i for i, v in enumerate(series.values) if v > 0]
        ax.scatter(
            xs,
            [series.values[i] for i in xs],
            marker="_",
            s=400,
            linewidths=2.5,
            color="#000000",
            label=series.name,
            zorder=3,
        )
    ax.set_xticks(range(len(chart.categories)), chart.categories)
    if max(len(c) for c in chart.categories) > 4:
        ax.tick_params(axis="x", labelrotation=30)
        for label in ax.get_xticklabels():
            label.set_horizontalalignment("right")
    ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    return fig


def _draw_bars(ax: Any, chart: Chart) -> None:
    bars = chart.bars
    positions = range(len(chart.categories))
    if chart.stacked:
        bottom = [0.0] * len(chart.categories)
        for n, series in enumerate(bars):
            ax.bar(
                positions,
                series.values,
                bottom=bottom,
                label=series.name,
                color=PALETTE[n % len(PALETTE)],
            )
            bottom = [b + v for b, v in zip(bottom, series.values, strict=True)]
        return
    width = 0.8 / max(1, len(bars))
    for n, series in enumerate(bars):
        offset = (n - (len(bars) - 1) / 2) * width
        ax.bar(
            [p + offset for p in positions],
            series.values,
            width=width,
            label=series.name,
            color=PALETTE[n % len(PALETTE)],
        )


def chart_svg(chart: Chart) -> str:
    """The chart as an SVG document (text), for embedding in an HTML page."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_svg import FigureCanvasSVG

    with rc_context(_RC):
        fig = _figure(chart)
        buffer = io.StringIO()
        FigureCanvasSVG(fig)
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    text = buffer.getvalue()
    # Drop the XML prolog and doctype: the SVG goes inside an HTML page.
    return text[text.index("<svg") :]


def chart_png(chart: Chart, *, dpi: int = 150) -> bytes:
    """The chart as PNG bytes, for a PDF page."""
    from matplotlib import rc_context
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    with rc_context(_RC):
        fig = _figure(chart)
        buffer = io.BytesIO()
        FigureCanvasAgg(fig)
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def charts_html(charts: list[Chart]) -> str:
    """A ``Charts`` section of inline SVG figures, each with its title as text."""
    import html

    parts = ["<h2>Charts</h2>"]
    for chart in charts:
        parts.append(
            f'<figure id="chart-{html.escape(chart.key)}">{chart_svg(chart)}'
            f"<figcaption>{html.escape(chart.title)}</figcaption></figure>"
        )
    return "\n".join(parts)
