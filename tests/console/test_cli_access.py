"""The CLI acts as the configured operator, through the guarded door."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from console.cli import main
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.services import DispatchService
from dispatch.testing import ALUN_ALUN, principal_for

E164 = "+6281234565432"


def run(*args: str) -> Result:
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    url = f"sqlite:///{tmp_path / 'x.db'}"
    assert run("init", "--db", url).exit_code == 0
    return url


def _incident(url: str) -> str:
    engine = make_engine(url)
    desk = DispatchService(engine, principal=principal_for(Role.SUPERVISOR))
    call = desk.open_call({"caller_number": "0812-3456-5432", "caller_name": "Budi"})
    incident = desk.create_incident(
        call.id,
        location={"text": "alun-alun", **ALUN_ALUN},
        classification={"type_code": "MED-UNCON", "answers": {}},
    )
    engine.dispose()
    return incident.number


def test_an_unregistered_operator_gets_one_clear_line(url, monkeypatch):
    monkeypatch.setenv("SIAGA_OPERATOR", "mallory")
    result = CliRunner().invoke(main, ["log", "tail", "--db", url])
    assert result.exit_code == 1
    assert "'mallory' is not a registered operator" in result.output
    assert "Traceback" not in result.output


def test_a_call_taker_is_told_it_may_not_read_the_shift_log(url, monkeypatch):
    monkeypatch.setenv("SIAGA_OPERATOR", "operator")  # the demo call taker
    result = CliRunner().invoke(main, ["log", "--db", url])
    assert result.exit_code == 1
    assert "A call taker may not search the shift log." in result.output


def test_eido_export_is_masked_unless_a_supervisor_asks(url, monkeypatch):
    number = _incident(url)
    monkeypatch.setenv("SIAGA_OPERATOR", "dispatcher")
    masked = run("export", "eido", "--db", url, number)
    assert masked.exit_code == 0, masked.output
    person = json.loads(masked.output)["personComponent"][0]
    assert person["personTelephoneNumber"] == "0812-****-5432"
    assert person["personName"] == "B."
    refused = CliRunner().invoke(
        main, ["export", "eido", "--db", url, "--full", number]
    )
    assert refused.exit_code == 1
    assert "may not export unmasked personal data" in refused.output

    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    full = run("export", "eido", "--db", url, "--full", number)
    assert full.exit_code == 0, full.output
    assert json.loads(full.output)["personComponent"][0]["personTelephoneNumber"] == (
        E164
    )
    tail = run("log", "tail", "--db", url, "--json", "-n", "3")
    kinds = [json.loads(line)["kind"] for line in tail.output.splitlines() if line]
    assert "export.unmasked" in kinds
    assert "access.denied" in kinds


# The unit view no longer acts as SIAGA_OPERATOR: it opens at its sign-on
# screen, where only a responder bound to the unit signs on (tests/dispatch/
# test_signon.py and tests/console/test_signon_console.py).
