"""Text lookup and footer relabelling for the map and supervisor screens.

Their texts live in the shared catalogue (``console/_texts_ops.py``, merged
into :mod:`console.i18n`); :func:`t` is ``console.i18n._`` under the name
these screens use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from console.bindings import relabel
from console.i18n import _

if TYPE_CHECKING:
    from textual.dom import DOMNode


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in the current language (see ``console._texts_ops``)."""
    return _(key, **params)


def relabel_bindings(node: DOMNode) -> None:
    """Rewrite ``node``'s footer labels in the current language (ids with a text).

    The same as :func:`console.bindings.relabel`, which also knows these ids.
    """
    relabel(node)
