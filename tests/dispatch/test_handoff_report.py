"""The handover report counts overdue and escalated hand-offs by the settings."""

from __future__ import annotations

from datetime import timedelta

from dispatch.config import EngineSettings
from dispatch.reports import handover_for, shift_window
from dispatch.reports.handover import build_handover
from dispatch.reports.render import handover_markdown
from dispatch.services import DispatchService
from dispatch.testing import run_read
from tests.dispatch.reports_day import DAY_START, make_database

LOCATION = {"text": "Jl. Kalimantan", "lat": -8.1, "lon": 112.16}


def _waiting_handoff(services: DispatchService) -> str:
    call = services.open_call({})
    detail = services.create_incident(
        call.id,
        location=LOCATION,
        classification={"type_code": "TRAFFIC-INJ"},
        allow_outside_area=True,
    )
    services.hand_off(detail.number, "POLRES")
    return detail.number


def test_handoff_overdue_s_decides_what_counts_as_overdue(tmp_path):
    services, clock = make_database(tmp_path / "r.db")
    clock.set(DAY_START + timedelta(hours=2))
    number = _waiting_handoff(services)
    clock.advance(100)
    window = shift_window(clock.now(), services.settings)
    strict = run_read(
        services,
        lambda s: build_handover(s, window, as_of=clock.now(), handoff_overdue_s=60),
    )
    lenient = run_read(
        services,
        lambda s: build_handover(s, window, as_of=clock.now(), handoff_overdue_s=600),
    )
    assert strict.figures.overdue_handoffs == 1
    assert strict.handoffs[0].overdue
    assert lenient.figures.overdue_handoffs == 0
    assert not lenient.handoffs[0].overdue
    assert number in handover_markdown(strict)  # shown whole
    assert "1 m 40 s OVERDUE" in handover_markdown(strict)
    assert "1 m 40 s OVERDUE" not in handover_markdown(lenient)


def test_the_console_report_uses_the_engine_setting(tmp_path):
    services, clock = make_database(tmp_path / "s.db")
    clock.set(DAY_START + timedelta(hours=2))
    _waiting_handoff(services)
    clock.advance(200)
    window = shift_window(clock.now(), services.settings)
    patient = DispatchService(
        services.engine,
        settings=EngineSettings(
            database_url=str(services.engine.url), handoff_escalation_seconds=300
        ),
        clock=clock,
        pack=services.pack,
        principal=services.principal,
    )
    assert handover_for(services, window).figures.overdue_handoffs == 1  # 120 s
    assert handover_for(patient, window).figures.overdue_handoffs == 0  # 300 s


def test_escalations_are_counted_and_named_in_the_report(tmp_path):
    services, clock = make_database(tmp_path / "e.db")
    clock.set(DAY_START + timedelta(hours=2))
    _waiting_handoff(services)
    clock.advance(181)  # POLRES target 90 s: desk alarm, then supervisor
    assert len(services.run_duties().escalations) == 2
    window = shift_window(clock.now(), services.settings)
    report = handover_for(services, window)
    assert report.figures.handoff_escalations == 2
    assert report.handoffs[0].escalation_level == 2
    assert "supervisor" in handover_markdown(report)
    assert any(n.kind == "handoff.escalated" for n in report.notable)


def test_incident_numbers_are_whole_on_a_narrow_terminal(tmp_path):
    from rich.console import Console

    from dispatch.reports.render import handover_rich

    services, clock = make_database(tmp_path / "n.db")
    clock.set(DAY_START + timedelta(hours=2))
    number = _waiting_handoff(services)
    clock.advance(100)
    report = handover_for(services, shift_window(clock.now(), services.settings))
    console = Console(width=60, record=True, color_system=None)
    console.print(handover_rich(report))
    text = console.export_text()
    assert text.count(number) >= 2  # open incidents and waiting hand-offs


def test_handover_shows_handoffs_by_agency_with_time_to_acknowledge(tmp_path):
    services, clock = make_database(tmp_path / "a.db")
    clock.set(DAY_START + timedelta(hours=2))
    _waiting_handoff(services)  # POLRES, left waiting
    call = services.open_call({})
    fire = services.create_incident(
        call.id,
        location=LOCATION,
        classification={"type_code": "FIRE-HOUSE"},
        allow_outside_area=True,
    )
    handoff = services.hand_off(fire.number, "DAMKAR")
    clock.advance(45)
    services.acknowledge_handoff(handoff.id, by="piket", via="radio")
    clock.advance(200)
    services.run_duties()  # POLRES: desk, then supervisor
    report = handover_for(services, shift_window(clock.now(), services.settings))
    rows = {r.agency: r for r in report.handoffs_by_agency}
    assert rows["DAMKAR"].acknowledged == 1
    assert rows["DAMKAR"].to_acknowledge.median_s == 45
    assert rows["DAMKAR"].to_acknowledge.within_target == 1  # 60 s target
    assert rows["DAMKAR"].escalated == 0
    assert rows["POLRES"].waiting == 1
    assert rows["POLRES"].escalated == 1
    text = handover_markdown(report)
    assert "Hand-offs by agency" in text
    assert "| Damkar | 1 | 1 | 0 | 0 | 45 s | 1/1 |" in text


def test_period_report_counts_a_water_referral_under_its_sector(tmp_path):
    from dispatch.reports.period import period_csv, period_for

    services, clock = make_database(tmp_path / "p.db")
    clock.set(DAY_START + timedelta(hours=2))
    first = services.open_call({})
    services.classify_call(first.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    done = services.refer_call(first.id, {"channel": "ulpim"})
    second = services.open_call({})
    services.classify_call(second.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    services.refer_call(second.id, {"channel": "sp4n-lapor", "sector": "sanitation"})
    clock.advance(hours=2)
    services.acknowledge_referral(done.id, reference_number="ULP-1")
    clock.advance(hours=4)
    services.resolve_referral(done.id, note="pipa diganti")
    clock.advance(hours=20)  # the open one is now 26 h old
    early = period_for(
        services, DAY_START.date(), (DAY_START + timedelta(days=1)).date()
    )
    # Sanitation's target is 72 h (the pack's, per sector), not PDAM's 24 h.
    assert {r.key: r for r in early.followup_by_sector}["sanitation"].overdue == 0
    clock.advance(hours=47)  # 73 h: past the sector's target
    day = DAY_START.date()
    # The period runs to today: its open referrals are counted as of now.
    report = period_for(services, day, (DAY_START + timedelta(days=3)).date())
    sectors = {r.key: r for r in report.followup_by_sector}
    water, sanitation = sectors["drinking_water"], sectors["sanitation"]
    assert (water.sent, water.acknowledged, water.resolved) == (1, 1, 1)
    assert water.to_acknowledge.median_s == 2 * 3600
    assert water.to_resolve.median_s == 6 * 3600
    assert (sanitation.sent, sanitation.open, sanitation.overdue) == (1, 1, 1)
    (pdam,) = report.followup_by_agency
    assert (pdam.name, pdam.sent, pdam.open, pdam.overdue) == ("PDAM", 2, 1, 1)
    csv_text = period_csv(report)
    assert "Referral follow-up by sector,drinking water,1,1,1,0,0,2.0,6.0" in csv_text
