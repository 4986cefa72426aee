"""Report and journal benchmarks: a 10,000-call handover, ``log verify`` at scale.

Run: ``python -m pytest tests/bench/test_reports_bench.py --benchmark-enable``.
The journal benchmark verifies 100,000 events by default; set
``SIAGA_BENCH_FULL=1`` for 1,000,000 (building that journal takes a minute).
Figures are reported (``extra_info`` holds events per second), never asserted.

The journals are written through :mod:`dispatch.journal`'s own write path
(:func:`~dispatch.journal.defer` and :func:`~dispatch.journal.flush_pending`,
20,000 events a transaction), so they verify like a real journal.
"""

from __future__ import annotations

import os
import random
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, insert

from dispatch import journal
from dispatch.clock import FixedClock
from dispatch.db import make_engine, read_session, write_session
from dispatch.journal import verify_chain
from dispatch.models import Call, Incident
from dispatch.reports import shift_for_date
from dispatch.reports.handover import build_handover
from dispatch.reports.render import handover_markdown
from dispatch.setup import init_database

DAY = datetime(2026, 11, 27, 0, 0, tzinfo=UTC)  # 07:00 WIB
OUTCOMES = (
    ("prank", 0.23),
    ("silent", 0.30),
    ("abandoned", 0.05),
    ("information", 0.08),
    ("referral", 0.09),
    ("duplicate", 0.05),
    ("incident", 0.20),
)
TYPES = (
    ("MED-SICK", "P2"),
    ("MED-UNCON", "P1"),
    ("TRAFFIC-INJ", "P1"),
    ("FIRE-HOUSE", "P1"),
    ("TREE", "P3"),
    ("FLOOD", "P2"),
)
KELURAHAN = ("Sukorejo", "Tanggung", "Bendogerit", "Kepanjenkidul", "Sananwetan")


class _Chain:
    """Collect events and append them through the journal's own write path."""

    def __init__(self) -> None:
        self.rows: list[dict[str, Any]] = []

    def add(
        self,
        at: datetime,
        kind: str,
        actor: str = "ani",
        terminal: str = "desk-1",
        incident_id: int | None = None,
        call_id: int | None = None,
        unit_id: int | None = None,
        **payload: Any,
    ) -> None:
        self.rows.append(
            {
                "at": at,
                "actor": actor,
                "terminal": terminal,
                "kind": kind,
                "incident_id": incident_id,
                "call_id": call_id,
                "unit_id": unit_id,
                "payload": payload,
            }
        )

    def flush(self, engine: Engine) -> None:
        """Append the collected events as one batch through the real write path."""
        with write_session(engine) as session:
            journal.lock_journal(session)
            for event in self.rows:
                journal.defer(session, **event)
            journal.flush_pending(session)
        self.rows = []


def _empty_engine(path: Path) -> Engine:
    engine = make_engine("sqlite:///" + str(path))
    init_database(
        engine, pack_name="blitar", demo=True, clock=FixedClock(DAY - timedelta(days=1))
    )
    return engine


def build_day(path: Path, calls: int = 10_000, seed: int = 112) -> Engine:
    """A day of ``calls`` calls: rows in calls/incidents plus their events."""
    rng = random.Random(seed)
    engine = _empty_engine(path)
    chain = _Chain()
    call_rows: list[dict[str, Any]] = []
    incident_rows: list[dict[str, Any]] = []
    names, weights = zip(*OUTCOMES, strict=True)
    step = 86_000 / calls
    for i in range(calls):
        call_id = i + 1
        received = DAY + timedelta(seconds=i * step)
        answered = received + timedelta(seconds=rng.choice((2, 5, 8, 11, 14, 19, 30)))
        ended = answered + timedelta(seconds=rng.uniform(20, 120))
        outcome = rng.choices(names, weights)[0]
        kel = rng.choice(KELURAHAN)
        chain.add(answered, "call.opened", call_id=call_id, received_at=received)
        incident_id = None
        if outcome == "incident":
            incident_id = len(incident_rows) + 1
            type_code, priority = rng.choice(TYPES)
            dispatched = ended + timedelta(seconds=rng.uniform(10, 200))
            on_scene = dispatched + timedelta(seconds=rng.uniform(200, 1200))
            still_open = i >= calls - 40
            closed = on_scene + timedelta(seconds=rng.uniform(300, 1800))
            incident_rows.append(
                {
                    "id": incident_id,
                    "number": f"112-B-{incident_id:06d}",
                    "type_code": type_code,
                    "determinant": "DELTA",
                    "priority": priority,
                    "status": "on_scene" if still_open else "closed",
                    "call_received_at": received,
                    "created_at": ended,
                    "first_dispatched_at": dispatched,
                    "first_on_scene_at": on_scene,
                    "closed_at": None if still_open else closed,
                    "kelurahan": kel,
                    "disposition": None if still_open else "ASSISTANCE_GIVEN",
                    "created_by": "ani",
                    "answers": {},
                    "lat": -8.1,
                    "lon": 112.16,
                }
            )
            chain.add(
                ended,
                "incident.created",
                incident_id=incident_id,
                call_id=call_id,
                number=f"112-B-{incident_id:06d}",
                type_code=type_code,
                priority=priority,
                kelurahan=kel,
            )
            chain.add(
                dispatched,
                "unit.assigned",
                actor="citra",
                incident_id=incident_id,
                unit_id=1,
                callsign="AMB-01",
            )
            chain.add(
                on_scene,
                "unit.status",
                actor="crew",
                incident_id=incident_id,
                unit_id=1,
                callsign="AMB-01",
                status="on_scene",
                previous="en_route",
            )
            if not still_open:
                chain.add(
                    closed,
                    "incident.closed",
                    actor="citra",
                    incident_id=incident_id,
                    disposition="ASSISTANCE_GIVEN",
                )
        else:
            chain.add(ended, "call.closed", call_id=call_id, outcome=outcome)
        call_rows.append(
            {
                "id": call_id,
                "received_at": received,
                "answered_at": answered,
                "ended_at": ended,
                "state": "closed",
                "outcome": outcome,
                "operator": "ani",
                "terminal": "desk-1",
                "caller_number": f"+62812{rng.randrange(10**6, 10**7)}",
                "kelurahan": kel,
                "incident_id": incident_id,
                "answers": {},
            }
        )
    with write_session(engine) as session:
        session.execute(insert(Incident), incident_rows)
        session.execute(insert(Call), call_rows)
    chain.flush(engine)
    return engine


def build_journal(path: Path, events: int) -> Engine:
    """A journal of ``events`` generic events (bulk-inserted, chained)."""
    engine = _empty_engine(path)
    chain = _Chain()
    at = DAY
    kinds = ("call.opened", "call.closed", "unit.status", "incident.noted")
    for i in range(events):
        at += timedelta(milliseconds=500)
        chain.add(at, kinds[i % 4], call_id=i, unit_id=i % 23, status="en_route", n=i)
        if len(chain.rows) == 20_000:
            chain.flush(engine)
    chain.flush(engine)
    return engine


@pytest.fixture(scope="session")
def day_10k(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return build_day(tmp_path_factory.mktemp("bench-day") / "day.db")


@pytest.fixture(scope="session")
def big_journal(tmp_path_factory: pytest.TempPathFactory) -> tuple[Engine, int]:
    size = 1_000_000 if os.environ.get("SIAGA_BENCH_FULL") == "1" else 100_000
    return build_journal(tmp_path_factory.mktemp("bench-journal") / "j.db", size), size


def test_handover_report_for_10000_calls(benchmark: Any, day_10k: Engine) -> None:
    from dispatch.config import EngineSettings

    settings = EngineSettings(database_url=str(day_10k.url))
    window = shift_for_date(DAY.date(), settings)

    def run() -> str:
        with read_session(day_10k) as session:
            report = build_handover(session, window, as_of=window.end)
        return handover_markdown(report)

    text = benchmark.pedantic(run, rounds=3, iterations=1)
    assert "| calls | 10000 |" in text


def test_handover_html_and_pdf_with_charts(benchmark: Any, day_10k: Engine) -> None:
    """Drawing the five charts into HTML (SVG) and PDF (PNG) for a busy shift."""
    from dispatch.config import EngineSettings
    from dispatch.reports.pdf import handover_pdf
    from dispatch.reports.render import handover_html

    settings = EngineSettings(database_url=str(day_10k.url))
    window = shift_for_date(DAY.date(), settings)
    with read_session(day_10k) as session:
        report = build_handover(session, window, as_of=window.end)

    def run() -> tuple[str, bytes]:
        return handover_html(report), handover_pdf(report)

    page, pdf = benchmark.pedantic(run, rounds=3, iterations=1)
    assert page.count("<svg") == 5
    assert pdf.startswith(b"%PDF")


def test_log_verify(benchmark: Any, big_journal: tuple[Engine, int]) -> None:
    """``siaga log verify``'s chain walk; events/s by wall clock and by CPU time.

    The CPU-time figure says what the walk costs when other jobs share the
    cores (the wall-clock figure then includes waiting for a core).
    """
    engine, size = big_journal
    cpu: list[float] = []

    def run() -> Any:
        started = time.process_time()
        with read_session(engine) as session:
            report = verify_chain(session)
        cpu.append(time.process_time() - started)
        return report

    report = benchmark.pedantic(run, rounds=2, iterations=1)
    assert report.ok
    assert report.checked >= size
    stats = getattr(benchmark, "stats", None)
    if stats is not None:
        benchmark.extra_info["events"] = report.checked
        benchmark.extra_info["events_per_second"] = round(
            report.checked / stats.stats.mean
        )
        benchmark.extra_info["events_per_cpu_second"] = round(
            report.checked / (sum(cpu) / len(cpu))
        )
