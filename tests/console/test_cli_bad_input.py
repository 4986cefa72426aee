"""Every ``siaga`` command given malformed values: one ``Error:`` line, no traceback.

Dates reversed or out of range, huge integers, missing folders, undecodable
bytes from the shell, NaN and infinity, binary or misspelled configuration
files and over-long names: each case names the command line and a fragment of
the message it must print.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.cli import main
from dispatch.config import LINE_LENGTH, NAME_LENGTH
from dispatch.models import Call, Event, Ring
from tests.dispatch.reports_day import DayGenerator, make_database

HUGE = "99999999999999999999999"
BAD_BYTES = b"\xff\xfe".decode("utf-8", "surrogateescape")  # as the shell passes it


@pytest.fixture(scope="module")
def db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("badinput") / "bad.db"
    services, clock = make_database(path)
    DayGenerator(services, clock, seed=3, calls=8).run()
    return "sqlite:///" + str(path)


@pytest.fixture(autouse=True)
def _supervisor(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    monkeypatch.setenv("SIAGA_ARCHIVE_DIR", str(tmp_path / "archive"))
    monkeypatch.chdir(tmp_path)


def invoke(args: list[str]) -> Result:
    return CliRunner().invoke(main, args)


def assert_one_error_line(result: Result, fragment: str) -> None:
    """Non-zero exit, exactly one ``Error:`` line holding ``fragment``, no traceback."""
    output = result.output
    assert result.exit_code != 0, output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in output
    errors = [line for line in output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1, output
    assert fragment in errors[0], output
    assert len(output.splitlines()) <= 4, output  # at most click's usage lines


#: (command line after ``--db URL``, a fragment of the one error line).
CASES: list[tuple[list[str], str]] = [
    (["log", "--from", "2026-12-01", "--to", "2026-01-01"], "is before --from"),
    (["log", "--from", "2026-12-01"], "--from and --to go together"),
    (["log", "--from", "0001-01-01", "--to", "0001-01-02"], "outside 2000-01-01"),
    (["log", "--from", "yesterday", "--to", "today"], "not a date/time"),
    (["log", "--shift", "0001-01-01"], "outside 2000-01-01"),
    (["log", "--shift", "9999-12-31"], "outside 2000-01-01"),
    (["log", "--shift", "2026-02-30"], "not a date"),
    (["log", "--incident", HUGE], f"There is no incident {HUGE}"),
    (["log", "--limit", HUGE], "'--limit'"),
    (["log", "--limit", "0"], "'--limit'"),
    (["log", "--unit", BAD_BYTES], "not valid UTF-8"),
    (["log", "--text", BAD_BYTES], "not valid UTF-8"),
    (["log", "--interval", "nan", "--follow"], "not a finite number"),
    (["log", "tail", "-n", HUGE], "'-n'"),
    (["report", "handover", "--shift", "0001-01-01"], "outside 2000-01-01"),
    (["report", "handover", "--from", "2026-12-01", "--to", "2026-01-01"], "before"),
    (["report", "period", "--from", "2026-12-01", "--to", "2026-01-01"], "before"),
    (["report", "period", "--from", "0001-01-01", "--to", "2026-01-01"], "outside"),
    (
        [
            "report",
            "period",
            "--from",
            "2026-11-27",
            "--to",
            "2026-11-27",
            "--csv",
            "nowhere/p.csv",
        ],
        "does not exist",
    ),
    (["export", "eido", "1", "--out", "missing-folder/f.json"], "does not exist"),
    (["export", "eido", HUGE], HUGE),
    (["export", "eido", BAD_BYTES], "not valid UTF-8"),
    (["export", "shift", "0001-01-01"], "outside 2000-01-01"),
    (["export", "shift", "2026-11-27", "--out", "missing/s.jsonl"], "does not exist"),
    (["archive", "--keep-days", HUGE], "'--keep-days'"),
    (["archive", "--as-of", "0001-01-01"], "outside 2000-01-01"),
    (["archive", "import", "missing-folder/a.jsonl"], "does not exist"),
    (["unit", BAD_BYTES], "not valid UTF-8"),
    (["geocode", BAD_BYTES], "control character"),
    (["geocode", "Kepanjenkidul", "--limit", HUGE], "'--limit'"),
    (["serve", "--port", HUGE], "'--port'"),
    (["simulate", "--rate-scale", "nan"], "not a finite number"),
    (["simulate", "--rate-scale", "inf"], "'--rate-scale'"),
    (["simulate", "--hours", "nan"], "not a finite number"),
    (["simulate", "--hours", "1e308"], "'--hours'"),
    (["simulate", "--calls-per-day", "-inf"], "'--calls-per-day'"),
    (["simulate", "--seed", HUGE], "'--seed'"),
    (["simulate", "--profile", "missing-folder/p.toml"], "does not exist"),
    (["simulate", "--start", "0001-01-01T00:00+0700"], "outside 2000-01-01"),
    (["simulate", "--start", "tomorrow"], "'--start'"),
    (["serve", "--host", BAD_BYTES], "not valid UTF-8"),
]


@pytest.mark.parametrize(("args", "fragment"), CASES, ids=lambda v: str(v)[:60])
def test_malformed_values_give_one_error_line(
    db_url: str, args: list[str], fragment: str
) -> None:
    db = ["--db", "sqlite://"] if args[0] == "simulate" else ["--db", db_url]
    assert_one_error_line(invoke(db + args), fragment)


def test_a_binary_config_file_is_one_line(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "siaga.toml"
    config.write_bytes(b"\x00\xff\xfe\x89PNG\r\n\x1a\n")
    result = invoke(["--config", str(config), "--db", db_url, "log"])
    assert_one_error_line(result, "is not UTF-8 text")
    assert str(config) in result.output
    console = invoke(["--config", str(config), "--db", db_url])  # the console
    assert_one_error_line(console, "is not UTF-8 text")


def test_a_binary_config_file_from_the_environment_is_one_line(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "siaga.toml"
    config.write_bytes(bytes(range(256)))
    monkeypatch.setenv("SIAGA_CONFIG_FILE", str(config))
    assert_one_error_line(invoke(["--db", db_url, "log"]), "is not UTF-8 text")


def test_binary_input_files_are_one_line(db_url: str, tmp_path: Path) -> None:
    binary = tmp_path / "noise.toml"
    binary.write_bytes(bytes(range(256)) * 4)
    result = invoke(["--db", "sqlite://", "simulate", "--profile", str(binary)])
    assert_one_error_line(result, "is not UTF-8 text")
    result = invoke(["--db", db_url, "archive", "import", str(binary)])
    assert_one_error_line(result, "does not verify")


def test_an_unreachable_database_is_one_line(tmp_path: Path) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2"
    assert_one_error_line(invoke(["--db", url, "log"]), "cannot open the database")


def test_a_named_config_file_that_does_not_exist_is_an_error(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "nowhere.toml"
    assert_one_error_line(
        invoke(["--config", str(missing), "--db", db_url, "log"]), "does not exist"
    )
    monkeypatch.setenv("SIAGA_CONFIG_FILE", str(missing))
    result = invoke(["--db", db_url, "log"])
    assert_one_error_line(result, "does not exist")
    assert str(missing) in result.output


def test_a_misspelled_config_key_is_named(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "siaga.toml"
    config.write_text('operater = "supervisor"\ntheme = "siaga-light"\n')
    result = invoke(["--config", str(config), "--db", db_url, "log"])
    assert_one_error_line(result, "unknown key 'operater'")
    assert "did you mean 'operator'" in result.output
    assert str(config) in result.output


def test_console_keys_in_the_config_file_are_known(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "siaga.toml"
    config.write_text('theme = "siaga-light"\n[keymap]\n"intake.prank" = "f10"\n')
    result = invoke(["--config", str(config), "--db", db_url, "log", "--all"])
    assert result.exit_code == 0, result.output


def test_config_file_that_is_not_toml_is_one_line(db_url: str, tmp_path: Path) -> None:
    config = tmp_path / "siaga.toml"
    config.write_text("operator = \n")
    result = invoke(["--config", str(config), "--db", db_url, "log"])
    assert_one_error_line(result, "is not valid TOML")


@pytest.mark.parametrize(
    ("variable", "value", "fragment"),
    [
        ("SIAGA_OPERATOR", "o" * (NAME_LENGTH + 1), "operator"),
        ("SIAGA_TERMINAL", "t" * (NAME_LENGTH + 1), "terminal"),
        ("SIAGA_TIMEZONE", "Mars/Olympus", "unknown time zone"),
        ("SIAGA_RETENTION_DAYS", HUGE, "retention_days"),
        ("SIAGA_SHIFT_CHANGEOVER", "25:99", "shift_changeover"),
        ("SIAGA_DATABASE_URL", "mysql://x", "database URL"),
        ("SIAGA_RING_LINES", '{"201": "%s"}' % ("d" * 65), "terminal for line"),
        ("SIAGA_RING_LINES", "not json", "ring_lines"),
    ],
)
def test_bad_environment_values_are_one_line(
    db_url: str,
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
    value: str,
    fragment: str,
) -> None:
    monkeypatch.setenv(variable, value)
    args = ["log"] if variable == "SIAGA_DATABASE_URL" else ["--db", db_url, "log"]
    assert_one_error_line(invoke(args), fragment)


def test_name_length_matches_the_columns() -> None:
    """The settings check names against the columns they are written to."""
    names: list[Any] = [Event.actor, Event.terminal, Call.operator, Call.terminal]
    names.append(Ring.terminal)
    assert {column.type.length for column in names} == {NAME_LENGTH}
    lines: list[Any] = [Call.ring_line, Ring.line]
    assert {column.type.length for column in lines} == {LINE_LENGTH}


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    command=st.sampled_from(
        [
            ["log", "--shift"],
            ["log", "--limit"],
            ["log", "--incident"],
            ["export", "shift"],
            ["report", "handover", "--shift"],
            ["report", "period", "--to", "2026-11-27", "--from"],
            ["log", "tail", "-n"],
        ]
    ),
    value=st.one_of(
        st.text(max_size=30),
        st.integers().map(str),
        st.floats().map(str),
        st.dates().map(str),
        st.dates(date(1990, 1, 1), date(2110, 1, 1)).map(str),
    ),
)
def test_random_option_values_never_trace_back(
    db_url: str, command: list[str], value: str
) -> None:
    json = [] if command[0] == "export" else ["--json"]  # export shift prints JSON
    result = invoke(["--db", db_url, *command, value, *json])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    if result.exit_code != 0:
        errors = [ln for ln in result.output.splitlines() if ln.startswith("Error:")]
        assert len(errors) == 1, result.output


def test_only_user_errors_become_one_line() -> None:
    """The error boundary names user errors; a bug keeps its traceback."""
    from console.cli.errors import user_error_line
    from dispatch.errors import DispatchError

    assert user_error_line(DispatchError("There is no unit ZZ-9.")) == (
        "There is no unit ZZ-9."
    )
    missing = FileNotFoundError(2, "No such file or directory", "out/f.json")
    assert user_error_line(missing) == "out/f.json: No such file or directory"
    assert user_error_line(OSError("socket closed")) is None
    assert user_error_line(RuntimeError("a bug")) is None
    assert user_error_line(KeyError("a bug")) is None
