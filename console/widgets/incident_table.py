"""The incident queue: a virtual table keyed by incident id, updated in place.

:meth:`IncidentTable.apply` takes the engine's rows in queue order; rows
are turned into cells only when painted, a changed row is repainted only if
on screen, and the cursor stays on its incident when the order changes.
Timers tick by repainting the visible rows whose age text changed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.message import Message

from console.i18n import _
from console.widgets.timers import elapsed, priority_text, targets, timer_text
from console.widgets.virtual_table import Column, VirtualTable
from dispatch.enums import IncidentStatus, Priority
from dispatch.schemas import IncidentSummary

#: Call received → first unit on scene, by priority (catalogue defaults).
ON_SCENE_TARGETS = {
    Priority.P1: 600,
    Priority.P2: 900,
    Priority.P3: 1800,
    Priority.P4: 3600,
}

#: Status and age before the place: on a narrow terminal the timers must stay
#: on screen without scrolling sideways (the place is the widest column).
COLUMNS = ("priority", "number", "type", "status", "age", "place", "units")


def status_text(status: IncidentStatus | str) -> Text:
    """An incident status in words, styled."""
    value = IncidentStatus(status)
    style = "bold" if value == IncidentStatus.PENDING else ""
    return Text(_(f"status.{value.value}"), style=style)


def age_cell(incident: IncidentSummary, now: datetime) -> Text:
    """Time since the call, against the dispatch target until a unit is assigned."""
    seconds = elapsed(now, incident.call_received_at)
    priority = Priority(incident.priority)
    if incident.first_dispatched_at is None:
        return timer_text(seconds, targets().dispatch[priority])
    if incident.first_on_scene_at is None:
        return timer_text(seconds, ON_SCENE_TARGETS[priority])
    return Text(timer_text(seconds, 10**9).plain)


def _cells(incident: IncidentSummary, now: datetime) -> tuple[Text | str, ...]:
    place = incident.place_name or incident.location_text or ""
    if incident.kelurahan:
        place = f"{place} ({incident.kelurahan})" if place else incident.kelurahan
    return (
        priority_text(incident.priority),
        incident.number,
        incident.type_code,
        status_text(incident.status),
        age_cell(incident, now),
        place,
        " ".join(incident.units),
    )


#: Fixed widths; ``None`` columns share what is left (the place gets most).
WIDTHS: dict[str, int | None] = {
    "priority": 4,
    "number": 17,
    "type": 12,
    "status": 12,
    "age": 9,
    "place": None,
    "units": None,
}
WEIGHTS = {"place": 3, "units": 1}


class IncidentTable(VirtualTable[int, IncidentSummary]):
    """Open incidents in the engine's queue order, keyed by incident id.

    Only the rows on screen are turned into cells (see
    :class:`~console.widgets.virtual_table.VirtualTable`), so the queue opens
    as fast with 10,000 incidents as with 10.
    """

    class Selected(Message):
        """The cursor moved to another incident."""

        def __init__(self, incident_id: int | None) -> None:
            super().__init__()
            self.incident_id = incident_id

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id)
        self._now: datetime | None = None

    def on_mount(self) -> None:
        """Columns in the current language."""
        self.set_columns()

    def set_columns(self) -> None:  # type: ignore[override]
        """(Re)create the columns in the current language, keeping the rows."""
        super().set_columns(
            [
                Column(key, _(f"col.{key}"), WIDTHS[key], WEIGHTS.get(key, 1))
                for key in COLUMNS
            ]
        )

    @property
    def rows_by_id(self) -> dict[int, IncidentSummary]:
        """The incidents shown, by id."""
        return self.rows

    @property
    def selected_id(self) -> int | None:
        """The incident under the cursor."""
        return self.cursor_key

    def cells(self, key: int, row: IncidentSummary) -> tuple[Text | str, ...]:
        """The row's cells, the age against the last tick's time."""
        assert self._now is not None  # set by apply() before any row exists
        return _cells(row, self._now)

    def stamp(self, key: int, row: IncidentSummary) -> object:
        """The age cell's text: a row repaints when its timer shows another value."""
        assert self._now is not None
        return age_cell(row, self._now).plain

    def apply(self, incidents: Sequence[IncidentSummary], now: datetime) -> None:
        """Keyed update in queue order: only changed rows on screen are repainted."""
        self._now = now
        self.set_rows([(i.id, i) for i in incidents])

    def tick(self, now: datetime) -> None:
        """Timers moved on: repaint the rows on screen whose age text changed."""
        self._now = now
        self.refresh_visible()

    def select_incident(self, incident_id: int) -> None:
        """Put the cursor on an incident (e.g. the one just created)."""
        index = self.index_of(incident_id)
        if index is not None:
            self.move_cursor(index)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        """Tell the screen which incident is selected."""
        event.stop()
        self.post_message(self.Selected(self.cursor_key))
