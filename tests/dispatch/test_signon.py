"""Sign-on: passwords, the growing wait after failures, the journal, sign-off."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch import passwords
from dispatch.clock import FixedClock
from dispatch.enums import Role
from dispatch.errors import (
    InvalidInput,
    OperatorNotFound,
    SignOnRefused,
    SignOnThrottled,
)
from dispatch.services import DispatchService
from dispatch.services.signon import WRONG
from dispatch.signon import FREE_FAILURES, wait_after
from dispatch.testing import facade_for

PASSWORD = "correct horse battery"


def kinds(services: DispatchService, after: int = 0) -> list[tuple[str, str, str]]:
    return [(e.kind, e.actor, e.terminal) for e in services.events_after(after, 1000)]


@pytest.fixture
def admin(services: DispatchService) -> DispatchService:
    """The same database through an administrator's door (the roster is theirs)."""
    return facade_for(services, Role.ADMIN, operator="kepala")


@pytest.fixture
def desk(services: DispatchService, admin: DispatchService) -> DispatchService:
    admin.add_operator("Budi", Role.DISPATCHER, PASSWORD, display_name="Budi S.")
    return services


def test_sign_on_gives_a_principal_and_journals_it(desk: DispatchService) -> None:
    before = desk.last_event_id()
    principal = desk.sign_on(" BUDI ", PASSWORD, "desk-7")
    assert principal.operator == "budi"
    assert principal.role == Role.DISPATCHER
    assert principal.terminal == "desk-7"
    assert principal.session_id is not None
    journaled = kinds(desk, before)
    assert journaled[0] == ("signon.started", "budi", "desk-7")
    assert ("shift.signed_on", "budi", "desk-7") in journaled
    [open_row] = desk.signed_on()
    assert (open_row.username, open_row.terminal) == ("budi", "desk-7")
    # The shift record names who works where, with this sign-on's id.
    shift = desk.current_shift()
    assert shift is not None
    [on_shift] = [s for s in shift.sign_ons if s.signed_off_at is None]
    assert (on_shift.operator, on_shift.terminal) == ("budi", "desk-7")


def test_sign_off_ends_the_session_and_names_the_operator(
    desk: DispatchService,
) -> None:
    principal = desk.sign_on("budi", PASSWORD, "desk-7")
    before = desk.last_event_id()
    desk.sign_off(principal, reason="locked")
    assert desk.signed_on() == []
    [event, *shift_events] = desk.events_after(before, 10)
    assert [e.kind for e in shift_events] == ["shift.signed_off"]
    assert (event.kind, event.actor, event.terminal) == (
        "signon.ended",
        "budi",
        "desk-7",
    )
    assert event.payload["reason"] == "locked"


def test_wrong_password_and_unknown_name_read_the_same(desk: DispatchService) -> None:
    with pytest.raises(SignOnRefused) as wrong_password:
        desk.sign_on("budi", "not the password", "desk-7")
    with pytest.raises(SignOnRefused) as no_such_name:
        desk.sign_on("nobody", "not the password", "desk-8")
    assert wrong_password.value.message == no_such_name.value.message == WRONG
    assert type(wrong_password.value) is type(no_such_name.value)


def test_unknown_names_cost_an_argon2_check_too(
    desk: DispatchService, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    real = passwords._HASHER

    class Spy:
        def verify(self, hash_: str, password: str) -> bool:
            checked.append(hash_)
            return real.verify(hash_, password)

    monkeypatch.setattr(passwords, "_HASHER", Spy())
    for name in ("budi", "nobody"):
        with pytest.raises(SignOnRefused):
            desk.sign_on(name, "not the password", "desk-7")
    assert len(checked) == 2
    assert all(h.startswith("$argon2id$") for h in checked)


def test_failures_slow_down_are_journaled_and_survive_a_restart(
    desk: DispatchService, clock: FixedClock
) -> None:
    before = desk.last_event_id()
    for _ in range(FREE_FAILURES + 1):
        with pytest.raises(SignOnRefused) as refused:
            desk.sign_on("budi", "wrong wrong wrong", "desk-7")
        assert not isinstance(refused.value, SignOnThrottled)
    events = desk.events_after(before, 100)
    assert [e.kind for e in events].count("signon.failed") == FREE_FAILURES + 1
    locked = [e for e in events if e.kind == "signon.locked_out"]
    assert {e.payload["scope"] for e in locked} == {"name", "terminal"}
    assert all(e.actor == "-" and e.terminal == "desk-7" for e in locked)
    # A new program on the same database (a restart) still makes them wait,
    # even with the right password.
    restarted = DispatchService(desk.engine, clock=clock, pack=desk.pack)  # no one
    with pytest.raises(SignOnThrottled) as waiting:
        restarted.sign_on("budi", PASSWORD, "desk-7")
    assert waiting.value.retry_after == wait_after(FREE_FAILURES + 1) == 2
    clock.advance(seconds=3)
    assert restarted.sign_on("budi", PASSWORD, "desk-7").operator == "budi"


def test_the_wait_grows_and_is_per_name_and_per_terminal(
    desk: DispatchService, clock: FixedClock
) -> None:
    waits = []
    for n in range(FREE_FAILURES + 3):
        with pytest.raises(SignOnRefused):
            desk.sign_on("budi", "wrong wrong wrong", f"desk-{n}")
        clock.advance(seconds=1000)
        waits.append(wait_after(n + 1))
    assert waits[FREE_FAILURES:] == [2, 4, 8]
    # The name is slowed on every terminal ...
    with pytest.raises(SignOnRefused):
        desk.sign_on("budi", "wrong wrong wrong", "desk-new")
    with pytest.raises(SignOnThrottled):
        desk.sign_on("budi", PASSWORD, "desk-other")
    # ... and an unknown name is slowed exactly like a known one.
    for _ in range(FREE_FAILURES + 1):
        with pytest.raises(SignOnRefused) as refused:
            desk.sign_on("ghost", "wrong wrong wrong", f"desk-g{_}")
    with pytest.raises(SignOnThrottled) as ghost:
        desk.sign_on("ghost", "wrong wrong wrong", "desk-g9")
    assert ghost.value.retry_after == 2
    assert refused.value.message == WRONG


def test_a_good_sign_on_clears_the_count(desk: DispatchService) -> None:
    for _ in range(FREE_FAILURES):
        with pytest.raises(SignOnRefused):
            desk.sign_on("budi", "wrong wrong wrong", "desk-7")
    desk.sign_on("budi", PASSWORD, "desk-7")
    for _ in range(FREE_FAILURES):  # three more free ones: the count restarted
        with pytest.raises(SignOnRefused) as refused:
            desk.sign_on("budi", "wrong wrong wrong", "desk-7")
        assert not isinstance(refused.value, SignOnThrottled)


def test_disabled_operator_cannot_sign_on_and_open_sessions_end(
    desk: DispatchService, admin: DispatchService
) -> None:
    desk.sign_on("budi", PASSWORD, "desk-7")
    admin.disable_operator("budi")
    assert desk.signed_on() == []
    with pytest.raises(SignOnRefused, match="disabled"):
        desk.sign_on("budi", PASSWORD, "desk-7")
    admin.enable_operator("budi")
    assert desk.sign_on("budi", PASSWORD, "desk-7").operator == "budi"


def test_responders_sign_on_to_their_own_unit_only(
    services: DispatchService, admin: DispatchService
) -> None:
    admin.add_operator("rina", "responder", PASSWORD, unit="amb-01")
    with pytest.raises(SignOnRefused, match="unit's view"):
        services.sign_on("rina", PASSWORD, "desk-1")
    with pytest.raises(SignOnRefused, match="AMB-02"):
        services.sign_on("rina", PASSWORD, "phone-1", unit="AMB-02")
    principal = services.sign_on("rina", PASSWORD, "phone-1", unit="amb-01")
    assert (principal.role, principal.unit) == (Role.RESPONDER, "AMB-01")


def test_roster_rules(admin: DispatchService) -> None:
    services = admin
    with pytest.raises(InvalidInput) as no_unit:
        services.add_operator("rina", "responder", PASSWORD)
    assert no_unit.value.field == "unit"
    with pytest.raises(InvalidInput) as bad_unit:
        services.add_operator("rina", "responder", PASSWORD, unit="NOPE-1")
    assert "NOPE-1" in bad_unit.value.message
    with pytest.raises(InvalidInput) as role:
        services.add_operator("rina", "pilot", PASSWORD)
    assert role.value.field == "role"
    with pytest.raises(InvalidInput) as short:
        services.add_operator("rina", "dispatcher", "short")
    assert short.value.field == "password"
    services.add_operator("rina", "dispatcher", PASSWORD)
    with pytest.raises(InvalidInput, match="already"):
        services.add_operator("RINA", "dispatcher", PASSWORD)
    with pytest.raises(OperatorNotFound):
        services.reset_password("nobody", PASSWORD)
    assert [op.username for op in services.operators()].count("rina") == 1


def test_the_last_administrator_stays(
    services: DispatchService, admin: DispatchService
) -> None:
    services.create_first_admin("root", PASSWORD)
    assert services.has_admin()
    with pytest.raises(InvalidInput, match="already an administrator"):
        services.create_first_admin("root2", PASSWORD)
    with pytest.raises(InvalidInput, match="last enabled administrator"):
        admin.disable_operator("root")
    with pytest.raises(InvalidInput, match="last enabled administrator"):
        admin.set_role("root", "dispatcher")
    admin.add_operator("root2", "admin", PASSWORD)
    admin.set_role("root", "dispatcher")
    assert {op.username: op.role for op in admin.operators()}["root"] == (
        Role.DISPATCHER
    )


def test_events_never_hold_a_password_or_hash(
    desk: DispatchService, admin: DispatchService
) -> None:
    admin.reset_password("budi", "another good password")
    with pytest.raises(SignOnRefused):
        desk.sign_on("budi", PASSWORD, "desk-7")
    text = repr([e.payload for e in desk.events_after(0, 1000)])
    assert PASSWORD not in text
    assert "another good password" not in text
    assert "$argon2" not in text


# -- free text at the edge ------------------------------------------------------

texts = st.one_of(
    st.just(""),
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=100, max_size=3000),
    st.text(alphabet=st.sampled_from("\x00\x07\t\n\r\x1b a"), max_size=20),
)


@given(name=texts)
def test_any_name_gets_a_clear_answer(name: str) -> None:
    error: InvalidInput | None = None
    try:
        assert passwords.normalise_name(name) == name.strip().lower()
    except InvalidInput as exc:
        error = exc
    if error is not None:
        assert error.field == "name"
        assert error.message.endswith(".")


@given(password=texts)
def test_any_new_password_gets_a_clear_answer(password: str) -> None:
    error: InvalidInput | None = None
    try:
        passwords.check_new_password(password)
    except InvalidInput as exc:
        error = exc
    if error is not None:
        assert error.field == "password"
        assert any(w in error.message for w in ("characters", "control"))
    else:
        stored = unicodedata.normalize("NFC", password)
        assert passwords.MIN_PASSWORD <= len(stored) <= passwords.MAX_PASSWORD


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(name=texts, password=texts)
def test_sign_on_with_any_input_is_refused_clearly(
    desk: DispatchService, clock: FixedClock, name: str, password: str
) -> None:
    clock.advance(seconds=1000)  # keep the wait out of the way
    with pytest.raises((InvalidInput, SignOnRefused)) as refused:
        desk.sign_on(name, password, "desk-h")
    assert refused.value.message
