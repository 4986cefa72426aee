"""Catalogue texts of the shift record on the supervisor screen (id, en)."""

from __future__ import annotations

SHIFT_PAIRS: dict[str, tuple[str, str]] = {
    "key.sup.shift": ("Shift", "Shift"),
    "tip.sup.shift": (
        "Shift tersimpan dan siapa masuk di terminal mana",
        "The stored shift and who is signed on at which terminal",
    ),
    "key.sup.close-shift": ("Tutup shift", "Close shift"),
    "tip.sup.close-shift": (
        "Serah terima: tutup shift, simpan laporan serah terima",
        "Hand over: close the shift and store the handover report",
    ),
    "sup.shift-tab": ("Shift & terminal", "Shift & terminals"),
    "sup.no-shift": (
        "Shift ini belum tercatat (dibuka saat pergantian shift).",
        "This shift is not stored yet (it opens at the change-over).",
    ),
    "sup.shift-record": (
        "Shift {id}: {start} – {end} · dibuka {opened} oleh {by}",
        "Shift {id}: {start} – {end} · opened {opened} by {by}",
    ),
    "sup.shift-open": ("berjalan", "running"),
    "sup.shift-closed": (
        "diserahterimakan {at} oleh {by} · sha256 {digest}",
        "handed over {at} by {by} · sha256 {digest}",
    ),
    "sup.signed-on": ("Masuk di terminal", "Signed on at terminals"),
    "sup.nobody-signed-on": ("Tidak ada yang masuk.", "Nobody is signed on."),
    "sup.col.terminal": ("Terminal", "Terminal"),
    "sup.col.operator": ("Operator", "Operator"),
    "sup.col.role": ("Peran", "Role"),
    "sup.col.since": ("Sejak", "Since"),
    "sup.col.shift": ("Shift", "Shift"),
    "sup.close-title": ("Tutup shift {id}?", "Close shift {id}?"),
    "sup.close-intro": (
        "Shift {start} – {end} diserahterimakan sekarang. Laporan serah terima "
        "dibuat dan disimpan. Dibawa ke shift berikutnya:",
        "Shift {start} – {end} is handed over now. The handover report is "
        "generated and stored. Carried into the next shift:",
    ),
    "sup.carried-incidents": (
        "{count} kejadian terbuka:",
        "{count} open incidents:",
    ),
    "sup.carried-referrals": (
        "{count} rujukan belum selesai:",
        "{count} referrals not resolved:",
    ),
    "sup.carried-more": ("… dan {count} lagi", "… and {count} more"),
    "sup.nothing-carried": ("Tidak ada yang dibawa.", "Nothing is carried over."),
    "sup.close-denied": (
        "Hanya supervisor yang menutup shift.",
        "Only a supervisor closes the shift.",
    ),
    "sup.shift-closed-note": (
        "Shift {id} diserahterimakan; laporan tersimpan (sha256 {digest}…).",
        "Shift {id} handed over; report stored (sha256 {digest}…).",
    ),
}
