"""`siaga init`'s first administrator and `siaga operator …`, as an admin runs them."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.cli import main, secrets_input
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.services import DispatchService
from dispatch.testing import facade_for

GOOD = "a long enough password"


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(main, list(args), input=input)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'ops.db'}"
    result = run("init", "--no-demo", "--quiet", "--db", url)
    assert result.exit_code == 0, result.output
    return url


def services_on(url: str) -> DispatchService:
    """A supervisor's door on ``url`` (signs people on, reads the journal)."""
    return facade_for(DispatchService(make_engine(url)), Role.SUPERVISOR)


def test_init_takes_the_first_admin_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIAGA_ADMIN_USER", "Kepala")
    url = f"sqlite:///{tmp_path / 'a.db'}"
    result = run("init", "--no-demo", "--db", url)
    assert result.exit_code == 0, result.output
    assert "administrator created: kepala" in result.output
    svc = services_on(url)
    assert svc.sign_on("kepala", "test admin password", "t").role == "admin"
    again = run("init", "--no-demo", "--db", url)
    assert "administrator created" not in again.output  # only the first time


def test_init_without_admin_password_or_terminal_says_how(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIAGA_ADMIN_PASSWORD")
    result = run("init", "--no-demo", "--db", f"sqlite:///{tmp_path / 'n.db'}")
    assert result.exit_code == 1
    assert "SIAGA_ADMIN_PASSWORD" in result.output
    assert "Traceback" not in result.output


def test_init_asks_for_the_admin_password_at_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SIAGA_ADMIN_PASSWORD")
    monkeypatch.setattr(secrets_input, "stdin_is_terminal", lambda: True)
    url = f"sqlite:///{tmp_path / 'p.db'}"
    # A too-short password is refused at the prompt and asked again.
    typed = f"short\nshort\n{GOOD}\n{GOOD}\n"
    result = run("init", "--no-demo", "--quiet", "--db", url, input=typed)
    assert result.exit_code == 0, result.output
    assert "at least 12 characters" in result.output
    assert GOOD not in result.output  # hidden input is never echoed
    assert services_on(url).sign_on("admin", GOOD, "t").operator == "admin"


def test_init_demo_prints_random_passwords_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'd.db'}"
    result = run("init", "--demo", "--quiet", "--db", url)
    assert result.exit_code == 0, result.output
    lines = [line.split() for line in result.output.splitlines()]
    given_pw = {w[0]: w[1] for w in lines if len(w) == 2}
    assert set(given_pw) == {"operator", "dispatcher", "supervisor", "responder"}
    assert len(set(given_pw.values())) == 4  # one random password each
    svc = services_on(url)
    assert svc.sign_on("dispatcher", given_pw["dispatcher"], "t").operator
    again = run("init", "--demo", "--quiet", "--db", url)
    assert given_pw["dispatcher"] not in again.output
    assert "passwords shown" not in again.output


def test_init_demo_password_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIAGA_DEMO_PASSWORD", "demo password 112")
    url = f"sqlite:///{tmp_path / 'e.db'}"
    result = run("init", "--demo", "--quiet", "--db", url)
    assert result.exit_code == 0, result.output
    assert "demo password 112" not in result.output
    assert services_on(url).sign_on("supervisor", "demo password 112", "t").operator


def test_operator_add_list_disable_enable_reset_set_role(url: str) -> None:
    added = run(
        "operator", "add", "Ani", "--role", "call_taker", "--password-stdin",
        "--db", url, input=f"{GOOD}\n",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added ani: call_taker" in added.output
    svc = services_on(url)
    assert svc.sign_on("ani", GOOD, "t").operator == "ani"

    listed = run("operator", "list", "--db", url)
    assert "ani" in listed.output
    assert "call_taker" in listed.output
    assert "$argon2" not in listed.output

    assert run("operator", "disable", "ani", "--db", url).exit_code == 0
    with pytest.raises(Exception, match="disabled"):
        svc.sign_on("ani", GOOD, "t")
    assert run("operator", "enable", "ani", "--db", url).exit_code == 0

    reset = run(
        "operator", "reset-password", "ani", "--password-stdin", "--db", url,
        input="another fine password\n",
    )  # fmt: skip
    assert reset.exit_code == 0, reset.output
    assert svc.sign_on("ani", "another fine password", "t").operator == "ani"

    role = run(
        "operator", "set-role", "ani", "responder", "--unit", "AMB-01", "--db", url
    )
    assert role.exit_code == 0, role.output
    assert "ani is now responder (unit AMB-01)" in role.output
    events = [e for e in svc.events_after(0, 1000) if e.kind.startswith("operator.")]
    assert [e.kind for e in events][-4:] == [
        "operator.disabled",
        "operator.enabled",
        "operator.password_reset",
        "operator.role_changed",
    ]
    # Each command signed the administrator on at the CLI "terminal".
    assert all(e.actor == "admin" for e in events[-4:])
    assert all(e.terminal.startswith("cli@") for e in events[-4:])


def test_operator_add_prompts_twice_and_refuses_a_mismatch(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(secrets_input, "stdin_is_terminal", lambda: True)
    typed = f"{GOOD}\nsomething else entirely\n{GOOD}\n{GOOD}\n"
    result = run(
        "operator", "add", "budi", "--role", "dispatcher", "--db", url, input=typed
    )
    assert result.exit_code == 0, result.output
    assert "do not match" in result.output
    assert GOOD not in result.output


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (["add", "x y", "--role", "dispatcher"], GOOD, "letters, digits"),
        (["add", "budi", "--role", "dispatcher"], None, "--password-stdin"),
        (["add", "budi", "--role", "dispatcher", "--password-stdin"], "short", "12"),
        (["add", "budi", "--role", "responder", "--password-stdin"], GOOD, "unit"),
        (["add", "admin", "--role", "admin", "--password-stdin"], GOOD, "already"),
        (["disable", "nobody"], None, "There is no operator nobody"),
        (["reset-password", "nobody", "--password-stdin"], GOOD, "no operator"),
        (["set-role", "admin", "dispatcher"], None, "last enabled administrator"),
        (["set-role", "admin", "pilot"], None, "Invalid value"),
    ],
)
def test_operator_errors_are_one_clear_line(
    url: str, args: list[str], stdin: str | None, message: str
) -> None:
    result = run("operator", *args, "--db", url, input=stdin)
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output


def test_operator_commands_refuse_an_uninitialised_database(tmp_path: Path) -> None:
    result = run("operator", "list", "--db", f"sqlite:///{tmp_path / 'none.db'}")
    assert result.exit_code == 1
    assert "siaga init" in result.output


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    name=st.text(max_size=300),
    password=st.text(alphabet=st.characters(exclude_characters="\n\r"), max_size=300),
)
def test_operator_add_with_any_text_never_tracebacks(
    url: str, name: str, password: str
) -> None:
    if name.startswith("-"):
        name = "x" + name  # an option, not a name: click's own message
    result = run(
        "operator", "add", name, "--role", "dispatcher", "--password-stdin",
        "--db", url, input=password + "\n",
    )  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    if result.exit_code:
        assert result.output.startswith("Error: ")
        assert len(result.output.strip().splitlines()) == 1
