"""``siaga watch --once`` and ``siaga referral``: duties and follow-up from the CLI."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from sqlalchemy import func, select

from console.cli import main
from dispatch.models import HandoffEscalation
from dispatch.services import DispatchService
from dispatch.testing import run_read
from tests.dispatch.reports_day import DAY_START, make_database


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # the referral desk's


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def _seed(tmp_path: Path) -> tuple[DispatchService, str, int, str]:
    services, clock = make_database(tmp_path / "w.db")
    clock.set(DAY_START + timedelta(hours=2))
    call = services.open_call({})
    detail = services.create_incident(
        call.id,
        location={"text": "Jl. Kalimantan", "lat": -8.1, "lon": 112.16},
        classification={"type_code": "FIRE-HOUSE"},
        allow_outside_area=True,
    )
    services.hand_off(detail.number, "DAMKAR")
    water = services.open_call({"caller_number": "081234567890"})
    services.classify_call(water.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    referral = services.refer_call(water.id, {"channel": "ulpim"})
    return services, detail.number, referral.id, "sqlite:///" + str(tmp_path / "w.db")


def test_watch_once_escalates_each_level_once(tmp_path):
    services, number, referral_id, url = _seed(tmp_path)
    # The data is days old for the system clock: both levels are due.
    first = run("watch", "--db", url, "--once")
    assert first.exit_code == 0, first.output
    assert f"escalated: {number} handed to Damkar" in first.output
    assert "-> all desks" in first.output
    assert "-> supervisor" in first.output
    assert f"overdue: referral {referral_id}" in first.output
    assert "3 duty step(s) taken" in first.output
    again = run("watch", "--db", url, "--once")
    assert "0 duty step(s) taken" in again.output
    rows = run_read(
        services,
        lambda s: s.scalar(select(func.count()).select_from(HandoffEscalation)),
    )
    assert rows == 2
    actors = {
        (e.actor, e.terminal)
        for e in services.events_after(0)
        if e.kind == "handoff.escalated"
    }
    assert len(actors) == 1
    actor, terminal = actors.pop()
    assert actor == "watcher"
    assert terminal.startswith("watch@")


def test_watch_refuses_an_uninitialised_database(tmp_path):
    result = CliRunner().invoke(
        main, ["watch", "--db", f"sqlite:///{tmp_path / 'empty.db'}", "--once"]
    )
    assert result.exit_code != 0
    assert "siaga init" in result.output
    assert "Traceback" not in result.output


def test_referral_commands_follow_up(tmp_path):
    _services, _number, referral_id, url = _seed(tmp_path)
    listed = run("referral", "list", "--db", url)
    assert f"#{referral_id} PDAM ulpim drinking_water" in listed.output
    assert "OVERDUE" in listed.output
    refused = CliRunner().invoke(
        main, ["referral", "ack", "--db", url, str(referral_id)]
    )
    assert refused.exit_code != 0
    assert "reference number" in refused.output
    acked = run(
        "referral", "ack", "--db", url, str(referral_id), "--reference", "ULP-7"
    )
    assert "acknowledged" in acked.output
    assert "ref ULP-7" in acked.output
    resolved = run("referral", "resolve", "--db", url, str(referral_id), "--note", "ok")
    assert "resolved" in resolved.output
    assert "0 open referral(s)" in run("referral", "list", "--db", url).output
    reopened = run(
        "referral", "reopen", "--db", url, str(referral_id), "--reason", "air mati lagi"
    )
    assert "acknowledged" in reopened.output
    shown = run("referral", "show", "--db", url, str(referral_id))
    assert "note: air mati lagi" in shown.output
