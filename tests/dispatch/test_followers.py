"""Following desks read what another desk writes; ``siaga follow`` reports the trail."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from click.testing import CliRunner
from sqlalchemy import Engine

from console.cli import main
from dispatch.stress.followers import follow_and_probe
from dispatch.testing import make_services
from tests.dispatch.reports_day import make_database


def test_every_desk_reads_what_another_desk_writes(engine: Engine) -> None:
    writer = make_services(engine)
    reader = make_services(engine, seed=False, terminal="follow")
    probe = make_services(engine, seed=False, terminal="probe")
    first = writer.last_event_id()
    stop = threading.Event()

    def write() -> None:
        while not stop.is_set():
            writer.open_call({"caller_name": "follow test", "take_ring": False})
            time.sleep(0.1)

    thread = threading.Thread(target=write)
    thread.start()
    try:
        report = follow_and_probe(
            reader, probe, desks=4, seconds=3.0, probe_seconds=0.3, poll_seconds=0.2
        )
    finally:
        stop.set()
        thread.join()
    written = writer.last_event_id() - first
    doc = report.as_dict()
    assert report.missed == 0
    assert len(report.delays_s) >= 3  # new heads were probed and reached
    assert all(d >= 0 for d in report.delays_s)
    # every desk read (nearly) everything written while it followed
    assert report.events_read // report.desks >= written // 2
    assert doc["wakes_on"] == (
        "NOTIFY" if engine.dialect.name == "postgresql" else "poll every 0.2 s"
    )


def test_siaga_follow_prints_the_trail_as_json(tmp_path: Path) -> None:
    services, _ = make_database(tmp_path / "f.db")
    url = str(services.engine.url)
    services.engine.dispose()
    result = CliRunner().invoke(
        main, ["--db", url, "follow", "--desks", "2", "--seconds", "1", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["desks"] == 2
    assert doc["missed"] == 0
    assert set(doc["delay_s"]) == {"p50", "p95", "p99", "max"}


def test_sigterm_ends_siaga_follow_with_its_figures(tmp_path: Path) -> None:
    """Started in the background by a script (SIGINT ignored), still stoppable."""
    services, _ = make_database(tmp_path / "f.db")
    url = str(services.engine.url)
    services.engine.dispose()
    command = [sys.executable, "-m", "console", "--db", url, "follow"]
    command += ["--desks", "2", "--seconds", "600", "--json"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )
    assert process.stderr is not None
    assert "following with 2 desks" in process.stderr.readline()  # handlers set
    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert json.loads(out)["desks"] == 2
