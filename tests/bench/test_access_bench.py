"""What the guarded door costs: the role check alone, per action and per sequence.

Compare with tests/bench/test_foundation_bench.py (open → create → assign,
which passes the door three times): the difference is the door's overhead.
"""

from __future__ import annotations

from dispatch.access import Action
from dispatch.enums import Role
from dispatch.testing import facade_for, make_services
from tests.dispatch.conftest import new_incident

SEQUENCE = (Action.CALL_OPEN, Action.INCIDENT_CREATE, Action.UNIT_ASSIGN)


def test_door_for_open_create_assign(benchmark, engine, db_url):
    """The three checks of the dispatch sequence for a dispatcher (no record check)."""
    services = facade_for(make_services(engine), Role.DISPATCHER)
    door = services._door  # the check itself, without the work behind it
    view = services.call(services.open_call({"caller_number": "081234567890"}).id)

    def checks():
        for action in SEQUENCE:
            door.enter(action).apply(view)

    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark(checks)


def test_door_for_a_responder_status_report(benchmark, engine, db_url):
    """A responder's check reads its own unit's assignments (one query)."""
    services = make_services(engine)
    incident = new_incident(services)
    amb = next(u.callsign for u in services.units() if u.unit_type == "AMBULANCE")
    services.assign_unit(incident.id, amb)
    door = facade_for(services, Role.RESPONDER, unit=amb)._door

    benchmark.extra_info["backend"] = db_url.split(":", 1)[0]
    benchmark(lambda: door.enter(Action.UNIT_REPORT_STATUS, lambda: amb))
