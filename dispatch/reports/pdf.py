"""The handover report as PDF (fpdf2), drawn from the same tables as the rest.

The PDF uses the core Helvetica font so no font file has to ship; text is
folded to Latin-1 (a dash for an en dash, ``->`` for an arrow), which covers
Indonesian and English.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from dispatch.reports.charts import Chart, handover_charts
from dispatch.reports.handover import HandoverReport
from dispatch.reports.tables import TextTable, handover_heading, handover_tables

_FOLD = str.maketrans(
    {"–": "-", "—": "-", "→": "->", "…": "...", "‘": "'", "’": "'", "“": '"', "”": '"'}
)


def latin1(text: str) -> str:
    """Text the core PDF fonts can draw."""
    return text.translate(_FOLD).encode("latin-1", "replace").decode("latin-1")


def _widths(table: TextTable, page_width: float) -> tuple[float, ...]:
    longest = [
        max([len(h)] + [len(row[i]) for row in table.rows])
        for i, h in enumerate(table.headers)
    ]
    capped = [min(max(n, 4), 60) for n in longest]
    total = sum(capped)
    return tuple(page_width * n / total for n in capped)


def tables_pdf(
    title: str,
    heading: Sequence[str],
    tables: Sequence[TextTable],
    *,
    charts: Sequence[Chart] = (),
) -> bytes:
    """A landscape A4 PDF with a title, heading lines, the tables and charts.

    Charts (PNG drawn by matplotlib, loaded only when there is one) follow the
    tables, two to a page, each as wide as the page allows.
    """
    pdf = FPDF(orientation="landscape", unit="mm", format="A4")
    pdf.set_title(latin1(title))
    pdf.set_creator("Siaga 112")
    pdf.set_auto_page_break(auto=True, margin=12)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=16)
    pdf.cell(0, 10, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    for line in heading:
        pdf.cell(0, 6, latin1(line), new_x="LMARGIN", new_y="NEXT")
    width = pdf.w - pdf.l_margin - pdf.r_margin
    for table in tables:
        pdf.ln(3)
        pdf.set_font("Helvetica", style="B", size=12)
        pdf.cell(0, 8, latin1(table.title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", size=8)
        if not table.rows:
            pdf.cell(0, 6, latin1(table.empty), new_x="LMARGIN", new_y="NEXT")
            continue
        with pdf.table(
            col_widths=_widths(table, width),
            width=width,
            text_align="LEFT",
            headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
            line_height=4.5,
        ) as grid:
            header = grid.row()
            for cell in table.headers:
                header.cell(latin1(cell))
            for values in table.rows:
                row = grid.row()
                for cell in values:
                    row.cell(latin1(cell))
    _add_charts(pdf, charts, width)
    return bytes(pdf.output())


def _add_charts(pdf: FPDF, charts: Sequence[Chart], width: float) -> None:
    if not charts:
        return
    import io

    from dispatch.reports.chart_draw import chart_png

    # The PNG is 9 x 3.6 inches: keep its proportions, two fit on a page.
    height = min(width * 3.6 / 9, (pdf.h - pdf.t_margin - pdf.b_margin - 8) / 2)
    for index, chart in enumerate(charts):
        if index % 2 == 0:
            pdf.add_page()
        pdf.image(io.BytesIO(chart_png(chart)), w=height * 9 / 3.6, h=height)
        pdf.ln(4)


def handover_pdf(report: HandoverReport) -> bytes:
    """The handover report as PDF bytes (tables, then charts)."""
    return tables_pdf(
        report.title,
        handover_heading(report),
        handover_tables(report),
        charts=handover_charts(report),
    )
