"""RowTable: a row-cursor DataTable whose rendered lines survive cursor moves.

Textual's ``DataTable`` keys its line and row caches on the cursor and hover
coordinates, so moving the cursor one row re-renders every visible row (and
the compositor asks for every visible line of a widget it repaints). With a
row cursor a row only looks different when the cursor or the mouse is *on*
it, so :class:`RowTable` keys each line on that instead: a key press on a
1,000-row queue renders two rows, not forty.

This reaches into ``DataTable`` internals (``_render_line``,
``_render_line_in_row``, ``_get_offsets``); Textual is pinned exactly in
``pyproject.toml`` and ``tests/console/test_row_table.py`` checks the
rendering against the stock widget.
"""

from __future__ import annotations

from itertools import chain

from rich.segment import Segment
from rich.style import Style
from textual._segment_tools import line_crop
from textual.coordinate import Coordinate
from textual.strip import Strip
from textual.widgets import DataTable

#: Stands for "the cursor is on another row" in cache keys and rendering.
_ELSEWHERE = Coordinate(-2, -2)


class RowTable(DataTable[object]):
    """A ``DataTable`` with ``cursor_type="row"`` that renders only changed rows."""

    def _render_line(self, y: int, x1: int, x2: int, base_style: Style) -> Strip:
        if self.cursor_type != "row":
            return super()._render_line(y, x1, x2, base_style)
        width = self.size.width
        try:
            row_key, y_offset_in_row = self._get_offsets(y)
        except LookupError:
            return Strip.blank(width, base_style)
        row_index = self._row_locations.get(row_key)
        if row_index is None:
            row_index = -1
        cursor = self.cursor_coordinate
        hover = self.hover_coordinate
        cursor = cursor if cursor.row == row_index else _ELSEWHERE
        hover = hover if hover.row == row_index else _ELSEWHERE
        # The stock key's shape, with the cursor and hover normalised: equal
        # keys render equal lines for the stock method too, so sharing the
        # cache with it is safe.
        cache_key = (
            y,
            x1,
            x2,
            width,
            cursor,
            hover,
            base_style,
            self.cursor_type,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._line_cache.get(cache_key)
        if cached is not None:
            return cached
        fixed, scrollable = self._render_line_in_row(
            row_key,
            y_offset_in_row,
            base_style,
            cursor_location=cursor,
            hover_location=hover,
        )
        fixed_width = sum(
            column.get_render_width(self)
            for column in self.ordered_columns[: self.fixed_columns]
        )
        fixed_line: list[Segment] = list(chain.from_iterable(fixed)) if fixed else []
        scrollable_line: list[Segment] = list(chain.from_iterable(scrollable))
        segments = fixed_line + line_crop(scrollable_line, x1 + fixed_width, x2, width)
        strip = Strip(segments).adjust_cell_length(width, base_style).simplify()
        self._line_cache[cache_key] = strip
        return strip
