"""Text lookup and footer relabelling for the map and supervisor screens.

Their texts live in the shared catalogue (``console/_texts_ops.py``, merged
into :mod:`console.i18n`); :func:`t` is ``console.i18n._`` under the name
these screens use.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from console.i18n import _, has

if TYPE_CHECKING:
    from textual.binding import Binding
    from textual.dom import DOMNode


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in the current language (see ``console._texts_ops``)."""
    return _(key, **params)


def relabel_bindings(node: DOMNode) -> None:
    """Rewrite ``node``'s footer labels in the current language (ids with a text).

    Textual copies ``BINDINGS`` into each node, so a language switch replaces
    those copies (the same approach as ``console.bindings.relabel``).
    """
    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        bindings[key] = [_relabelled(b) for b in items]


def _relabelled(binding: Binding) -> Binding:
    if not binding.id or not has(f"key.{binding.id}"):
        return binding
    tooltip = t(f"tip.{binding.id}") if has(f"tip.{binding.id}") else binding.tooltip
    return replace(binding, description=t(f"key.{binding.id}"), tooltip=tooltip)
