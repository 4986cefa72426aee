"""Placing the map's text labels so that no two share a cell.

Incidents and units near each other (a busy scene, a station with five
units) used to be drawn over each other and over kelurahan names: the last
one drawn won and the others were unreadable. :class:`LabelPlacer` gives each
label the first free spot near its place, trying its long form first (``P1
FIRE-HOUSE``, ``→AMB-01``) a row or two above or below, then its short form
(``P1``, ``→``) further out. A label that must be shown (incident, unit) that
finds no spot is counted in :attr:`LabelPlacer.crowded` rather than drawn over
another; optional ones (station glyphs, kelurahan names) are simply left off.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: Row offsets tried for a label's long form, nearest first.
ROW_SHIFTS = (0, 1, -1, 2, -2)
#: How far (in cells) the short form of a required label may move.
SEARCH_RADIUS = 4


@dataclass(frozen=True)
class Label:
    """A piece of text placed on the map (what tests and the legend read)."""

    kind: str
    """``incident``, ``unit``, ``station`` or ``kelurahan``."""
    key: str
    """Incident number, callsign, station id or kelurahan code."""
    text: str
    row: int
    col: int

    def cells(self) -> set[tuple[int, int]]:
        """The (row, column) cells the label covers."""
        return {(self.row, self.col + i) for i in range(len(self.text))}


class LabelPlacer:
    """Places labels one by one in a ``width`` × ``height`` view, never overlapping."""

    def __init__(self, width: int, height: int) -> None:
        self.width = width
        self.height = height
        self.placed: list[Label] = []
        self.crowded = 0
        """Required labels that found no free spot (shown in no cell)."""
        self._taken: set[tuple[int, int]] = set()

    def place(
        self,
        kind: str,
        key: str,
        texts: Sequence[str],
        col: int,
        row: int,
        *,
        required: bool = True,
    ) -> Label | None:
        """Place the first of ``texts`` that fits near (``col``, ``row``).

        Anchors outside the view place nothing (they are not on screen).
        """
        if not (0 <= row < self.height and -len(texts[0]) < col < self.width):
            return None
        for text in texts:
            for shift in ROW_SHIFTS:
                label = self._try(kind, key, text, row + shift, col)
                if label is not None:
                    return label
        if required:
            short = texts[-1]
            for dr, dc in _ring_offsets(SEARCH_RADIUS):
                label = self._try(kind, key, short, row + dr, col + dc)
                if label is not None:
                    return label
            self.crowded += 1
        return None

    def _try(self, kind: str, key: str, text: str, row: int, col: int) -> Label | None:
        label = Label(kind, key, text, row, col)
        if not 0 <= row < self.height:
            return None
        cells = {cell for cell in label.cells() if 0 <= cell[1] < self.width}
        if not cells or cells & self._taken:
            return None
        self._taken |= cells
        self.placed.append(label)
        return label


def _ring_offsets(radius: int) -> list[tuple[int, int]]:
    """(row, column) offsets within ``radius``, nearest first (columns count half)."""
    offsets = [
        (dr, dc)
        for dr in range(-radius, radius + 1)
        for dc in range(-2 * radius, 2 * radius + 1)
        if (dr, dc) != (0, 0)
    ]
    return sorted(offsets, key=lambda o: (abs(o[0]) * 2 + abs(o[1]), o))
