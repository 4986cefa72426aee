"""The incident queue: a keyed DataTable updated in place (dolphie's diff).

:meth:`IncidentTable.apply` takes the engine's rows in queue order and only
adds, removes and changes what differs, so the cursor and the selection
survive every refresh. Timers tick by updating the visible rows' age cells
only, which keeps the board fast with a thousand open incidents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text
from textual.message import Message
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey

from console.i18n import _
from console.widgets.row_table import RowTable
from console.widgets.timers import elapsed, priority_text, targets, timer_text
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
_AGE = COLUMNS.index("age")


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


def _cells(incident: IncidentSummary, now: datetime) -> tuple[object, ...]:
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


class IncidentTable(RowTable):
    """Open incidents in the engine's queue order, keyed by incident id."""

    class Selected(Message):
        """The cursor moved to another incident."""

        def __init__(self, incident_id: int | None) -> None:
            super().__init__()
            self.incident_id = incident_id

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=False)
        self.rows_by_id: dict[int, IncidentSummary] = {}
        self.order: list[int] = []
        self._cells: dict[int, tuple[object, ...]] = {}

    def on_mount(self) -> None:
        """Columns in the current language."""
        self.set_columns()

    def set_columns(self) -> None:
        """(Re)create the columns, keeping the rows (language switch)."""
        rows = [self.rows_by_id[i] for i in self.order]
        self.clear(columns=True)
        widths = {
            "priority": 4,
            "number": 17,
            "type": 12,
            "place": None,
            "status": 13,
            "age": 9,
            "units": None,
        }
        for key in COLUMNS:
            self.add_column(_(f"col.{key}"), key=key, width=widths[key])
        self.rows_by_id.clear()
        self.order.clear()
        self._cells.clear()
        if rows:
            self.apply(rows, self._now)

    _now: datetime

    @property
    def selected_id(self) -> int | None:
        """The incident under the cursor."""
        if not self.order or self.cursor_row < 0 or self.cursor_row >= len(self.order):
            return None
        return self.order[self.cursor_row]

    def apply(self, incidents: Sequence[IncidentSummary], now: datetime) -> None:
        """Keyed diff: drop stale rows, update changed cells, add new, re-order once."""
        self._now = now
        selected = self.selected_id
        fresh = {i.id: i for i in incidents}
        with self.app.batch_update():
            for stale in [k for k in self.rows_by_id if k not in fresh]:
                self.remove_row(str(stale))
                del self.rows_by_id[stale]
                self._cells.pop(stale, None)
            for incident in incidents:
                cells = _cells(incident, now)
                old = self._cells.get(incident.id)
                if old is None:
                    self.add_row(*cells, key=str(incident.id))
                elif old != cells:
                    for column, (before, after) in zip(
                        COLUMNS, zip(old, cells, strict=True), strict=True
                    ):
                        if before != after:
                            self.update_cell(str(incident.id), column, after)
                self._cells[incident.id] = cells
                self.rows_by_id[incident.id] = incident
            new_order = [i.id for i in incidents]
            if new_order != self.order:
                rank = {fresh[key].number: n for n, key in enumerate(new_order)}
                self.sort("number", key=lambda number: rank.get(number, 0))
                self.order = new_order
            if selected is not None and selected in fresh:
                index = self.order.index(selected)
                if index != self.cursor_row:
                    self.move_cursor(row=index, animate=False, scroll=False)

    def tick(self, now: datetime) -> None:
        """Update the age cells of the rows on screen."""
        self._now = now
        top = int(self.scroll_y)
        for incident_id in self.order[top : top + self.size.height + 1]:
            incident = self.rows_by_id[incident_id]
            cell = age_cell(incident, now)
            cells = self._cells[incident_id]
            if cells[_AGE] != cell:
                self.update_cell(str(incident_id), "age", cell)
                self._cells[incident_id] = (*cells[:_AGE], cell, *cells[_AGE + 1 :])

    def select_incident(self, incident_id: int) -> None:
        """Put the cursor on an incident (e.g. the one just created)."""
        if incident_id in self.order:
            self.move_cursor(row=self.order.index(incident_id), animate=False)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """Tell the screen which incident is selected."""
        event.stop()
        key: RowKey = event.row_key
        self.post_message(self.Selected(int(key.value) if key.value else None))
