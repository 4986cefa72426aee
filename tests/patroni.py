"""The Patroni cluster of ``scripts/cluster`` for tests and the failover measurement.

Starts the three-node cluster on free loopback ports in a fresh temporary
folder, hands out its multi-host URL, kills the leader like a crashed server
(``scripts/cluster kill``: SIGKILL to Patroni's and PostgreSQL's process
groups together) and brings a killed node back. Desks writing through the
service API during a kill are in :class:`DeskLoad`.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from dispatch.errors import CommitInDoubt, DatabaseUnavailable
from dispatch.services import DispatchService

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "cluster"


class ClusterUnavailable(RuntimeError):
    """Patroni, etcd or PostgreSQL are missing, or the cluster did not start."""


def missing_tools() -> str | None:
    """Why the cluster cannot run here, or ``None``."""
    for tool in ("patroni", "etcd", "curl", "psql", "pgrep", "setsid"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (see .ci/run for the Debian packages)"
    probe = subprocess.run(
        ["/usr/bin/python3", "-c", "import etcd"], capture_output=True, check=False
    )
    if probe.returncode != 0:
        return "python3-etcd is not installed (Patroni's etcd client)"
    return None


def _ports_free(base: int) -> bool:
    for offset in (0, 1, 2, 100, 101, 102, 200, 201, 202, 300, 301, 302):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", base + offset))
            except OSError:
                return False
    return True


def _free_base() -> int:
    for _ in range(50):
        base = 20000 + (os.getpid() * 7 + int(time.time() * 1000)) % 20000
        if _ports_free(base):
            return base
        time.sleep(0.01)
    raise ClusterUnavailable("no free block of loopback ports for the cluster")


@dataclass
class PatroniCluster:
    """One cluster started by ``scripts/cluster`` (stop it when done)."""

    folder: Path = field(init=False)
    url: str = field(init=False, default="")
    env: dict[str, str] = field(init=False)

    def start(self) -> str:
        """Start all three nodes; return the multi-host URL."""
        self.folder = Path(tempfile.mkdtemp(prefix="siaga-patroni-"))
        self.env = {
            **os.environ,
            "SIAGA_CLUSTER_DIR": str(self.folder),
            "SIAGA_CLUSTER_PORT": str(_free_base()),
        }
        out = self.run("start")
        self.url = out.strip().splitlines()[-1]
        return self.url

    def run(self, *args: str, check: bool = True) -> str:
        """Run ``scripts/cluster ARGS`` for this cluster; return its output."""
        result = subprocess.run(
            [str(SCRIPT), *args],
            env=self.env,
            capture_output=True,
            text=True,
            check=False,
            timeout=180,
        )
        if check and result.returncode != 0:
            raise ClusterUnavailable(
                f"scripts/cluster {' '.join(args)}: {result.stderr.strip()}"
            )
        return result.stdout

    def leader(self) -> str | None:
        """The leader's node name, or ``None`` while there is none."""
        out = self.run("leader", check=False).strip()
        return out or None

    def kill_leader(self) -> str:
        """SIGKILL the leader node; return its name."""
        name = self.leader()
        if name is None:
            raise ClusterUnavailable("no leader to kill")
        self.run("kill", name)
        return name

    def stop(self) -> None:
        """Stop every process and delete the data."""
        self.run("stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)


@dataclass
class DeskLoad:
    """Desks opening calls through the service API in threads, each call named.

    Every call's ``caller_name`` is unique (``desk<d>-<n>``), so the database
    can be asked afterwards whether each acknowledged call is there exactly
    once. A call whose commit broke is *in doubt* and is not retried.
    """

    services: list[DispatchService]
    acknowledged: dict[str, float] = field(default_factory=dict)
    in_doubt: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start one thread per desk."""
        for number, services in enumerate(self.services):
            thread = threading.Thread(
                target=self._desk, args=(number, services), daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def stop(self) -> None:
        """Stop the desks and wait for them."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=60)

    def acknowledged_since(self, since: float) -> dict[int, float]:
        """Per desk: when its first call acknowledged after ``since`` was."""
        firsts: dict[int, float] = {}
        with self._lock:
            for name, at in self.acknowledged.items():
                desk = int(name.split("-")[0].removeprefix("desk"))
                if at > since and (desk not in firsts or at < firsts[desk]):
                    firsts[desk] = at
        return firsts

    def _desk(self, number: int, services: DispatchService) -> None:
        count = 0
        while not self._stop.is_set():
            count += 1
            name = f"desk{number}-{count}"
            try:
                services.open_call({"caller_name": name, "take_ring": False})
            except CommitInDoubt:
                with self._lock:
                    self.in_doubt.append(name)
                continue
            except DatabaseUnavailable:
                with self._lock:
                    self.failed.append(name)
                time.sleep(0.2)
                continue
            with self._lock:
                self.acknowledged[name] = time.monotonic()
            time.sleep(0.02)
