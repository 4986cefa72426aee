"""The SQLite writer queue: first come, first served, never a hang."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from dispatch.db import make_engine, write_session
from dispatch.writer_gate import WriterGate, supported

pytestmark = pytest.mark.skipif(
    not supported(), reason="open-file-description locks are Linux-only"
)


def _tickets(path: Path) -> int:
    return int.from_bytes(path.read_bytes()[:8], "little")


def _wait_until(condition: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.005)


def test_writers_are_served_in_the_order_they_came(tmp_path: Path) -> None:
    gate = WriterGate.beside(tmp_path / "db.sqlite", wait_seconds=30)
    assert gate is not None
    served: list[str] = []
    release = threading.Event()

    def first() -> None:
        with gate.turn():
            served.append("first")
            release.wait(30)

    def writer(name: str) -> None:
        with gate.turn():
            served.append(name)

    threads = [threading.Thread(target=first)]
    threads[0].start()
    _wait_until(lambda: served == ["first"])
    # Each later writer starts only once the one before it holds a ticket;
    # the later ones would win a race for a free file as often as not.
    for n, name in enumerate(("second", "third", "fourth"), start=2):
        thread = threading.Thread(target=writer, args=(name,))
        thread.start()
        threads.append(thread)
        _wait_until(lambda: _tickets(gate.path) == n)  # noqa: B023 (waited here)
    release.set()
    for thread in threads:
        thread.join(30)
    assert served == ["first", "second", "third", "fourth"]


def test_a_writer_that_waits_too_long_goes_on(tmp_path: Path) -> None:
    gate = WriterGate.beside(tmp_path / "db.sqlite", wait_seconds=0.2)
    assert gate is not None
    release = threading.Event()
    holding = threading.Event()

    def stuck() -> None:
        with gate.turn():
            holding.set()
            release.wait(30)

    thread = threading.Thread(target=stuck)
    thread.start()
    holding.wait(30)
    entered = False
    with gate.turn():  # the writer ahead never leaves: the wait is bounded
        entered = True
    release.set()
    thread.join(30)
    assert entered


def test_a_killed_writer_frees_its_turn(tmp_path: Path) -> None:
    gate = WriterGate.beside(tmp_path / "db.sqlite", wait_seconds=600)
    assert gate is not None
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import time
                from pathlib import Path
                from dispatch.writer_gate import WriterGate
                gate = WriterGate.beside(Path({str(tmp_path / "db.sqlite")!r}),
                                         wait_seconds=1)
                with gate.turn():
                    print("holding", flush=True)
                    time.sleep(600)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "holding"
        done = threading.Event()

        def waiter() -> None:
            with gate.turn():
                done.set()

        thread = threading.Thread(target=waiter)
        thread.start()
        _wait_until(lambda: _tickets(gate.path) == 2)
        assert not done.is_set()  # queued behind the living holder
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(30)
        thread.join(60)
        # Far sooner than the 600 s wait: the kernel freed the dead one's byte.
        assert done.is_set()
    finally:
        holder.kill()
        holder.wait(30)
        if holder.stdout is not None:
            holder.stdout.close()


def test_file_databases_queue_their_writers(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    try:
        gate_file = tmp_path / "db.sqlite-writers"
        before = _tickets(gate_file) if gate_file.stat().st_size else 0
        for _ in range(3):
            with write_session(engine) as session:
                session.connection().exec_driver_sql("SELECT 1")
        assert _tickets(gate_file) == before + 3
        assert gate_file.stat().st_mode & 0o077 == 0  # owner-only, like the db
    finally:
        engine.dispose()
