"""The browser view's web server: textual-serve, closed to the outside world.

:class:`SiagaServer` is textual-serve's :class:`~textual_serve.server.Server`
with three changes a 112 center needs:

- its page is our own template (``console/web/app_index.html``) that loads
  nothing from outside the machine (textual-serve's own page asks a public
  font service for its font; here the copy it ships is served instead), and
  every response says so to the browser in a Content-Security-Policy;
- stopping the server (SIGTERM, SIGINT) stops every console process it
  started, and waits for them, instead of leaving one running;
- it refuses, by itself, to listen on anything but loopback unless the
  caller allowed remote access (:func:`is_loopback` is what ``siaga serve``
  checks first, with a clear message).
"""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Any

import psutil
from aiohttp import web
from textual_serve.server import Server

#: Seconds a console gets to quit on SIGTERM before it is killed.
STOP_GRACE_SECONDS = 5.0


def content_security_policy(websocket_origin: str) -> str:
    """The browser may load from, and connect to, this server only."""
    return "; ".join(
        (
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline'",
            "style-src 'self' 'unsafe-inline'",
            "font-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {websocket_origin}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


TEMPLATES = Path(__file__).with_name("web")


class RemoteNotAllowed(ValueError):
    """The address is not loopback and remote access was not allowed."""


def is_loopback(host: str) -> bool:
    """True when every address ``host`` names is a loopback address.

    Names are resolved (``localhost`` is loopback on a sane machine); a name
    that does not resolve is not loopback.
    """
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    addresses = {info[4][0] for info in infos}
    return bool(addresses) and all(
        ipaddress.ip_address(str(a).split("%")[0]).is_loopback for a in addresses
    )


def check_host(host: str, *, allow_remote: bool) -> None:
    """Raise :class:`RemoteNotAllowed` for a non-loopback ``host`` unless allowed."""
    if not allow_remote and not is_loopback(host):
        raise RemoteNotAllowed(
            f"refusing to listen on {host}: the browser view shows callers' data "
            "and has no TLS of its own, so it listens on loopback (127.0.0.1) "
            "only. Put a TLS reverse proxy in front of it (docs/serve.md) and "
            "pass --allow-remote to listen elsewhere."
        )


class SiagaServer(Server):
    """textual-serve with a local-only page and children that stop with it."""

    def __init__(
        self,
        command: str,
        *,
        host: str = "127.0.0.1",
        port: int = 8112,
        title: str | None = None,
        public_url: str | None = None,
        allow_remote: bool = False,
    ) -> None:
        check_host(host, allow_remote=allow_remote)
        super().__init__(
            command,
            host=host,
            port=port,
            title=title,
            public_url=public_url,
            templates_path=TEMPLATES,
        )
        scheme = "wss" if self.public_url.startswith("https") else "ws"
        origin = self.public_url.split("://", 1)[-1].split("/", 1)[0]
        self.content_security_policy = content_security_policy(f"{scheme}://{origin}")
        """Sent with every response: nothing but this server may be reached."""

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()

        @web.middleware
        async def security_headers(
            request: web.Request, handler: Any
        ) -> web.StreamResponse:
            response: web.StreamResponse = await handler(request)
            headers = response.headers
            headers.setdefault("Content-Security-Policy", self.content_security_policy)
            headers.setdefault("X-Content-Type-Options", "nosniff")
            headers.setdefault("Referrer-Policy", "no-referrer")
            headers.setdefault("Cache-Control", "no-store")
            return response

        app.middlewares.append(security_headers)
        return app

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every console this server started before the server goes."""
        await super().on_shutdown(app)
        stop_children()


def stop_children(grace: float = STOP_GRACE_SECONDS) -> list[int]:
    """Terminate this process's children (and theirs); kill what is left.

    Returns the process ids that were stopped.
    """
    children = psutil.Process().children(recursive=True)
    for child in children:
        try:
            child.terminate()
        except psutil.NoSuchProcess:
            continue
    _, alive = psutil.wait_procs(children, timeout=grace)
    for child in alive:
        try:
            child.kill()
        except psutil.NoSuchProcess:
            continue
    psutil.wait_procs(alive, timeout=grace)
    return [child.pid for child in children]


__all__ = [
    "RemoteNotAllowed",
    "SiagaServer",
    "check_host",
    "content_security_policy",
    "is_loopback",
    "stop_children",
]
