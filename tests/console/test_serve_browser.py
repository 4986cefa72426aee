"""The served page, loaded in headless Chromium, asks nothing of the outside world.

Chromium comes from Debian's packages (``/usr/bin/chromium``; ``.ci/run``
installs it) and is driven by Playwright for Python pointed at that binary:
nothing here downloads a browser. In CI (``CI=true``) a missing browser is a
failure; elsewhere the test skips and says why.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import pytest

from tests.console.test_cli_serve import start_server

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def _browser_or_reason(path: str = CHROMIUM) -> str | None:
    if not (os.path.exists(path) and os.access(path, os.X_OK)):
        return (
            f"no Chromium at {path}: install Debian's chromium and "
            "chromium-driver packages (.ci/run does)"
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed (pip install -e '.[test]')"
    return None


def _missing_browser(reason: str) -> NoReturn:
    """A failure in CI (which must run this test), a skip with the reason elsewhere."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the browser test: {reason}")
    pytest.skip(reason)


@pytest.fixture
def chromium() -> str:
    reason = _browser_or_reason()
    if reason is not None:
        _missing_browser(reason)
    return CHROMIUM


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch):
    reason = _browser_or_reason("/nonexistent/chromium")
    assert reason is not None
    assert "Debian's chromium" in reason
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run"):
        _missing_browser(reason)
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no Chromium"):
        _missing_browser(reason)


@pytest.mark.slow
def test_served_page_makes_no_request_off_the_machine(
    tmp_path: Path, chromium: str
) -> None:
    from playwright.sync_api import Route, sync_playwright

    proc, port = start_server(tmp_path)
    requested: list[str] = []
    blocked: list[str] = []
    console: list[str] = []

    def guard(route: Route) -> None:
        url = route.request.url
        requested.append(url)
        if urlsplit(url).hostname not in LOCAL_HOSTS:
            blocked.append(url)
            route.abort()
        else:
            route.continue_()

    try:
        with sync_playwright() as pw:
            context = pw.chromium.launch_persistent_context(
                str(tmp_path / "profile"),  # a fresh profile every run
                executable_path=chromium,
                headless=True,
                args=CHROMIUM_ARGS,
            )
            try:
                context.route("**/*", guard)
                sockets: list[str] = []
                page = context.new_page()
                page.on("console", lambda m: console.append(m.text))
                page.on("websocket", lambda ws: sockets.append(ws.url))
                page.goto(f"http://127.0.0.1:{port}/", wait_until="load")
                # The console answered over the websocket and drew its screen.
                page.wait_for_selector("body.-first-byte", timeout=60_000)
                page.wait_for_load_state("networkidle")
                fonts: Any = page.evaluate(
                    "Array.from(document.fonts).map(f => [f.family, f.status])"
                )
                stored: Any = page.evaluate(
                    "localStorage.length + sessionStorage.length"
                )
                cookies = context.cookies()
                proc.terminate()  # the server stops; the session ends
                proc.wait(timeout=30)
                page.wait_for_selector("body.-closed", timeout=30_000)
                leftover = page.query_selector("#terminal")
            finally:
                context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        shutil.rmtree(tmp_path / "profile", ignore_errors=True)
    assert requested, "the browser loaded the page"
    assert blocked == [], f"requests off the machine: {blocked}"
    assert sockets
    assert all(urlsplit(u).hostname in LOCAL_HOSTS for u in sockets)
    assert not [m for m in console if "Content Security Policy" in m], console
    assert ['"Roboto Mono"', "loaded"] in fonts or ["Roboto Mono", "loaded"] in fonts
    assert any(url.endswith(".ttf") for url in requested)
    assert stored == 0  # nothing of the session is kept in the browser
    assert cookies == []
    assert leftover is None  # what the console showed is gone from the page
