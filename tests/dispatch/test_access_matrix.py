"""Every public facade method under every role, against the one role table.

Runs on SQLite and PostgreSQL (the ``engine`` fixture). A method whose action
the table allows must pass the door (it may still fail on the record's state,
with a DispatchError of its own); one the table refuses must raise
AccessDenied before any work, leaving exactly one ``access.denied`` event.
"""

from __future__ import annotations

import inspect
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from dispatch.access import RULES, Action, allowed
from dispatch.enums import Role
from dispatch.errors import AccessDenied, DispatchError
from dispatch.principal import SystemRole
from dispatch.reports.shiftlog import LogFilter
from dispatch.reports.window import shift_window
from dispatch.schemas import SurgePlan
from dispatch.services import DispatchService
from dispatch.services.facade import GUARDED
from dispatch.testing import facade_for
from tests.dispatch.conftest import WATER_TYPE, new_incident

ALL_ROLES: list[Role | SystemRole] = [*Role, *SystemRole]

#: Public facade methods that take no action: they build another facade, or
#: come before any principal exists (signing on is the password's check).
NOT_ACTIONS = {
    "as_principal",
    "as_actor",
    "for_unit",
    "sign_on",
    "sign_off",
    "has_admin",
    "create_first_admin",
    "unit_for_signon",
    # A wake-up line with no data; the events are read behind the door.
    "journal_signal",
}


@dataclass
class World:
    """Records every call in the matrix can name."""

    call_id: int
    number: str
    callsign: str
    handoff_id: int
    referral_id: int
    folder: Path
    services: DispatchService

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def window(self) -> Any:
        return shift_window(self.services.clock.now(), self.services.settings)


def _args(w: World) -> dict[str, Callable[[DispatchService], object]]:
    """One valid call of each public method (by name)."""
    loc = {"text": "alun-alun", "lat": -8.09816, "lon": 112.16518}
    return {
        "open_call": lambda s: s.open_call({"caller_number": "081234565432"}),
        "update_caller": lambda s: s.update_caller(
            w.call_id, caller_number="081234565432", caller_name="Budi Santoso"
        ),
        "caller_history": lambda s: s.caller_history("081234565432"),
        "record_location": lambda s: s.record_location(w.call_id, loc),
        "classify_call": lambda s: s.classify_call(
            w.call_id, {"type_code": "MED-UNCON", "answers": {}}
        ),
        "add_call_note": lambda s: s.add_call_note(w.call_id, "caller calm"),
        "create_incident": lambda s: s.create_incident(w.call_id),
        "attach_to_incident": lambda s: s.attach_to_incident(w.call_id, w.number),
        "refer_call": lambda s: s.refer_call(w.call_id),
        "close_call": lambda s: s.close_call(w.call_id, "information"),
        "call": lambda s: s.call(w.call_id),
        "save_draft": lambda s: s.save_draft(w.call_id, {"notes": "x"}),
        "open_drafts": lambda s: s.open_drafts(),
        "add_note": lambda s: s.add_note(w.number, "on the way"),
        "close_incident": lambda s: s.close_incident(w.number, "NO-ACTION"),
        "cancel_incident": lambda s: s.cancel_incident(w.number, "test"),
        "assign_unit": lambda s: s.assign_unit(w.number, w.callsign),
        "release_unit": lambda s: s.release_unit(w.number, w.callsign, "test"),
        "acknowledge_assignment": lambda s: s.acknowledge_assignment(w.callsign),
        "report_status": lambda s: s.report_status(w.callsign, "en_route"),
        "report_position": lambda s: s.report_position(w.callsign, -8.1, 112.16),
        "recommend": lambda s: s.recommend(w.number),
        "accept_recommendation": lambda s: s.accept_recommendation(w.number),
        "unit_etas": lambda s: s.unit_etas(w.number),
        "surge_plan": lambda s: s.surge_plan(),
        "commit_surge": lambda s: s.commit_surge(
            SurgePlan(lines=(), skipped=(), computed_at=w.now)
        ),
        "hand_off": lambda s: s.hand_off(w.number, "DAMKAR"),
        "acknowledge_handoff": lambda s: s.acknowledge_handoff(w.handoff_id),
        "escalate_overdue_handoffs": lambda s: s.escalate_overdue_handoffs(),
        "acknowledge_referral": lambda s: s.acknowledge_referral(w.referral_id),
        "resolve_referral": lambda s: s.resolve_referral(w.referral_id),
        "referrals": lambda s: s.referrals(),
        "waiting_handoffs": lambda s: s.waiting_handoffs(),
        "reopen_referral": lambda s: s.reopen_referral(w.referral_id, "back again"),
        "record_callback": lambda s: s.record_callback(w.referral_id, "informed"),
        "callbacks_due": lambda s: s.callbacks_due(),
        "referral": lambda s: s.referral(w.referral_id),
        "open_referrals": lambda s: s.open_referrals(),
        "flag_overdue_referrals": lambda s: s.flag_overdue_referrals(),
        "run_duties": lambda s: s.run_duties(),
        "export_referrals": lambda s: s.export_referrals((w.referral_id,)),
        "queue": lambda s: s.queue(),
        "duplicate_candidates": lambda s: s.duplicate_candidates(
            lat=-8.09816, lon=112.16518
        ),
        "open_incidents": lambda s: s.open_incidents(),
        "incident": lambda s: s.incident(w.number),
        "incident_history": lambda s: s.incident_history(w.number),
        "units": lambda s: s.units(),
        "unit": lambda s: s.unit(w.callsign),
        "current_assignment": lambda s: s.current_assignment(w.callsign),
        "events_after": lambda s: s.events_after(0, limit=5),
        "last_event_id": lambda s: s.last_event_id(),
        "shift_figures": lambda s: s.shift_figures(w.window),
        "handover": lambda s: s.handover(w.window),
        "period_report": lambda s: s.period_report(
            date(2026, 11, 29), date(2026, 11, 29)
        ),
        "shift_log": lambda s: s.shift_log(w.window, LogFilter(kinds=("call",))),
        "verify_journal": lambda s: s.verify_journal(),
        "verify_everything": lambda s: s.verify_everything(w.folder),
        "export_eido": lambda s: s.export_eido(w.number),
        "export_shift": lambda s: s.export_shift(w.window, io.StringIO()),
        "archive_old_shifts": lambda s: s.archive_old_shifts(
            w.folder, keep_days=30, dry_run=True
        ),
        "import_archive": lambda s: s.import_archive(w.folder / "absent.jsonl.gz"),
        "check_archives": lambda s: s.check_archives(w.folder),
        "signed_on": lambda s: s.signed_on(),
        "verify_anchor": lambda s: s.verify_anchor(),
        "verify_state": lambda s: s.verify_state(),
        "checkpoint_journal": lambda s: s.checkpoint_journal(),
        "repair_journal_head": lambda s: s.repair_journal_head(),
        "operators": lambda s: s.operators(),
        "add_operator": lambda s: s.add_operator(
            "matrix-op", "dispatcher", "matrix operator password"
        ),
        "disable_operator": lambda s: s.disable_operator("dispatcher"),
        "enable_operator": lambda s: s.enable_operator("dispatcher"),
        "reset_password": lambda s: s.reset_password(
            "dispatcher", "matrix reset password"
        ),
        "set_role": lambda s: s.set_role("dispatcher", "dispatcher"),
        "ring_started": lambda s: s.ring_started("201", "081234565432", w.now),
        "ring_answered": lambda s: s.ring_answered("201", w.now),
        "ring_ended": lambda s: s.ring_ended("201", w.now),
        "open_shift": lambda s: s.open_shift(),
        "sign_on_shift": lambda s: s.sign_on_shift(),
        "carry_sign_on": lambda s: s.carry_sign_on(),
        "sign_off_shift": lambda s: s.sign_off_shift(),
        "close_shift": lambda s: s.close_shift(),
        "handover_preview": lambda s: s.handover_preview(),
        "current_shift": lambda s: s.current_shift(),
        "shift_starting_at": lambda s: s.shift_starting_at(w.window.start),
        "stored_handover": lambda s: s.stored_handover(w.window.start),
    }


def _world(services: DispatchService, tmp_path: Path) -> World:
    incident = new_incident(services, number="081234565432")
    ambulance = next(u.callsign for u in services.units() if u.unit_type == "AMBULANCE")
    services.assign_unit(incident.id, ambulance)
    handoff = services.hand_off(incident.id, "PSC119")
    water = services.open_call({"caller_number": "081298760001"})
    services.classify_call(water.id, WATER_TYPE)
    referral = services.refer_call(water.id, {"agency_code": "PDAM"})
    call = services.open_call({"caller_number": "081234565432"})
    return World(
        call_id=call.id,
        number=incident.number,
        callsign=ambulance,
        handoff_id=handoff.id,
        referral_id=referral.id,
        folder=tmp_path / "archive",
        services=services,
    )


def public_methods() -> set[str]:
    return {
        name
        for name, member in inspect.getmembers(DispatchService)
        if not name.startswith("_") and inspect.isfunction(member)
    }


def test_every_public_method_is_guarded_or_builds_a_facade():
    assert public_methods() == set(GUARDED) | NOT_ACTIONS
    assert set(GUARDED.values()) <= set(RULES)


def test_every_action_has_a_rule_and_every_role_a_privacy_line():
    from dispatch.access import PRIVACY

    assert set(RULES) == set(Action)
    assert set(PRIVACY) == set(ALL_ROLES)


def test_matrix_every_method_under_every_role(services, tmp_path):
    world = _world(services, tmp_path)
    calls = _args(world)
    assert set(calls) == set(GUARDED)
    mismatches: list[str] = []
    for role in ALL_ROLES:
        unit = world.callsign if role == Role.RESPONDER else None
        facade = facade_for(services, role, unit=unit)
        for name, call in calls.items():
            action = GUARDED[name]
            before = services.last_event_id()
            try:
                call(facade)
                outcome = "allowed"
            except AccessDenied:
                outcome = "denied"
            except (DispatchError, LookupError):
                outcome = "allowed"  # past the door; the record said no
            expected = "allowed" if allowed(role, action) else "denied"
            if outcome != expected:
                mismatches.append(f"{role.value} {name}: {outcome}, table {expected}")
            if outcome == "denied":
                fresh = services.events_after(before, limit=10)
                kinds = [e.kind for e in fresh]
                if kinds != ["access.denied"]:
                    mismatches.append(f"{role.value} {name}: wrote {kinds}")
                elif fresh[0].payload["action"] != action.value:
                    mismatches.append(f"{role.value} {name}: journaled wrong action")
    assert mismatches == []


def test_full_exports_are_a_supervisor_action_of_their_own(services, tmp_path):
    world = _world(services, tmp_path)
    for role in ALL_ROLES:
        facade = facade_for(services, role)
        try:
            facade.export_eido(world.number, full=True)
            outcome = "allowed"
        except AccessDenied:
            outcome = "denied"
        expected = "allowed" if allowed(role, Action.EXPORT_FULL) else "denied"
        assert outcome == expected, role
        assert allowed(role, Action.EXPORT_FULL) == (role == Role.SUPERVISOR)
