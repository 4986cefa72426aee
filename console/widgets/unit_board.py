"""The unit board: every unit grouped by agency, with status and time in status.

Keyed by callsign and updated in place like the incident queue; statuses are
words (``TERSEDIA`` / ``AVAILABLE``) with a colour, never colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.text import Text

from console.i18n import _, current_language
from console.widgets.row_table import RowTable
from console.widgets.timers import clock_text, elapsed
from dispatch.enums import UnitStatus
from dispatch.schemas import UnitView

UNIT_COLUMNS = ("agency", "callsign", "utype", "ustatus", "since", "incident")

UNIT_STYLES = {
    UnitStatus.AVAILABLE: "green",
    UnitStatus.RETURNING: "green",
    UnitStatus.DISPATCHED: "bold yellow",
    UnitStatus.EN_ROUTE: "bold yellow",
    UnitStatus.ON_SCENE: "bold red",
    UnitStatus.TRANSPORTING: "bold magenta",
    UnitStatus.AT_HOSPITAL: "magenta",
    UnitStatus.OUT_OF_SERVICE: "dim",
    UnitStatus.OFF_DUTY: "dim",
}


def unit_status_text(status: UnitStatus | str) -> Text:
    """A unit status in words, coloured."""
    value = UnitStatus(status)
    return Text(_(f"unit.{value.value}"), style=UNIT_STYLES[value])


def unit_type_name(code: str) -> str:
    """A unit type's name from the catalogue in the current language."""
    from dispatch.catalogue import get_catalogue

    info = get_catalogue().unit_types.get(code)
    if info is None:  # a roster type the catalogue lacks: show the roster's word
        return code
    return info.name.get(current_language())


def capability_names(codes: Sequence[str]) -> list[str]:
    """Capabilities by their catalogue names in the current language."""
    from dispatch.catalogue import get_catalogue

    names = get_catalogue().capabilities
    lang = current_language()
    return [names[c].get(lang) if c in names else c for c in codes]


def status_width() -> int:
    """Cells the widest unit status needs in the current language."""
    return max(len(_(f"unit.{s.value}")) for s in UnitStatus)


def _cells(unit: UnitView, now: datetime) -> tuple[object, ...]:
    return (
        unit.agency_code,
        unit.callsign,
        unit_type_name(unit.unit_type),
        unit_status_text(unit.status),
        clock_text(elapsed(now, unit.status_since)),
        unit.incident_number or "",
    )


class UnitBoard(RowTable):
    """Units by agency then callsign, keyed by callsign."""

    def __init__(self, *, id: str) -> None:
        super().__init__(id=id, cursor_type="row")
        self.units: dict[str, UnitView] = {}
        self.order: list[str] = []
        self._cells: dict[str, tuple[object, ...]] = {}
        self._now: datetime | None = None

    def on_mount(self) -> None:
        """Columns in the current language."""
        self.set_columns()

    def set_columns(self) -> None:
        """(Re)create the columns, keeping the rows."""
        units = [self.units[c] for c in self.order]
        self.clear(columns=True)
        # Fixed widths: an auto width follows the first rows loaded, and a
        # longer status arriving later was cut ("DITUGASK").
        widths = {"ustatus": max(status_width(), len(_("col.ustatus")))}
        for key in UNIT_COLUMNS:
            self.add_column(_(f"col.{key}"), key=key, width=widths.get(key))
        self.units.clear()
        self.order.clear()
        self._cells.clear()
        if units and self._now is not None:
            self.apply(units, self._now)

    @property
    def selected_callsign(self) -> str | None:
        """The unit under the cursor."""
        if not self.order or not 0 <= self.cursor_row < len(self.order):
            return None
        return self.order[self.cursor_row]

    def apply(self, units: Sequence[UnitView], now: datetime) -> None:
        """Keyed diff of the unit rows."""
        self._now = now
        fresh = {u.callsign: u for u in units}
        selected = self.selected_callsign
        with self.app.batch_update():
            for stale in [c for c in self.units if c not in fresh]:
                self.remove_row(stale)
                del self.units[stale]
                self._cells.pop(stale, None)
            for unit in units:
                cells = _cells(unit, now)
                old = self._cells.get(unit.callsign)
                if old is None:
                    self.add_row(*cells, key=unit.callsign)
                elif old != cells:
                    for column, before, after in zip(
                        UNIT_COLUMNS, old, cells, strict=True
                    ):
                        if before != after:
                            self.update_cell(unit.callsign, column, after)
                self._cells[unit.callsign] = cells
                self.units[unit.callsign] = unit
            order = sorted(fresh, key=lambda c: (fresh[c].agency_code, c))
            if order != self.order:
                self.sort("agency", "callsign")
                self.order = order
            if selected is not None and selected in fresh:
                index = self.order.index(selected)
                if index != self.cursor_row:
                    self.move_cursor(row=index, animate=False, scroll=False)

    def tick(self, now: datetime) -> None:
        """Update the time-in-status of the rows on screen."""
        self._now = now
        top = int(self.scroll_y)
        for callsign in self.order[top : top + self.size.height + 1]:
            since = clock_text(elapsed(now, self.units[callsign].status_since))
            cells = self._cells[callsign]
            if cells[4] != since:
                self.update_cell(callsign, "since", since)
                self._cells[callsign] = (*cells[:4], since, cells[5])
