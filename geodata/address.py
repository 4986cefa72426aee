"""Indonesian address parsing: Jl./Gg./No./RT/RW/Kel./Kec./Kota and relations.

:func:`parse_address` never raises on any text. It splits what a caller said
into structure (street, gang, house number, RT/RW, kelurahan, kecamatan,
city, postcode), relation words (``depan``, ``belakang``, ``perempatan``…,
kept in :attr:`ParsedAddress.relation`) and the remaining free words that
name a landmark. The grammar keywords (``jl``, ``jln``, ``gg``, ``no``,
``rt``, ``rw``, ``kel``, ``desa``, ``kec``, ``kab``…) are Indonesian-wide and
live here; city-specific words come from the pack lexicon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from geodata.text import UNITS, Lexicon, Token

__all__ = ["ParsedAddress", "Span", "parse_address"]

JALAN = frozenset({"jalan", "jl", "jln", "jlan", "jaln", "jalam"})
GANG = frozenset({"gang", "gg", "gng"})
NOMOR = frozenset({"no", "nomor", "nomer", "nmr", "nr", "number"})
KELURAHAN = frozenset(
    {"kelurahan", "kel", "desa", "ds", "kelurhan", "klurahan", "kalurahan", "kelrahan"}
)
KECAMATAN = frozenset({"kecamatan", "kec", "kecamatn", "kcmtn", "kecamatam"})
KOTA = frozenset({"kota", "kodya", "kotamadya"})
KABUPATEN = frozenset({"kabupaten", "kab", "kabupatn"})
RT = frozenset({"rt"})
RW = frozenset({"rw"})
KEYWORDS = JALAN | GANG | NOMOR | KELURAHAN | KECAMATAN | KOTA | KABUPATEN | RT | RW
_SPAN_MAX = 5
_DEFAULT_LEXICON = Lexicon()


@dataclass(frozen=True, slots=True)
class Span:
    """Words a keyword introduced (e.g. the street name after ``jl``)."""

    role: str  # "street" | "gang" | "kelurahan" | "kecamatan" | "city"
    words: tuple[str, ...]
    keyword: str = ""

    @property
    def text(self) -> str:
        """The words joined by spaces."""
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedAddress:
    """The structure found in one query."""

    query: str
    streets: tuple[Span, ...] = ()
    gang: str | None = None
    house_number: str | None = None
    rt: int | None = None
    rw: int | None = None
    kelurahan: Span | None = None
    kecamatan: Span | None = None
    city: Span | None = None
    postcode: str | None = None
    relations: tuple[str, ...] = ()
    free_words: tuple[str, ...] = ()
    city_named: bool = False
    distance_m: float | None = None  # "200 meter utara …": metres from the place
    tokens: tuple[Token, ...] = field(default=(), repr=False)

    @property
    def street(self) -> str | None:
        """The first street named, as folded words."""
        return self.streets[0].text if self.streets else None

    @property
    def relation(self) -> str | None:
        """The first relation word (canonical: ``depan``, ``dekat``…), if any."""
        return self.relations[0] if self.relations else None

    @property
    def free_text(self) -> str:
        """Words that are neither structure, relation nor filler."""
        return " ".join(self.free_words)


def _int(s: str) -> int | None:
    try:
        return int(s[:6])
    except ValueError:
        return None


class _Parser:
    """One pass over the tokens; one small handler per keyword family."""

    def __init__(self, toks: list[Token]) -> None:
        self.toks = toks
        self.n = len(toks)
        self.streets: list[Span] = []
        self.gang: str | None = None
        self.house: str | None = None
        self.postcode: str | None = None
        self.rt: int | None = None
        self.rw: int | None = None
        self.kel: Span | None = None
        self.kec: Span | None = None
        self.city: Span | None = None
        self.distance: float | None = None
        self.relations: list[str] = []
        self.free: list[str] = []
        self.city_named = False
        self.street_end = -1  # index just past the last street name

    def is_word(self, j: int) -> bool:
        t = self.toks
        return j < self.n and t[j].kind == "word" and t[j].text not in KEYWORDS

    def is_num(self, j: int) -> bool:
        return j < self.n and self.toks[j].kind == "num"

    def take_words(
        self, j: int, allow_num: bool = False, city_first: bool = False
    ) -> tuple[tuple[str, ...], int]:
        words: list[str] = []
        while j < self.n and len(words) < _SPAN_MAX:
            t = self.toks[j]
            took = (
                self.is_word(j)
                or (allow_num and t.kind == "num" and not words)
                # "jl aryo blitar": the city word is part of a name
                or (t.kind == "city" and bool(words or city_first))
            )
            if not took:
                break
            words.append(t.text)
            j += 1
        return tuple(words), j

    def run(self) -> None:
        i = 0
        while i < self.n:
            i = self.step(i)

    def step(self, i: int) -> int:
        t = self.toks[i]
        if t.kind == "rel":
            self.relations.append(t.text)
            return i + 1
        if t.kind == "city":
            self.city_named = True
            return i + 1
        if t.kind in ("sep", "filler"):
            return i + 1
        if t.kind == "num":
            return self.number(i)
        for words, handler in _HANDLERS:
            if t.text in words:
                return handler(self, i)
        self.free.append(t.text)
        return i + 1

    def number(self, i: int) -> int:
        w = self.toks[i].text
        unit = UNITS.get(self.toks[i + 1].text) if i + 1 < self.n else None
        if unit is not None and self.distance is None:
            self.distance = float(int(w[:6])) * unit
            return i + 2
        if len(w) == 5 and w[0] != "0" and self.postcode is None:
            self.postcode = w
        elif self.house is None and i == self.street_end:
            self.house = w  # right after the street's name: "jl mawar 12"
        else:
            self.free.append(w)
        return i + 1

    def jalan(self, i: int) -> int:
        words, j = self.take_words(i + 1)
        if words:
            self.streets.append(Span("street", words, self.toks[i].text))
            self.street_end = j
            if self.is_num(j) and self.house is None and not self.is_unit(j + 1):
                self.house = self.toks[j].text
                j += 1
        return max(j, i + 1)

    def is_unit(self, j: int) -> bool:
        return j < self.n and self.toks[j].text in UNITS

    def gang_(self, i: int) -> int:
        words, j = self.take_words(i + 1, allow_num=True)
        named = bool(words) and not words[-1].isdigit()
        if named and self.is_num(j) and not self.is_unit(j + 1):
            words = (*words, self.toks[j].text)
            j += 1
        self.gang = " ".join(words) or self.gang
        return max(j, i + 1)

    def nomor(self, i: int) -> int:
        if not self.is_num(i + 1):
            return i + 1
        self.house = self.toks[i + 1].text
        i += 2
        if i < self.n and self.toks[i].kind == "word" and len(self.toks[i].text) == 1:
            self.house += self.toks[i].text.upper()
            i += 1
        return i

    def rt_rw(self, i: int) -> int:
        # rt 02 / rw 05, rt rw 02 05, rt 2 rw 3
        w = self.toks[i].text
        if w in RT and i + 1 < self.n and self.toks[i + 1].text in RW:
            nums = [
                self.toks[k].text
                for k in range(i + 2, min(self.n, i + 4))
                if self.toks[k].kind == "num"
            ]
            if nums:
                self.rt = _int(nums[0])
            if len(nums) > 1:
                self.rw = _int(nums[1])
            return i + 2 + len(nums)
        if not self.is_num(i + 1):
            return i + 1
        value = _int(self.toks[i + 1].text)
        if w in RT:
            self.rt = value
        else:
            self.rw = value
        return i + 2

    def area(self, i: int) -> int:
        # "kelurahan blitar": here the city word names the kelurahan
        w = self.toks[i].text
        words, j = self.take_words(i + 1, city_first=True)
        if words:
            role = "kelurahan" if w in KELURAHAN else "kecamatan"
            span = Span(role, words, w)
            if role == "kelurahan" and self.kel is None:
                self.kel = span
            elif role == "kecamatan" and self.kec is None:
                self.kec = span
        return max(j, i + 1)

    def city_(self, i: int) -> int:
        w = self.toks[i].text
        j = i + 1
        words: list[str] = []
        while j < self.n and len(words) < 2 and self.toks[j].kind in ("word", "city"):
            if self.toks[j].text in KEYWORDS:
                break
            words.append(self.toks[j].text)
            j += 1
        if not words:
            return i + 1
        keyword = "kabupaten" if w in KABUPATEN else "kota"
        self.city = Span("city", tuple(words), keyword)
        return j


_HANDLERS: tuple[tuple[frozenset[str], Callable[[_Parser, int], int]], ...] = (
    (JALAN, _Parser.jalan),
    (GANG, _Parser.gang_),
    (NOMOR, _Parser.nomor),
    (RT | RW, _Parser.rt_rw),
    (KELURAHAN | KECAMATAN, _Parser.area),
    (KOTA | KABUPATEN, _Parser.city_),
)


def parse_address(text: str, lexicon: Lexicon | None = None) -> ParsedAddress:
    """Parse caller text into a :class:`ParsedAddress` (never raises)."""
    toks = (lexicon or _DEFAULT_LEXICON).tokens(text)
    p = _Parser(toks)
    p.run()
    return ParsedAddress(
        query=text,
        streets=tuple(p.streets),
        gang=p.gang,
        house_number=p.house,
        rt=p.rt,
        rw=p.rw,
        kelurahan=p.kel,
        kecamatan=p.kec,
        city=p.city,
        postcode=p.postcode,
        relations=tuple(p.relations),
        free_words=tuple(p.free),
        city_named=p.city_named,
        distance_m=p.distance,
        tokens=tuple(toks),
    )
