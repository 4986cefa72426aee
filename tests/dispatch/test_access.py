"""The guarded door in behaviour: who may, what a responder sees, masking, exports."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dispatch.access import RULES, Action, initials, mask_number
from dispatch.config import EngineSettings
from dispatch.db import write_session
from dispatch.enums import IncidentStatus, Role
from dispatch.errors import AccessDenied, DispatchError, UnknownOperator
from dispatch.models import Operator
from dispatch.principal import SystemRole
from dispatch.reports.shiftlog import LogFilter
from dispatch.reports.window import shift_window
from dispatch.schemas import EventView
from dispatch.services import DispatchService
from dispatch.testing import ALUN_ALUN, facade_for
from tests.dispatch.conftest import P1_TYPE, new_incident

NUMBER = "0812-3456-5432"
E164 = "+6281234565432"
MASKED = "0812-****-5432"
ROOT = Path(__file__).resolve().parents[2]


def ambulances(services: DispatchService) -> list[str]:
    return [u.callsign for u in services.units() if u.unit_type == "AMBULANCE"]


def dispatched(services: DispatchService) -> tuple[str, str]:
    """An incident with a named caller and an ambulance on it: (number, callsign)."""
    call = services.open_call({"caller_number": NUMBER, "caller_name": "Budi Santoso"})
    incident = services.create_incident(
        call.id, location={"text": "alun-alun", **ALUN_ALUN}, classification=P1_TYPE
    )
    amb = ambulances(services)[0]
    services.assign_unit(incident.number, amb)
    return incident.number, amb


def last_event(services: DispatchService) -> EventView:
    return services.events_after(services.last_event_id() - 1)[-1]


# -- the table says what the brief says ---------------------------------------------


def test_rules_of_the_brief():
    def who(action: Action) -> set[object]:
        return set(RULES[action].roles)

    for action in (
        Action.INCIDENT_CANCEL,
        Action.INCIDENT_REOPEN,
        Action.ROSTER_CHANGE,
        Action.SHIFT_CLOSE,
        Action.EXPORT_FULL,
    ):
        assert who(action) == {Role.SUPERVISOR}, action
    for action in Action:
        if action.value.startswith("operator."):
            assert who(action) == {Role.ADMIN}, action
        if action.value.startswith("ring."):
            assert who(action) == {SystemRole.RING_FEED}, action
    assert who(Action.SHIFT_OPEN) == {SystemRole.WATCHER, Role.SUPERVISOR}
    assert who(Action.HANDOFF_ESCALATE) == {
        SystemRole.WATCHER,
        Role.SUPERVISOR,
        Role.DISPATCHER,
    }


# -- a refusal: typed, clear, journaled, before any work -----------------------------


@pytest.mark.parametrize("role", [Role.CALL_TAKER, Role.DISPATCHER, Role.RESPONDER])
def test_only_a_supervisor_cancels_and_a_refusal_is_journaled(services, role):
    number, _ = dispatched(services)
    desk = facade_for(services, role, operator="rina", terminal="desk-7")
    with pytest.raises(AccessDenied) as caught:
        desk.cancel_incident(number, "duplicate")
    assert isinstance(caught.value, PermissionError)
    assert isinstance(caught.value, DispatchError)
    assert "may not cancel an incident" in str(caught.value)
    assert services.incident(number).status != IncidentStatus.CANCELLED
    event = last_event(services)
    assert (event.kind, event.actor, event.terminal) == (
        "access.denied",
        "rina",
        "desk-7",
    )
    assert event.payload["action"] == "incident.cancel"
    assert event.payload["role"] == role.value
    cancelled = services.cancel_incident(number, "duplicate")
    assert cancelled.status == IncidentStatus.CANCELLED


def test_every_event_names_the_principal_and_terminal(services):
    desk = facade_for(services, Role.CALL_TAKER, operator="sari", terminal="desk-3")
    call = desk.open_call({"caller_number": NUMBER})
    event = last_event(services)
    assert (event.kind, event.actor, event.terminal) == (
        "call.opened",
        "sari",
        "desk-3",
    )
    assert desk.call(call.id).operator == "sari"


# -- operators come from the table until sign-on exists -------------------------------


def _configured(services: DispatchService, operator: str) -> DispatchService:
    settings = EngineSettings(
        database_url=str(services.engine.url), operator=operator, terminal="desk-9"
    )
    return DispatchService(services.engine, settings=settings, clock=services.clock)


def test_the_configured_operator_acts_with_its_stored_role(services):
    desk = _configured(services, "dispatcher")  # a demo operator of the roster
    assert desk.principal.role == Role.DISPATCHER
    number, amb = dispatched(services)
    desk.release_unit(number, amb, "wrong unit")
    event = last_event(services)
    assert (event.kind, event.actor, event.terminal) == (
        "unit.released",
        "dispatcher",
        "desk-9",
    )
    with pytest.raises(AccessDenied):
        desk.cancel_incident(number, "no")


def test_an_unregistered_operator_is_refused_and_journaled(services):
    stranger = _configured(services, "mallory")
    with pytest.raises(UnknownOperator, match="'mallory' is not a registered"):
        stranger.open_call()
    event = last_event(services)
    assert (event.kind, event.actor) == ("access.denied", "mallory")
    assert services.open_drafts(terminal="desk-9") == []


def test_a_disabled_operator_is_refused(services):
    with write_session(services.engine) as session:
        session.add(
            Operator(
                username="old",
                display_name="Old",
                role=Role.SUPERVISOR,
                active=False,
                created_at=datetime(2026, 1, 1, tzinfo=UTC),
            )
        )
    with pytest.raises(UnknownOperator, match="disabled"):
        _configured(services, "old").queue()


# -- responders: their own unit and jobs; the caller's number only while assigned -----


def test_a_responder_cannot_read_or_change_another_units_job(services):
    number, amb = dispatched(services)
    other_incident = new_incident(services, number="081299990000")
    other = ambulances(services)[1]
    services.assign_unit(other_incident.number, other)
    crew = facade_for(services, Role.RESPONDER, unit=amb)
    assert crew.current_assignment(amb) is not None
    assert crew.incident(number).number == number
    for attempt in (
        lambda: crew.incident(other_incident.number),
        lambda: crew.incident_history(other_incident.id),
        lambda: crew.current_assignment(other),
        lambda: crew.unit(other),
        lambda: crew.report_status(other, "en_route"),
        lambda: crew.acknowledge_assignment(other),
        lambda: crew.add_note(other_incident.number, "not mine"),
        lambda: crew.open_incidents(),
        lambda: crew.units(),
    ):
        with pytest.raises(AccessDenied):
            attempt()
    crew.acknowledge_assignment(amb)
    assert crew.report_status(amb, "en_route").status == "en_route"


def test_a_responder_sees_the_callers_number_only_while_assigned(services):
    number, amb = dispatched(services)
    crew = facade_for(services, Role.RESPONDER, unit=amb)
    _, job = crew.current_assignment(amb) or (None, None)
    assert job is not None
    assert job.caller_number == E164
    assert crew.incident(number).caller_number == E164
    services.release_unit(number, amb, "another unit is closer")
    after = crew.incident(number)
    assert after.caller_number == MASKED
    assert E164 not in json.dumps(
        [e.payload for e in crew.events_after(0, limit=1000)], ensure_ascii=False
    )


def test_a_responders_feed_holds_no_content_of_other_units(services):
    _number, amb = dispatched(services)
    other = new_incident(services, number="081299990000")
    crew = facade_for(services, Role.RESPONDER, unit=amb)
    events = crew.events_after(0, limit=1000)
    assert [e.id for e in events] == [
        e.id for e in services.events_after(0, limit=1000)
    ]  # the position advances over everything
    about_other = [e for e in events if e.incident_id == other.id]
    assert about_other
    assert all(e.payload == {} for e in about_other)


def test_for_unit_binds_an_unbound_responder_only(services):
    _number, amb = dispatched(services)
    desk = facade_for(services, Role.RESPONDER)
    assert desk.for_unit(amb.lower()).principal.unit == amb
    bound = facade_for(services, Role.RESPONDER, unit=amb)
    other = ambulances(services)[1]
    assert bound.for_unit(other).principal.unit == amb
    dispatcher = facade_for(services, Role.DISPATCHER)
    assert dispatcher.for_unit(amb).principal.unit is None


# -- masking for roles that do not need the data --------------------------------------


def test_masking_helpers():
    assert mask_number(E164) == MASKED
    assert mask_number("081234565432") == MASKED
    assert mask_number(None) is None
    assert mask_number("+62812") == "**12"
    assert initials("Budi  santoso") == "B. S."


def test_program_principals_see_masked_callers(services):
    number, _ = dispatched(services)
    simulator = facade_for(services, SystemRole.SIMULATOR)
    assert simulator.incident(number).caller_number == MASKED
    opened = [e for e in simulator.events_after(0, 1000) if e.kind == "call.opened"]
    assert opened
    assert {e.payload["caller_number"] for e in opened} == {MASKED}
    assert services.incident(number).caller_number == E164  # the desk sees it


def test_named_caller_is_initials_when_masked(services):
    call = services.open_call({"caller_number": NUMBER, "caller_name": "Budi Santoso"})
    simulator = facade_for(services, SystemRole.SIMULATOR)
    seen = simulator.call(call.id)
    assert (seen.caller_number, seen.caller_name) == (MASKED, "B. S.")


def test_a_referrals_photo_number_is_masked_like_the_caller(services):
    call = services.open_call({"caller_number": NUMBER})
    services.classify_call(call.id, {"type_code": "DRAIN", "answers": {}})
    referral = services.refer_call(
        call.id, {"details": {"photos_to": NUMBER, "households": "4"}}
    )
    from dispatch.services.masking import MASKED as MASKED_LENS

    seen = MASKED_LENS.apply(services.referral(referral.id))
    assert seen.details == {"photos_to": MASKED, "households": "4"}
    assert services.referral(referral.id).details["photos_to"] == E164


# -- exports: masked by default; the full data is a journaled supervisor request -----


def test_exports_are_masked_unless_a_supervisor_asks(services):
    number, _ = dispatched(services)
    dispatcher = facade_for(services, Role.DISPATCHER)
    eido = dispatcher.export_eido(number)
    persons = eido["personComponent"]
    assert persons[0]["personTelephoneNumber"] == MASKED
    assert E164 not in json.dumps(eido)
    window = shift_window(services.clock.now(), services.settings)
    out = io.StringIO()
    dispatcher.export_shift(window, out)
    header = json.loads(out.getvalue().splitlines()[0])
    assert header["masked"] is True
    assert E164 not in out.getvalue()
    assert MASKED in out.getvalue()
    with pytest.raises(AccessDenied):
        dispatcher.export_eido(number, full=True)
    assert last_event(services).payload["action"] == "export.full"

    full = services.export_eido(number, full=True)  # the supervisor
    assert full["personComponent"][0]["personTelephoneNumber"] == E164
    event = last_event(services)
    assert (event.kind, event.actor) == ("export.unmasked", "ani")
    assert event.payload == {"export": "eido", "subject": number}
    out = io.StringIO()
    services.export_shift(window, out, full=True)
    assert E164 in out.getvalue()
    assert last_event(services).payload["export"] == "shift"


# -- the shift log: a number typed nationally finds the stored E.164 -------------------


@pytest.mark.parametrize("typed", ["0812 3456 5432", "081234565432", "0812-3456"])
def test_log_text_finds_numbers_stored_as_e164(services, typed):
    dispatched(services)
    window = shift_window(services.clock.now(), services.settings)
    found = services.shift_log(window, LogFilter(text=typed))
    assert any(e.kind == "call.opened" for e in found)


def test_shift_log_lines_are_masked_for_masked_roles(services):
    dispatched(services)
    window = shift_window(services.clock.now(), services.settings)
    full = services.shift_log(window, LogFilter(kinds=("call.opened",)))
    assert E164 in full[0].summary
    with pytest.raises(AccessDenied):
        facade_for(services, Role.CALL_TAKER).shift_log(window)


# -- the console reaches reports, exports, archives and the journal only via the door --


def test_import_linter_keeps_the_console_behind_the_facade():
    code = (
        "import sys; from importlinter.cli import lint_imports_command; "
        "sys.argv = ['lint-imports']; sys.exit(lint_imports_command())"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "only through the \nservice facade KEPT" in result.stdout or (
        "service facade KEPT" in result.stdout
    )


def test_the_documented_role_table_is_the_table():
    from dispatch.access import rules_markdown

    text = (ROOT / "docs" / "access.md").read_text(encoding="utf-8")
    documented = text.split("<!-- rules:start -->\n")[1].split("<!-- rules:end -->")[0]
    assert documented == rules_markdown()


@given(st.text(alphabet="0123456789+-() ", min_size=0, max_size=24))
def test_a_masked_number_never_shows_more_than_its_ends(raw):
    masked = mask_number(raw)
    digits = [ch for ch in (masked or "") if ch.isdigit()]
    assert len(digits) <= 8
    if sum(ch.isdigit() for ch in raw) >= 9:
        assert "****" in (masked or "")


@given(st.text(max_size=60))
def test_initials_keep_one_letter_per_word(name):
    shown = initials(name)
    if name.split():
        assert shown is not None
        tokens = shown.split(" ")
        assert len(tokens) == len(name.split())
        assert all(len(t) == 2 and t.endswith(".") for t in tokens)
