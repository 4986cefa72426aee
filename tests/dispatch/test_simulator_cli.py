"""`siaga simulate` as an operator runs it (click's CliRunner)."""

from __future__ import annotations

import json

from click.testing import CliRunner, Result

from console.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, ["simulate", *args], catch_exceptions=False)


def test_json_is_reproducible_and_documented_keys_are_there():
    first = run("--hours", "4", "--seed", "2", "--rate-scale", "5", "--json")
    again = run("--hours", "4", "--seed", "2", "--rate-scale", "5", "--json")
    assert first.exit_code == 0, first.output
    assert first.output == again.output
    doc = json.loads(first.output)
    assert doc["schema"] == 1
    assert doc["config"] == {
        "seed": 2,
        "hours": 4.0,
        "rate_scale": 5.0,
        "calls_per_day": None,
        "policy": "engine",
        "region_pack": "blitar",
        "profile": "blitar",
        "start": "2025-02-03T00:00:00+00:00",
        "surge": None,
    }
    assert set(doc["by_priority"]) == {"P1", "P2", "P3", "P4", "all"}
    row = doc["by_priority"]["P1"]
    assert set(row) == {
        "n",
        "reached",
        "mean_s",
        "median_s",
        "p90_s",
        "within_target",
        "within_target_share",
        "longest_queue_wait_s",
    }
    assert {"utilisation", "away_share", "units"} <= set(
        doc["by_unit_type"]["AMBULANCE"]
    )
    assert set(doc["queue"]) == {
        "longest_wait_s",
        "longest_wait_incident",
        "longest_wait_priority",
    }


def test_the_summary_shows_tables():
    result = run(
        "--hours", "3", "--seed", "1", "--rate-scale", "5", "--policy", "closest-idle"
    )
    assert result.exit_code == 0, result.output
    assert "closest-idle" in result.output
    assert "by priority" in result.output
    assert "AMBULANCE" in result.output


def test_db_option_keeps_the_day_and_refuses_to_reuse_it(tmp_path):
    url = f"sqlite:///{tmp_path / 'day.db'}"
    result = CliRunner().invoke(
        main, ["simulate", "--db", url, "--hours", "2", "--rate-scale", "5", "--json"]
    )
    assert result.exit_code == 0, result.output
    verified = CliRunner().invoke(main, ["log", "verify", "--db", url])
    assert verified.exit_code == 0, verified.output
    again = CliRunner().invoke(main, ["simulate", "--db", url, "--hours", "2"])
    assert again.exit_code != 0
    assert "already holds calls" in again.output


def test_unknown_policy_is_refused():
    result = CliRunner().invoke(main, ["simulate", "--policy", "fastest"])
    assert result.exit_code == 2
    assert "fastest" in result.output


def test_the_cli_lists_every_policy_the_simulator_knows():
    from console.cli.simulate_command import POLICY_CHOICES
    from dispatch.simulator import POLICY_NAMES

    assert POLICY_CHOICES == POLICY_NAMES
