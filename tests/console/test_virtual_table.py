"""VirtualTable: only painted rows become cells; keyed updates keep the cursor."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import App, ComposeResult

from console.widgets.virtual_table import Column, VirtualTable


class Counting(VirtualTable[int, str]):
    """Rows are strings; counts how many rows were turned into cells."""

    def __init__(self) -> None:
        super().__init__(id="table")
        self.made: list[int] = []
        self.moves: list[int | None] = []

    def cells(self, key: int, row: str) -> Sequence[Text | str]:
        self.made.append(key)
        return (str(key), row)

    def on_virtual_table_cursor_moved(self, event: VirtualTable.CursorMoved) -> None:
        self.moves.append(self.cursor_key)


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield Counting()

    def on_mount(self) -> None:
        table = self.query_one(Counting)
        table.set_columns([Column("id", "Id", 6), Column("text", "Text")])
        table.focus()


def _line(table: Counting, y: int) -> str:
    return "".join(segment.text for segment in table.render_line(y)._segments)


async def test_ten_thousand_rows_paint_only_the_visible_ones() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Counting)
        table.set_rows([(n, f"row {n}") for n in range(10_000)])
        await pilot.pause()
        assert 0 < len(set(table.made)) <= 20
        assert "row 0" in _line(table, 1)
        table.made.clear()
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == 9_999
        assert table.moves[-1] == 9_999
        assert len(set(table.made)) <= 20
        assert any("row 9999" in _line(table, y) for y in range(1, 20))


async def test_a_cursor_move_paints_two_rows() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Counting)
        table.set_rows([(n, f"row {n}") for n in range(100)])
        await pilot.pause()
        table.made.clear()
        await pilot.press("down")
        await pilot.pause()
        assert sorted(table.made) == [0, 1]
        assert table.cursor_key == 1


async def test_rows_update_in_place_and_the_cursor_follows_its_key() -> None:
    app = Host()
    async with app.run_test(size=(60, 20)) as pilot:
        table = app.query_one(Counting)
        table.set_rows([(n, f"row {n}") for n in range(10)])
        await pilot.pause()
        table.move_cursor(3)
        # New order (a new row on top) and one changed row: the cursor stays on 3.
        table.set_rows([(99, "new"), *[(n, f"row {n}") for n in range(10)]])
        table.set_rows([(99, "new"), *[(n, f"row {n}!") for n in range(10)]])
        await pilot.pause()
        assert table.cursor_key == 3
        assert table.cursor_row == 4
        assert "row 0!" in _line(table, 2)
        # The row under the cursor disappears: the cursor stays in range.
        table.set_rows([(n, "x") for n in range(2)])
        await pilot.pause()
        assert table.cursor_key in {0, 1}
