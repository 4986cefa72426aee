"""Row ids as users type them: digits that fit a 64-bit column, or nothing.

A number too large for the database's ``BIGINT``/SQLite ``INTEGER`` columns
names no row; binding it would raise ``OverflowError`` in the driver. Every
lookup "by id or number" goes through :func:`as_row_id` first.
"""

from __future__ import annotations

#: The largest value a signed 64-bit integer column holds.
MAX_ROW_ID = 2**63 - 1


def as_row_id(value: int | str) -> int | None:
    """``value`` as a row id, or ``None`` when it is not digits a column can hold."""
    if isinstance(value, int):
        number = value
    else:
        text = value.strip()
        if not (text.isascii() and text.isdigit()):
            return None
        number = int(text)
    return number if 0 <= number <= MAX_ROW_ID else None
