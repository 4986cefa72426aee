"""Whole calls typed into the intake as bursts and at typing speed, on a busy machine.

Pilot's ``press`` lets the app settle after every key; a terminal does not.
These tests post key events straight into the app's queue (see
``keyburst``), both all at once and 10-20 ms apart, while subprocesses keep
every core busy, and check that each field holds exactly what was typed and
each saved call is what the keys said.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from textual.widgets import Input

from console.incident_types import TypeChoice, search_types
from console.screens.intake import IntakeScreen
from console.widgets.field_error import FieldError
from dispatch.enums import CallOutcome
from dispatch.services import DispatchService
from tests.console.conftest import settle
from tests.console.keyburst import burst, drained, paced, text_keys

NAMES = (
    "Siti Aminah",
    "Budi Santoso",
    "Warga Uji",
    "Pak RT Slamet",
    "Dewi",
    "Bu Yuli",
    "Agus W",
    "Rina Kartika",
)
PLACES = (
    "pasar legi",
    "makam bung karno",
    "alun-alun",
    "stasiun blitar",
    "rsud mardi waluyo",
    "jalan merdeka",
    "sukorejo",
    "terminal patria",
    "kantor walikota",
    "sma 1 blitar",
)
TYPES = (
    "kebakaran",
    "laka",
    "pingsan",
    "banjir",
    "pohon tumbang",
    "pencurian",
    "sesak napas",
    "tawuran",
    "ular",
)
NOTES = ("", "asap hitam", "korban dua orang", "depan toko", "")
CLOSES = {
    "f9": CallOutcome.INFORMATION,
    "f10": CallOutcome.PRANK,
    "f11": CallOutcome.SILENT,
    "f12": CallOutcome.ABANDONED,
}


@dataclass
class PlannedCall:
    """One call as the keys will type it, and what it must leave behind."""

    kind: str  # "incident" (F6), "named" (name, then a close), "quick" (number + close)
    number: str
    name: str = ""
    place: str = ""
    type_choice: TypeChoice | None = None
    type_text: str = ""
    answers: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    outcome_key: str = "f6"
    earlier_prank: int = 0
    earlier_silent: int = 0

    @property
    def e164(self) -> str:
        return "+62" + self.number[1:]

    @property
    def outcome(self) -> CallOutcome:
        return (
            CallOutcome.INCIDENT
            if self.kind == "incident"
            else CLOSES[self.outcome_key]
        )

    def typing(self) -> list[str]:
        """The keys up to the moment the form is checked (quick: the whole call)."""
        keys = ["f2", *text_keys(self.number)]
        if self.kind == "quick":
            return [*keys, self.outcome_key]
        if self.kind == "named":
            return [*keys, "enter", *text_keys(self.name), "tab"]
        keys += ["tab", *text_keys(self.name), "tab", *text_keys(self.place), "enter"]
        keys += [*text_keys(self.type_text), "enter"]
        inferred = self.type_choice.answer_map if self.type_choice else {}
        keys += [key for q, key in self.answers.items() if q not in inferred]
        return [*keys, *text_keys(self.notes)]


def plan_calls(count: int, seed: int = 112) -> list[PlannedCall]:
    """``count`` realistic calls; some numbers come back, some after a prank."""
    rng = random.Random(seed)
    pool = [
        f"08{rng.randint(11, 99)}{rng.randint(10**7, 10**8 - 1)}" for _ in range(40)
    ]
    pranks: dict[str, int] = {}
    silents: dict[str, int] = {}
    calls = []
    for _ in range(count):
        number = rng.choice(pool)
        kind = rng.choices(("incident", "named", "quick"), weights=(5, 2, 3))[0]
        call = PlannedCall(
            kind,
            number,
            earlier_prank=pranks.get(number, 0),
            earlier_silent=silents.get(number, 0),
        )
        if kind != "quick":
            call.name = rng.choice(NAMES)
        if kind == "incident":
            call.place = rng.choice(PLACES)
            call.type_text = rng.choice(TYPES)
            call.type_choice = search_types(call.type_text)[0]
            assert call.type_choice.emergency, call.type_text  # F6 needs one
            inferred = call.type_choice.answer_map  # pre-filled from the words
            call.answers = {
                q.id: inferred.get(q.id) or rng.choice([o.key for o in q.options])
                for q in call.type_choice.questions
            }
            call.notes = rng.choice(NOTES)
        else:
            call.outcome_key = rng.choice(tuple(CLOSES))
        if call.outcome == CallOutcome.PRANK:
            pranks[number] = pranks.get(number, 0) + 1
        if call.outcome == CallOutcome.SILENT:
            silents[number] = silents.get(number, 0) + 1
        calls.append(call)
    return calls


def segments(calls: list[PlannedCall]) -> list[tuple[list[str], PlannedCall | None]]:
    """Keys cut where the form is checked; an outcome key starts the next piece."""
    pieces: list[tuple[list[str], PlannedCall | None]] = []
    current: list[str] = []
    for call in calls:
        current += call.typing()
        if call.kind != "quick":
            pieces.append((current, call))
            current = [call.outcome_key]
    pieces.append((current, None))
    return pieces


def check_form(app: Any, call: PlannedCall) -> None:
    """The form holds exactly what the keys typed."""
    intake = app.screen
    assert isinstance(intake, IntakeScreen)
    assert intake.call is not None
    form = intake.form.snapshot()
    errors = [n.message for n in app._notifications if n.severity == "error"]
    errors += [str(e.render()) for e in intake.query(FieldError) if e.shown]
    assert (form.number, form.name, errors) == (call.number, call.name, [])
    history = intake.form.flag.history
    assert (history.prank if history else 0) == call.earlier_prank, call.number
    assert (history.silent if history else 0) == call.earlier_silent, call.number
    if call.kind != "incident":
        assert intake.focused is intake.form.location.input
        return
    place = app.places.lookup(call.place, limit=5)[0]
    assert call.type_choice is not None
    assert form.location_text == call.place
    assert form.place is not None
    assert form.place.name == place.name
    assert form.type_code == call.type_choice.code
    assert form.answers == call.answers
    assert form.notes == call.notes
    assert intake.focused is intake.form.text("notes")


def check_saved(
    services: DispatchService, ids: list[int], calls: list[PlannedCall]
) -> None:
    """Every call saved as typed: number, name, outcome, place, type, answers."""
    assert len(ids) == len(calls)
    for call_id, call in zip(ids, calls, strict=True):
        saved = services.call(call_id)
        where = f"call {call_id} ({call.kind}, {call.outcome_key})"
        assert saved.outcome == call.outcome, where
        assert saved.caller_number == call.e164, where
        assert saved.caller_name == (call.name or None), where
        if call.kind == "incident":
            assert call.type_choice is not None
            assert saved.type_code == call.type_choice.code, where
            assert saved.answers == call.answers, where
            assert saved.incident_id is not None, where
            assert saved.place_name, where
        if call.notes:
            assert call.notes in (saved.notes or ""), where


def opened_calls(services: DispatchService, after: int) -> list[int]:
    events = services.events_after(after, limit=100_000)
    return [e.call_id for e in events if e.kind == "call.opened" and e.call_id]


@pytest.fixture
def cpu_burner() -> Iterator[int]:
    """Keep every core busy (at most four) for the length of the test."""
    cores = min(os.cpu_count() or 2, 4)
    spin = "while True: pass"
    procs = [subprocess.Popen([sys.executable, "-c", spin]) for _ in range(cores)]
    try:
        yield cores
    finally:
        for proc in procs:
            proc.kill()
        for proc in procs:
            proc.wait()


async def type_calls(
    app: Any,
    pilot: Any,
    calls: list[PlannedCall],
    rng: random.Random,
    *,
    paced_every: int,
) -> None:
    """Type every call: pieces as one burst, every ``paced_every``-th 10-20 ms a key."""
    for index, (keys, call) in enumerate(segments(calls)):
        if paced_every and index % paced_every == paced_every - 1:
            for key in keys:
                await paced(app, [key], rng.uniform(0.010, 0.020))
        else:
            burst(app, keys)
        await drained(app, pilot)
        if call is not None:
            check_form(app, call)


async def test_a_call_sent_in_one_burst_lands_field_by_field(
    make_app: Any, services: DispatchService
) -> None:
    """The issue's case: F2, number, Tab, name, Tab, place, type, all at once."""
    app = make_app(language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        keys = ["f2", *text_keys("081234567890"), "tab", *text_keys("Warga Uji")]
        keys += ["tab", *text_keys("pasar legi"), "tab", *text_keys("kebakaran")]
        burst(app, keys)
        await drained(app, pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.form.text("number").value == "081234567890"
        assert intake.form.text("name").value == "Warga Uji"
        assert intake.form.location.input.value == "pasar legi"
        assert intake.form.type_picker.input.value == "kebakaran"
        assert intake.focused is intake.form.type_picker.input


async def test_editing_keys_in_a_burst_apply_in_order(
    make_app: Any, services: DispatchService
) -> None:
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        keys = ["f2", *text_keys("0812345x"), "backspace", *text_keys("67890")]
        keys += ["home", "delete", *text_keys("0"), "end", "left", "backspace", "9"]
        burst(app, keys)
        await drained(app, pilot)
        assert app.screen.query_one("#number", Input).value == "081234567890"


async def test_enter_on_a_place_in_a_burst_picks_what_slow_typing_picks(
    make_app: Any, services: DispatchService
) -> None:
    """Enter waits for the candidates of the text typed, then the keys go on."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        keys = ["f2", *text_keys("081234567890"), "enter", "enter"]
        keys += [*text_keys("makam bung karno"), "down", "up", "enter"]
        keys += [*text_keys("kebakaran"), "enter", "y", "n", "n", "n", *text_keys("x")]
        burst(app, keys)
        await drained(app, pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        form = intake.form.snapshot()
        assert form.place is not None
        assert form.place.name == "Makam Bung Karno"
        assert form.type_code == "FIRE-HOUSE"
        assert form.answers == {
            "trapped": "y",
            "spreading": "n",
            "injured": "n",
            "out": "n",
        }
        assert form.notes == "x"


async def test_keys_typed_while_the_intake_is_still_loading_are_kept(
    make_app: Any, services: DispatchService
) -> None:
    """Keys sent before the first screen is up wait for it, in order."""
    app = make_app()
    async with app.run_test(size=(160, 48)) as pilot:
        # No settle: the screen may still be composing.
        burst(app, ["f2", *text_keys("081234567890"), "tab", *text_keys("Siti")])
        await drained(app, pilot)
        intake = app.screen
        assert isinstance(intake, IntakeScreen)
        assert intake.form.text("number").value == "081234567890"
        assert intake.form.text("name").value == "Siti"


@pytest.mark.slow
async def test_two_hundred_calls_typed_on_a_busy_machine(
    make_app: Any, services: DispatchService, cpu_burner: int
) -> None:
    """200 calls, bursts and 10-20 ms typing, every core busy: nothing misplaced."""
    calls = plan_calls(200)
    assert {c.kind for c in calls} == {"incident", "named", "quick"}
    rng = random.Random(7)
    # Drafts are not what this test is about: saved at the outcome, not per pause.
    app = make_app(language="en", autosave_seconds=30.0)
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        app.places.warm()
        first = services.last_event_id()
        sent_before = app.typeahead.received
        await type_calls(app, pilot, calls, rng, paced_every=5)
        received = app.typeahead.received - sent_before
    assert received == sum(len(keys) for keys, _ in segments(calls))
    check_saved(services, opened_calls(services, first), calls)
