"""``siaga log``: list, filter, follow, JSON lines; ``log verify`` and ``tail``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from click.testing import CliRunner, Result

from console.cli import main
from tests.dispatch.reports_day import DayGenerator, make_database


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "cli.db"
    services, clock = make_database(path)
    DayGenerator(services, clock, seed=7, calls=60).run()
    return "sqlite:///" + str(path)


@pytest.fixture(autouse=True)
def _isolated(tmp_path, monkeypatch):
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # the shift log is theirs
    monkeypatch.setenv("SIAGA_ARCHIVE_DIR", str(tmp_path / "archive"))


def run(*args: str) -> Result:
    result = CliRunner().invoke(main, list(args), catch_exceptions=False)
    return result


def _lines(output: str) -> list[Any]:
    return [json.loads(line) for line in output.splitlines() if line.startswith("{")]


def test_log_lists_the_shift_as_json_lines(db_url):
    result = run("--db", db_url, "log", "--shift", "2026-11-27", "--json")
    assert result.exit_code == 0, result.output
    events = _lines(result.output)
    assert len(events) > 100
    assert {"id", "at", "actor", "terminal", "kind", "summary"} <= set(events[0])
    assert [e["id"] for e in events] == sorted(e["id"] for e in events)


def test_log_filters_by_kind_operator_and_outcome(db_url):
    result = run(
        "--db",
        db_url,
        "log",
        "--shift",
        "2026-11-27",
        "--json",
        "--kind",
        "call.closed",
        "--outcome",
        "prank",
    )
    events = _lines(result.output)
    assert events
    assert all(e["kind"] == "call.closed" for e in events)
    assert all(e["payload"]["outcome"] == "prank" for e in events)
    by_op = _lines(
        run(
            "--db",
            db_url,
            "log",
            "--shift",
            "2026-11-27",
            "--json",
            "--operator",
            "citra",
        ).output
    )
    assert by_op
    assert {e["actor"] for e in by_op} == {"citra"}


def test_log_filters_by_incident_unit_and_text(db_url):
    created = _lines(
        run(
            "--db", db_url, "log", "--all", "--json", "--kind", "incident.created"
        ).output
    )
    number = created[0]["incident_number"]
    trail = _lines(
        run("--db", db_url, "log", "--all", "--json", "--incident", number).output
    )
    assert trail
    assert {e["incident_number"] for e in trail} == {number}
    assigned = _lines(
        run(
            "--db",
            db_url,
            "log",
            "--all",
            "--json",
            "--kind",
            "unit.assigned",
            "--limit",
            "1",
        ).output
    )
    callsign = assigned[0]["callsign"]
    unit = _lines(
        run("--db", db_url, "log", "--all", "--json", "--unit", callsign.lower()).output
    )
    assert unit
    assert {e["callsign"] for e in unit} == {callsign}
    text = _lines(
        run("--db", db_url, "log", "--all", "--json", "--text", "smoke").output
    )
    assert text
    assert all("smoke" in json.dumps(e["payload"]) for e in text)


def test_log_text_finds_numbers_typed_the_national_way(db_url):
    everything = _lines(run("--db", db_url, "log", "--all", "--json").output)
    stored = next(
        e["payload"]["caller_number"]
        for e in everything
        if e["kind"] == "call.opened" and e["payload"].get("caller_number")
    )
    assert stored.startswith("+62")
    national = "0" + stored[3:]
    mentioning = {e["id"] for e in everything if stored in json.dumps(e["payload"])}
    # The whole number, its first digits, and a dashed start, as people type them.
    for typed in (national, national[:9], f"{national[:4]}-{national[4:8]}"):
        digits = typed.replace("-", "")
        result = run("--db", db_url, "log", "--all", "--json", "--text", typed)
        found = _lines(result.output)
        assert mentioning <= {e["id"] for e in found}, typed
        assert all("+62" + digits[1:] in json.dumps(e["payload"]) for e in found)


def test_log_table_shows_who_when_where(db_url):
    result = run(
        "--db", db_url, "log", "--shift", "2026-11-27", "--kind", "unit.assigned"
    )
    assert result.exit_code == 0
    assert "citra" in result.output
    assert "desk-3" in result.output
    assert "assigned to incident" in result.output


def test_unknown_unit_is_a_clean_error(db_url):
    result = run("--db", db_url, "log", "--all", "--unit", "ZZ-9")
    assert result.exit_code == 1
    assert "There is no unit ZZ-9" in result.output


def test_follow_prints_new_events(db_url):
    result = run(
        "--db",
        db_url,
        "log",
        "--all",
        "--json",
        "--limit",
        "5",
        "--follow",
        "--interval",
        "0",
        "--polls",
        "1",
    )
    assert result.exit_code == 0
    assert len(_lines(result.output)) >= 5


def test_verify_and_tail_still_work(db_url):
    result = run("--db", db_url, "log", "verify")
    assert result.exit_code == 0, result.output
    assert "journal OK" in result.output
    result = run("--db", db_url, "log", "verify", "--no-archives")
    assert result.exit_code == 0
    assert "journal OK" in result.output
    tail = run("--db", db_url, "log", "tail", "-n", "3", "--json")
    assert len(_lines(tail.output)) == 3
