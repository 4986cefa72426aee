"""Every key binding of the console in one table: ids, default keys, actions.

Binding ids are stable (``"board.accept-recommendation"``): they are the keys
of the ``[keymap]`` section in the config file and of the help texts in
:mod:`console.i18n` (``key.<id>`` for the footer label, ``tip.<id>`` for the
tooltip). Screens build their ``BINDINGS`` from :func:`bindings_for`, and
:func:`keymap_markdown` renders the table that README.md and docs/console.md
carry (a test keeps them equal).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from textual.binding import Binding, BindingType

from console.i18n import _, has

if TYPE_CHECKING:
    from textual.dom import DOMNode


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding: id, default keys, action and where it applies."""

    id: str
    keys: str
    action: str
    scope: str
    show: bool = True
    priority: bool = False
    nav: bool = False
    """A screen switch: left off a narrow footer (F1 and Ctrl+P list it)."""


#: Scopes in the order the keymap table lists them.
SCOPES = ("app", "signon", "intake", "board", "dialog")

KEYS: tuple[KeySpec, ...] = (
    # Global: reachable from every screen.
    KeySpec("app.help", "f1", "toggle_help", "app", priority=True),
    KeySpec("app.new-call", "f2", "new_call", "app", priority=True, nav=True),
    KeySpec("app.board", "f3", "show_board", "app", priority=True, nav=True),
    KeySpec("app.supervisor", "f4", "show_supervisor", "app", priority=True, nav=True),
    KeySpec("app.map", "f5", "show_map", "app", priority=True, nav=True),
    KeySpec("app.language", "ctrl+l", "toggle_language", "app", show=False),
    KeySpec("app.theme", "ctrl+t", "toggle_theme", "app", show=False),
    KeySpec(
        "app.palette", "ctrl+p", "command_palette", "app", show=False, priority=True
    ),
    KeySpec("app.quit", "ctrl+q", "quit", "app", show=False, priority=True),
    KeySpec("app.lock", "ctrl+s", "lock_terminal", "app", show=False, priority=True),
    # Sign-on: handled before the key reaches a field, so a burst typed at
    # once still lands in order (name, then password).
    KeySpec("signon.next-field", "tab", "next_field", "signon", priority=True),
    KeySpec(
        "signon.previous-field", "shift+tab", "previous_field", "signon", show=False
    ),
    KeySpec("signon.submit", "enter", "enter", "signon", priority=True),
    # Call intake: outcomes are one key each and work from any field.
    KeySpec(
        "intake.create-incident",
        "f6,ctrl+o",
        "create_incident",
        "intake",
        priority=True,
    ),
    KeySpec(
        "intake.attach-duplicate", "f7", "attach_duplicate", "intake", priority=True
    ),
    KeySpec("intake.refer", "f8", "refer_call", "intake", priority=True),
    KeySpec("intake.information", "f9", "close_information", "intake", priority=True),
    KeySpec("intake.prank", "f10", "close_prank", "intake", priority=True),
    KeySpec("intake.silent", "f11", "close_silent", "intake", priority=True),
    KeySpec("intake.abandoned", "f12", "close_abandoned", "intake", priority=True),
    KeySpec(
        "intake.focus-duplicates", "ctrl+g", "focus_duplicates", "intake", show=False
    ),
    KeySpec("intake.focus-location", "ctrl+b", "focus_location", "intake", show=False),
    KeySpec("intake.resume-draft", "ctrl+r", "resume_draft", "intake", show=False),
    # Dispatch board.
    KeySpec("board.accept-recommendation", "a", "accept_recommendation", "board"),
    KeySpec("board.add-unit", "d,insert", "add_unit", "board"),
    KeySpec("board.release-unit", "r,delete", "release_unit", "board"),
    KeySpec("board.hand-off", "h", "hand_off", "board"),
    KeySpec("board.acknowledge-handoff", "k", "acknowledge_handoff", "board"),
    KeySpec("board.note", "n", "add_note", "board", show=False),
    KeySpec("board.close-incident", "c", "close_incident", "board", show=False),
    KeySpec("board.cancel-incident", "x", "cancel_incident", "board", show=False),
    KeySpec("board.unit-status", "s", "unit_status", "board", show=False),
    KeySpec("board.focus-queue", "q", "focus_queue", "board", show=False),
    KeySpec("board.focus-units", "u", "focus_units", "board"),
    # Dialogs.
    KeySpec("dialog.confirm", "enter", "confirm", "dialog"),
    KeySpec("dialog.cancel", "escape", "cancel", "dialog"),
)

BY_ID: dict[str, KeySpec] = {spec.id: spec for spec in KEYS}


_narrow = False

#: Footer keys of other screens' own binding lists that only a wide footer
#: shows (F1 and the command palette list them everywhere).
WIDE_ONLY = frozenset({"sup.search", "sup.filter"})


def set_narrow(narrow: bool) -> None:
    """Leave the screen-switch keys off the footer (a terminal too narrow for them)."""
    global _narrow
    _narrow = narrow


def is_narrow() -> bool:
    """True while the footer leaves the screen-switch keys off."""
    return _narrow


def footer_label(binding_id: str) -> str:
    """The footer label of a binding: its short text where it has one.

    The footer must fit the terminal; the help panel (F1) shows the label
    with the full tooltip, and the command palette the full name.
    """
    if has(f"short.{binding_id}"):
        return _(f"short.{binding_id}")
    return _(f"key.{binding_id}")


def bindings_for(scope: str) -> list[BindingType]:
    """Textual bindings of one scope, labelled in the current language."""
    return [
        Binding(
            spec.keys,
            spec.action,
            footer_label(spec.id),
            show=spec.show and not (_narrow and spec.nav),
            priority=spec.priority,
            tooltip=_(f"tip.{spec.id}"),
            id=spec.id,
        )
        for spec in KEYS
        if spec.scope == scope
    ]


def relabel(node: DOMNode) -> None:
    """Rewrite the labels and tooltips of ``node``'s bindings in the current language.

    Textual copies ``BINDINGS`` into each node when it is created, so a
    language switch (or a narrow terminal, see :func:`set_narrow`) at run time
    has to replace those copies (``_bindings`` is the node's private binding
    map; there is no public setter). Bindings with a catalogue text but no
    entry in :data:`KEYS` (the supervisor's and the map's) are relabelled too.
    """
    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        bindings[key] = [_relabelled(b) for b in items]


def _relabelled(binding: Binding) -> Binding:
    if not binding.id or not has(f"key.{binding.id}"):
        return binding
    tooltip = _(f"tip.{binding.id}") if has(f"tip.{binding.id}") else binding.tooltip
    spec = BY_ID.get(binding.id)
    show = binding.show
    if spec is not None:
        show = spec.show and not (_narrow and spec.nav)
    elif binding.id in WIDE_ONLY:
        show = not _narrow
    return replace(
        binding, description=footer_label(binding.id), tooltip=tooltip, show=show
    )


def display_keys(keys: str) -> str:
    """``"f6,ctrl+o"`` → ``"F6, Ctrl+O"`` for tables and help."""
    parts = []
    for key in keys.split(","):
        words = [
            w.upper() if len(w) <= 3 and w.startswith("f") else w.capitalize()
            for w in key.split("+")
        ]
        parts.append("+".join(words))
    return ", ".join(parts)


def keymap_markdown(lang: str = "en") -> str:
    """The keymap as a Markdown table (README.md and docs/console.md)."""
    from console.i18n import translate

    lines = [
        "| id | keys | where | what it does |",
        "|---|---|---|---|",
    ]
    for scope in SCOPES:
        for spec in KEYS:
            if spec.scope != scope:
                continue
            lines.append(
                f"| `{spec.id}` | {display_keys(spec.keys)} | "
                f"{translate(f'scope.{scope}', lang)} | "
                f"{translate(f'tip.{spec.id}', lang)} |"
            )
    return "\n".join(lines) + "\n"
