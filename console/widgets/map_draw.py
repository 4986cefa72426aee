"""Drawing the region map: braille outlines, colours and glyphs, line segments.

Kelurahan outlines are rasterised once per zoom level into braille cells
(2×4 dots per cell) on a local plane in metres (:func:`rasterise`);
:func:`segments` turns one row of characters and styles into Rich segments.
Stations, units (by status) and incidents (by priority) are drawn as text
labels with a glyph, so nothing relies on colour alone.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from rich.segment import Segment
from rich.style import Style

from dispatch.enums import Priority, UnitStatus

#: Metres per braille dot at each zoom level (0 = whole region on a phone).
ZOOM_LEVELS: tuple[float, ...] = (128.0, 64.0, 32.0, 16.0, 8.0, 4.0, 2.0)
M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQ = 111_320.0

# Braille bit for the dot at (column 0–1, row 0–3) of a cell.
_DOT_BITS = ((0x01, 0x02, 0x04, 0x40), (0x08, 0x10, 0x20, 0x80))

#: A glyph per unit status, so the map reads without colour.
STATUS_GLYPH: dict[str, str] = {
    UnitStatus.AVAILABLE: "○",
    UnitStatus.DISPATCHED: "!",
    UnitStatus.EN_ROUTE: "→",
    UnitStatus.ON_SCENE: "●",
    UnitStatus.TRANSPORTING: "+",
    UnitStatus.AT_HOSPITAL: "H",
    UnitStatus.RETURNING: "←",
    UnitStatus.OUT_OF_SERVICE: "×",
    UnitStatus.OFF_DUTY: "×",
}
STATUS_COLOUR: dict[str, str] = {
    UnitStatus.AVAILABLE: "bright_green",
    UnitStatus.DISPATCHED: "bright_red",
    UnitStatus.EN_ROUTE: "dark_orange",
    UnitStatus.ON_SCENE: "magenta",
    UnitStatus.TRANSPORTING: "bright_blue",
    UnitStatus.AT_HOSPITAL: "bright_blue",
    UnitStatus.RETURNING: "cyan",
    UnitStatus.OUT_OF_SERVICE: "grey50",
    UnitStatus.OFF_DUTY: "grey50",
}
PRIORITY_COLOUR: dict[str, str] = {
    Priority.P1: "bold white on red",
    Priority.P2: "bold black on #ff8700",
    Priority.P3: "bold black on yellow",
    Priority.P4: "bold white on blue",
}

OUTLINE = Style(color="grey50")
LABEL_STYLE = Style(color="grey62", italic=True)
STATION_STYLE = Style(color="grey85", bold=True)


Raster = dict[int, dict[int, int]]
"""Braille masks by cell row, then cell column (world cells at one zoom)."""


def segments(
    chars: Sequence[str], styles: Sequence[Style | None], base: Style
) -> list[Segment]:
    segments: list[Segment] = []
    start = 0
    for i in range(1, len(chars) + 1):
        if i == len(chars) or styles[i] is not styles[start]:
            style = styles[start]
            segments.append(
                Segment("".join(chars[start:i]), base + style if style else base)
            )
            start = i
    return segments


def rasterise(rings: Iterable[Sequence[tuple[float, float]]], mpd: float) -> Raster:
    """Draw polylines (plane metres) into braille cells at ``mpd`` metres a dot."""
    cells: Raster = {}
    for ring in rings:
        points = [(round(x / mpd), round(y / mpd)) for x, y in ring]
        if points and points[0] != points[-1]:
            points.append(points[0])
        for (x0, y0), (x1, y1) in itertools.pairwise(points):
            for dx, dy in _line(x0, y0, x1, y1):
                row = cells.setdefault(dy >> 2, {})
                col = dx >> 1
                row[col] = row.get(col, 0) | _DOT_BITS[dx & 1][dy & 3]
    return cells


def _line(x0: int, y0: int, x1: int, y1: int) -> Iterable[tuple[int, int]]:
    """Bresenham: every dot from one end to the other."""
    dx, dy = abs(x1 - x0), -abs(y1 - y0)
    sx = 1 if x0 < x1 else -1
    sy = 1 if y0 < y1 else -1
    err = dx + dy
    while True:
        yield x0, y0
        if x0 == x1 and y0 == y1:
            return
        e2 = 2 * err
        if e2 >= dy:
            err += dy
            x0 += sx
        if e2 <= dx:
            err += dx
            y0 += sy
