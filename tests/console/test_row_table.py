"""RowTable renders exactly what a stock DataTable renders, wherever the cursor is."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import DataTable

from console.widgets.row_table import RowTable


class _Pair(App[None]):
    def compose(self) -> ComposeResult:
        yield RowTable(id="fast", cursor_type="row")
        yield DataTable(id="stock", cursor_type="row")

    def on_mount(self) -> None:
        for table in self.query(DataTable):
            table.add_column("a", key="a")
            table.add_column("b", key="b")
            for n in range(40):
                table.add_row(f"row {n}", str(n * n), key=str(n))


def _lines(table: DataTable[object]) -> list[list[tuple[str, str]]]:
    return [
        [(seg.text, str(seg.style)) for seg in table.render_line(y)]
        for y in range(table.size.height)
    ]


async def test_row_table_renders_like_data_table_as_the_cursor_moves():
    app = _Pair()
    async with app.run_test(size=(60, 30)) as pilot:
        fast = app.query_one("#fast", RowTable)
        stock = app.query_one("#stock", DataTable)
        app.set_focus(None)  # both unfocused: focus changes the header's colour
        await pilot.pause()
        for row in (0, 1, 2, 7, 3, 12, 2):
            fast.move_cursor(row=row, animate=False)
            stock.move_cursor(row=row, animate=False)
            await pilot.pause()
            assert _lines(fast) == _lines(stock), f"cursor on row {row}"
        fast.update_cell("3", "a", "changed")
        stock.update_cell("3", "a", "changed")
        await pilot.pause()
        assert _lines(fast) == _lines(stock)


async def test_row_table_moving_the_cursor_renders_only_two_rows():
    app = _Pair()
    async with app.run_test(size=(60, 30)) as pilot:
        fast = app.query_one("#fast", RowTable)
        fast.move_cursor(row=2, animate=False)
        await pilot.pause()
        _lines(fast)
        rendered: list[object] = []
        render_row = fast._render_line_in_row

        def counting(*args: Any, **kwargs: Any) -> Any:
            rendered.append(args[0])
            return render_row(*args, **kwargs)

        fast._render_line_in_row = counting  # type: ignore[method-assign]
        fast.move_cursor(row=3, animate=False)
        await pilot.pause()
        _lines(fast)
        assert sorted(str(key.value) for key in rendered) == ["2", "3"]  # type: ignore[attr-defined]
