"""Period report: per day, per kelurahan, referrals by agency and sector, CSV."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Sequence
from datetime import date
from typing import Any

import pytest
from click.testing import CliRunner
from sqlalchemy import Executable, select

from console.cli import main
from dispatch.models import Call, Referral
from dispatch.reports.period import SECTORS, period_csv, period_for, period_markdown
from dispatch.services import DispatchService
from dispatch.testing import run_read
from tests.dispatch.reports_day import DayGenerator, make_database

FIRST, LAST = date(2026, 11, 27), date(2026, 11, 29)


@pytest.fixture(scope="module")
def days(fresh_db_module):
    url = fresh_db_module()
    services, clock = make_database(url)
    # 24 h from 07:00 WIB on the 27th: spans local days 27 and 28.
    DayGenerator(services, clock, seed=99, calls=140).run()
    yield services, url
    services.engine.dispose()


def _db(services: DispatchService, query: Executable) -> Sequence[Any]:
    return run_read(services, lambda s: s.execute(query).all())


def test_days_add_up_to_the_totals(days):
    services, _ = days
    report = period_for(services, FIRST, LAST)
    assert [d.day for d in report.days] == [FIRST, date(2026, 11, 28), LAST]
    assert sum(d.calls for d in report.days) == report.totals.calls_total == 140
    assert sum(d.incidents for d in report.days) == report.totals.incidents_total
    merged: Counter[str] = Counter()
    for d in report.days:
        merged.update(d.calls_by_outcome)
    assert dict(merged) == report.totals.calls_by_outcome
    assert report.days[-1].calls == 0


def test_kelurahan_rows_match_the_calls(days):
    services, _ = days
    report = period_for(services, FIRST, LAST)
    assert sum(k.calls for k in report.kelurahan) == 140
    assert sum(k.incidents for k in report.kelurahan) == report.totals.incidents_total
    expected = Counter(
        (kel or "(unknown)") for (kel,) in _db(services, select(Call.kelurahan))
    )
    assert {k.kelurahan: k.calls for k in report.kelurahan} == dict(expected)
    assert sum(k.prank for k in report.kelurahan) == report.totals.calls_by_outcome.get(
        "prank", 0
    )


def test_referrals_by_agency_and_sector(days):
    services, _ = days
    report = period_for(services, FIRST, LAST)
    rows = _db(
        services,
        select(Referral.agency_code, Referral.sector, Referral.acknowledged_at),
    )
    assert rows, "the simulated day refers non-emergency calls"
    assert [r.key for r in report.referrals_by_sector][: len(SECTORS)] == list(SECTORS)
    by_agency = {r.key: r for r in report.referrals_by_agency}
    for code, count in Counter(r[0] for r in rows).items():
        assert by_agency[code].sent == count
    by_sector = {r.key: r for r in report.referrals_by_sector}
    for sector, count in Counter(r[1] or "other" for r in rows).items():
        assert by_sector[sector].sent == count
    assert (
        sum(r.acknowledged for r in report.referrals_by_sector)
        == sum(1 for r in rows if r[2] is not None)
        > 0
    )
    assert report.totals.referrals_acknowledged == sum(
        1 for r in rows if r[2] is not None
    )


def test_csv_is_spreadsheet_friendly(days):
    services, _ = days
    report = period_for(services, FIRST, LAST)
    rows = list(csv.reader(io.StringIO(period_csv(report))))
    daily = [r for r in rows if r and r[0] == "Per day"]
    assert [r[1] for r in daily] == [
        d.isoformat() for d in (FIRST, date(2026, 11, 28), LAST)
    ]
    header = next(r for r in rows if r and r[0] == "section" and "day" in r)
    calls_col = header.index("calls")
    assert sum(int(r[calls_col]) for r in daily) == 140
    share_col = header.index("prank share")
    assert report.days[0].prank_share is not None
    assert float(daily[0][share_col]) == pytest.approx(
        100 * report.days[0].prank_share, abs=0.05
    )
    sectors = [r for r in rows if r and r[0] == "Referrals by sector"]
    assert [r[1] for r in sectors] == list(SECTORS)
    assert "Per kelurahan" in period_markdown(report)


def test_cli_period_writes_csv(days, tmp_path, monkeypatch):
    _, url = days
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    target = tmp_path / "november.csv"
    result = CliRunner().invoke(
        main,
        [
            "--db",
            url,
            "report",
            "period",
            "--from",
            "2026-11-27",
            "--to",
            "2026-11-29",
            "--csv",
            str(target),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Per kelurahan" in result.output
    assert target.read_text(encoding="utf-8").startswith("section,")
    bad = CliRunner().invoke(
        main,
        ["--db", url, "report", "period", "--from", "2026-11-29", "--to", "2026-11-27"],
    )
    assert bad.exit_code == 2
