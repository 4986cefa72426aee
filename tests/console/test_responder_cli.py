"""``siaga unit``: an unknown callsign is one clear line, not a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import main


def test_unit_command_refuses_unknown_callsign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIAGA_OPERATOR", "responder")  # the demo crew account
    url = "sqlite:///" + str(tmp_path / "cli.db")
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", url]).exit_code == 0
    result = runner.invoke(main, ["unit", "NOPE-99", "--db", url])
    assert result.exit_code == 1
    assert "There is no unit NOPE-99" in result.output
    assert "Traceback" not in result.output


def test_unit_command_is_documented() -> None:
    result = CliRunner().invoke(main, ["unit", "--help"])
    assert result.exit_code == 0
    assert "1 acknowledge" in result.output
