"""``siaga report handover``: terminal, Markdown, HTML and PDF show the same numbers."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from click.testing import CliRunner, Result
from pypdf import PdfReader

from console.cli import main
from dispatch.reports import HandoverReport, handover_for, shift_for_date
from dispatch.reports.tables import fmt_seconds, fmt_share
from tests.conftest import file_mode
from tests.dispatch.reports_day import DAY_START, DayGenerator, make_database


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
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # the shift log is theirs


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _figures_text(report: HandoverReport) -> Iterator[str]:
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


def test_report_files_are_owner_only(day, tmp_path, open_umask):
    url, _ = day
    out = tmp_path / "reports" / "handover"
    args = ["--db", url, "report", "handover", "--shift", "2026-11-27"]
    result = run(*args, "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    assert file_mode(tmp_path / "reports") == 0o700
    assert file_mode(out) == 0o700
    assert sorted(file_mode(p) for p in out.iterdir()) == [0o600, 0o600, 0o600]
    period = tmp_path / "period"
    csv = tmp_path / "period.csv"
    result = run(
        "--db", url, "report", "period", "--from", "2026-11-27", "--to", "2026-11-27",
        "--out", str(period), "--csv", str(csv), "-q",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert file_mode(period) == 0o700
    assert {file_mode(p) for p in period.iterdir()} == {0o600}
    assert file_mode(csv) == 0o600


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


def test_handover_of_a_closed_shift_is_the_stored_report(tmp_path):
    path = tmp_path / "closed.db"
    services, clock = make_database(path)
    clock.set(DAY_START + timedelta(hours=3))
    services.open_shift()
    DayGenerator(services, clock, seed=5, calls=12, hours=2).run()
    clock.set(DAY_START + timedelta(hours=23))
    closed = services.as_actor("sari", "sup-1").close_shift()
    clock.set(DAY_START + timedelta(hours=25))  # later work is not in the report
    services.open_call({})
    url = "sqlite:///" + str(path)
    result = CliRunner().invoke(
        main,
        ["--db", url, "report", "handover", "--shift", "2026-11-27", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    stored = services.stored_handover(closed.shift.starts_at)
    assert stored is not None
    assert json.loads(result.stdout) == json.loads(stored.model_dump_json())
    assert json.loads(result.stdout)["handed_over_by"] == "sari"
    assert f"sha256 {closed.shift.report_sha256}" in result.stderr
