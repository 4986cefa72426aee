"""Pilot tests of the "no wrong door" follow-up at the desk.

Referral channel and sector chosen with keys; the desk's duty timer escalates
a hand-off on its own and every desk rings; no raw codes on screen.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Input, Select

from dispatch.enums import CallOutcome, Sector
from dispatch.services import DispatchService
from tests.console.conftest import settle
from tests.console.test_console_intake import type_text


async def test_refer_with_a_sector_chosen_by_keys(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        call_id = app.screen.call.id
        await pilot.press("enter", "enter", "tab")
        await type_text(pilot, "air pdam mati")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f8")
        await settle(app, pilot)
        dialog = app.screen
        # Proposed from the type, shown in words, not codes.
        assert dialog.query_one("#sector", Select).value == "drinking_water"
        shown = " ".join(str(s.render()) for s in dialog.query("Static"))
        assert "PDAM" in shown
        assert "drinking water" in shown
        assert "drinking_water" not in shown
        await pilot.press("shift+tab")  # the sector list
        await pilot.press("enter")
        await type_text(pilot, "sanitation")
        await pilot.press("enter")
        await settle(app, pilot)
        assert dialog.query_one("#sector", Select).value == "sanitation"
        await pilot.press("tab")
        await type_text(pilot, "LPR-77")
        await pilot.press("enter")
        await settle(app, pilot)
        call = services.call(call_id)
        assert call.outcome == CallOutcome.REFERRAL
        (referral,) = services.referrals()
        assert referral.sector == Sector.SANITATION
        assert referral.reference_number == "LPR-77"


async def test_the_desk_timer_escalates_and_every_desk_rings(
    make_app: Any, services: DispatchService, clock: Any
) -> None:
    call = services.open_call({})
    incident = services.create_incident(
        call.id,
        location={"text": "alun-alun", "lat": -8.0984, "lon": 112.1682},
        classification={"type_code": "FIRE-HOUSE", "answers": {}},
    )
    handoff = services.hand_off(incident.id, "DAMKAR")
    app = make_app(language="en", follow=True, duty_interval_seconds=1)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await settle(app, pilot)
        clock.advance(61)  # Damkar's target in the pack is 60 s
        for _ in range(40):  # nobody calls the escalation: the timer does
            await pilot.pause(0.25)
            if bells:
                break
        await settle(app, pilot)
        waiting = services.waiting_handoffs()
        assert waiting[0].handoff.id == handoff.id
        assert waiting[0].handoff.escalation_level == 1
        assert bells
        texts = [n.message for n in app._notifications]
        assert any(
            incident.number in t and "Damkar" in t and "not acknowledged" in t
            for t in texts
        )
        escalated = [
            e for e in services.events_after(0) if e.kind == "handoff.escalated"
        ]
        assert [(e.actor, e.payload["level"]) for e in escalated] == [("watcher", 1)]


async def test_handoff_escalates_on_its_own_then_k_records_the_acknowledgement(
    make_app: Any, services: DispatchService, clock: Any
) -> None:
    from console.widgets.handoff_alarms import HandoffAlarms
    from dispatch.enums import AckMeans, HandoffStatus
    from dispatch.reports import handover_for, shift_window
    from dispatch.reports.render import handover_markdown

    call = services.open_call({})
    incident = services.create_incident(
        call.id,
        location={"text": "Pasar Legi", "lat": -8.099021, "lon": 112.1583137},
        classification={"type_code": "FIRE-MARKET", "answers": {}},
    )
    app = make_app(language="en", follow=True, duty_interval_seconds=1)
    bells: list[int] = []
    app.bell = lambda: bells.append(1)
    async with app.run_test(size=(160, 48), notifications=True) as pilot:
        await pilot.press("f3")
        await settle(app, pilot)
        await pilot.press("h")  # hand off: pick the fire service
        await settle(app, pilot)
        await type_text(pilot, "Damkar")
        await pilot.press("enter")
        await settle(app, pilot)
        (handoff,) = services.incident(incident.id).handoffs
        assert handoff.status == HandoffStatus.REQUESTED
        clock.advance(61)  # past Damkar's 60 s; nobody presses anything
        for _ in range(40):
            await pilot.pause(0.25)
            if bells:
                break
        await settle(app, pilot)
        assert bells, "no bell rang"
        strip = app.screen.query_one(HandoffAlarms)
        shown = str(strip.render())
        assert "ESCALATED" in shown
        assert incident.number in shown
        assert "Damkar" in shown
        await pilot.press("k")  # one key: who, how, when
        await settle(app, pilot)
        await type_text(pilot, "Pak Budi piket")
        await pilot.press("enter")  # on to the means list
        await pilot.press("enter")
        await type_text(pilot, "w")
        await pilot.press("enter")  # WhatsApp
        await pilot.press("tab")
        await pilot.press("enter")  # time empty: now
        await settle(app, pilot)
        (acked,) = services.incident(incident.id).handoffs
        assert acked.status == HandoffStatus.ACKNOWLEDGED
        assert acked.acknowledged_by == "Pak Budi piket"
        assert acked.acknowledged_via == AckMeans.WHATSAPP
        assert acked.escalation_level == 1
        await settle(app, pilot)
    report = handover_for(services, shift_window(clock.now(), services.settings))
    (damkar,) = [r for r in report.handoffs_by_agency if r.agency == "DAMKAR"]
    assert (damkar.requested, damkar.acknowledged, damkar.escalated) == (1, 1, 1)
    assert report.figures.handoff_escalations == 1
    assert "Hand-offs by agency" in handover_markdown(report)


async def test_water_referral_followed_up_from_the_referral_desk(
    make_app: Any, services: DispatchService, clock: Any
) -> None:
    from console.widgets.referral_desk import ReferralDesk
    from console.widgets.row_table import RowTable
    from dispatch.enums import CallbackOutcome, ReferralChannel, ReferralStatus

    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        await pilot.press("enter", "enter", "tab")
        await type_text(pilot, "air pdam mati")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("f8")  # reference field focused
        await settle(app, pilot)
        await pilot.press("shift+tab", "shift+tab")  # the channel list
        await pilot.press("enter")
        await type_text(pilot, "ulpim")
        await pilot.press("enter")
        await pilot.press("tab")  # the sector list: keep the proposed one
        await pilot.press("tab")  # the reference (the agency gives it later)
        # What PDAM asks: households, since when, customer number, photos.
        await pilot.press("tab")
        await type_text(pilot, "0")  # no household: refused at its field
        for answer in ("kemarin sore", "0123456", "0857 1111 2222"):
            await pilot.press("tab")
            await type_text(pilot, answer)
        await pilot.press("tab")  # the call-back box
        await pilot.press("space")
        await pilot.press("shift+tab")  # back to the photo number: Enter sends
        await pilot.press("enter")
        await settle(app, pilot)
        assert services.referrals() == []  # nothing stored half-right
        households = app.screen.query_one("#detail-households", Input)
        assert households.has_focus
        error = app.screen.query_one("#detail-households-error")
        assert "between 1 and" in str(error.render())
        await pilot.press("backspace")
        await type_text(pilot, "12")
        await pilot.press("enter")
        await settle(app, pilot)
        (referral,) = services.referrals()
        assert referral.channel == ReferralChannel.ULPIM
        assert referral.sector == "drinking_water"
        assert referral.callback_requested
        assert referral.details == {
            "households": "12",
            "since": "kemarin sore",
            "customer_number": "0123456",
            "photos_to": "+6285711112222",
        }
        clock.advance(hours=1)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        desk = app.screen.query_one(ReferralDesk)
        rows = desk.query_one("#referrals", RowTable)
        cells = " ".join(str(c) for c in rows.get_row(str(referral.id)))
        assert "PDAM" in cells
        assert "ULPIM" in cells
        assert "drinking water" in cells
        assert "drinking_water" not in cells
        await pilot.press("a")  # acknowledged: the agency's reference
        await settle(app, pilot)
        await type_text(pilot, "ULP-2026-0042")
        await pilot.press("enter")
        await type_text(pilot, "teknisi datang")
        await pilot.press("enter")
        await settle(app, pilot)
        assert services.referral(referral.id).status == ReferralStatus.ACKNOWLEDGED
        clock.advance(hours=5)
        await pilot.press("v")  # resolved
        await settle(app, pilot)
        await type_text(pilot, "pipa diganti")
        await pilot.press("enter")
        await settle(app, pilot)
        resolved = services.referral(referral.id)
        assert resolved.status == ReferralStatus.RESOLVED
        assert resolved.callback_due  # the desk is reminded
        assert "call the caller back" in " ".join(
            str(c) for c in rows.get_row(str(referral.id))
        )
        await pilot.press("b")  # the call-back: informed
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        done = services.referral(referral.id)
        assert done.callback_outcome == CallbackOutcome.INFORMED
        assert str(referral.id) not in rows.rows
    day = clock.now().astimezone(services.settings.zone).date()
    report = services.period_report(day, day)
    water = next(r for r in report.followup_by_sector if r.key == "drinking_water")
    assert (water.sent, water.acknowledged, water.resolved, water.open) == (1, 1, 1, 0)
    assert water.to_resolve.median_s == 6 * 3600


async def test_reopen_a_resolved_referral_from_the_desk(
    make_app: Any, services: DispatchService, clock: Any
) -> None:
    from dispatch.enums import ReferralStatus

    call = services.open_call({})
    services.classify_call(call.id, {"type_code": "DRAIN", "answers": {}})
    referral = services.refer_call(call.id, {"callback": True})
    services.acknowledge_referral(referral.id, reference_number="ULP-7")
    services.resolve_referral(referral.id, note="saluran dibersihkan")
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        await pilot.press("6")
        await settle(app, pilot)
        await pilot.press("o")  # the caller says the drain is blocked again
        await settle(app, pilot)
        await type_text(pilot, "tersumbat lagi")
        await pilot.press("enter")
        await settle(app, pilot)
    back = services.referral(referral.id)
    assert back.status == ReferralStatus.ACKNOWLEDGED
    assert back.resolved_at is None
    event = next(
        e for e in reversed(services.events_after(0)) if e.kind == "referral.reopened"
    )
    assert event.payload["reason"] == "tersumbat lagi"
