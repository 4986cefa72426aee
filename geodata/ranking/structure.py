"""Stage 0 of ranking: resolve the structure the parser found to places.

The kelurahan, kecamatan and street spans of a :class:`ParsedAddress` are
looked up in the gazetteer; words of a span that did not resolve go back to
the free words (they may name a landmark). The result, :class:`Structure`,
is what the scoring stages narrow candidates with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from geodata.address import ParsedAddress, Span
from geodata.gazetteer import Gazetteer, Hit, QueryToken

__all__ = ["Structure", "resolve_span", "resolve_structure"]

#: Lowest gazetteer score at which a span counts as resolved, per kind.
SPAN_FLOOR = {"kelurahan": 0.6, "kecamatan": 0.6, "street": 0.55}
#: "desa X" may name a kecamatan when no kelurahan matches.
KELURAHAN_AS_KECAMATAN_FLOOR = 0.7


@dataclass(frozen=True, slots=True)
class Structure:
    """The resolved parts of one query."""

    kelurahan: Hit | None = None
    kecamatan: Hit | None = None
    streets: tuple[Hit, ...] = ()
    free: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    unresolved: tuple[str, ...] = ()

    @property
    def hint_targets(self) -> frozenset[int]:
        """Targets the structure itself names (never a landmark answer)."""
        found = {h.target for h in self.streets}
        for area in (self.kelurahan, self.kecamatan):
            if area is not None:
                found.add(area.target)
        return frozenset(found)

    def outside_words(self, parsed: ParsedAddress) -> list[str]:
        """Words that could name a place outside the service area.

        Words a resolved in-city street or area explains cannot ("Jl. Raya
        Kediri-Blitar" is a Blitar street).
        """
        explained = set(self.context) - set(self.unresolved)
        words = [w for w in [*self.free, *self.unresolved] if w not in explained]
        if parsed.city is not None:
            words.extend(parsed.city.words)
        if (
            parsed.kelurahan is not None
            and self.kelurahan is None
            and self.kecamatan is None
        ):
            words.extend(parsed.kelurahan.words)
        if parsed.kecamatan is not None and self.kecamatan is None:
            words.extend(parsed.kecamatan.words)
        return words


def resolve_span(
    gazetteer: Gazetteer, words: Sequence[str], kind: str, floor: float
) -> tuple[Hit | None, list[str]]:
    """The best ``kind`` target for a span, and the span words it left unexplained."""
    hits = gazetteer.search([QueryToken(w) for w in words], frozenset({kind}), 3)
    if not hits or hits[0].score < floor:
        return None, list(words)
    top = hits[0]
    return top, [w for j, w in enumerate(words) if j not in top.matched]


def _area(
    gazetteer: Gazetteer, span: Span, kind: str
) -> tuple[Hit | None, Hit | None, list[str]]:
    """Resolve a kelurahan/kecamatan span: (kelurahan, kecamatan, rest)."""
    hit, rest = resolve_span(gazetteer, span.words, kind, SPAN_FLOOR[kind])
    if kind == "kecamatan":
        return None, hit, rest
    if hit is not None:
        return hit, None, rest
    kec, _ = resolve_span(
        gazetteer, span.words, "kecamatan", KELURAHAN_AS_KECAMATAN_FLOOR
    )
    return None, kec, rest


def _is_city_word(gazetteer: Gazetteer, word: str) -> bool:
    toks = gazetteer.lexicon.tokens(word)
    return len(toks) == 1 and toks[0].kind == "city"


def resolve_structure(gazetteer: Gazetteer, parsed: ParsedAddress) -> Structure:
    """Look the parsed kelurahan, kecamatan and streets up in the gazetteer."""
    kel = kec = None
    free = list(parsed.free_words)
    context: list[str] = []
    unresolved: list[str] = []
    for span in (parsed.kelurahan, parsed.kecamatan):
        if span is None:
            continue
        k, c, rest = _area(gazetteer, span, span.role)
        kel = k or kel
        kec = c or kec
        free.extend(rest)
        context.append(span.role)
        context.extend(w for w in span.words if w not in rest)
    streets: list[Hit] = []
    for span in parsed.streets:
        hit, rest = resolve_span(gazetteer, span.words, "street", SPAN_FLOOR["street"])
        if hit is None:
            context.extend(span.words)
            unresolved.extend(span.words)
            continue
        streets.append(hit)
        context.extend(w for w in span.words if w not in rest)
        # "Jl. Raya Kediri-Blitar": the city word ends the name, names no place
        free.extend(w for w in rest if not _is_city_word(gazetteer, w))
    return Structure(
        kel, kec, tuple(streets), tuple(free), tuple(context), tuple(unresolved)
    )
