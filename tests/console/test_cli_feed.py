"""`siaga feed` as a phone-system adapter drives it, and the reports it feeds."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from console.cli import main
from dispatch.config import EngineSettings
from dispatch.db import make_engine
from dispatch.enums import Role
from dispatch.ringfeed import FeedLineError, parse_line, run_feed
from dispatch.services import DispatchService
from dispatch.testing import principal_for

LINES = {"201": "desk-1", "202": "desk-2"}


def _line(event: str, at: datetime, line: str, **extra: Any) -> str:
    return json.dumps({"event": event, "at": at.isoformat(), "line": line, **extra})


def _feed(url: str, *lines: str) -> Any:
    return CliRunner().invoke(
        main, ["feed", "--db", url], input="\n".join(lines) + "\n"
    )


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("SIAGA_RING_LINES", json.dumps(LINES))
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")  # the handover report
    url = f"sqlite:///{tmp_path / 'feed.db'}"
    result = CliRunner().invoke(main, ["init", "--db", url, "-q"])
    assert result.exit_code == 0, result.output
    return url


def _desk(url: str, terminal: str) -> DispatchService:
    settings = EngineSettings(database_url=url, ring_lines=LINES)
    principal = principal_for(Role.CALL_TAKER, operator="ani", terminal=terminal)
    return DispatchService(make_engine(url), settings=settings, principal=principal)


def _report(url: str, start: datetime) -> dict[str, Any]:
    local = "%Y-%m-%d %H:%M:%S"
    zone = EngineSettings(database_url=url).zone
    result = CliRunner().invoke(
        main,
        [
            "report", "handover", "--db", url, "--json",
            "--from", (start - timedelta(hours=1)).astimezone(zone).strftime(local),
            "--to", (start + timedelta(hours=1)).astimezone(zone).strftime(local),
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    report: dict[str, Any] = json.loads(result.stdout)
    return report


def test_rings_through_the_feed_give_the_report_its_answer_times(url: str) -> None:
    t0 = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=2)
    # desk-1: the ring is taken with F2, the handset answered 9 s after the ring.
    fed = _feed(url, _line("ring", t0, "201", number="081234567890"))
    assert fed.exit_code == 0, fed.stderr
    first = _desk(url, "desk-1").open_call({})  # what the intake's F2 calls
    assert first.caller_number == "+6281234567890"
    _feed(
        url,
        _line("answered", t0 + timedelta(seconds=9), "201"),
        # desk-2: answered on the handset 20 s after the ring, F2 comes later.
        _line("ring", t0 + timedelta(seconds=5), "202", number="+62 811 2222 3333"),
        _line("answered", t0 + timedelta(seconds=25), "202"),
        _line("ended", t0 + timedelta(seconds=60), "201"),
    )
    second = _desk(url, "desk-2").open_call({})
    assert second.caller_number == "+6281122223333"
    # A ring nobody answers becomes an abandoned call.
    _feed(
        url,
        _line("ring", t0 + timedelta(seconds=70), "201"),
        _line("ended", t0 + timedelta(seconds=80), "201"),
    )
    # A call at a desk with no line: no ring, so no answer time.
    third = _desk(url, "desk-3").open_call({})
    for desk, call in (("desk-1", first), ("desk-2", second), ("desk-3", third)):
        _desk(url, desk).close_call(call.id, "information")

    figures = _report(url, t0)["figures"]
    assert figures["calls_total"] == 4
    assert figures["calls_by_outcome"] == {"abandoned": 1, "information": 3}
    answer = figures["answer"]
    assert answer["count"] == 2  # 9 s and 20 s
    assert answer["median_s"] == pytest.approx(14.5)
    assert answer["p90_s"] == pytest.approx(20)
    assert answer["within_target"] == 1  # 9 s <= 15 s < 20 s
    assert answer["unmeasured"] == 1  # desk-3's call had no ring


def test_reports_say_not_measured_without_rings(url: str, tmp_path: Path) -> None:
    start = datetime.now(UTC)
    desk = _desk(url, "desk-3")
    desk.close_call(desk.open_call({}).id, "prank")
    report = _report(url, start)
    assert report["figures"]["answer"]["count"] == 0
    assert report["figures"]["answer"]["median_s"] is None
    zone = desk.settings.zone
    day = start.astimezone(zone).date().isoformat()
    out = tmp_path / "out"
    shown = CliRunner().invoke(
        main,
        ["report", "handover", "--db", url, "--out", str(out), "--format", "md",
         "--format", "html", "--from", (start - timedelta(hours=1)).astimezone(zone)
         .strftime("%Y-%m-%d %H:%M"), "--to", (start + timedelta(hours=1))
         .astimezone(zone).strftime("%Y-%m-%d %H:%M")],
    )  # fmt: skip
    assert shown.exit_code == 0, shown.output
    assert "not measured" in shown.stdout  # the terminal rendering
    assert "100" not in _answer_row(shown.stdout)
    for written in out.iterdir():
        assert "not measured" in written.read_text(encoding="utf-8"), written.name
    period = CliRunner().invoke(
        main, ["report", "period", "--db", url, "--from", day, "--to", day]
    )
    assert period.exit_code == 0, period.output
    assert "not measured" in period.stdout


def _answer_row(text: str) -> str:
    return next(line for line in text.splitlines() if "ring to answer" in line)


def test_bad_lines_are_one_line_each_and_skipped(url: str) -> None:
    now = datetime.now(UTC)
    result = _feed(
        url,
        "not json at all",
        '{"event": "dial", "at": "2026-12-01T03:00:00Z", "line": "201"}',
        '{"event": "ring", "at": "2026-12-01T03:00:00", "line": "201"}',
        '{"at": "2026-12-01T03:00:00Z", "line": "201"}',
        _line("ring", now, "201", number="12; DROP TABLE calls"),
        _line("ring", now, "20 1"),
        "x" * 5000,
        _line("ended", now, "999"),
        _line("ring", now, "201", number="081234567890"),
        _line("ring", now, "777"),
    )
    assert result.exit_code == 0
    errors = result.stderr.splitlines()
    skipped = [e for e in errors if " skipped: " in e]
    assert [e.split(" skipped: ")[0] for e in skipped] == [
        f"siaga feed: line {n}" for n in range(1, 9)
    ]
    assert "not a JSON object" in skipped[0]
    assert "'event' must be one of" in skipped[1]
    assert "timezone" in skipped[2]
    assert "missing 'event'" in skipped[3]
    assert "longer than 1024 bytes" in skipped[6]
    assert "no call is ringing" in skipped[7]
    assert any("line 777 is mapped to no terminal" in e for e in errors)
    assert errors[-1] == "siaga feed: 2 applied, 8 skipped"
    assert "Traceback" not in result.output
    assert "x" * 100 not in result.stderr  # the bad input is not echoed back


def test_the_real_command_reads_its_standard_input(url: str) -> None:
    """The adapter's way: a pipe into the installed command, number not in argv."""
    now = datetime.now(UTC)
    stdin = "\n".join([_line("ring", now, "201", number="081234567890"), "{oops"])
    done = subprocess.run(
        [sys.executable, "-m", "console", "feed", "--db", url],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "line 2 skipped: not a JSON object" in done.stderr
    assert "1 applied, 1 skipped" in done.stderr
    assert _desk(url, "desk-1").open_call({}).caller_number == "+6281234567890"


# -- hostile input -----------------------------------------------------------------


class _Recorder:
    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def ring_started(self, line: str, number: str | None, at: datetime) -> None:
        self.seen.append(("ring", line))

    def ring_answered(self, line: str, at: datetime) -> None:
        self.seen.append(("answered", line))

    def ring_ended(self, line: str, at: datetime) -> None:
        self.seen.append(("ended", line))


@given(st.binary(max_size=3000))
def test_any_bytes_are_a_clear_error_or_an_event(raw: bytes) -> None:
    try:
        event = parse_line(raw)
    except FeedLineError as exc:
        message = str(exc)
        assert message
        assert "\n" not in message
        assert len(message) <= 200
    else:
        assert event.event in ("ring", "answered", "ended")


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=50),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
_FIELDS = st.fixed_dictionaries(
    {},
    optional={
        "event": st.sampled_from(["ring", "answered", "ended", "RING", ""]) | _JSONISH,
        "at": st.datetimes(timezones=st.just(UTC)).map(lambda d: d.isoformat())
        | _JSONISH,
        "line": st.text(max_size=40) | _JSONISH,
        "number": st.text(max_size=60) | _JSONISH,
        "extra": _JSONISH,
    },
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_FIELDS.map(json.dumps) | st.text(max_size=300), max_size=20))
def test_a_stream_of_hostile_lines_never_stops_the_feed(lines: list[str]) -> None:
    import io

    recorder = _Recorder()
    data = "\n".join(line.replace("\n", " ") for line in lines).encode(
        "utf-8", "surrogatepass"
    )
    errors = io.StringIO()
    summary = run_feed(recorder, io.BytesIO(data), errors)
    reported = [e for e in errors.getvalue().splitlines() if " skipped: " in e]
    assert len(reported) == summary.skipped
    assert len(recorder.seen) == summary.applied
    non_blank = sum(1 for raw in data.split(b"\n") if raw.strip())
    assert summary.applied + summary.skipped == non_blank
    for kind, line in recorder.seen:
        assert kind in ("ring", "answered", "ended")
        assert 1 <= len(line) <= 32


@settings(max_examples=25, deadline=None)
@given(
    number=st.text(max_size=45),
    line=st.text(min_size=1, max_size=40),
    skew=st.integers(min_value=-3600, max_value=3600),
)
def test_hostile_values_through_the_real_services(
    tmp_path_factory: pytest.TempPathFactory, number: str, line: str, skew: int
) -> None:
    """Whatever the values, a line is applied or refused with a message."""
    import io

    from dispatch.errors import DispatchError  # noqa: F401 - documents what is caught

    path = tmp_path_factory.mktemp("hostile") / "h.db"
    url = f"sqlite:///{path}"
    CliRunner().invoke(main, ["init", "--db", url, "-q"])
    feed = _desk(url, "pbx")
    at = datetime.now(UTC) + timedelta(seconds=skew)
    raw = json.dumps(
        {"event": "ring", "at": at.isoformat(), "line": line, "number": number}
    )
    errors = io.StringIO()
    summary = run_feed(feed, io.BytesIO(raw.encode("utf-8", "surrogatepass")), errors)
    assert summary.applied + summary.skipped == 1
    assert ("Traceback" in errors.getvalue()) is False
    if summary.skipped:
        assert errors.getvalue().count("\n") == 1
    feed.engine.dispose()


@settings(max_examples=150)
@given(
    st.lists(st.binary(max_size=4000).map(lambda b: b.replace(b"\n", b"")), max_size=8),
    st.integers(min_value=8, max_value=2048),
)
def test_long_lines_are_cut_off_never_held_whole(
    lines: list[bytes], limit: int
) -> None:
    import io

    from dispatch.ringfeed import read_lines

    data = b"".join(line + b"\n" for line in lines)
    got = list(read_lines(io.BytesIO(data), limit))
    assert len(got) == len(lines)
    for raw, line in zip(got, lines, strict=True):
        if len(line) <= limit:  # the newline may take the one byte over
            assert raw == line + b"\n"
        else:
            assert raw is None
