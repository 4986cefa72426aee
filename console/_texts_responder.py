"""Catalogue texts of the responder (unit) view: ``responder.*`` (id, en)."""

from __future__ import annotations

RESPONDER_PAIRS: dict[str, tuple[str, str]] = {
    "responder.title": ("Siaga 112 — Unit", "Siaga 112 — Unit"),
    "responder.key.lock": ("Kunci", "Lock"),
    "responder.tip.lock": (
        "Keluar dari sesi dan kunci terminal unit",
        "Sign off and lock the unit's terminal",
    ),
    "responder.locked": ("Terminal dikunci.", "Terminal locked."),
    "responder.no-assignment": (
        "Tidak ada tugas. Siaga di pos.",
        "No assignment. Standing by.",
    ),
    "responder.no-assignment-hint": (
        "Tugas baru akan berbunyi dan disorot.",
        "A new assignment rings and is highlighted.",
    ),
    "responder.new-assignment": ("TUGAS BARU", "NEW ASSIGNMENT"),
    "responder.new-assignment-notify": (
        "Tugas baru: {number} {priority} {type}",
        "New assignment: {number} {priority} {type}",
    ),
    "responder.place": ("Lokasi", "Place"),
    "responder.kelurahan": ("Kel.", "Kel."),
    "responder.kecamatan": ("Kec.", "Kec."),
    "responder.landmark": ("Dekat", "Near"),
    "responder.caller": ("Penelepon", "Caller"),
    "responder.no-number": ("(tanpa nomor)", "(no number)"),
    "responder.notes": ("Catatan", "Notes"),
    "responder.no-notes": ("(belum ada catatan)", "(no notes yet)"),
    "responder.units": ("Unit", "Units"),
    "responder.assigned": ("ditugaskan", "assigned"),
    "responder.acknowledged-at": ("diterima", "acknowledged"),
    "responder.since": ("sejak", "since"),
    "responder.next": ("Berikutnya", "Next"),
    "responder.press-again": (
        "Tekan {key} lagi untuk: {label}",
        "Press {key} again for: {label}",
    ),
    "responder.reported": ("{callsign}: {status}", "{callsign}: {status}"),
    "responder.loading": ("Memuat…", "Loading…"),
    "responder.unexpected": (
        "Kesalahan tak terduga: {error}",
        "Unexpected error: {error}",
    ),
    "responder.unknown-unit": (
        "Unit {callsign} tidak dikenal.",
        "Unknown unit {callsign}.",
    ),
    "responder.ago-min": ("{n} mnt lalu", "{n} min ago"),
    "responder.ago-now": ("baru saja", "just now"),
    "responder.help": (
        (
            "Tampilan unit: tugas saat ini dan satu tombol per status.\n1 terima, 2 "
            "berangkat, 3 tiba, 4 antar pasien, 5 di RS, 6 tersedia, 7 kembali ke "
            "pos, 8 tidak beroperasi (tekan dua kali).\nPgUp/PgDn menggulir "
            "catatan; ctrl+q keluar."
        ),
        (
            "Unit view: the current assignment and one key per status.\n1 "
            "acknowledge, 2 en route, 3 on scene, 4 transporting, 5 at hospital, 6 "
            "available, 7 returning, 8 out of service (press twice).\nPgUp/PgDn "
            "scroll the notes; ctrl+q quits."
        ),
    ),
    "responder.key.acknowledge": ("Terima", "Acknowledge"),
    "responder.key.en_route": ("Berangkat", "En route"),
    "responder.key.on_scene": ("Tiba", "On scene"),
    "responder.key.transporting": ("Antar pasien", "Transporting"),
    "responder.key.at_hospital": ("Di RS", "At hospital"),
    "responder.key.available": ("Tersedia", "Available"),
    "responder.key.returning": ("Kembali", "Returning"),
    "responder.key.out_of_service": ("Tdk operasi", "Out of svc"),
    "responder.status.available": ("TERSEDIA", "AVAILABLE"),
    "responder.status.dispatched": ("DITUGASKAN", "DISPATCHED"),
    "responder.status.acknowledged": ("DITERIMA", "ACKNOWLEDGED"),
    "responder.status.en_route": ("DALAM PERJALANAN", "EN ROUTE"),
    "responder.status.on_scene": ("DI LOKASI", "ON SCENE"),
    "responder.status.transporting": ("MENGANTAR PASIEN", "TRANSPORTING"),
    "responder.status.at_hospital": ("DI RUMAH SAKIT", "AT HOSPITAL"),
    "responder.status.returning": ("KEMBALI KE POS", "RETURNING"),
    "responder.status.out_of_service": ("TIDAK BEROPERASI", "OUT OF SERVICE"),
    "responder.status.off_duty": ("LEPAS DINAS", "OFF DUTY"),
    "responder.status.cleared": ("SELESAI", "CLEARED"),
    "responder.status.cancelled": ("DIBATALKAN", "CANCELLED"),
    "responder.key.refresh": ("Muat ulang", "Refresh"),
    "responder.tip.refresh": (
        "Baca ulang tugas sekarang",
        "Read the assignment again now",
    ),
    "responder.key.help": ("Bantuan", "Help"),
    "responder.tip.help": ("Tampilkan tombol", "Show the keys"),
    "responder.tip.report": ("Lapor: {status}", "Report: {status}"),
    "responder.key.language": ("Bahasa", "Language"),
    "responder.tip.language": (
        "Ganti bahasa Indonesia / Inggris",
        "Switch Indonesian / English",
    ),
    "responder.answers": ("Jawaban penelepon", "Caller's answers"),
}
