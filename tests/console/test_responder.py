"""Pilot tests of the responder (unit) view: keys only."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.message import Message

from console.responder import ResponderApp
from dispatch.catalogue import incident_type
from dispatch.enums import AssignmentStatus, UnitStatus
from dispatch.services import DispatchService
from tests.console.ops_seed import (
    make_services,
    new_incident,
    settle,
    unit_principal,
)


async def test_responder_moves_unit_through_every_status(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    incident = new_incident(services, units=("AMB-01",))
    unit_services = services.as_actor("AMB-01")
    app = ResponderApp(
        unit_services,
        "AMB-01",
        follow_interval=60,
        principal=unit_principal(unit_services, "AMB-01"),
    )
    steps = [
        ("1", UnitStatus.DISPATCHED, AssignmentStatus.ACKNOWLEDGED),
        ("2", UnitStatus.EN_ROUTE, AssignmentStatus.EN_ROUTE),
        ("3", UnitStatus.ON_SCENE, AssignmentStatus.ON_SCENE),
        ("4", UnitStatus.TRANSPORTING, AssignmentStatus.TRANSPORTING),
        ("5", UnitStatus.AT_HOSPITAL, AssignmentStatus.AT_HOSPITAL),
    ]
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert app.snapshot is not None
        assert app.snapshot.incident is not None
        assert app.snapshot.incident.number == incident.number
        for key, unit_status, assignment_status in steps:
            await pilot.press(key)
            await settle(app, pilot)
            assert services.unit("AMB-01").status == unit_status, key
            current = services.current_assignment("AMB-01")
            assert current is not None
            assert current[0].status == assignment_status, key
        await pilot.press("6")
        await settle(app, pilot)
        assert services.unit("AMB-01").status == UnitStatus.AVAILABLE
        assert services.current_assignment("AMB-01") is None
        assert app.snapshot is not None
        assert app.snapshot.incident is None
    detail = services.incident(incident.id)
    assert detail.assignments[0].status == AssignmentStatus.CLEARED
    assert detail.assignments[0].on_scene_at is not None
    history = [e.payload.get("status") for e in services.incident_history(incident.id)]
    assert history[-5:] == [
        "en_route",
        "on_scene",
        "transporting",
        "at_hospital",
        "available",
    ]
    events = services.incident_history(incident.id)
    assert [e.actor for e in events if e.kind == "unit.status"] == ["AMB-01"] * 5


async def test_invalid_move_shows_engine_message(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    new_incident(services, units=("AMB-01",))
    app = ResponderApp(
        services,
        "AMB-01",
        follow_interval=60,
        language="en",
        principal=unit_principal(services, "AMB-01"),
    )
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(app, pilot)
        await pilot.press("5")  # at hospital, straight from dispatched
        await settle(app, pilot)
        message = str(app.query_one("#message").render())
        assert "cannot go from dispatched to at_hospital" in message
        assert services.unit("AMB-01").status == UnitStatus.DISPATCHED


async def test_out_of_service_needs_a_second_press(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    app = ResponderApp(
        services,
        "AMB-02",
        follow_interval=60,
        language="en",
        principal=unit_principal(services, "AMB-02"),
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("8")
        await settle(app, pilot)
        assert services.unit("AMB-02").status == UnitStatus.AVAILABLE
        assert "Press 8 again" in str(app.query_one("#message").render())
        await pilot.press("8")
        await settle(app, pilot)
        assert services.unit("AMB-02").status == UnitStatus.OUT_OF_SERVICE


async def test_new_assignment_from_another_terminal_announces_itself(
    tmp_path: Path,
) -> None:
    services = make_services(tmp_path)
    # The dispatcher's terminal: another service instance on the same database.
    dispatcher = DispatchService(
        services.engine, settings=services.settings, clock=services.clock
    ).as_actor("dispatcher-1", "desk-2")
    seen: list[Message] = []
    app = ResponderApp(
        services,
        "AMB-03",
        follow_interval=0.05,
        principal=unit_principal(services, "AMB-03"),
    )
    async with app.run_test(size=(80, 24), message_hook=seen.append) as pilot:
        await settle(app, pilot)
        assert app.snapshot is not None
        assert app.snapshot.incident is None
        incident = new_incident(dispatcher, units=("AMB-03",))
        for _ in range(200):  # the follower polls on its own; wait for it
            await pilot.pause(0.02)
            if any(isinstance(m, ResponderApp.AssignmentAnnounced) for m in seen):
                break
        announced = [m for m in seen if isinstance(m, ResponderApp.AssignmentAnnounced)]
        assert [m.number for m in announced] == [incident.number]
        await settle(app, pilot)
        assert app.query_one("#assignment-scroll").has_class("-new")
        await pilot.press("1")
        await settle(app, pilot)
        assert not app.query_one("#assignment-scroll").has_class("-new")
        current = services.current_assignment("AMB-03")
        assert current is not None
        assert current[0].status == AssignmentStatus.ACKNOWLEDGED


async def test_job_card_shows_the_callers_answers_in_words(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    call = services.open_call({"caller_number": "081234567890"})
    incident = services.create_incident(
        call.id,
        location={"text": "alun-alun", "lat": -8.0985, "lon": 112.1686},
        classification={"type_code": "TRAFFIC-INJ", "answers": {"serious": "y"}},
    )
    services.assign_unit(incident.id, "AMB-01")
    question = next(
        q.text for q in incident_type("TRAFFIC-INJ").questions if q.id == "serious"
    )
    app = ResponderApp(
        services,
        "AMB-01",
        follow_interval=60,
        principal=unit_principal(services, "AMB-01"),
    )
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        card = _plain(app)
        assert f"{question.id} Ya" in card
        assert "serious" not in card
        assert "=y" not in card
        # Ctrl+L: the whole view, answers and keys included, in English.
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        assert app.language == "en"
        assert f"{question.en} Yes" in _plain(app)
        labels = {b.description for _, b, _, _ in app.active_bindings.values()}
        assert "Acknowledge" in labels
        await pilot.press("ctrl+l")
        await settle(app, pilot)
        labels = {b.description for _, b, _, _ in app.active_bindings.values()}
        assert "Terima" in labels
        assert f"{question.id} Ya" in _plain(app)


def _plain(app: ResponderApp) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(app.query_one("#assignment").content)  # type: ignore[attr-defined]
    return console.export_text()
