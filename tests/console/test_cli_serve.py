"""``siaga serve``: loopback only by default, a local-only page, no orphans."""

from __future__ import annotations

import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psutil
import pytest
from aiohttp import ClientSession
from aiohttp.test_utils import TestClient, TestServer
from click.testing import CliRunner

from console.cli import main
from console.serve import SiagaServer, check_host, is_loopback
from dispatch.db import make_engine
from dispatch.setup import init_database


def test_serve_help_works_in_a_fresh_process():
    result = subprocess.run(
        [sys.executable, "-m", "console", "serve", "--help"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "--host" in result.stdout
    assert "--allow-remote" in result.stdout
    assert "127.0.0.1" in result.stdout


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Servers ``siaga serve`` built; ``serve()`` only records, never listens."""
    servers: list[Any] = []
    monkeypatch.setattr(
        SiagaServer, "serve", lambda self, *a, **k: servers.append(self)
    )
    return servers


def test_serve_binds_to_loopback_and_keeps_the_url_off_the_command_line(
    tmp_path, built, monkeypatch
):
    monkeypatch.delenv("SIAGA_DATABASE_URL", raising=False)
    url = f"sqlite:///{tmp_path / 'serve.db'}"
    result = CliRunner().invoke(main, ["serve", "--db", url], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    (server,) = built
    assert server.host == "127.0.0.1"
    assert server.port == 8112
    command = shlex.split(server.command)
    assert command == ["exec", sys.executable, "-m", "console"]
    assert url not in server.command
    assert os.environ["SIAGA_DATABASE_URL"] == url  # what each tab inherits


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_serve_refuses_a_non_loopback_address(built, host):
    result = CliRunner().invoke(main, ["serve", "--host", host])
    assert result.exit_code == 2
    assert f"refusing to listen on {host}" in result.output
    assert "--allow-remote" in result.output
    assert built == []


def test_allow_remote_listens_and_warns_about_tls(built):
    result = CliRunner().invoke(
        main,
        ["serve", "--host", "0.0.0.0", "--port", "9000", "--allow-remote"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    (server,) = built
    assert (server.host, server.port) == ("0.0.0.0", 9000)
    assert "WARNING" in result.output
    assert "TLS" in result.output


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.8.9.1", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("10.1.2.3", False),
        ("name-that-does-not-resolve.invalid", False),
    ],
)
def test_is_loopback(host, loopback):
    assert is_loopback(host) is loopback


def test_the_server_itself_refuses_remote_addresses():
    with pytest.raises(ValueError, match="--allow-remote"):
        SiagaServer("true", host="0.0.0.0")
    check_host("0.0.0.0", allow_remote=True)  # allowed explicitly: no error


_URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(\s*["']?([^"')]+)""")


async def test_the_page_loads_only_from_this_server():
    server = SiagaServer("true", port=8112)
    client = TestClient(TestServer(await server._make_app()))
    await client.start_server()
    try:
        response = await client.get("/")
        assert response.status == 200
        page = await response.text()
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "connect-src 'self' ws://127.0.0.1:8112" in policy
        urls = [a or b for a, b in _URL.findall(page)]
        assert urls, "the page references its script, styles and font"
        for url in urls:
            assert url.startswith("http://127.0.0.1:8112/static/"), url
        assert "googleapis" not in page
        assert "fonts/RobotoMono-VariableFont_wght.ttf" in page
        for url in urls:
            local = await client.get(url.removeprefix("http://127.0.0.1:8112"))
            assert local.status == 200, url
    finally:
        await client.close()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, proc: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "siaga serve exited early"
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    pytest.fail(f"siaga serve did not listen on port {port} within {timeout} s")


def start_server(tmp_path: Path) -> tuple[subprocess.Popen[bytes], int]:
    """``siaga serve`` in its own process on a free port, with a fresh database."""
    port = _free_port()
    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = make_engine(url)
    init_database(engine, pack_name="blitar", demo=False)  # a console that runs
    engine.dispose()
    env = {**os.environ, "SIAGA_DATABASE_URL": url}
    with (tmp_path / "serve.log").open("wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "console", "serve", "--port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    _wait_for_port(port, proc, 60)
    return proc, port


@pytest.mark.slow
async def test_sigterm_stops_the_consoles_the_server_started(tmp_path):
    proc, port = start_server(tmp_path)
    server = psutil.Process(proc.pid)
    children: list[psutil.Process] = []
    try:
        async with (
            ClientSession() as http,
            http.ws_connect(f"http://127.0.0.1:{port}/ws?width=80&height=24") as ws,
        ):
            first = await ws.receive(timeout=60)  # the console drew something
            assert first.data
            children = server.children(recursive=True)
            assert children, "the session runs a console process"
            proc.send_signal(signal.SIGTERM)
            # Before, the server lingered ~20 s on a console that never got
            # its quit message (a supervisor's stop timeout then kills the
            # server and orphans the console); now it stops them itself.
            assert proc.wait(timeout=15) == 0
        gone, alive = psutil.wait_procs(children, timeout=2)
        assert alive == [], [p.cmdline() for p in alive]
        assert {p.pid for p in gone} == {p.pid for p in children}
    finally:
        for process in [*children, server]:
            if process.is_running():
                process.kill()
        proc.wait()


def test_behind_a_tls_proxy_the_page_may_reach_only_the_proxy():
    server = SiagaServer("true", public_url="https://cad.example.internal")
    policy = server.content_security_policy
    assert "connect-src 'self' wss://cad.example.internal;" in policy
    assert "ws://" not in policy
    assert "frame-ancestors 'none'" in policy
