"""Widgets of the responder view: the status bar, the assignment and the key pad.

Each widget is fed a :class:`~console.responder.data.ResponderSnapshot` by the
app (attributes down); none of them queries anything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Grid
from textual.events import Click
from textual.widgets import Static

from console.responder.data import ResponderSnapshot, format_distance
from console.responder.strings import (
    PRIORITY_STYLE,
    STATUS_STYLE,
    status_text,
    text,
)
from dispatch.clock import ensure_utc
from dispatch.enums import AssignmentStatus, Priority, UnitStatus
from dispatch.phone import display_number
from dispatch.schemas import AssignmentView, IncidentDetail
from dispatch.states import UNIT_MOVES


@dataclass(frozen=True)
class StatusKey:
    """One report the responder can make with one key."""

    key: str
    """The key (digits work on every phone keyboard and vehicle keypad)."""
    binding_id: str
    """Stable id for the keymap (``responder.en-route``)."""
    target: str
    """``"acknowledge"`` or the :class:`UnitStatus` value reported."""
    confirm: bool = False
    """Ask for the same key a second time (moves that drop an assignment)."""


STATUS_KEYS: tuple[StatusKey, ...] = (
    StatusKey("1", "responder.acknowledge", "acknowledge"),
    StatusKey("2", "responder.en-route", UnitStatus.EN_ROUTE.value),
    StatusKey("3", "responder.on-scene", UnitStatus.ON_SCENE.value),
    StatusKey("4", "responder.transporting", UnitStatus.TRANSPORTING.value),
    StatusKey("5", "responder.at-hospital", UnitStatus.AT_HOSPITAL.value),
    StatusKey("6", "responder.available", UnitStatus.AVAILABLE.value),
    StatusKey("7", "responder.returning", UnitStatus.RETURNING.value),
    StatusKey("8", "responder.out-of-service", UnitStatus.OUT_OF_SERVICE.value, True),
)
"""The key pad, in the order a response runs."""

_NEEDS_ASSIGNMENT = frozenset(
    {UnitStatus.EN_ROUTE, UnitStatus.ON_SCENE, UnitStatus.TRANSPORTING}
)
_ASSIGNMENT_NEXT = {
    UnitStatus.TRANSPORTING: AssignmentStatus.ON_SCENE,
    UnitStatus.AT_HOSPITAL: AssignmentStatus.TRANSPORTING,
}


def allowed(snapshot: ResponderSnapshot | None, target: str) -> bool:
    """Whether the engine would accept this report now (for dimming only).

    The engine stays the judge: a dimmed key still asks it, and its message
    is what the responder sees.
    """
    if snapshot is None:
        return False
    if target == "acknowledge":
        return snapshot.unacknowledged
    new = UnitStatus(target)
    current = UnitStatus(snapshot.unit.status)
    if new == current or new not in UNIT_MOVES[current]:
        return False
    if new in _NEEDS_ASSIGNMENT and snapshot.assignment is None:
        return False
    needed = _ASSIGNMENT_NEXT.get(new)
    return needed is None or (
        snapshot.assignment is not None and snapshot.assignment.status == needed
    )


def next_target(snapshot: ResponderSnapshot | None) -> str | None:
    """The report a responder most likely makes next (highlighted)."""
    if snapshot is None:
        return None
    if snapshot.unacknowledged:
        return "acknowledge"
    status = UnitStatus(snapshot.unit.status)
    if status == UnitStatus.DISPATCHED:
        return UnitStatus.EN_ROUTE.value
    if status == UnitStatus.EN_ROUTE:
        return UnitStatus.ON_SCENE.value
    if status == UnitStatus.ON_SCENE:
        if snapshot.unit.unit_type.upper() == "AMBULANCE":
            return UnitStatus.TRANSPORTING.value
        return UnitStatus.AVAILABLE.value
    if status == UnitStatus.TRANSPORTING:
        return UnitStatus.AT_HOSPITAL.value
    if status in (
        UnitStatus.AT_HOSPITAL,
        UnitStatus.RETURNING,
        UnitStatus.OUT_OF_SERVICE,
        UnitStatus.OFF_DUTY,
    ):
        return UnitStatus.AVAILABLE.value
    return None


def _clock(value: datetime | None, zone: tzinfo) -> str:
    if value is None:
        return "—"
    return ensure_utc(value).astimezone(zone).strftime("%H:%M")


def _ago(value: datetime, now: datetime, language: str) -> str:
    minutes = int((now - ensure_utc(value)).total_seconds() // 60)
    if minutes < 1:
        return text("ago-now", language)
    return text("ago-min", language, n=minutes)


def status_badge(status: str, language: str) -> Text:
    """A status as words on its colour: readable without the colour."""
    return Text(
        f" {status_text(status, language)} ", style=STATUS_STYLE.get(status, "bold")
    )


def priority_badge(priority: Priority | str) -> Text:
    """``P1`` on red … ``P4`` on blue."""
    return Text(f" {priority} ", style=PRIORITY_STYLE.get(Priority(priority), "bold"))


class UnitBar(Static):
    """One line: callsign, unit name, status (words + colour) and the time."""

    DEFAULT_CSS = """
    UnitBar { height: 1; background: $panel; }
    """

    def show(
        self,
        snapshot: ResponderSnapshot | None,
        callsign: str,
        now: datetime,
        zone: tzinfo,
        language: str,
    ) -> None:
        """Render the bar for this moment."""
        grid = Table.grid(expand=True, padding=(0, 1))
        grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        grid.add_column(no_wrap=True, justify="right")
        grid.add_column(no_wrap=True, justify="right")
        name = Text(callsign, style="bold")
        if snapshot is not None:
            name.append(f" {snapshot.unit.name}", style="dim")
            badge = status_badge(snapshot.shown_status, language)
        else:
            badge = Text(text("loading", language))
        grid.add_row(name, badge, Text(_clock(now, zone), style="bold"))
        self.update(grid)


class AssignmentPanel(Static):
    """The current assignment: what, where, who called, notes."""

    def show(
        self,
        snapshot: ResponderSnapshot | None,
        now: datetime,
        zone: tzinfo,
        language: str,
    ) -> None:
        """Render the assignment (or the stand-by message)."""
        self.update(render_assignment(snapshot, now, zone, language))


def _answers(snapshot: ResponderSnapshot, language: str) -> Text:
    """The caller's key-question answers on one line (alarming ones in red)."""
    answers = Text()
    answers.append(f"{text('answers', language)}: ", style="bold")
    for n, line in enumerate(snapshot.answers):
        if n:
            answers.append(" · ")
        answers.append(f"{line.question} ")
        answers.append(line.answer, style="bold red" if line.alarming else "bold")
    return answers


def _caller(snapshot: ResponderSnapshot, language: str) -> Text:
    """The caller's number (or that there is none) and name."""
    incident = snapshot.incident
    assert incident is not None
    caller = Text()
    caller.append(f"{text('caller', language)}: ", style="bold")
    number = display_number(incident.caller_number)
    caller.append(
        number or text("no-number", language), style="bold" if number else "dim"
    )
    if incident.caller_name:
        caller.append(f" ({incident.caller_name})")
    return caller


def render_assignment(
    snapshot: ResponderSnapshot | None, now: datetime, zone: tzinfo, language: str
) -> RenderableType:
    """The assignment as Rich text, most important first (small screens cut the end)."""
    if snapshot is None:
        return Text(text("loading", language), style="dim")
    incident, assignment = snapshot.incident, snapshot.assignment
    if incident is None or assignment is None:
        return Group(
            Text(text("no-assignment", language), style="bold"),
            Text(text("no-assignment-hint", language), style="dim"),
        )
    lines: list[RenderableType] = [_headline(snapshot, incident, language)]
    if snapshot.answers:
        lines.append(_answers(snapshot, language))
    lines.append(_times(assignment, now, zone, language))
    lines.extend(_place(snapshot, incident, language))
    lines.append(_caller(snapshot, language))
    if len(incident.units) > 1:
        lines.append(Text(f"{text('units', language)}: {', '.join(incident.units)}"))
    lines.append(Text(f"{text('notes', language)}:", style="bold"))
    if incident.narrative:
        for entry in incident.narrative:
            note = Text(f" {_clock(entry.at, zone)} ", style="dim")
            note.append(entry.text, style="")
            lines.append(note)
    else:
        lines.append(Text(f" {text('no-notes', language)}", style="dim"))
    return Group(*lines)


def _headline(
    snapshot: ResponderSnapshot, incident: IncidentDetail, language: str
) -> Text:
    """New-assignment flag, priority, type, level and incident number."""
    head = Text()
    if snapshot.unacknowledged:
        head.append(
            f" {text('new-assignment', language)} ", style="bold black on yellow"
        )
        head.append(" ")
    head.append_text(priority_badge(incident.priority))
    head.append(f" {incident.type_code}", style="bold")
    if snapshot.type_name:
        head.append(f" {snapshot.type_name}")
    head.append(f" · {incident.determinant}", style="dim")
    head.append(f"  #{incident.number}", style="bold")
    return head


def _times(
    assignment: AssignmentView, now: datetime, zone: tzinfo, language: str
) -> Text:
    """When the unit was assigned (and how long ago), and when it acknowledged."""
    times = Text()
    times.append(
        f"{text('assigned', language)} {_clock(assignment.dispatched_at, zone)}"
    )
    times.append(f" ({_ago(assignment.dispatched_at, now, language)})", style="dim")
    if assignment.acknowledged_at is not None:
        times.append(
            f" · {text('acknowledged-at', language)} "
            f"{_clock(assignment.acknowledged_at, zone)}"
        )
    return times


def _place(
    snapshot: ResponderSnapshot, incident: IncidentDetail, language: str
) -> list[RenderableType]:
    """Where to go: place, administrative area and the nearest landmark."""
    lines: list[RenderableType] = []
    place = incident.place_name or incident.location_text or "—"
    where = Text()
    where.append(f"{text('place', language)}: ", style="bold")
    where.append(place)
    if incident.location_text and incident.location_text != place:
        where.append(f" — {incident.location_text}", style="italic")
    lines.append(where)
    area = Text()
    if incident.kelurahan:
        area.append(f"{text('kelurahan', language)} {incident.kelurahan}")
    if incident.kecamatan:
        area.append(f" · {text('kecamatan', language)} {incident.kecamatan}")
    if area:
        lines.append(area)
    if snapshot.landmark is not None:
        near = Text()
        near.append(f"{text('landmark', language)}: ", style="bold")
        near.append(
            f"{snapshot.landmark.name} ({format_distance(snapshot.landmark.metres)})"
        )
        lines.append(near)
    return lines


class KeyCell(Static):
    """One key of the pad; clicking (or tapping) it makes the same report."""

    def __init__(self, spec: StatusKey) -> None:
        super().__init__(id=f"key-{spec.target.replace('_', '-')}", classes="key")
        self.spec = spec

    def on_click(self, event: Click) -> None:
        """Tap support for phones under textual-serve."""
        event.stop()
        self.app.simulate_key(self.spec.key)


class StatusKeys(Grid):
    """The key pad: digit + label; the next likely report is highlighted."""

    DEFAULT_CSS = """
    StatusKeys {
        grid-size: 4 2;
        grid-gutter: 0 1;
        height: 2;
        padding: 0 1;
        background: $panel;
    }
    StatusKeys .key { height: 1; width: 1fr; }
    StatusKeys .key.-off { color: $text-disabled; }
    StatusKeys .key.-next { background: $accent; color: $text; text-style: bold; }
    StatusKeys .key.-armed { background: $error; color: $text; text-style: bold; }
    """

    KEYS: ClassVar[tuple[StatusKey, ...]] = STATUS_KEYS

    def compose(self) -> ComposeResult:
        """One cell per status key."""
        for spec in self.KEYS:
            yield KeyCell(spec)

    def show(
        self, snapshot: ResponderSnapshot | None, language: str, armed: str | None
    ) -> None:
        """Label, dim and highlight the keys for this snapshot."""
        upcoming = next_target(snapshot)
        for cell in self.query(KeyCell):
            spec = cell.spec
            label = Text()
            label.append(spec.key, style="bold reverse")
            label.append(f" {text(f'key.{spec.target}', language)}")
            cell.update(label)
            cell.set_class(not allowed(snapshot, spec.target), "-off")
            cell.set_class(spec.target == upcoming, "-next")
            cell.set_class(spec.target == armed, "-armed")
