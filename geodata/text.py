"""Text folding and the pack lexicon: what callers say → comparable tokens.

:func:`fold` lower-cases, strips accents and punctuation (keeping commas as
segment breaks) and splits letters from digits (``"rt02"`` → ``"rt 02"``).
:class:`Lexicon` then rewrites the pack's synonyms (``"pom bensin"`` →
``"spbu"``), marks fillers and the city name, and turns relation words
(``"dpn"``, ``"sebelah utara"``) into :class:`Token` objects of kind ``"rel"``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["COMPASS", "UNITS", "Lexicon", "Token", "TokenKind", "fold"]

TokenKind = Literal["word", "num", "sep", "rel", "filler", "city"]

#: Relation words that are also parts of names ("Jl. Merdeka Barat"), with
#: the Javanese ones ("Kepanjen Kidul", "Sanan Wetan").
COMPASS = frozenset(
    {"utara", "selatan", "timur", "barat", "lor", "kidul", "wetan", "kulon"}
)
#: Distance units after a number ("200 meter", "200m", "1 km") → metres each.
UNITS = {
    "m": 1.0,
    "meter": 1.0,
    "meteran": 1.0,
    "mtr": 1.0,
    "metres": 1.0,
    "meters": 1.0,
    "km": 1000.0,
    "kilo": 1000.0,
    "kilometer": 1000.0,
}
# address keywords that end a name (a compass word before them belongs to it)
_NAME_ENDERS = frozenset(
    [
        "no",
        "nomor",
        "nomer",
        "nmr",
        "rt",
        "rw",
        "kel",
        "kelurahan",
        "desa",
        "kec",
        "kecamatan",
        "kota",
        "kab",
        "kabupaten",
        "gang",
        "gg",
        "jalan",
        "jl",
        "jln",
    ]
)

_APOSTROPHES = re.compile(r"['’`´]")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)|(?<=\d)(?=[a-z])")
_SEPARATORS = re.compile(r"[,;\n\r|]+")
_NON_ALNUM = re.compile(r"[^a-z0-9,]+")


def fold(text: str) -> str:
    """Lower-case ASCII words and digits separated by single spaces; commas kept."""
    text = unicodedata.normalize("NFKD", text)
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    text = _APOSTROPHES.sub("", text).replace("&", " dan ")
    text = _SEPARATORS.sub(" , ", text)
    text = _NON_ALNUM.sub(" ", text)
    text = _LETTER_DIGIT.sub(" ", text)
    return " ".join(text.split())


@dataclass(frozen=True, slots=True)
class Token:
    """One folded token; ``text`` of a ``rel`` token is the canonical relation."""

    text: str
    kind: TokenKind
    said: str = ""


class Lexicon:
    """Phrase rewriting compiled from the pack's ``lexicon.csv`` rows."""

    def __init__(self, entries: Iterable[tuple[str, str, str]] = ()) -> None:
        """Build from ``(kind, phrase, canonical)`` triples."""
        self._table: dict[tuple[str, ...], tuple[str, tuple[str, ...]]] = {}
        self.max_len = 1
        for kind, phrase, canonical in entries:
            key = tuple(fold(phrase).replace(",", " ").split())
            if not key:
                continue
            self._table[key] = (kind, tuple(fold(canonical).split()))
            self.max_len = max(self.max_len, len(key))

    @property
    def fillers(self) -> frozenset[str]:
        """Single-word fillers (ignored when matching)."""
        return frozenset(
            k[0] for k, v in self._table.items() if v[0] == "filler" and len(k) == 1
        )

    def tokens(self, text: str) -> list[Token]:
        """Fold ``text`` and tag every token (longest lexicon phrase wins)."""
        raw = fold(text).split()
        out: list[Token] = []
        i = 0
        n = len(raw)
        table = self._table
        while i < n:
            if raw[i] == ",":
                out.append(Token(",", "sep", ","))
                i += 1
                continue
            hit = None
            for size in range(min(self.max_len, n - i), 0, -1):
                key = tuple(raw[i : i + size])
                if "," in key:
                    continue
                entry = table.get(key)
                if entry is not None:
                    hit = (size, entry)
                    break
            if hit is None:
                w = raw[i]
                out.append(Token(w, "num" if w.isdigit() else "word", w))
                i += 1
                continue
            size, (kind, canonical) = hit
            said = " ".join(raw[i : i + size])
            if kind == "synonym":
                out.extend(
                    Token(c, "num" if c.isdigit() else "word", said) for c in canonical
                )
            elif kind == "relation":
                out.append(Token(" ".join(canonical) or said, "rel", said))
            elif kind == "city_name":
                out.append(Token(said, "city", said))
            else:
                out.append(Token(said, "filler", said))
            i += size
        return _compass_as_name(out)


def _compass_as_name(toks: list[Token]) -> list[Token]:
    """A compass word right after a name and ending its segment is part of it."""
    for i, t in enumerate(toks):
        if t.kind != "rel" or t.text not in COMPASS or t.said not in COMPASS:
            continue
        before = toks[i - 1] if i else None
        after = toks[i + 1] if i + 1 < len(toks) else None
        if (
            before is not None
            and before.kind in ("word", "city")
            and before.text not in UNITS  # "200 meter utara": a direction
            and (
                after is None
                or after.kind in ("sep", "num", "rel", "filler")
                or after.text in _NAME_ENDERS
            )
        ):
            toks[i] = Token(t.said, "word", t.said)
    return toks
