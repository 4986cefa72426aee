"""Start-up as an operator sees it: the real commands in a pseudo-terminal.

Run: ``python -m pytest tests/bench/test_startup_bench.py --benchmark-enable -s``.

Each round starts the command in a fresh pseudo-terminal (120x40, xterm),
reads what it draws, and notes the time from the start of the process to:

* ``signon_screen``: the sign-on screen is drawn; the demo call taker then
  signs on (name, Tab, password, Enter, typed at 20 ms a key);
* ``first_screen``: the intake screen's idle line is on the terminal;
* ``interactive``: F2 is sent as soon as the first screen is there, then a
  "0" every 50 ms until one shows in the caller-number field: the intake
  takes keys (to within 50 ms; a key typed before the field is ready may be
  lost, which is the intake's type-ahead to fix, not what is measured here);
* ``call_open``: the call F2 asked for exists in the database (the intake
  shows "Panggilan N"): the engine is up too.

Beside the wall-clock times, ``*_cpu`` notes the CPU seconds the process
(with its threads and finished children) had used at each point: on a shared,
busy machine that is the better guide to what a quiet one would show.

``siaga`` runs on an initialised SQLite file; ``./scripts/start`` runs warm
(virtual environment installed, database current), which is what a call taker
sees every morning. The process is then stopped. Figures go to
``extra_info``; nothing is asserted about time.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import termios
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from pytest_benchmark.fixture import BenchmarkFixture

from console.cli import main

REPO = Path(__file__).resolve().parents[2]
F2 = b"\x1bOQ"
IDLE = re.compile(rb"F2 untuk panggilan baru")
SIGNON = re.compile(rb"Kata sandi")
#: The demo operators' password in the benchmark database (given to init).
DEMO_PASSWORD = "bench demo password"
TYPED = re.compile(rb"Nomor +0")
POKE_S = 0.05
CALL_OPEN = re.compile(rb"Panggilan \d+")
ANSI = re.compile(rb"\x1b(\[[0-9;?<>=]*[ -/]*[@-~]|[()][0-9A-B]|[=>]|\][^\x07]*\x07)")
LIMIT_S = 60.0


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of ``pid`` and its reaped children, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return float("nan")
    fields = stat[stat.rfind(")") + 2 :].split()
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / os.sysconf("SC_CLK_TCK")


def _drive(command: list[str], env: dict[str, str]) -> dict[str, float]:
    """Seconds from spawn to the first screen, to typed keys shown, to a call."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    started = time.perf_counter()
    proc = subprocess.Popen(
        command,
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        cwd=REPO,
        start_new_session=True,
    )
    os.close(slave)
    seen = b""
    poked = 0.0
    marks: dict[str, float] = {}
    try:
        while "call_open" not in marks:
            if time.perf_counter() - started > LIMIT_S:
                text = ANSI.sub(b"", seen)[-600:].decode(errors="replace")
                raise AssertionError(f"{command[0]} never opened a call: {text}")
            ready, _, _ = select.select([master], [], [], 0.01)
            tick = time.perf_counter()
            poke = "first_screen" in marks and "interactive" not in marks
            if poke and tick - poked >= POKE_S:
                os.write(master, b"0")
                poked = tick
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:  # the process closed the terminal
                break
            seen += chunk
            plain = ANSI.sub(b"", seen)
            now = time.perf_counter() - started
            if "signon_screen" not in marks:
                if SIGNON.search(plain):
                    marks["signon_screen"] = now
                    marks["signon_screen_cpu"] = _cpu_seconds(proc.pid)
                    time.sleep(1.0)  # the name field takes focus after the draw
                    for ch in "operator\t" + DEMO_PASSWORD + "\r":
                        os.write(master, ch.encode())
                        time.sleep(0.02)
                    seen = b""
                continue
            if "first_screen" not in marks:
                if IDLE.search(plain):
                    marks["first_screen"] = now
                    marks["first_screen_cpu"] = _cpu_seconds(proc.pid)
                    os.write(master, F2)
                    poked = time.perf_counter()
                    seen = b""
                continue
            if "interactive" not in marks and TYPED.search(plain):
                marks["interactive"] = now
                marks["interactive_cpu"] = _cpu_seconds(proc.pid)
            if "call_open" not in marks and CALL_OPEN.search(plain):
                marks["call_open"] = now
                marks["call_open_cpu"] = _cpu_seconds(proc.pid)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    if "call_open" in marks and "interactive" not in marks:
        # The call opened in the same frame that showed the typed key (the
        # screen is redrawn in pieces, so the key's echo can go unseen):
        # the intake took keys no later than that.
        marks["interactive"] = marks["call_open"]
        marks["interactive_cpu"] = marks["call_open_cpu"]
    return marks


def _environment(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("SIAGA_") or k == "SIAGA_CONFIG_FILE"
    }
    env.update(TERM="xterm-256color", COLUMNS="120", LINES="40")
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


@pytest.fixture
def database(tmp_path: Path) -> Path:
    path = tmp_path / "ready.db"
    result = CliRunner().invoke(
        main,
        ["init", "--db", f"sqlite:///{path}", "-q"],
        env={"SIAGA_DEMO_PASSWORD": DEMO_PASSWORD},
    )
    assert result.exit_code == 0, result.output
    return path


def _run_rounds(
    benchmark: BenchmarkFixture,
    make_command: Callable[[], list[str]],
    env: dict[str, str],
    rounds: int,
) -> dict[str, list[float]]:
    samples: dict[str, list[float]] = {
        name: []
        for point in ("first_screen", "interactive", "call_open")
        for name in (point, f"{point}_cpu")
    }

    def once() -> None:
        marks = _drive(make_command(), env)
        for name in samples:
            samples[name].append(marks[name])

    benchmark.pedantic(once, rounds=rounds, iterations=1)
    for name, values in samples.items():
        benchmark.extra_info[f"{name}_median_s"] = round(statistics.median(values), 3)
        benchmark.extra_info[f"{name}_max_s"] = round(max(values), 3)
    benchmark.extra_info["load_average"] = os.getloadavg()[0]
    print(
        f"\n{make_command()[0]}: first screen "
        f"{statistics.median(samples['first_screen']):.2f} s, interactive "
        f"{statistics.median(samples['interactive']):.2f} s, call open "
        f"{statistics.median(samples['call_open']):.2f} s; CPU "
        f"{statistics.median(samples['first_screen_cpu']):.2f} / "
        f"{statistics.median(samples['interactive_cpu']):.2f} / "
        f"{statistics.median(samples['call_open_cpu']):.2f} s (median of "
        f"{len(samples['first_screen'])}; load {os.getloadavg()[0]:.2f})"
    )
    return samples


def test_bench_siaga_to_interactive(
    benchmark: BenchmarkFixture, tmp_path: Path, database: Path
) -> None:
    """``siaga --db URL`` → intake drawn → F2 opened a call."""
    siaga = shutil.which("siaga", path=str(Path(sys.executable).parent))
    assert siaga is not None
    env = _environment(tmp_path)
    counter = iter(range(1000))

    def command() -> list[str]:
        copy = tmp_path / f"round-{next(counter)}.db"
        shutil.copy(database, copy)
        return [siaga, "--db", f"sqlite:///{copy}"]

    benchmark.extra_info["per"] = "process start → intake drawn / keys shown / call"
    _run_rounds(benchmark, command, env, rounds=5)


def test_bench_scripts_start_warm(
    benchmark: BenchmarkFixture, tmp_path: Path, database: Path
) -> None:
    """``./scripts/start --db URL`` on an installed venv and a current database."""
    env = _environment(tmp_path)
    url = f"sqlite:///{database}"
    check = CliRunner().invoke(main, ["init", "--check", "--db", url])
    assert check.exit_code == 0, check.output  # warm: init must be skipped
    benchmark.extra_info["per"] = "./scripts/start → intake drawn / keys shown / call"
    _run_rounds(
        benchmark, lambda: [str(REPO / "scripts" / "start"), "--db", url], env, 3
    )
