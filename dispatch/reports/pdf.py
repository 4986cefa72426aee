"""The handover report as PDF (fpdf2), drawn from the same tables as the rest.

The PDF uses the core Helvetica font so no font file has to ship; text is
folded to Latin-1 (a dash for an en dash, ``->`` for an arrow), which covers
Indonesian and English.
"""

from __future__ import annotations

from collections.abc import Sequence

from fpdf import FPDF
from fpdf.fonts import FontFace

from dispatch.reports.handover import HandoverReport
from dispatch.reports.tables import TextTable, fmt_time, handover_tables

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
    title: str, heading: Sequence[str], tables: Sequence[TextTable]
) -> bytes:
    """A landscape A4 PDF with a title, heading lines and the tables."""
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
    return bytes(pdf.output())


def handover_pdf(report: HandoverReport) -> bytes:
    """The handover report as PDF bytes."""
    heading = [
        f"Shift: {report.window_label}",
        f"As at: {fmt_time(report.generated_at, report.figures.zone)} "
        f"({report.figures.zone}); targets from the {report.figures.targets_source}",
    ]
    return tables_pdf(report.title, heading, handover_tables(report))
