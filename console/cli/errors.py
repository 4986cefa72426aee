"""One place that turns the errors a user can cause into one ``Error: ...`` line.

:class:`SiagaGroup` is the class of the ``siaga`` group: whatever sub-command
runs, a :class:`~dispatch.errors.DispatchError` (refused by the engine), a
pydantic ``ValidationError`` (a value the service edge refused), a
:class:`~dispatch.config.ConfigFileError` or an ``OSError`` on a path the user
named becomes a :class:`click.ClickException`: one line on stderr, exit code 1,
no traceback. Anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import sys
from typing import Any

import click
from pydantic import ValidationError

from console.cli.common import validation_line
from dispatch.config import ConfigFileError
from dispatch.errors import DispatchError

#: Data-file errors by module: a region pack, the incident catalogue. Looked
#: up in ``sys.modules`` (an error of a module never imported cannot occur),
#: so the CLI does not import those heavy modules to recognise them.
_DATA_ERRORS = (
    ("geodata.packs.reading", "PackError"),
    ("dispatch.catalogue._loader", "CatalogueError"),
)


def _data_error(exc: BaseException) -> bool:
    for module, name in _DATA_ERRORS:
        loaded = sys.modules.get(module)
        if loaded is not None and isinstance(exc, getattr(loaded, name)):
            return True
    return False


def user_error_line(exc: BaseException) -> str | None:
    """The one line for an error the user caused, or ``None`` for a bug."""
    if isinstance(exc, DispatchError):
        return exc.message
    if isinstance(exc, ValidationError):
        return validation_line(exc, "invalid input")
    if isinstance(exc, ConfigFileError) or _data_error(exc):
        return str(exc)
    if isinstance(exc, OSError) and exc.filename is not None:
        return f"{exc.filename}: {exc.strerror or exc}"
    return None


class SiagaGroup(click.Group):
    """A click group whose sub-commands report user errors as one line."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (DispatchError, ValidationError, ConfigFileError, OSError) as exc:
            line = user_error_line(exc)
            if line is None:
                raise
            raise click.ClickException(line) from exc
