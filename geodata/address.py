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

from dataclasses import dataclass, field

from geodata.text import Lexicon, Token

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


def parse_address(text: str, lexicon: Lexicon | None = None) -> ParsedAddress:
    """Parse caller text into a :class:`ParsedAddress` (never raises)."""
    toks = (lexicon or _DEFAULT_LEXICON).tokens(text)
    n = len(toks)
    streets: list[Span] = []
    gang = house = postcode = None
    rt = rw = None
    kel = kec = city = None
    relations: list[str] = []
    free: list[str] = []
    city_named = False

    def is_word(j: int) -> bool:
        return j < n and toks[j].kind == "word" and toks[j].text not in KEYWORDS

    def take_words(
        j: int, allow_num: bool = False, city_first: bool = False
    ) -> tuple[tuple[str, ...], int]:
        words: list[str] = []
        while j < n and len(words) < _SPAN_MAX:
            t = toks[j]
            if is_word(j) or (allow_num and t.kind == "num" and not words):
                words.append(t.text)
                j += 1
            elif t.kind == "city" and (words or city_first):
                # "jl aryo blitar": the city word is part of a name
                words.append(t.text)
                j += 1
            else:
                break
        return tuple(words), j

    i = 0
    while i < n:
        t = toks[i]
        w = t.text
        if t.kind == "rel":
            relations.append(w)
            i += 1
            continue
        if t.kind == "city":
            city_named = True
            i += 1
            continue
        if t.kind in ("sep", "filler"):
            i += 1
            continue
        if t.kind == "num":
            if len(w) == 5 and w[0] != "0" and postcode is None:
                postcode = w
            elif house is None and streets and i > 0 and toks[i - 1].kind == "word":
                house = w
            else:
                free.append(w)
            i += 1
            continue
        if w in JALAN:
            words, j = take_words(i + 1)
            if words:
                streets.append(Span("street", words, w))
                if j < n and toks[j].kind == "num" and house is None:
                    house = toks[j].text
                    j += 1
            i = max(j, i + 1)
            continue
        if w in GANG:
            words, j = take_words(i + 1, allow_num=True)
            if j < n and toks[j].kind == "num" and words and not words[-1].isdigit():
                words = (*words, toks[j].text)
                j += 1
            gang = " ".join(words) or gang
            i = max(j, i + 1)
            continue
        if w in NOMOR:
            if i + 1 < n and toks[i + 1].kind == "num":
                house = toks[i + 1].text
                i += 2
                if i < n and toks[i].kind == "word" and len(toks[i].text) == 1:
                    house += toks[i].text.upper()
                    i += 1
                continue
            i += 1
            continue
        if w in RT or w in RW:
            # rt 02 / rw 05, rt rw 02 05, rt 2 rw 3
            if w in RT and i + 1 < n and toks[i + 1].text in RW:
                nums = [
                    toks[k].text
                    for k in range(i + 2, min(n, i + 4))
                    if toks[k].kind == "num"
                ]
                if nums:
                    rt = _int(nums[0])
                if len(nums) > 1:
                    rw = _int(nums[1])
                i += 2 + len(nums)
                continue
            if i + 1 < n and toks[i + 1].kind == "num":
                value = _int(toks[i + 1].text)
                if w in RT:
                    rt = value
                else:
                    rw = value
                i += 2
                continue
            i += 1
            continue
        if w in KELURAHAN or w in KECAMATAN:
            # "kelurahan blitar": here the city word names the kelurahan
            words, j = take_words(i + 1, city_first=True)
            if words:
                span = Span("kelurahan" if w in KELURAHAN else "kecamatan", words, w)
                if w in KELURAHAN and kel is None:
                    kel = span
                elif w in KECAMATAN and kec is None:
                    kec = span
            i = max(j, i + 1)
            continue
        if w in KOTA or w in KABUPATEN:
            j = i + 1
            words_l: list[str] = []
            while j < n and len(words_l) < 2 and toks[j].kind in ("word", "city"):
                if toks[j].text in KEYWORDS:
                    break
                words_l.append(toks[j].text)
                j += 1
            if words_l:
                city = Span(
                    "city", tuple(words_l), "kabupaten" if w in KABUPATEN else "kota"
                )
                i = j
                continue
            i += 1
            continue
        free.append(w)
        i += 1
    return ParsedAddress(
        query=text,
        streets=tuple(streets),
        gang=gang,
        house_number=house,
        rt=rt,
        rw=rw,
        kelurahan=kel,
        kecamatan=kec,
        city=city,
        postcode=postcode,
        relations=tuple(relations),
        free_words=tuple(free),
        city_named=city_named,
        tokens=tuple(toks),
    )
