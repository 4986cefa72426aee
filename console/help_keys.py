"""Textual's own key bindings in the operator's language, for the F1 help panel.

Textual's widgets bring bindings with English descriptions ("Cursor up",
"Focus Next", "Copy selected text"); the help panel lists them beside ours,
so an Indonesian screen showed English lines. :func:`localise` rewrites the
descriptions of a node's Textual bindings from :data:`BUILTIN_TEXTS` (keyed by
action), the way :func:`console.bindings.relabel` rewrites ours. A Textual
binding this table does not know keeps its text; the test
``tests/console/test_help_keys.py`` fails when a screen shows such a line.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from console.i18n import current_language

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode

#: Action → (Indonesian, English) for the bindings Textual's widgets bring.
BUILTIN_TEXTS: dict[str, tuple[str, str]] = {
    "app.focus_next": ("Fokus berikut", "Focus next"),
    "app.focus_previous": ("Fokus sebelumnya", "Focus previous"),
    "copy": ("Salin teks terpilih", "Copy selected text"),
    "screen.copy_text": ("Salin teks terpilih", "Copy selected text"),
    "cut": ("Potong teks terpilih", "Cut selected text"),
    "paste": ("Tempel dari papan klip", "Paste from the clipboard"),
    "select_all": ("Pilih semua", "Select all"),
    "cursor_up": ("Kursor naik", "Cursor up"),
    "cursor_down": ("Kursor turun", "Cursor down"),
    "cursor_left": ("Kursor ke kiri", "Cursor left"),
    "cursor_right": ("Kursor ke kanan", "Cursor right"),
    "cursor_left(True)": ("Pilih ke kiri", "Select left"),
    "cursor_right(True)": ("Pilih ke kanan", "Select right"),
    "cursor_left_word": ("Satu kata ke kiri", "One word left"),
    "cursor_right_word": ("Satu kata ke kanan", "One word right"),
    "cursor_left_word(True)": ("Pilih satu kata ke kiri", "Select a word left"),
    "cursor_right_word(True)": ("Pilih satu kata ke kanan", "Select a word right"),
    "delete_left": ("Hapus huruf di kiri", "Delete left"),
    "delete_right": ("Hapus huruf di kanan", "Delete right"),
    "delete_left_word": ("Hapus kata di kiri", "Delete the word left"),
    "delete_right_word": ("Hapus kata di kanan", "Delete the word right"),
    "delete_left_all": ("Hapus semua di kiri", "Delete all to the left"),
    "delete_right_all": ("Hapus semua di kanan", "Delete all to the right"),
    "home": ("Ke awal", "Go to start"),
    "end": ("Ke akhir", "Go to end"),
    "home(True)": ("Pilih sampai awal", "Select to start"),
    "end(True)": ("Pilih sampai akhir", "Select to end"),
    "first": ("Pertama", "First"),
    "last": ("Terakhir", "Last"),
    "page_up": ("Halaman naik", "Page up"),
    "page_down": ("Halaman turun", "Page down"),
    "page_left": ("Halaman kiri", "Page left"),
    "page_right": ("Halaman kanan", "Page right"),
    "scroll_up": ("Gulir naik", "Scroll up"),
    "scroll_down": ("Gulir turun", "Scroll down"),
    "scroll_left": ("Gulir kiri", "Scroll left"),
    "scroll_right": ("Gulir kanan", "Scroll right"),
    "scroll_home": ("Awal", "Home"),
    "scroll_end": ("Akhir", "End"),
    "scroll_top": ("Paling atas", "Top"),
    "scroll_bottom": ("Paling bawah", "Bottom"),
    "select": ("Pilih", "Select"),
    "select_cursor": ("Pilih", "Select"),
    "submit": ("Kirim", "Submit"),
    "next_tab": ("Tab berikut", "Next tab"),
    "previous_tab": ("Tab sebelumnya", "Previous tab"),
    "quit": ("Keluar", "Quit"),
}


def builtin_text(action: str) -> str | None:
    """The description of a Textual action in the current language, if known."""
    pair = BUILTIN_TEXTS.get(action)
    if pair is None:
        return None
    return pair[1] if current_language() == "en" else pair[0]


def localise(node: DOMNode) -> None:
    """Rewrite the descriptions of ``node``'s Textual bindings in the current language.

    Bindings with an id are ours (:func:`console.bindings.relabel` handles
    them); the rest come from Textual. ``_bindings`` is the node's private
    binding map, as in :func:`console.bindings.relabel`.
    """
    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        bindings[key] = [_localised(b) for b in items]


def _localised(binding: Binding) -> Binding:
    if binding.id or not binding.description:
        return binding
    text = builtin_text(binding.action)
    return binding if text is None else replace(binding, description=text)
