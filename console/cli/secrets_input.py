"""Reading passwords for the CLI: a hidden prompt with confirmation, or stdin.

Passwords never come from the command line (it shows in ``ps`` and in shell
history). At a terminal the operator types the password twice, hidden; for
automation ``--password-stdin`` reads one line from standard input, and
``siaga init`` reads ``SIAGA_ADMIN_PASSWORD``. The rules a password follows
are :func:`dispatch.passwords.check_new_password`'s.
"""

from __future__ import annotations

import sys

import click

from dispatch.errors import InvalidInput
from dispatch.passwords import check_new_password


def stdin_is_terminal() -> bool:
    """True when a person can answer a prompt (tests replace this)."""
    return sys.stdin.isatty()


def password_from_stdin() -> str:
    """One line from standard input, without its line ending; checked."""
    line = sys.stdin.readline()
    return checked(line.rstrip("\r\n"), "standard input")


def prompt_password(label: str) -> str:
    """Ask twice, hidden; ask again (up to three times) when a rule is broken."""
    for _attempt in range(3):
        value: str = click.prompt(
            label,
            hide_input=True,
            confirmation_prompt=f"{label} (again)",
            default="",
            show_default=False,
        )
        try:
            return check_new_password(value)
        except InvalidInput as exc:
            click.echo(f"Error: {exc.message}", err=True)
    raise click.ClickException("no acceptable password given")


def checked(value: str, source: str) -> str:
    """``value`` if it is an acceptable password, else a one-line CLI error."""
    try:
        return check_new_password(value)
    except InvalidInput as exc:
        raise click.ClickException(f"password from {source}: {exc.message}") from exc


def read_password(from_stdin: bool, label: str = "Password") -> str:
    """The password from stdin (``--password-stdin``) or a hidden prompt."""
    if from_stdin:
        return password_from_stdin()
    if not stdin_is_terminal():
        raise click.ClickException(
            "no terminal to ask for the password: pipe it in with --password-stdin"
        )
    return prompt_password(label)
