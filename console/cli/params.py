"""Parameter types shared by the ``siaga`` commands: bad values fail as one line.

Each type refuses a malformed value where it is typed, with click's usual
``Error: Invalid value for '--opt': ...`` line and exit code 2, so no command
reaches the engine with a date the calendar cannot shift, an id SQLite cannot
bind, a NaN rate or an output folder that does not exist:

- :data:`LOCAL_DATE` and :data:`LOCAL_TIME`: ISO dates / date-times between
  :data:`FIRST_DAY` and :data:`LAST_DAY` (a shift is 24 h around a local day);
- :class:`RowId`: a positive integer that fits a 64-bit database column;
- :class:`FiniteFloat`: a float range that also refuses ``nan`` and ``inf``;
- :class:`OutputPath`: a file to write whose folder exists (or a folder);
- :data:`TEXT`: text that is valid Unicode (no undecodable bytes from the shell).

:func:`check_order` refuses a window whose end is before its start.
"""

from __future__ import annotations

import math
from datetime import date, datetime
from pathlib import Path
from typing import Any

import click

#: The calendar the center works in: earlier or later dates are typing errors.
FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2099, 12, 31)

#: The largest id a 64-bit signed integer column holds.
MAX_ROW_ID = 2**63 - 1


def _in_calendar(day: date, value: str, param: Any, ctx: Any) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise click.BadParameter(
            f"{value!r} is outside {FIRST_DAY.isoformat()} … {LAST_DAY.isoformat()}",
            ctx,
            param,
        )


class LocalDate(click.ParamType[date]):
    """``YYYY-MM-DD`` within the center's calendar."""

    name = "date"

    def convert(self, value: Any, param: Any, ctx: Any) -> date:
        if isinstance(value, date):
            return value
        text = TEXT.convert(value, param, ctx)
        try:
            day = date.fromisoformat(text.strip())
        except ValueError:
            self.fail(f"{text!r} is not a date: use YYYY-MM-DD", param, ctx)
        _in_calendar(day, text, param, ctx)
        return day


class LocalTime(click.ParamType[datetime]):
    """``YYYY-MM-DD[ HH:MM[:SS]]`` or ISO 8601 (naive = the center's local time)."""

    name = "time"

    def convert(self, value: Any, param: Any, ctx: Any) -> datetime:
        if isinstance(value, datetime):
            return value
        text = TEXT.convert(value, param, ctx)
        try:
            when = datetime.fromisoformat(text.strip().replace(" ", "T", 1))
        except ValueError:
            self.fail(
                f"{text!r} is not a date/time: use YYYY-MM-DD[ HH:MM]", param, ctx
            )
        _in_calendar(when.date(), text, param, ctx)
        return when


class Moment(click.DateTime):
    """:class:`click.DateTime` (with its formats) within the center's calendar."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        when = super().convert(TEXT.convert(value, param, ctx), param, ctx)
        _in_calendar(when.date(), str(value), param, ctx)
        return when


class RowId(click.IntRange):
    """A positive integer id that fits the database's 64-bit columns."""

    name = "id"

    def __init__(self) -> None:
        super().__init__(min=1, max=MAX_ROW_ID)


class FiniteFloat(click.FloatRange):
    """A :class:`click.FloatRange` that refuses ``nan`` and ``±inf``."""

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{value!r} is not a finite number", param, ctx)
        return number


class OutputPath(click.Path):
    """A file or folder to write: a file's folder must exist already.

    A folder output (``file_okay=False``) is created with its parents, owner
    only, by the command. With both allowed, a name with a suffix
    (``f.json``) is taken as a file.
    """

    def __init__(self, *, file_okay: bool = True, dir_okay: bool = True) -> None:
        super().__init__(file_okay=file_okay, dir_okay=dir_okay, path_type=Path)

    def convert(self, value: Any, param: Any, ctx: Any) -> Any:
        path = Path(str(super().convert(TEXT.convert(value, param, ctx), param, ctx)))
        is_file = not self.dir_okay or (self.file_okay and path.suffix != "")
        parent = path.expanduser().parent
        if is_file and not parent.is_dir():
            self.fail(f"the folder {str(parent)!r} does not exist", param, ctx)
        return path


class Utf8Text(click.ParamType[str]):
    """Text that encodes as UTF-8: the shell passed no undecodable bytes."""

    name = "text"

    def convert(self, value: Any, param: Any, ctx: Any) -> str:
        text = str(value)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            self.fail("is not valid UTF-8 text", param, ctx)
        return text


TEXT = Utf8Text()
LOCAL_DATE = LocalDate()
LOCAL_TIME = LocalTime()


def check_order(start: Any, end: Any, *, names: tuple[str, str]) -> None:
    """Refuse a window whose end comes before its start, naming both options."""
    if start is not None and end is not None and end < start:
        raise click.UsageError(f"{names[1]} ({end}) is before {names[0]} ({start})")
