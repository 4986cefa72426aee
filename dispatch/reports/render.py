"""Render reports as rich renderables, Markdown and HTML (PDF: :mod:`.pdf`)."""

from __future__ import annotations

import html
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from dispatch.reports.charts import Chart, handover_charts
from dispatch.reports.handover import HandoverReport
from dispatch.reports.tables import TextTable, handover_heading, handover_tables


def _heading_lines(report: HandoverReport) -> list[str]:
    return handover_heading(report)


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def tables_markdown(tables: Sequence[TextTable]) -> str:
    """Markdown (GitHub tables) for a list of tables."""
    out: list[str] = []
    for table in tables:
        out.append(f"## {table.title}\n")
        if not table.rows:
            out.append(f"_{table.empty}_\n")
            continue
        out.append("| " + " | ".join(table.headers) + " |")
        out.append("|" + "|".join("---" for _ in table.headers) + "|")
        out.extend(
            "| " + " | ".join(_md_cell(c) for c in row) + " |" for row in table.rows
        )
        out.append("")
    return "\n".join(out)


def handover_markdown(report: HandoverReport) -> str:
    """The handover report as Markdown."""
    head = [f"# {report.title}", "", *(f"- {line}" for line in _heading_lines(report))]
    return "\n".join(head) + "\n\n" + tables_markdown(handover_tables(report))


PAGE_CSS = """
body{font-family:system-ui,sans-serif;margin:2em;color:#111}
table{border-collapse:collapse;margin-bottom:1.5em}
th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top}
th{background:#eee}
figure{margin:0 0 1.5em 0}figure svg{max-width:100%;height:auto}
figcaption{font-size:.85em;color:#444}
"""


def tables_html(tables: Sequence[TextTable]) -> str:
    """HTML sections for a list of tables (escaped)."""
    parts: list[str] = []
    for table in tables:
        parts.append(f"<h2>{html.escape(table.title)}</h2>")
        if not table.rows:
            parts.append(f"<p><em>{html.escape(table.empty)}</em></p>")
            continue
        head = "".join(f"<th>{html.escape(h)}</th>" for h in table.headers)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>"
            for row in table.rows
        )
        parts.append(
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        )
    return "\n".join(parts)


def handover_html(report: HandoverReport) -> str:
    """The handover report as one self-contained HTML page."""
    lines = "".join(f"<li>{html.escape(line)}</li>" for line in _heading_lines(report))
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(report.title)}</title><style>{PAGE_CSS}</style></head>"
        f"<body><h1>{html.escape(report.title)}</h1><ul>{lines}</ul>\n"
        f"{tables_html(handover_tables(report))}\n"
        f"{_charts_section(handover_charts(report))}\n</body></html>\n"
    )


def _charts_section(charts: list[Chart]) -> str:
    """The charts as inline SVG; matplotlib loads only here, when one is drawn."""
    from dispatch.reports.chart_draw import charts_html

    return charts_html(charts)


#: Columns never cut or wrapped in rich output (besides each table's first).
_WHOLE = frozenset({"incident", "unit"})


def rich_tables(tables: Sequence[TextTable]) -> list[RenderableType]:
    """Rich tables (plain text cells: markup in data is never interpreted)."""
    out: list[RenderableType] = []
    for table in tables:
        if not table.rows:
            out.append(Text(f"{table.title}: {table.empty}", style="bold"))
            continue
        rich_table = Table(title=table.title, title_justify="left", expand=False)
        for index, header in enumerate(table.headers):
            if index == 0 or header in _WHOLE:
                # Identifiers (incident numbers, callsigns) are shown whole:
                # a narrow terminal squeezes the other columns instead.
                widest = max(len(header), *(len(row[index]) for row in table.rows))
                rich_table.add_column(header, no_wrap=True, min_width=widest)
            else:
                rich_table.add_column(header)
        for row in table.rows:
            rich_table.add_row(*(Text(c) for c in row))
        out.append(rich_table)
    return out


def handover_rich(report: HandoverReport) -> RenderableType:
    """The handover report for a rich console."""
    head = Text(report.title, style="bold")
    lines = [Text(line) for line in _heading_lines(report)]
    return Group(head, *lines, *rich_tables(handover_tables(report)))
