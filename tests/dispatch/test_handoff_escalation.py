"""Hand-off acknowledgement and escalation: targets from the pack, once per level."""

from __future__ import annotations

import multiprocessing
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from dispatch.enums import AckMeans, EscalationLevel, HandoffStatus
from dispatch.errors import InvalidInput, InvalidTransition
from dispatch.models import Event, HandoffEscalation
from dispatch.services import DispatchService
from dispatch.services.base import Actor
from dispatch.testing import run_read
from tests.dispatch.conftest import new_incident
from tests.dispatch.desk_process import run_desk


def _escalation_rows(services: DispatchService) -> list[tuple[int, int]]:
    return run_read(
        services,
        lambda s: [
            (row.handoff_id, row.level)
            for row in s.scalars(
                select(HandoffEscalation).order_by(
                    HandoffEscalation.handoff_id, HandoffEscalation.level
                )
            )
        ],
    )


def test_acknowledgement_records_who_how_and_when(services, clock):
    incident = new_incident(services)
    handoff = services.hand_off(incident.id, "DAMKAR")
    clock.advance(40)
    answered = clock.now() - timedelta(seconds=15)
    acked = services.acknowledge_handoff(
        handoff.id, by="Pak Budi, piket Damkar", via="whatsapp", at=answered
    )
    assert acked.status == HandoffStatus.ACKNOWLEDGED
    assert acked.acknowledged_by == "Pak Budi, piket Damkar"
    assert acked.acknowledged_via == AckMeans.WHATSAPP
    assert acked.acknowledged_at == answered
    event = services.events_after(0)[-1]
    assert event.kind == "handoff.acknowledged"
    assert event.payload["via"] == "whatsapp"
    assert event.payload["waited_seconds"] == 25


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"via": "telegram"}, "via"),
        ({"at_offset": 60}, "at"),
        ({"at_offset": -3600}, "at"),
    ],
)
def test_bad_acknowledgement_is_refused_at_its_field(services, clock, kwargs, field):
    incident = new_incident(services)
    handoff = services.hand_off(incident.id, "DAMKAR")
    offset = kwargs.pop("at_offset", None)
    if offset is not None:
        kwargs["at"] = clock.now() + timedelta(seconds=offset)
    with pytest.raises(InvalidInput) as err:
        services.acknowledge_handoff(handoff.id, by="x", **kwargs)
    assert err.value.field == field
    assert services.waiting_handoffs()[0].handoff.status == HandoffStatus.REQUESTED


def test_targets_come_from_the_pack_else_the_setting(services, clock):
    pack = services.pack.agency_by_code
    assert pack["DAMKAR"].handoff_ack_target_s == 60
    assert pack["PDAM"].handoff_ack_target_s is None
    fire = services.hand_off(new_incident(services).id, "DAMKAR")
    water = services.hand_off(new_incident(services).id, "PDAM")
    waiting = {w.handoff.id: w for w in services.waiting_handoffs()}
    assert waiting[fire.id].target_s == 60
    assert waiting[water.id].target_s == services.settings.handoff_escalation_seconds
    clock.advance(61)
    escalated = services.escalate_overdue_handoffs()
    assert [(e.handoff_id, e.level) for e in escalated] == [
        (fire.id, EscalationLevel.DESK)
    ]
    assert escalated[0].agency_name == "Damkar"
    waiting = {w.handoff.id: w for w in services.waiting_handoffs()}
    assert waiting[fire.id].overdue
    assert not waiting[water.id].overdue


def test_the_setting_is_read_at_run_time(engine, clock):
    from dispatch.config import EngineSettings
    from dispatch.testing import make_services

    seeded = make_services(engine, clock=clock)
    slow = DispatchService(
        engine,
        settings=EngineSettings(
            database_url=str(engine.url), handoff_escalation_seconds=600
        ),
        clock=clock,
        pack=seeded.pack,
        principal=seeded.principal,
    )
    handoff = slow.hand_off(new_incident(seeded).id, "PDAM")
    clock.advance(130)
    assert slow.escalate_overdue_handoffs() == []
    assert [(e.handoff_id, e.level) for e in seeded.escalate_overdue_handoffs()] == [
        (handoff.id, 1)
    ]


def test_levels_desk_then_supervisor_then_nothing(services, clock):
    handoff = services.hand_off(new_incident(services).id, "DAMKAR")
    clock.advance(59)
    assert services.run_duties().escalations == ()
    clock.advance(1)
    first = services.run_duties().escalations
    assert [e.level for e in first] == [EscalationLevel.DESK]
    clock.advance(30)
    assert services.run_duties().escalations == ()
    clock.advance(30)
    second = services.run_duties().escalations
    assert [e.level for e in second] == [EscalationLevel.SUPERVISOR]
    clock.advance(3600)
    assert services.run_duties().escalations == ()
    assert _escalation_rows(services) == [(handoff.id, 1), (handoff.id, 2)]
    events = [e for e in services.events_after(0) if e.kind == "handoff.escalated"]
    assert [(e.payload["level"], e.payload["to"]) for e in events] == [
        (1, "desk"),
        (2, "supervisor"),
    ]
    assert {e.actor for e in events} == {"watcher"}  # the duty's principal


def test_acknowledged_or_closed_hand_offs_never_escalate(services, clock):
    acked = services.hand_off(new_incident(services).id, "DAMKAR")
    closed_incident = new_incident(services)
    services.hand_off(closed_incident.id, "DAMKAR")
    services.acknowledge_handoff(acked.id, by="radio room", via=AckMeans.RADIO)
    services.cancel_incident(closed_incident.id, "caller withdrew")
    clock.advance(3600)
    assert services.escalate_overdue_handoffs() == []
    with pytest.raises(InvalidTransition):
        services.acknowledge_handoff(acked.id, by="again")


def test_threads_on_one_database_escalate_each_level_once(services, clock):
    handoffs = [
        services.hand_off(new_incident(services).id, "DAMKAR") for _ in range(5)
    ]
    clock.advance(125)
    desks = [services.as_actor("op", f"desk-{i}") for i in range(6)]
    barrier = threading.Barrier(len(desks))
    taken: list[int] = []

    def desk_loop(desk: DispatchService) -> None:
        barrier.wait()
        for _ in range(3):
            taken.append(len(desk.run_duties().escalations))

    threads = [threading.Thread(target=desk_loop, args=(d,)) for d in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(taken) == 10
    assert _escalation_rows(services) == [
        (h.id, level) for h in handoffs for level in (1, 2)
    ]


def test_desk_processes_escalate_each_level_exactly_once(services, clock, db_url):
    """Several desk processes, none calling the escalation by hand."""
    handoffs = [
        services.hand_off(new_incident(services).id, "PSC119") for _ in range(4)
    ]
    referral_call = services.open_call({})
    services.classify_call(
        referral_call.id, {"type_code": "WATER-SUPPLY", "answers": {}}
    )
    referral = services.refer_call(referral_call.id, {"reference_number": "LPR-1"})
    at = clock.now() + timedelta(days=2)  # past 2 x 60 s and PDAM's 24 h
    ctx = multiprocessing.get_context("spawn")
    barrier = ctx.Barrier(4)
    results = ctx.Queue()
    desks = [
        ctx.Process(
            target=run_desk, args=(db_url, f"desk-{i}", at, barrier, 3, results)
        )
        for i in range(4)
    ]
    for desk in desks:
        desk.start()
    taken = [results.get(timeout=180) for _ in desks]
    for desk in desks:
        desk.join(timeout=60)
        assert desk.exitcode == 0
    assert sum(taken) == 4 * 2 + 1
    assert _escalation_rows(services) == [
        (h.id, level) for h in handoffs for level in (1, 2)
    ]
    kinds = run_read(
        services,
        lambda s: dict(
            s.execute(
                select(Event.kind, func.count())
                .where(Event.kind.in_(("handoff.escalated", "referral.overdue")))
                .group_by(Event.kind)
            ).all()
        ),
    )
    assert kinds == {"handoff.escalated": 8, "referral.overdue": 1}
    assert services.referral(referral.id).overdue_at is not None


def test_unique_key_refuses_a_second_row_for_a_level(services, clock):
    from sqlalchemy.exc import IntegrityError

    from dispatch.db import write_session

    handoff = services.hand_off(new_incident(services).id, "DAMKAR")
    clock.advance(60)
    services.escalate_overdue_handoffs()
    again = HandoffEscalation(
        handoff_id=handoff.id,
        level=1,
        at=clock.now(),
        due_at=clock.now(),
        actor="x",
        terminal="y",
    )
    with write_session(services.engine) as session:
        session.add(again)
        with pytest.raises(IntegrityError):
            session.flush()


def test_as_actor_keeps_the_watcher_for_duties(services, clock):
    desk = services.as_actor("budi", "desk-9")
    assert desk.actor == Actor("budi", "desk-9")
    services.hand_off(new_incident(services).id, "DAMKAR")
    clock.advance(60)
    desk.run_duties()
    event = next(e for e in services.events_after(0) if e.kind == "handoff.escalated")
    assert (event.actor, event.terminal) == ("watcher", "desk-9")
