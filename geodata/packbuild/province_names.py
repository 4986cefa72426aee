"""Made-up names for the synthetic province pack: tile towns and small places.

A province gazetteer is mostly small places (shops, stalls, prayer rooms,
workshops) whose names combine a handful of common words; the word lists
here give that shape, so the geocoder is measured on a realistic mix of
frequent and rare tokens rather than on 300,000 distinct nonsense words.
All names are invented for the benchmark; none is a real place.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Iterator

__all__ = ["PLACE_KINDS", "small_place_names", "tile_names"]

_TOWN_HEADS = (
    "Sumber", "Tirto", "Wono", "Karang", "Sido", "Kali", "Rejo", "Purwo",
    "Ngadi", "Banyu",
)  # fmt: skip
_TOWN_TAILS = ("agung", "mulyo", "asri", "harjo", "kerto", "jati", "makmur", "wangi")

#: The first word of a small place's name and the landmark kind it marks.
PLACE_KINDS: tuple[tuple[str, str], ...] = (
    ("Toko", "shop"), ("Warung", "food"), ("Bengkel", "workshop"),
    ("Apotek", "pharmacy"), ("Klinik", "clinic"), ("Masjid", "mosque"),
    ("Musholla", "mosque"), ("Gereja", "church"), ("TK", "school"),
    ("Salon", "shop"), ("Kios", "shop"), ("Depot", "food"),
    ("Rumah Makan", "food"), ("Toko Bangunan", "shop"), ("Konter", "shop"),
    ("Laundry", "shop"), ("Fotokopi", "shop"), ("Penjahit", "shop"),
    ("Pangkas Rambut", "shop"), ("Gudang", "warehouse"), ("Koperasi", "office"),
    ("Bidan", "clinic"), ("Pos Ronda", "community"), ("Balai RW", "community"),
)  # fmt: skip
_WORDS_A = (
    "Berkah", "Jaya", "Makmur", "Sentosa", "Abadi", "Barokah", "Rejeki", "Mulya",
    "Lestari", "Indah", "Sejahtera", "Baru", "Mandiri", "Sari", "Agung", "Maju",
    "Lancar", "Amanah", "Harapan", "Bintang", "Cahaya", "Sinar", "Mekar", "Putra",
    "Putri", "Murni", "Tentrem", "Rukun", "Damai", "Subur", "Kencana", "Mitra",
    "Tunggal", "Utama", "Sakti", "Permata", "Gemilang", "Anugerah", "Setia", "Karya",
)  # fmt: skip
_WORDS_B = (
    "Slamet", "Siti", "Budi", "Wahyu", "Sri", "Joko", "Tutik", "Hadi", "Yanti",
    "Darmo", "Sutrisno", "Lilik", "Eko", "Dwi", "Tri", "Anik", "Bambang",
    "Sulastri", "Heru", "Endang", "Agus", "Nanik", "Puji", "Rahayu", "Sugeng",
    "Warsito", "Yuli", "Kusno", "Marni", "Paijo", "Giman", "Sumarni", "Tarno",
    "Wati", "Imam", "Fatimah", "Rohman", "Zainal", "Khoirul", "Mujiati",
)  # fmt: skip


def tile_names(n: int) -> list[str]:
    """``n`` distinct made-up town names (one per tile), in a fixed order."""
    names = [h + t for t in _TOWN_TAILS for h in _TOWN_HEADS]
    if n > len(names):
        raise ValueError(f"at most {len(names)} tiles have names; asked for {n}")
    return names[:n]


def small_place_names(count: int, seed: int) -> Iterator[tuple[str, str]]:
    """``count`` distinct ``(name, kind)`` pairs, shuffled by ``seed``.

    Raises:
        ValueError: more names asked for than the word lists can combine.
    """
    combos = list(itertools.product(range(len(PLACE_KINDS)), _WORDS_A, _WORDS_B))
    if count > len(combos):
        raise ValueError(f"at most {len(combos)} small places per tile; asked {count}")
    random.Random(seed).shuffle(combos)
    for k, a, b in combos[:count]:
        head, kind = PLACE_KINDS[k]
        yield f"{head} {a} {b}", kind
