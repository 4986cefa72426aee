"""``siaga report handover``: terminal, Markdown, HTML and PDF show the same numbers."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from console.cli import main
from dispatch.reports import handover_for, shift_for_date
from dispatch.reports.tables import fmt_seconds, fmt_share
from tests.dispatch.reports_day import DayGenerator, make_database


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("rep") / "rep.db"
    services, clock = make_database(path)
    DayGenerator(services, clock, seed=11, calls=80).run()
    report = handover_for(
        services, shift_for_date(date(2026, 11, 27), services.settings)
    )
    return "sqlite:///" + str(path), report


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SIAGA_CONFIG_FILE", str(tmp_path / "absent.toml"))


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _figures_text(report):
    fig = report.figures
    yield str(fig.calls_total)
    yield fmt_share(fig.prank_share)
    yield fmt_share(fig.silent_share)
    for row in fig.by_priority:
        if row.answer_to_dispatch.count:
            yield fmt_seconds(row.answer_to_dispatch.median_s)
            yield fmt_seconds(row.call_to_on_scene.p90_s)


def test_handover_in_the_terminal(day):
    url, report = day
    result = run("--db", url, "report", "handover", "--shift", "2026-11-27")
    assert result.exit_code == 0, result.output
    assert "Handover report" in result.output
    for text in _figures_text(report):
        assert text in result.output
    for line in report.open_incidents:
        assert line.number in result.output


def test_handover_json(day):
    url, report = day
    result = run("--db", url, "report", "handover", "--shift", "2026-11-27", "--json")
    data = json.loads(result.output)
    assert data["figures"]["calls_total"] == report.figures.calls_total
    assert data["figures"]["calls_by_outcome"] == report.figures.calls_by_outcome


def test_handover_files_md_html_pdf(day, tmp_path):
    url, report = day
    out = tmp_path / "archive"
    result = run(
        "--db",
        url,
        "report",
        "handover",
        "--shift",
        "2026-11-27",
        "--out",
        str(out),
        "--quiet",
    )
    assert result.exit_code == 0, result.output
    md = (out / "handover-2026-11-27-0700.md").read_text(encoding="utf-8")
    html = (out / "handover-2026-11-27-0700.html").read_text(encoding="utf-8")
    pdf = (out / "handover-2026-11-27-0700.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 1
    text = "\n".join(page.extract_text() for page in reader.pages)
    squashed = " ".join(text.split())
    for needle in _figures_text(report):
        assert needle in md
        assert needle in html
        assert needle in squashed, needle
    for outcome, n in report.figures.calls_by_outcome.items():
        assert f"| {outcome} | {n} |" in md
        assert f"<td>{outcome}</td><td>{n}</td>" in html
        assert f"{outcome} {n}" in squashed
    for line in report.open_incidents:
        assert line.number in squashed


def test_only_some_formats(day, tmp_path):
    url, _ = day
    result = run(
        "--db",
        url,
        "report",
        "handover",
        "--shift",
        "2026-11-27",
        "--out",
        str(tmp_path),
        "--format",
        "md",
        "-q",
    )
    assert result.exit_code == 0
    assert [p.suffix for p in tmp_path.iterdir()] == [".md"]
