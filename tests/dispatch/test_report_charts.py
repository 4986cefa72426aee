"""Report charts: built from the report's own figures, drawn into HTML and PDF."""

from __future__ import annotations

import io
import subprocess
import sys
from collections import Counter
from datetime import date, timedelta
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from console.cli import main
from dispatch.models import Call
from dispatch.reports import handover_for, shift_window
from dispatch.reports.chart_draw import chart_png, chart_svg
from dispatch.reports.charts import Chart, Series, period_charts
from dispatch.reports.figures import NO_OUTCOME
from dispatch.reports.pdf import handover_pdf
from dispatch.reports.period import period_for, period_html, period_pdf
from dispatch.reports.render import handover_html
from dispatch.testing import run_read
from tests.dispatch.reports_day import DAY_START, DayGenerator, make_database

FIRST, LAST = date(2026, 11, 27), date(2026, 11, 28)
KEYS = [
    "calls-per-hour",
    "times-vs-targets",
    "handoffs-by-agency",
    "referrals-by-agency",
    "referrals-by-sector",
]


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("charts") / "c.db"
    services, clock = make_database(path)
    DayGenerator(services, clock, seed=7, calls=90).run()
    return services, clock, "sqlite:///" + str(path)


def test_calls_per_hour_match_the_calls_table(day):
    services, _, _ = day
    report = period_for(services, FIRST, LAST)
    zone = ZoneInfo(report.zone)
    rows = run_read(
        services, lambda s: s.execute(select(Call.received_at, Call.outcome)).all()
    )
    expected: Counter[tuple[int, str]] = Counter()
    for at, outcome in rows:
        local = at.replace(tzinfo=at.tzinfo or ZoneInfo("UTC")).astimezone(zone)
        if FIRST <= local.date() <= LAST:
            expected[(local.hour, outcome or NO_OUTCOME)] += 1
    got = Counter(
        {
            (h.hour, o): n
            for h in report.totals.calls_by_hour
            for o, n in h.outcomes.items()
            if n
        }
    )
    assert [h.hour for h in report.totals.calls_by_hour] == list(range(24))
    assert got == expected
    assert sum(got.values()) == report.totals.calls_total


def test_charts_carry_the_report_numbers(day):
    services, _, _ = day
    report = period_for(services, FIRST, LAST)
    charts = {c.key: c for c in period_charts(report)}
    assert list(charts) == KEYS
    hourly = charts["calls-per-hour"]
    per_outcome = {s.name: sum(s.values) for s in hourly.series}
    assert per_outcome == {
        k: float(v) for k, v in report.totals.calls_by_outcome.items() if v
    }
    assert hourly.stacked
    assert "prank" in per_outcome  # the first thing a supervisor asks about
    times = charts["times-vs-targets"]
    target = next(s for s in times.series if s.kind == "target")
    assert target.values[0] == report.totals.answer.target_s
    p1 = report.totals.priority("P1")
    index = times.categories.index("P1 dispatch")
    assert target.values[index] == p1.answer_to_dispatch.target_s
    handoffs = charts["handoffs-by-agency"]
    assert handoffs.categories == tuple(r.name for r in report.handoffs_by_agency)
    escalated = next(s for s in handoffs.series if s.name == "escalated")
    assert escalated.values == tuple(
        float(r.escalated) for r in report.handoffs_by_agency
    )
    sectors = charts["referrals-by-sector"]
    assert sectors.categories == tuple(r.name for r in report.followup_by_sector)
    assert sum(next(s for s in sectors.series if s.name == "open").values) == sum(
        r.open for r in report.followup_by_sector
    )


def test_html_reports_embed_one_svg_per_chart(day):
    services, clock, _ = day
    clock.set(DAY_START + timedelta(hours=8))
    report = handover_for(services, shift_window(clock.now(), services.settings))
    page = handover_html(report)
    assert page.count("<svg") == len(KEYS)
    for key in KEYS:
        assert f'id="chart-{key}"' in page
    assert "Calls per hour by outcome" in page
    period = period_html(period_for(services, FIRST, LAST))
    assert period.count("<svg") == len(KEYS)


def test_pdf_reports_carry_the_charts_as_images(day):
    from pypdf import PdfReader

    services, clock, _ = day
    clock.set(DAY_START + timedelta(hours=8))
    report = handover_for(services, shift_window(clock.now(), services.settings))
    for data in (handover_pdf(report), period_pdf(period_for(services, FIRST, LAST))):
        reader = PdfReader(io.BytesIO(data))
        images = sum(len(page.images) for page in reader.pages)
        assert images == len(KEYS)


def test_svg_is_stable_and_names_every_series():
    chart = Chart(
        key="x",
        title="Referrals by sector",
        categories=("Air minum", "Sanitasi"),
        series=(
            Series(name="resolved", values=(2.0, 0.0)),
            Series(name="open", values=(1.0, 3.0)),
            Series(name="target", values=(2.0, 2.0), kind="target"),
        ),
        unit="referrals",
    )
    first = chart_svg(chart)
    assert first == chart_svg(chart)  # no date, fixed ids: same bytes twice
    assert first.startswith("<svg")
    for text in ("Referrals by sector", "Air minum", "resolved", "open", "target"):
        assert text in first
    assert chart_png(chart).startswith(b"\x89PNG")


def test_a_chart_without_data_says_so():
    empty = Chart(
        key="e",
        title="Hand-offs by agency",
        categories=(),
        series=(Series(name="waiting", values=()),),
        unit="hand-offs",
    )
    assert empty.empty
    assert "no data" in chart_svg(empty)


def test_cli_period_out_writes_a_pdf_with_charts(day, tmp_path, monkeypatch):
    _, _, url = day
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    result = CliRunner().invoke(
        main,
        [
            *("--db", url, "report", "period", "--from", str(FIRST)),
            *("--to", str(LAST), "-q", "--out", str(tmp_path / "out")),
        ],
    )
    assert result.exit_code == 0, result.output
    pdf = tmp_path / "out" / f"period-{FIRST}-{LAST}.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    html = (tmp_path / "out" / f"period-{FIRST}-{LAST}.html").read_text()
    assert html.count("<svg") == len(KEYS)


def test_reports_load_matplotlib_only_when_a_chart_is_drawn():
    code = (
        "import sys\n"
        "import dispatch.reports.render, dispatch.reports.period, "
        "dispatch.reports.pdf, dispatch.reports.charts, dispatch.reports.chart_draw\n"
        "assert 'matplotlib' not in sys.modules, 'loaded at import'\n"
        "from dispatch.reports.charts import Chart, Series\n"
        "from dispatch.reports.chart_draw import chart_svg\n"
        "chart_svg(Chart(key='k', title='t', categories=('a',), "
        "series=(Series(name='s', values=(1.0,)),), unit='u'))\n"
        "assert 'matplotlib' in sys.modules\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
