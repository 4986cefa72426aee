"""A throwaway PostgreSQL cluster for the test suite.

The suite runs its database tests against PostgreSQL as well as SQLite. When
``SIAGA_TEST_POSTGRES_URL`` names a server, that server is used. Otherwise this
module looks for the PostgreSQL server binaries, creates a cluster in a
temporary folder, starts it on a free loopback port and removes it when the
session ends. PostgreSQL refuses to run as root, so as root the cluster is
created and run as the ``postgres`` system user.

A session killed from outside (a timeout, Ctrl+C twice) never reaches its
teardown and leaves its server running. Every cluster folder therefore names
the process that owns it (``owner``), and a new session first stops and
removes the clusters whose owner is gone (:func:`reap_stale_clusters`).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server can be had on this machine; the message says why."""


_TOOLS = ("initdb", "pg_ctl", "postgres", "createdb")


def find_server_bin() -> Path | None:
    """Return the folder holding ``initdb`` and ``pg_ctl``, newest version first."""
    on_path = shutil.which("initdb")
    if on_path:
        # Follow links (a distribution may link only some tools onto PATH).
        real = Path(on_path).resolve().parent
        if all((real / tool).exists() for tool in _TOOLS):
            return real
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb")
        + glob.glob("/usr/local/pgsql/bin/initdb")
        + glob.glob("/opt/homebrew/opt/postgresql*/bin/initdb"),
        key=_version_key,
        reverse=True,
    )
    for candidate in candidates:
        folder = Path(candidate).parent
        if all((folder / tool).exists() for tool in _TOOLS):
            return folder
    return None


def _version_key(path: str) -> tuple[int, ...]:
    parts = [p for p in Path(path).parts if p.isdigit()]
    return tuple(int(p) for p in parts) or (0,)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class ThrowawayCluster:
    """A PostgreSQL cluster that lives for one test session."""

    bin_dir: Path
    root: Path = field(init=False)
    port: int = field(init=False)
    _run_as: str | None = field(init=False, default=None)

    def start(self) -> str:
        """Create and start the cluster; return its SQLAlchemy URL."""
        reap_stale_clusters(self.bin_dir)
        self.root = Path(tempfile.mkdtemp(prefix=_PREFIX))
        (self.root / _OWNER).write_text(str(os.getpid()))
        self.port = _free_port()
        data = self.root / "data"
        if os.geteuid() == 0:
            try:
                user = pwd.getpwnam("postgres")
            except KeyError as exc:
                raise PostgresUnavailable(
                    "running as root and there is no 'postgres' user to run the "
                    "server as (PostgreSQL refuses to run as root)"
                ) from exc
            self._run_as = "postgres"
            os.chown(self.root, user.pw_uid, user.pw_gid)
        self._run(
            [
                str(self.bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "siaga",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",
            ]
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -c port={self.port} "
            f"-c unix_socket_directories={self.root} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off "
            "-c max_connections=60"
        )
        self._run(
            [
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        self._wait_ready()
        self._run(
            [
                str(self.bin_dir / "createdb"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
                "-U",
                "siaga",
                "siaga_test",
            ]
        )
        return f"postgresql+psycopg://siaga@127.0.0.1:{self.port}/siaga_test"

    def stop(self) -> None:
        """Stop the server and remove every file of the cluster."""
        _stop_and_remove(self.bin_dir, self.root)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise PostgresUnavailable(
            f"the test cluster did not accept connections: {self.log()}"
        )

    def log(self) -> str:
        """The server log, for error messages."""
        log = self.root / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"

    def _run(self, argv: list[str], *, check: bool = True) -> None:
        _run(argv, run_as=self._run_as, check=check)


_PREFIX = "siaga-pg-"
#: The file in a cluster's folder naming the process (pid) that owns it.
_OWNER = "owner"


def _run(argv: list[str], *, run_as: str | None, check: bool = True) -> None:
    if run_as:
        argv = ["runuser", "-u", run_as, "--", *argv]
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    if check and result.returncode != 0:
        raise PostgresUnavailable(
            f"{' '.join(argv)} failed ({result.returncode}): "
            f"{result.stderr.strip() or result.stdout.strip()}"
        )


def _stop_and_remove(bin_dir: Path, root: Path) -> None:
    data = root / "data"
    if data.exists():
        run_as = "postgres" if os.geteuid() == 0 else None
        _run(
            [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            run_as=run_as,
            check=False,
        )
    shutil.rmtree(root, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's living process
    return True


def reap_stale_clusters(bin_dir: Path, folder: Path | None = None) -> list[Path]:
    """Stop and remove the clusters whose owning test session is gone.

    Only folders this module made (named ``siaga-pg-*`` with an ``owner``
    file) are touched; returns the ones removed.
    """
    reaped = []
    for root in sorted(Path(folder or tempfile.gettempdir()).glob(_PREFIX + "*")):
        try:
            owner = int((root / _OWNER).read_text())
        except (OSError, ValueError):
            continue  # not ours, or still being made
        if not _alive(owner):
            _stop_and_remove(bin_dir, root)
            reaped.append(root)
    return reaped
