"""Write the "harder caller speech" phrase sets from the Blitar pack's own data.

Run once, from the repository root::

    .venv/bin/python scripts/make_hard_phrases.py

It writes ``tests/geodata/data/hard_phrases.csv`` (the development set) and
``tests/geodata/data/hard_phrases_holdout.csv`` (the hold-out set), splitting
one shuffled pool with a fixed seed *before* any tuning of the geocoder on
them. Expectations are data, not positions: the test computes each expected
point from the pack (``offset`` moves a landmark with geopy's
``distance.destination``; ``street_near`` takes the street's known point
nearest the landmark), so a corrected landmark corrects the expectation.

Columns: ``phrase, expect, target, tolerance_m, rt, rw, kind``.
"""

from __future__ import annotations

import csv
import random
import sys
from pathlib import Path

from geodata.distance import distance_m
from geodata.packs import RegionPack, load_pack

OUT = Path(__file__).resolve().parent.parent / "tests" / "geodata" / "data"
SEED = 15
HOLDOUT = 55

#: How callers say a landmark (id → spoken forms); all are in the pack.
SPOKEN: dict[str, tuple[str, ...]] = {
    "alun-alun": ("alun-alun", "alun alun", "alun2 blitar"),
    "stasiun-blitar": ("stasiun", "stasiun blitar", "stasiun kereta"),
    "rsud-mardi-waluyo": ("rsud mardi waluyo", "rs mardi waluyo", "rsud"),
    "pasar-legi": ("pasar legi", "psr legi"),
    "pasar-wage": ("pasar wage",),
    "pasar-templek": ("pasar templek",),
    "pasar-pon": ("pasar pon",),
    "makam-bung-karno": ("makam bung karno", "makam bk"),
    "istana-gebang": ("istana gebang",),
    "monumen-peta": ("monumen peta",),
    "masjid-agung": ("masjid agung", "masjid agung blitar"),
    "terminal-patria": ("terminal patria",),
    "polres-blitar-kota": ("polres", "polres blitar kota"),
    "kodim-0808-blitar": ("kodim", "kodim 0808"),
    "taman-pecut": ("taman pecut",),
    "stadion-soepriadi": ("stadion soepriadi", "stadion supriadi"),
    "klenteng-poo-an-kiong": ("klenteng poo an kiong", "klenteng"),
    "gereja-katolik-santo-yusup": ("gereja santo yusup",),
    "lapas-kelas-iib-blitar": ("lapas blitar", "lapas"),
    "pemadam-kebakaran": ("kantor damkar", "pemadam kebakaran"),
    "walikota-blitar": ("kantor walikota", "pemkot blitar"),
    "samsat": ("samsat", "kantor samsat"),
    "museum-bung-karno": ("museum bung karno",),
    "rsi-aminah": ("rsi aminah", "rs aminah"),
    "rs-syuhada-haji": ("rs syuhada haji",),
    "puskesmas-sukorejo": ("puskesmas sukorejo",),
    "puskesmas-sananwetan": ("puskesmas sananwetan",),
    "kantor-kecamatan-sukorejo": ("kantor kecamatan sukorejo", "kantor camat sukorejo"),
    "spbu-gedog": ("spbu gedog", "pom bensin gedog"),
    "spbu-jl-kenari": ("spbu kenari",),
    "smpn-1": ("smpn 1", "smp negeri 1", "smp 1"),
    "smpn-3": ("smpn 3", "smp 3"),
    "smpn-5": ("smpn 5",),
    "sman-1": ("sman 1", "sma 1", "sma negeri 1"),
    "sman-2": ("sman 2", "sma 2"),
    "smkn-1": ("smkn 1", "smk 1"),
    "smkn-3": ("smkn 3",),
    "sdn-sentul-1": ("sdn sentul 1", "sd sentul 1"),
    "sdn-turi-1": ("sdn turi 1",),
    "pdam": ("kantor pdam", "pdam"),
}
#: Compass words: Indonesian, Javanese, and the Javanese "towards" forms.
DIRS = {
    "utara": 0.0,
    "selatan": 180.0,
    "timur": 90.0,
    "barat": 270.0,
}
JAVA_DIRS = {"lor": 0.0, "kidul": 180.0, "wetan": 90.0, "kulon": 270.0}
JAVA_TOWARDS = {"ngalor": 0.0, "ngidul": 180.0, "ngetan": 90.0, "ngulon": 270.0}
DISTANCES = (100, 150, 200, 250, 300, 400, 500)
#: Relation words without a distance (the landmark itself is the answer).
NEAR_WORDS = ("dekat", "depan", "samping", "belakang", "seberang")
JAVA_NEAR = ("ngarep", "mburi", "cedhak", "cedak", "sandhing")
GENERIC = {"masjid": "worship", "spbu": "fuel", "pasar": "market"}


def _street_word(name: str) -> str:
    return name.removeprefix("Jl. ").lower()


def _offset_tol(d: int) -> int:
    return int(100 + 0.1 * d)


def _pool(pack: RegionPack, rng: random.Random) -> list[dict[str, str]]:
    rows: list[dict[str, str]] = []
    lm_by_id = pack.landmark_by_id
    ids = sorted(SPOKEN)

    def add(
        phrase: str, expect: str, target: str, tol: int, kind: str, **kw: str
    ) -> None:
        rows.append(
            {
                "phrase": phrase,
                "expect": expect,
                "target": target,
                "tolerance_m": str(tol),
                "rt": kw.get("rt", ""),
                "rw": kw.get("rw", ""),
                "kind": kind,
            }
        )

    # distance + direction from a landmark (Indonesian)
    for lid in ids:
        for _ in range(2):
            form = rng.choice(SPOKEN[lid])
            d = rng.choice(DISTANCES)
            word, bearing = rng.choice(sorted(DIRS.items()))
            template = rng.choice(
                (
                    "{d} meter {w} {lm}",
                    "{d} m sebelah {w} {lm}",
                    "kira2 {d} meter ke {w} dari {lm}",
                    "{d}m arah {w} {lm}",
                    "sekitar {d} meter sebelah {w} {lm}",
                )
            )
            add(
                template.format(d=d, w=word, lm=form),
                "offset",
                f"{lid} {bearing:g} {d}",
                _offset_tol(d),
                "distance_direction",
            )
    # Javanese directions, with and without distance (two kinds per landmark)
    for lid in ids:
        kinds = set(rng.sample(range(4), 2))
        form = rng.choice(SPOKEN[lid])
        word, bearing = rng.choice(sorted(JAVA_DIRS.items()))
        d = rng.choice(DISTANCES)
        template = rng.choice(
            ("{d} meter {w} {lm}", "{d} meter sisih {w} {lm}", "{d}m {w}e {lm}")
        )
        if 0 in kinds:
            add(
                template.format(d=d, w=word, lm=form),
                "offset",
                f"{lid} {bearing:g} {d}",
                _offset_tol(d),
                "javanese",
            )
        word, bearing = rng.choice(sorted(JAVA_TOWARDS.items()))
        d = rng.choice(DISTANCES)
        if 1 in kinds:
            add(
                f"{d} meter {word} saka {form}",
                "offset",
                f"{lid} {bearing:g} {d}",
                _offset_tol(d),
                "javanese",
            )
        near = rng.choice(JAVA_NEAR)
        if 2 in kinds:
            add(f"{near} {rng.choice(SPOKEN[lid])}", "landmark", lid, 300, "javanese")
        word = rng.choice(sorted(JAVA_DIRS))
        if 3 in kinds:
            add(
                f"sisih {word} {rng.choice(SPOKEN[lid])}",
                "landmark",
                lid,
                300,
                "javanese",
            )
    for lid in rng.sample(ids, 12):
        add(
            f"prapatan cedhak {rng.choice(SPOKEN[lid])}",
            "landmark",
            lid,
            300,
            "javanese",
        )

    # street + nearby landmark: the street's point nearest the landmark
    streets = [s for s in pack.streets if len(s.points) >= 2]
    for st in pack.streets:
        pts = st.points
        near = sorted(
            (
                min(distance_m(a, b, lm.lat, lm.lon) for a, b in pts),
                lid,
            )
            for lid in ids
            if (lm := lm_by_id[lid]) is not None
        )
        if near and near[0][0] <= 600:
            lid = near[0][1]
            jl = rng.choice(("jl", "jl.", "jalan", "jln"))
            rel = rng.choice((*NEAR_WORDS, "cedhak", "ngarep"))
            add(
                f"{jl} {_street_word(st.name)} {rel} {rng.choice(SPOKEN[lid])}",
                "street_near",
                f"{st.id} {lid}",
                200,
                "street_landmark",
            )
        for generic, kind in GENERIC.items():
            cands = sorted(
                (min(distance_m(a, b, lm.lat, lm.lon) for a, b in pts), lm.id)
                for lm in pack.landmarks
                if lm.kind == kind
            )
            if cands and cands[0][0] <= 250 and (len(cands) < 2 or cands[1][0] > 500):
                jl = rng.choice(("jl", "jl.", "jalan"))
                add(
                    f"{jl} {_street_word(st.name)} dekat {generic}",
                    "street_near",
                    f"{st.id} {cands[0][1]}",
                    200,
                    "street_landmark",
                )

    # gang numbering
    for lid in rng.sample(ids, 20):
        n = rng.randint(1, 9)
        word, bearing = rng.choice(sorted(DIRS.items()))
        gg = rng.choice(("gang", "gg", "gg.", "gang no"))
        add(
            f"{gg} {n} sebelah {word} {rng.choice(SPOKEN[lid])}",
            "landmark",
            lid,
            300,
            "gang",
        )
    for lid in rng.sample(ids, 10):
        n = rng.randint(1, 9)
        d = rng.choice(DISTANCES)
        word, bearing = rng.choice(sorted(DIRS.items()))
        add(
            f"gang {n} {d} meter {word} {rng.choice(SPOKEN[lid])}",
            "offset",
            f"{lid} {bearing:g} {d}",
            _offset_tol(d),
            "gang",
        )
    for st in rng.sample(streets, 14):
        n = rng.randint(1, 12)
        add(
            f"{rng.choice(('gg', 'gang'))} {n} jl {_street_word(st.name)}",
            "street",
            st.id,
            300,
            "gang",
        )

    # RT/RW kept with the place
    kels = list(pack.kelurahan)
    for kel in kels:
        rt, rw = rng.randint(1, 9), rng.randint(1, 12)
        template = rng.choice(
            (
                "rt {rt} rw {rw} kelurahan {k}",
                "RT 0{rt} RW {rw} kel {k}",
                "rt{rt}/rw{rw} {k}",
                "RT.00{rt}/RW.0{rw} Kel. {k}",
            )
        )
        add(
            template.format(rt=rt, rw=rw, k=kel.name.lower()),
            "kelurahan",
            kel.code,
            0,
            "rt_rw",
            rt=str(rt),
            rw=str(rw),
        )
    for lid in rng.sample(ids, 12):
        rt, rw = rng.randint(1, 9), rng.randint(1, 12)
        add(
            f"rt {rt} rw {rw} dekat {rng.choice(SPOKEN[lid])}",
            "landmark",
            lid,
            300,
            "rt_rw",
            rt=str(rt),
            rw=str(rw),
        )
    for st in rng.sample(streets, 8):
        rt, rw = rng.randint(1, 9), rng.randint(1, 12)
        add(
            f"jl {_street_word(st.name)} rt {rt} rw {rw}",
            "street",
            st.id,
            300,
            "rt_rw",
            rt=str(rt),
            rw=str(rw),
        )

    # nothing confident to say: no match (never a confident wrong point)
    for phrase in (
        "gang 3 dekat rumah pak rt",
        "rt 4 rw 2",
        "200 meter utara rumah saya",
        "sisih lor omahku",
        "cedhak warung bu sri",
        "gg buntu mburi musholla",
        "jalan kembang sepatu dekat warung",
        "100 meter kidul kali",
        "prapatan cedhak toko emas",
        "300 m sebelah timur sawah",
        "ngarep omahe pak lurah",
        "gang 5 rt 3",
    ):
        add(phrase, "none", "", 0, "none")

    seen: set[str] = set()
    unique = []
    for row in rows:
        key = row["phrase"].lower()
        if key not in seen:
            seen.add(key)
            unique.append(row)
    return unique


def _relabel(row: dict[str, str]) -> dict[str, str]:
    """Fix a labelling error found after the first run (not a tuning change).

    SPOKEN listed "rs aminah" under RSI Aminah, but the pack's own alias says
    "Rumah Sakit Aminah" (``rs`` folds to ``rumah sakit``) is RSU Aminah, a
    different hospital 1.5 km away; those rows expect RSU Aminah.
    """
    if "rs aminah" in row["phrase"] and "rsi-aminah" in row["target"]:
        return {**row, "target": row["target"].replace("rsi-aminah", "rsu-aminah")}
    return row


def main() -> None:
    """Shuffle the pool once and split it into hold-out and development sets."""
    pack = load_pack("blitar")
    rng = random.Random(SEED)
    rows = _pool(pack, rng)
    rng.shuffle(rows)
    rows = [_relabel(r) for r in rows]
    fields = ["phrase", "expect", "target", "tolerance_m", "rt", "rw", "kind"]
    for name, part in (
        ("hard_phrases_holdout.csv", rows[:HOLDOUT]),
        ("hard_phrases.csv", rows[HOLDOUT:]),
    ):
        with (OUT / name).open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(part)
        sys.stdout.write(f"{name} {len(part)}\n")


if __name__ == "__main__":
    main()
