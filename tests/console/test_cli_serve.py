"""``siaga serve``: help text, and the server it builds (never started here)."""

from __future__ import annotations

import shlex
import subprocess
import sys
from typing import Any

import pytest
from click.testing import CliRunner

from console.cli import main


def test_serve_help_works_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "console", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--host" in result.stdout
    assert "127.0.0.1" in result.stdout


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Servers ``siaga serve`` built; ``serve()`` only records, never listens."""
    from textual_serve.server import Server

    servers: list[Any] = []
    monkeypatch.setattr(Server, "serve", lambda self, *a, **k: servers.append(self))
    return servers


def test_serve_binds_to_localhost_by_default(tmp_path, built):
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    result = CliRunner().invoke(main, ["serve", "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (server,) = built
    assert server.host == "127.0.0.1"
    assert server.port == 8112
    command = shlex.split(server.command)
    assert command[:3] == [sys.executable, "-m", "console"]
    assert command[3:] == ["--db", url]


def test_serve_takes_another_host_and_port(built):
    result = CliRunner().invoke(
        main, ["serve", "--host", "0.0.0.0", "--port", "9000"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    (server,) = built
    assert (server.host, server.port) == ("0.0.0.0", 9000)
