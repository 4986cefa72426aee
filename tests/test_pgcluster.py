"""The suite's throwaway PostgreSQL: a killed session's server does not linger."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.pgcluster import find_server_bin, reap_stale_clusters

ROOT = Path(__file__).resolve().parents[1]


def _listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_only_clusters_of_a_finished_session_are_reaped(tmp_path: Path) -> None:
    bin_dir = tmp_path / "no-bin"  # nothing to stop in these folders
    mine = tmp_path / "siaga-pg-mine"
    mine.mkdir()
    (mine / "owner").write_text(str(os.getpid()))
    foreign = tmp_path / "siaga-pg-foreign"  # no owner file: not ours to touch
    foreign.mkdir()
    other = tmp_path / "unrelated"
    other.mkdir()
    (other / "owner").write_text("1")
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    dead = tmp_path / "siaga-pg-dead"
    dead.mkdir()
    (dead / "owner").write_text(str(gone.pid))
    assert reap_stale_clusters(bin_dir, tmp_path) == [dead]
    assert mine.exists()
    assert foreign.exists()
    assert other.exists()
    assert not dead.exists()


def test_a_killed_sessions_server_is_stopped_by_the_next_one(tmp_path: Path) -> None:
    bin_dir = find_server_bin()
    if bin_dir is None:
        pytest.skip("no PostgreSQL server binaries on this machine")
    script = textwrap.dedent(
        """
        import time
        from tests.pgcluster import ThrowawayCluster, find_server_bin
        cluster = ThrowawayCluster(find_server_bin())
        cluster.start()
        print(cluster.root, cluster.port, flush=True)
        time.sleep(600)
        """
    )
    session = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT
    )
    try:
        assert session.stdout is not None
        root_text, port_text = session.stdout.readline().split()
        root, port = Path(root_text), int(port_text)
        assert _listening(port)
        os.kill(session.pid, signal.SIGKILL)  # no teardown runs
        session.wait(30)
        assert _listening(port)  # the server outlived its session
        assert root in reap_stale_clusters(bin_dir, root.parent)
        assert not root.exists()
        assert not _listening(port)
    finally:
        session.kill()
        session.wait(30)
        if session.stdout is not None:
            session.stdout.close()
