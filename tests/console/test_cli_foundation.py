"""`siaga init`, `siaga log verify` and `siaga log tail` as an operator runs them."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Iterator

from click.testing import CliRunner, Result

from console.cli import main


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_init_then_verify(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    result = run("init", "--db", url)
    assert result.exit_code == 0, result.output
    assert "units added" in result.output
    again = run("init", "--db", url)  # upgrade/reload is safe
    assert again.exit_code == 0
    assert "0 units added" in again.output
    verified = run("log", "verify", "--db", url)
    assert verified.exit_code == 0, verified.output
    assert "journal OK" in verified.output


def test_verify_names_the_altered_event(tmp_path):
    db = tmp_path / "x.db"
    url = f"sqlite:///{db}"
    assert run("init", "--db", url).exit_code == 0
    assert run("init", "--db", url).exit_code == 0  # two events now
    with sqlite3.connect(db) as conn:
        conn.execute(
            """UPDATE events SET payload = '{"pack": "forged"}' WHERE id = 1"""
        )
    result = CliRunner().invoke(main, ["log", "verify", "--db", url])
    assert result.exit_code == 1
    assert "event 1" in result.output
    assert "altered" in result.output


def test_tail_prints_events_as_json_lines(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.db'}"
    run("init", "--db", url)
    result = run("log", "tail", "--db", url, "--json", "-n", "5")
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert lines
    assert "roster.loaded" in [line["kind"] for line in lines]


def test_commands_refuse_an_uninitialised_database(tmp_path):
    result = CliRunner().invoke(
        main, ["log", "verify", "--db", f"sqlite:///{tmp_path / 'none.db'}"]
    )
    assert result.exit_code != 0
    assert "siaga init" in result.output
    assert "Traceback" not in result.output


def test_bad_config_file_is_one_clear_line(tmp_path):
    config = tmp_path / "siaga.toml"
    config.write_text('timezone = "Mars/Olympus"\n')
    result = CliRunner().invoke(
        main,
        ["--config", str(config), "init", "--db", f"sqlite:///{tmp_path / 'c.db'}"],
    )
    assert result.exit_code != 0
    assert "timezone" in result.output
    assert "Traceback" not in result.output


def test_every_command_has_help():
    """sqlite-utils style: an undocumented command fails the suite."""
    import click

    def walk(
        group: click.Group, prefix: list[str]
    ) -> Iterator[tuple[list[str], click.Command]]:
        for name, command in group.commands.items():
            yield [*prefix, name], command
            if isinstance(command, click.Group):
                yield from walk(command, [*prefix, name])

    for path, command in walk(main, []):
        assert command.help, f"siaga {' '.join(path)} has no help text"
        result = CliRunner().invoke(main, [*path, "--help"])
        assert result.exit_code == 0, path


def test_the_installed_script_runs():
    result = subprocess.run(
        [sys.executable, "-m", "console", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0
    assert "init" in result.stdout
