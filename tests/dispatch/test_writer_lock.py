"""The SQLite writers' lock: exclusive, woken at once, bounded, freed by death."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from dispatch.db import make_engine, write_session
from dispatch.writer_lock import WriterLock, supported

pytestmark = pytest.mark.skipif(
    not supported(), reason="open-file-description locks are Linux-only"
)


def _lock(tmp_path: Path, wait: float = 2.0) -> WriterLock:
    lock = WriterLock.beside(tmp_path / "siaga.db", wait_seconds=wait)
    assert lock is not None
    return lock


def test_two_threads_never_hold_it_at_once(tmp_path: Path) -> None:
    lock = _lock(tmp_path)
    inside = 0
    most = 0
    guard = threading.Lock()

    def writer() -> None:
        nonlocal inside, most
        for _ in range(50):
            with lock.held() as granted:
                assert granted
                with guard:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.0005)
                with guard:
                    inside -= 1

    threads = [threading.Thread(target=writer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1


def test_a_waiter_is_woken_as_soon_as_the_holder_lets_go(tmp_path: Path) -> None:
    lock = _lock(tmp_path)
    released_at: list[float] = []
    taken_at: list[float] = []
    holding = threading.Event()

    def holder() -> None:
        with lock.held():
            holding.set()
            time.sleep(0.3)
            released_at.append(time.monotonic())

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait()
    with lock.held() as granted:
        taken_at.append(time.monotonic())
    thread.join()
    assert granted
    # SQLite's busy handler sleeps up to 100 ms between looks; the kernel
    # wakes the waiter at once (a generous bound for a busy machine).
    assert taken_at[0] - released_at[0] < 0.05


def test_a_wait_that_runs_out_goes_on_and_frees_the_lock_later(tmp_path: Path) -> None:
    lock = _lock(tmp_path, wait=0.1)
    holding = threading.Event()
    release = threading.Event()

    def holder() -> None:
        with lock.held():
            holding.set()
            release.wait()

    thread = threading.Thread(target=holder)
    thread.start()
    holding.wait()
    began = time.monotonic()
    with lock.held() as granted:
        waited = time.monotonic() - began
    assert not granted
    assert 0.09 < waited < 1.0
    release.set()
    thread.join()
    # The abandoned claim got the lock after the holder left and let it go.
    time.sleep(0.05)
    with lock.held() as again:
        assert again


def test_a_killed_holder_frees_the_lock(tmp_path: Path) -> None:
    lock = _lock(tmp_path, wait=5.0)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from pathlib import Path\n"
            "from dispatch.writer_lock import WriterLock\n"
            "lock = WriterLock.beside(Path(sys.argv[1]), wait_seconds=5)\n"
            "with lock.held():\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(tmp_path / "siaga.db"),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        holder.kill()
        began = time.monotonic()
        with lock.held() as granted:
            assert granted
        assert time.monotonic() - began < 2.0
    finally:
        holder.kill()
        holder.wait()
        if holder.stdout is not None:
            holder.stdout.close()


def test_a_write_session_holds_the_files_lock(tmp_path: Path) -> None:
    database = tmp_path / "siaga.db"
    engine = make_engine(f"sqlite:///{database}")
    other = WriterLock.beside(database, wait_seconds=0.05)
    assert other is not None
    try:
        with write_session(engine) as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            with other.held() as granted:
                assert not granted  # the session holds it
        with other.held() as granted:
            assert granted  # committed: free again
    finally:
        engine.dispose()
