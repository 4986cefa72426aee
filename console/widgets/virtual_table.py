"""VirtualTable: a keyed row-cursor table that renders only the rows on screen.

Textual's ``DataTable`` builds and measures every row it is given, so opening
a queue of 10,000 incidents cost seconds before the first frame. A
``VirtualTable`` keeps the rows as data — an ordered list of keys and one
row object per key — and turns a row into cells and a line only when that
line is painted (Textual's line API, :class:`~textual.scroll_view.ScrollView`).
Opening the board then costs the same with 10 or 10,000 rows, apart from
building the key list.

* Rows are updated in place by key (:meth:`VirtualTable.set_rows`): a row
  whose data changed is re-rendered only if it is on screen; the cursor stays
  on its key when the order changes.
* A cursor move repaints two lines (the rendered lines are cached by key,
  cursor state, width and a ``stamp`` the subclass may change, such as the
  second a timer shows).
* Subclasses say how a row becomes cells (:meth:`VirtualTable.cells`).
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Generic, TypeVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

K = TypeVar("K", bound=Hashable)
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Column:
    """One column: key, header label, width (``None`` = share what is left)."""

    key: str
    label: str
    width: int | None = None
    weight: int = 1
    """Share of the leftover width among the flexible columns."""


class VirtualTable(ScrollView, Generic[K, R], can_focus=True):
    """Rows keyed by ``K`` holding ``R``; a row cursor; only visible lines rendered."""

    DEFAULT_CSS = """
    VirtualTable {
        background: $surface;
        color: $foreground;
        & > .virtual-table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .virtual-table--cursor {
            background: $block-cursor-blurred-background;
        }
        &:focus {
            background-tint: $foreground 5%;
            & > .virtual-table--cursor {
                background: $block-cursor-background;
                color: $block-cursor-foreground;
                text-style: $block-cursor-text-style;
            }
        }
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "virtual-table--header",
        "virtual-table--cursor",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Cursor up", show=False),
        Binding("down", "cursor_down", "Cursor down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "scroll_top", "Top", show=False),
        Binding("end", "scroll_bottom", "Bottom", show=False),
    ]

    class CursorMoved(Message):
        """The cursor is on another row (``key`` ``None``: the table is empty)."""

        def __init__(self, table: VirtualTable[K, R], key: K | None) -> None:
            super().__init__()
            self.table = table
            self.key = key

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.columns: list[Column] = []
        self.order: list[K] = []
        self.rows: dict[K, R] = {}
        self.cursor_row = 0
        self._index: dict[K, int] = {}
        self._lines: dict[tuple[object, ...], Strip] = {}
        self._widths: list[int] = []
        self._last_key: K | None = None
        self._painted: dict[K, object] = {}
        """The stamp each row had when last painted."""

    # -- what subclasses provide --------------------------------------------------

    def cells(self, key: K, row: R) -> Sequence[Text | str]:
        """The cells of one row, one per column (called only for painted rows)."""
        raise NotImplementedError

    def stamp(self, key: K, row: R) -> object:
        """Anything besides the row data that changes how the row looks (a timer)."""
        return None

    # -- data ---------------------------------------------------------------------

    def set_columns(self, columns: Sequence[Column]) -> None:
        """Replace the columns (a language switch), keeping the rows."""
        self.columns = list(columns)
        self._widths = []
        self._lines.clear()
        self._resize_virtual()
        self.refresh()

    def set_rows(self, rows: Sequence[tuple[K, R]]) -> None:
        """Show exactly ``rows`` in this order; the cursor stays on its key.

        A row equal to the one shown is left alone; a changed one is
        repainted only if it is on screen.
        """
        key_before = self.cursor_key
        fresh = dict(rows)
        order = [key for key, _ in rows]
        changed = False
        old_rows = self.rows
        for key, row in rows:
            if old_rows.get(key) != row:
                changed = True
                break
        same_order = order == self.order
        self.rows = fresh
        if not same_order:
            self.order = order
            self._index = {key: n for n, key in enumerate(order)}
        if changed or not same_order:
            self._lines.clear()
            self._painted.clear()
        if key_before is not None and key_before in self._index:
            self.cursor_row = self._index[key_before]
        else:
            self.cursor_row = min(self.cursor_row, max(0, len(order) - 1))
        self._resize_virtual()
        if changed or not same_order:
            self.refresh()
        self._tell_cursor()

    @property
    def cursor_key(self) -> K | None:
        """The key of the row under the cursor."""
        if 0 <= self.cursor_row < len(self.order):
            return self.order[self.cursor_row]
        return None

    def index_of(self, key: K) -> int | None:
        """The position of ``key`` in the table, if shown."""
        return self._index.get(key)

    def move_cursor(self, row: int, *, scroll: bool = True) -> None:
        """Put the cursor on ``row`` (clamped), repainting the two lines involved."""
        if not self.order:
            return
        row = max(0, min(row, len(self.order) - 1))
        before = self.cursor_row
        self.cursor_row = row
        if (scroll and not self._scroll_to_cursor()) or not scroll:
            self._refresh_row(before)
            self._refresh_row(row)
        self._tell_cursor()

    def refresh_visible(self) -> None:
        """Repaint the rows on screen whose :meth:`stamp` changed since painted."""
        for index in range(*self.visible_range()):
            key = self.order[index]
            if self._painted.get(key, self) != self.stamp(key, self.rows[key]):
                self._refresh_row(index)

    def visible_range(self) -> tuple[int, int]:
        """Indexes of the first row on screen and one past the last."""
        top = int(self.scroll_y)
        return top, min(len(self.order), top + max(0, self.size.height - 1))

    # -- actions ------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        """One row up."""
        self.move_cursor(self.cursor_row - 1)

    def action_cursor_down(self) -> None:
        """One row down."""
        self.move_cursor(self.cursor_row + 1)

    def action_page_up(self) -> None:
        """One screen up."""
        self.move_cursor(self.cursor_row - max(1, self.size.height - 1))

    def action_page_down(self) -> None:
        """One screen down."""
        self.move_cursor(self.cursor_row + max(1, self.size.height - 1))

    def action_scroll_top(self) -> None:
        """The first row."""
        self.move_cursor(0)

    def action_scroll_bottom(self) -> None:
        """The last row."""
        self.move_cursor(len(self.order) - 1)

    def on_click(self, event: events.Click) -> None:
        """A click on a row puts the cursor there."""
        if event.y >= 1:
            self.move_cursor(int(self.scroll_y) + event.y - 1, scroll=False)

    # -- rendering ----------------------------------------------------------------

    def on_resize(self) -> None:
        """Column widths follow the table's width."""
        self._widths = []
        self._lines.clear()
        self._resize_virtual()

    def render_line(self, y: int) -> Strip:
        """The header on the first line, then the row at ``scroll_y + y - 1``."""
        width = self.size.width
        if not self._widths:
            self._widths = self._column_widths(width)
        scroll_x = int(self.scroll_x)
        if y == 0:
            style = self.get_component_rich_style("virtual-table--header")
            labels = [column.label for column in self.columns]
            return self._strip(labels, style, scroll_x, width)
        index = int(self.scroll_y) + y - 1
        if index >= len(self.order):
            return Strip.blank(width, self.rich_style)
        key = self.order[index]
        row = self.rows[key]
        on_cursor = index == self.cursor_row
        stamp = self.stamp(key, row)
        self._painted[key] = stamp
        cache_key = (key, on_cursor, self.has_focus, width, scroll_x, stamp)
        line = self._lines.get(cache_key)
        if line is None:
            style = self.rich_style
            if on_cursor:
                style = style + self.get_component_rich_style("virtual-table--cursor")
            line = self._strip(self.cells(key, row), style, scroll_x, width)
            if len(self._lines) > 4096:
                self._lines.clear()
            self._lines[cache_key] = line
        return line

    def _strip(
        self, cells: Sequence[Text | str], style: Style, scroll_x: int, width: int
    ) -> Strip:
        line = Text(style=style, no_wrap=True, end="")
        for cell, cell_width in zip(cells, self._widths, strict=False):
            text = cell.copy() if isinstance(cell, Text) else Text(str(cell))
            text.truncate(cell_width, overflow="ellipsis", pad=True)
            line.append(" ")
            line.append_text(text)
            line.append(" ")
        segments = list(line.render(self.app.console))
        total = sum(w + 2 for w in self._widths)
        strip = Strip(segments, total)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _column_widths(self, width: int) -> list[int]:
        fixed = sum(c.width for c in self.columns if c.width is not None)
        padding = 2 * len(self.columns)
        flexible = [c for c in self.columns if c.width is None]
        left = max(0, width - fixed - padding)
        weights = sum(c.weight for c in flexible) or 1
        widths = []
        for column in self.columns:
            if column.width is not None:
                widths.append(column.width)
            else:
                widths.append(max(len(column.label), left * column.weight // weights))
        return widths

    def _resize_virtual(self) -> None:
        total = sum((c.width or len(c.label)) + 2 for c in self.columns)
        width = max(total, self.size.width) if self.size.width else total
        self.virtual_size = Size(width, len(self.order) + 1)

    def _refresh_row(self, index: int) -> None:
        top = int(self.scroll_y)
        y = index - top + 1
        if 1 <= y < self.size.height:
            self.refresh(Region(0, y, self.size.width, 1))

    def _scroll_to_cursor(self) -> bool:
        """Scroll so the cursor row is on screen; True when it scrolled."""
        top = int(self.scroll_y)
        rows_shown = max(1, self.size.height - 1)
        if self.cursor_row < top:
            target = self.cursor_row
        elif self.cursor_row >= top + rows_shown:
            target = self.cursor_row - rows_shown + 1
        else:
            return False
        self.scroll_to(y=target, animate=False, immediate=True)
        self.refresh()
        return True

    def _tell_cursor(self) -> None:
        key = self.cursor_key
        if key != self._last_key:
            self._last_key = key
            self.post_message(self.CursorMoved(self, key))
