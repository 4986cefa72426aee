"""Shift figures, shift log and handover report over a simulated day."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest

from dispatch.config import EngineSettings
from dispatch.reports import (
    LogFilter,
    ShiftWindow,
    UnknownFilterValue,
    custom_window,
    handover_for,
    log_for,
    shift_figures_for,
    shift_for_date,
    shift_window,
)
from dispatch.reports.render import handover_html, handover_markdown
from dispatch.reports.tables import fmt_seconds, fmt_share
from dispatch.reports.targets import load_targets
from dispatch.schemas import EventView
from tests.dispatch.reports_day import DAY_START, DayGenerator, make_database

SHIFT_DAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def day(fresh_db_module):
    services, clock = make_database(fresh_db_module())
    stats = DayGenerator(services, clock, seed=20261127, calls=160).run()
    assert stats.calls == 160
    window = shift_for_date(SHIFT_DAY, services.settings)
    yield services, window
    services.engine.dispose()


def _settings(**kw: Any) -> EngineSettings:
    return EngineSettings(database_url="sqlite://", **kw)


# -- windows -------------------------------------------------------------------


def test_shift_window_starts_at_the_local_changeover():
    settings = _settings()
    # 06:59 WIB on the 28th still belongs to the shift of the 27th.
    before = datetime(2026, 11, 27, 23, 59, tzinfo=UTC)
    after = datetime(2026, 11, 28, 0, 0, tzinfo=UTC)
    assert shift_window(before, settings).shift_date == date(2026, 11, 27)
    assert shift_window(after, settings).shift_date == date(2026, 11, 28)
    window = shift_for_date(date(2026, 11, 27), settings)
    assert window.start == datetime(2026, 11, 27, 0, 0, tzinfo=UTC)
    assert window.end - window.start == timedelta(hours=24)
    assert window.label.startswith("2026-11-27 07:00")


def test_custom_changeover_and_custom_window():
    settings = _settings(shift_changeover=time(8, 30))
    window = shift_window(datetime(2026, 11, 27, 1, 0, tzinfo=UTC), settings)
    assert window.start == datetime(2026, 11, 26, 1, 30, tzinfo=UTC)
    custom = custom_window(
        datetime(2026, 11, 27, 8),  # noqa: DTZ001 - naive = local time, on purpose
        datetime(2026, 11, 27, 20),  # noqa: DTZ001
        settings,
    )
    assert custom.start == datetime(2026, 11, 27, 1, 0, tzinfo=UTC)
    with pytest.raises(ValueError, match="end after"):
        ShiftWindow(custom.end, custom.start)


# -- figures vs the journal ----------------------------------------------------


def _parse(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)


def _p90(values: list[float]) -> float | None:
    ordered = sorted(values)
    return ordered[math.ceil(0.9 * len(ordered)) - 1] if ordered else None


def _from_events(events: list[EventView], window: ShiftWindow) -> dict[str, Any]:
    """Recompute the figures from the journal alone (no table is read)."""
    received, answered, outcome, rang = {}, {}, {}, {}
    incident_call, created, itype, iprio = {}, {}, {}, {}
    first_assigned: dict[int | None, datetime] = {}
    first_on_scene: dict[int | None, datetime] = {}
    for e in events:
        p = e.payload
        if e.kind == "call.opened":
            received[e.call_id] = _parse(p["received_at"])
            answered[e.call_id] = e.at
            if p.get("rang_at"):
                rang[e.call_id] = _parse(p["rang_at"])
        elif e.kind == "call.closed":
            outcome[e.call_id] = p["outcome"]
        elif e.kind == "call.attached":
            outcome[e.call_id] = "duplicate"
        elif e.kind == "call.referred":
            outcome[e.call_id] = "referral"
        elif e.kind == "incident.created":
            outcome[e.call_id] = "incident"
            incident_call[e.incident_id] = e.call_id
            created[e.incident_id] = e.at
            itype[e.incident_id] = p["type_code"]
            iprio[e.incident_id] = p["priority"]
        elif e.kind == "unit.assigned":
            first_assigned.setdefault(e.incident_id, e.at)
        elif e.kind == "unit.status" and p["status"] == "on_scene" and e.incident_id:
            first_on_scene.setdefault(e.incident_id, e.at)
    calls = [c for c, at in received.items() if window.contains(at)]
    incidents = [i for i, at in created.items() if window.contains(at)]
    dispatch, on_scene = defaultdict(list), defaultdict(list)
    for i in incidents:
        call = incident_call[i]
        if i in first_assigned:
            dispatch[iprio[i]].append(
                (first_assigned[i] - answered[call]).total_seconds()
            )
        if i in first_on_scene:
            on_scene[iprio[i]].append(
                (first_on_scene[i] - received[call]).total_seconds()
            )
    return {
        "outcomes": Counter(outcome.get(c, "open") for c in calls),
        "answer": [(answered[c] - rang[c]).total_seconds() for c in calls if c in rang],
        "answer_unmeasured": sum(1 for c in calls if c not in rang),
        "types": Counter(itype[i] for i in incidents),
        "priorities": Counter(iprio[i] for i in incidents),
        "dispatch": dispatch,
        "on_scene": on_scene,
    }


def test_figures_match_counts_computed_from_the_journal(day):
    services, window = day
    events = services.events_after(0, limit=1_000_000)
    expected = _from_events(events, window)
    fig = shift_figures_for(services, window)
    assert fig.calls_total == 160
    assert fig.calls_by_outcome == dict(expected["outcomes"])
    assert fig.prank_share == pytest.approx(expected["outcomes"]["prank"] / 160)
    assert fig.silent_share == pytest.approx(expected["outcomes"]["silent"] / 160)
    assert fig.incidents_by_type == dict(expected["types"])
    assert fig.incidents_by_priority == dict(expected["priorities"])
    assert fig.incidents_total == sum(expected["types"].values()) > 10
    targets = load_targets()
    assert fig.answer.count == 160
    assert fig.answer.median_s == pytest.approx(statistics.median(expected["answer"]))
    assert fig.answer.p90_s == pytest.approx(_p90(expected["answer"]))
    assert fig.answer.within_target == sum(
        1 for s in expected["answer"] if s <= targets.answer_s
    )
    checked = 0
    for row in fig.by_priority:
        goal = targets.for_priority(row.priority)
        assert goal is not None
        for stats, values, limit in (
            (
                row.answer_to_dispatch,
                expected["dispatch"][row.priority],
                goal.dispatch_s,
            ),
            (row.call_to_on_scene, expected["on_scene"][row.priority], goal.on_scene_s),
        ):
            assert stats.count == len(values)
            if values:
                checked += 1
                assert stats.median_s == pytest.approx(statistics.median(values))
                assert stats.p90_s == pytest.approx(_p90(values))
                assert stats.within_target == sum(1 for v in values if v <= limit)
    assert checked >= 4


def test_state_figures_match_the_open_work(day):
    services, window = day
    fig = shift_figures_for(services, window)
    units = services.units()
    assert fig.units_total == len(units)
    assert fig.units_busy == sum(
        1
        for u in units
        if u.status
        in {"dispatched", "en_route", "on_scene", "transporting", "at_hospital"}
    )
    assert fig.units_out_of_service == sum(
        1 for u in units if u.status == "out_of_service"
    )
    assert fig.open_incidents == len(services.open_incidents())


def test_figures_of_an_empty_window_are_zero(day):
    services, window = day
    empty = shift_figures_for(services, window.previous())
    assert empty.calls_total == 0
    assert empty.prank_share is None
    assert empty.answer.median_s is None
    assert all(row.incidents == 0 for row in empty.by_priority)


# -- shift log -------------------------------------------------------------------


def test_log_filters(day):
    services, window = day
    everything = log_for(services, window)
    assert everything
    assert [e.id for e in everything] == sorted(e.id for e in everything)
    closed = log_for(services, window, LogFilter(kinds=("call.closed",)))
    assert closed
    assert all(e.kind == "call.closed" for e in closed)
    calls = log_for(services, window, LogFilter(kinds=("call",)))
    assert {e.kind.split(".")[0] for e in calls} == {"call"}
    assert len(calls) > len(closed)
    pranks = log_for(services, window, LogFilter(outcome="prank"))
    fig = shift_figures_for(services, window)
    assert len({e.call_id for e in pranks}) == fig.calls_by_outcome["prank"]
    budi = log_for(services, window, LogFilter(operator="budi"))
    assert budi
    assert all(e.actor == "budi" and e.terminal == "desk-2" for e in budi)
    number = next(e.incident_number for e in everything if e.kind == "incident.created")
    trail = log_for(services, window, LogFilter(incident=number))
    assert trail[0].kind == "incident.created"
    assert all(e.incident_number == number for e in trail)
    callsign = next(e.callsign for e in everything if e.kind == "unit.assigned")
    assert callsign is not None
    unit = log_for(services, window, LogFilter(unit=callsign.lower()))
    assert unit
    assert all(e.callsign == callsign for e in unit)
    smoke = log_for(services, window, LogFilter(text="SMOKE is visible"))
    assert smoke
    assert all(e.kind == "incident.noted" for e in smoke)
    both = log_for(services, window, LogFilter(kinds=("unit.status",), unit=callsign))
    assert both
    assert all(e.kind == "unit.status" and e.callsign == callsign for e in both)
    with pytest.raises(UnknownFilterValue):
        log_for(services, window, LogFilter(unit="NOPE-9"))


def test_log_summary_says_who_did_what(day):
    services, window = day
    entries = log_for(services, window, LogFilter(kinds=("unit.assigned",)), limit=1)
    assert entries[0].callsign is not None
    assert entries[0].summary.startswith(
        entries[0].callsign + " assigned to incident 112-"
    )


# -- handover --------------------------------------------------------------------


def test_handover_lists_open_work_and_figures(day):
    services, window = day
    report = handover_for(services, window)
    open_numbers = {i.number for i in services.open_incidents()}
    assert {i.number for i in report.open_incidents} == open_numbers
    assert open_numbers, "the simulated day should leave work for the next shift"
    for line in report.open_incidents:
        assert line.pending
    md = handover_markdown(report)
    fig = report.figures
    assert f"| calls | {fig.calls_total} |" in md
    assert f"| prank share | {fmt_share(fig.prank_share)} |" in md
    for outcome, n in fig.calls_by_outcome.items():
        assert f"| {outcome} | {n} |" in md
    p1 = fig.priority("P1").answer_to_dispatch
    assert fmt_seconds(p1.median_s) in md
    for number in open_numbers:
        assert number in md
    html = handover_html(report)
    assert html.startswith("<!DOCTYPE html>")
    assert f"<td>calls</td><td>{fig.calls_total}</td>" in html


def test_handover_shows_unacknowledged_handoffs_and_units_out(tmp_path):
    services, clock = make_database(tmp_path / "h.db")
    clock.set(DAY_START + timedelta(hours=2))
    call = services.open_call({"caller_number": "081234567890"})
    detail = services.create_incident(
        call.id,
        location={
            "text": "Jl. Kalimantan",
            "lat": -8.1,
            "lon": 112.16,
            "kelurahan": "Sukorejo",
        },
        classification={"type_code": "TRAFFIC-INJ"},
        allow_outside_area=True,
    )
    services.hand_off(detail.number, "POLRES")
    services.report_status("AMB-03", "out_of_service")
    clock.advance(600)
    window = shift_window(clock.now(), services.settings)
    report = handover_for(services, window)
    assert [(h.number, h.agency) for h in report.handoffs] == [
        (detail.number, "POLRES")
    ]
    assert report.handoffs[0].waited_s == 600
    assert [u.callsign for u in report.units_out] == ["AMB-03"]
    (line,) = report.open_incidents
    assert "waiting for POLRES" in line.pending
    assert "no unit assigned" in line.pending
    assert line.overdue  # P2 dispatch target long past
    assert report.figures.overdue_timers == 1
    assert report.figures.unacknowledged_handoffs == 1
    assert any("out_of_service" in n.text for n in report.notable)
