"""The board's detail pane as text: the incident head, its body, the recommendation.

Pure functions from the engine's views to Rich ``Text``; the screen decides
when to show them (:mod:`console.screens.board`). Everything an operator reads
is in words — key-question answers as the catalogue's question and answer,
agencies by name, recommendations with their reason — never raw codes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

from rich.text import Text

from console.i18n import _, current_language, has
from console.incident_types import get_type
from console.widgets.incident_table import status_text
from console.widgets.timers import clock_text, priority_text
from console.widgets.unit_board import capability_names, unit_type_name
from dispatch.answers import answer_lines
from dispatch.phone import display_number
from dispatch.schemas import (
    EventView,
    IncidentDetail,
    IncidentSummary,
    RecommendationView,
)

#: Lines of the pane's head (see :func:`head_text`; ``board.tcss`` agrees).
HEAD_LINES = 5


def head_text(row: IncidentSummary, zone: tzinfo) -> Text:
    """Priority, number, status, type, place, area, time and caller.

    Always :data:`HEAD_LINES` lines, never wrapped: the head has a fixed
    height, so showing another incident repaints five lines and nothing
    moves (a layout pass would repaint the whole board).
    """
    text = priority_text(row.priority)
    text.append(f" {row.number}  ", style="bold")
    text.append_text(status_text(row.status))
    choice = get_type(row.type_code)
    text.append(
        f"\n{row.type_code} {choice.name if choice else ''} · {row.determinant}\n"
    )
    text.append(f"{_('board.place')}: ", style="dim")
    text.append((row.place_name or row.location_text or "") + "\n")
    if row.kelurahan or row.kecamatan:
        text.append(
            f"{_('place.kel')} {row.kelurahan or '-'} · "
            f"{_('place.kec')} {row.kecamatan or '-'}"
        )
    text.append("\n")
    text.append(f"{_('board.received')}: ", style="dim")
    text.append(row.call_received_at.astimezone(zone).strftime("%H:%M:%S"))
    caller_name = getattr(row, "caller_name", None)
    if row.caller_number or caller_name:
        text.append(f"  {_('board.caller')}: ", style="dim")
        who = (caller_name or "", display_number(row.caller_number))
        text.append(" ".join(part for part in who if part))
    text.no_wrap = True
    text.overflow = "ellipsis"
    return text


def answers_text(detail: IncidentDetail) -> Text:
    """The key-question answers as ``question answer`` lines (alarming ones bold)."""
    text = Text()
    lines = answer_lines(detail.type_code, detail.answers, current_language())
    if not lines:
        return text
    text.append(f"{_('board.answers')}:\n", style="dim")
    for line in lines:
        text.append(f"  {line.question} ")
        text.append(line.answer, style="bold" if line.alarming else "")
        text.append("\n")
    return text


def body_text(
    detail: IncidentDetail,
    history: Sequence[EventView],
    recommendation: RecommendationView | None,
    zone: tzinfo,
) -> Text:
    """Answers, units, hand-offs, notes, the recommendation and recent history."""
    text = answers_text(detail)
    active = [a for a in detail.assignments if a.active]
    text.append(f"{_('board.assigned')}: ", style="dim")
    if active:
        text.append("\n")
        for a in active:
            text.append(f"  {a.callsign:<10}", style="bold")
            text.append(_(f"assign.{a.status.value}"))
            if a.eta_seconds is not None:
                text.append(f"  ETA {clock_text(a.eta_seconds)}")
            text.append("\n")
    else:
        text.append(_("board.none") + "\n")
    for h in detail.handoffs:
        text.append(f"{_('board.handoff')}: ", style="dim")
        text.append(f"{h.agency_code} · {_('handoff.' + h.status.value)}\n")
    for n in detail.narrative[-3:]:
        text.append(f"✎ {n.text}\n", style="italic")
    text.append("\n")
    text.append_text(recommendation_text(recommendation))
    text.append("\n")
    text.append_text(history_text(history, zone))
    return text


def history_text(history: Sequence[EventView], zone: tzinfo) -> Text:
    """The last eight journal events of the incident, in words."""
    text = Text(_("board.history") + "\n", style="bold")
    for event in history[-8:]:
        text.append(event.at.astimezone(zone).strftime("%H:%M:%S "), style="dim")
        key = f"event.{event.kind}"
        text.append(_(key) if has(key) else event.kind)
        callsign = event.payload.get("callsign")
        if callsign:
            text.append(f" {callsign}")
        text.append("\n")
    return text


def recommendation_text(rec: RecommendationView | None) -> Text:
    """The recommended units with ETA and reason, then what stays unfilled."""
    text = Text(_("board.recommendation") + "\n", style="bold")
    if rec is None:
        text.append(_("board.no-recommendation") + "\n", style="dim")
        return text
    if not (rec.units or rec.unfilled):  # the units working it fill the plan
        text.append(_("board.plan-covered") + "\n", style="dim")
        return text
    english = current_language() == "en"
    for unit in rec.units:
        text.append(f"  {unit.callsign:<10}", style="bold")
        text.append(f"ETA {clock_text(unit.eta_seconds)}  ")
        if unit.preemption:
            text.append(_("board.preempt") + " ", style="bold red")
        # A stated substitute (a BLS ambulance for an ALS slot) says so in its
        # reason, which is not dimmed like the routine ones.
        style = "bold yellow" if unit.reason_code == "downgrade" else "dim"
        text.append(f"{unit.reason_en if english else unit.reason_id}\n", style=style)
    for slot in rec.unfilled:
        needed = unit_type_name(slot.unit_type)
        if slot.capabilities:
            needed += f" ({', '.join(capability_names(slot.capabilities))})"
        text.append(
            _("board.unfilled", count=slot.missing, unit_type=needed) + "\n",
            style="bold red",
        )
    return text
