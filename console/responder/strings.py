"""The responder view's words in Indonesian and English.

Kept here until ``console.i18n`` lands; :func:`text` is the one lookup, so the
switch to the shared catalogue is a one-line change.
"""

from __future__ import annotations

from typing import Final

from dispatch.enums import AssignmentStatus, Priority, UnitStatus

Language = str
"""``"id"`` (default for the Blitar pack) or ``"en"``."""

_STRINGS: Final[dict[str, dict[str, str]]] = {
    "id": {
        "title": "Siaga 112 — Unit",
        "no-assignment": "Tidak ada tugas. Siaga di pos.",
        "no-assignment-hint": "Tugas baru akan berbunyi dan disorot.",
        "new-assignment": "TUGAS BARU",
        "new-assignment-notify": "Tugas baru: {number} {priority} {type}",
        "place": "Lokasi",
        "kelurahan": "Kel.",
        "kecamatan": "Kec.",
        "landmark": "Dekat",
        "caller": "Penelepon",
        "no-number": "(tanpa nomor)",
        "notes": "Catatan",
        "no-notes": "(belum ada catatan)",
        "units": "Unit",
        "assigned": "ditugaskan",
        "acknowledged-at": "diterima",
        "since": "sejak",
        "next": "Berikutnya",
        "press-again": "Tekan {key} lagi untuk: {label}",
        "reported": "{callsign}: {status}",
        "loading": "Memuat…",
        "unexpected": "Kesalahan tak terduga: {error}",
        "unknown-unit": "Unit {callsign} tidak dikenal.",
        "ago-min": "{n} mnt lalu",
        "ago-now": "baru saja",
        "help": (
            "Tampilan unit: tugas saat ini dan satu tombol per status.\n"
            "1 terima, 2 berangkat, 3 tiba, 4 antar pasien, 5 di RS, "
            "6 tersedia, 7 kembali ke pos, 8 tidak beroperasi (tekan dua kali).\n"
            "PgUp/PgDn menggulir catatan; ctrl+q keluar."
        ),
        "key.acknowledge": "Terima",
        "key.en_route": "Berangkat",
        "key.on_scene": "Tiba",
        "key.transporting": "Antar pasien",
        "key.at_hospital": "Di RS",
        "key.available": "Tersedia",
        "key.returning": "Kembali",
        "key.out_of_service": "Tdk operasi",
        "status.available": "TERSEDIA",
        "status.dispatched": "DITUGASKAN",
        "status.acknowledged": "DITERIMA",
        "status.en_route": "DALAM PERJALANAN",
        "status.on_scene": "DI LOKASI",
        "status.transporting": "MENGANTAR PASIEN",
        "status.at_hospital": "DI RUMAH SAKIT",
        "status.returning": "KEMBALI KE POS",
        "status.out_of_service": "TIDAK BEROPERASI",
        "status.off_duty": "LEPAS DINAS",
        "status.cleared": "SELESAI",
        "status.cancelled": "DIBATALKAN",
    },
    "en": {
        "title": "Siaga 112 — Unit",
        "no-assignment": "No assignment. Standing by.",
        "no-assignment-hint": "A new assignment rings and is highlighted.",
        "new-assignment": "NEW ASSIGNMENT",
        "new-assignment-notify": "New assignment: {number} {priority} {type}",
        "place": "Place",
        "kelurahan": "Kel.",
        "kecamatan": "Kec.",
        "landmark": "Near",
        "caller": "Caller",
        "no-number": "(no number)",
        "notes": "Notes",
        "no-notes": "(no notes yet)",
        "units": "Units",
        "assigned": "assigned",
        "acknowledged-at": "acknowledged",
        "since": "since",
        "next": "Next",
        "press-again": "Press {key} again for: {label}",
        "reported": "{callsign}: {status}",
        "loading": "Loading…",
        "unexpected": "Unexpected error: {error}",
        "unknown-unit": "Unknown unit {callsign}.",
        "ago-min": "{n} min ago",
        "ago-now": "just now",
        "help": (
            "Unit view: the current assignment and one key per status.\n"
            "1 acknowledge, 2 en route, 3 on scene, 4 transporting, 5 at hospital, "
            "6 available, 7 returning, 8 out of service (press twice).\n"
            "PgUp/PgDn scroll the notes; ctrl+q quits."
        ),
        "key.acknowledge": "Acknowledge",
        "key.en_route": "En route",
        "key.on_scene": "On scene",
        "key.transporting": "Transporting",
        "key.at_hospital": "At hospital",
        "key.available": "Available",
        "key.returning": "Returning",
        "key.out_of_service": "Out of svc",
        "status.available": "AVAILABLE",
        "status.dispatched": "DISPATCHED",
        "status.acknowledged": "ACKNOWLEDGED",
        "status.en_route": "EN ROUTE",
        "status.on_scene": "ON SCENE",
        "status.transporting": "TRANSPORTING",
        "status.at_hospital": "AT HOSPITAL",
        "status.returning": "RETURNING",
        "status.out_of_service": "OUT OF SERVICE",
        "status.off_duty": "OFF DUTY",
        "status.cleared": "CLEARED",
        "status.cancelled": "CANCELLED",
    },
}


def text(msgid: str, language: Language = "id", /, **params: object) -> str:
    """The string for ``msgid`` in ``language`` (English, then the id, as fallback)."""
    table = _STRINGS.get(language, _STRINGS["en"])
    template = table.get(msgid) or _STRINGS["en"].get(msgid) or msgid
    return template.format(**params) if params else template


def status_text(
    status: UnitStatus | AssignmentStatus | str, language: Language = "id"
) -> str:
    """A status as upper-case words (always shown with its colour, never alone)."""
    return text(f"status.{status}", language)


#: Rich colour per priority: text label plus colour, never colour alone.
PRIORITY_STYLE: Final[dict[Priority, str]] = {
    Priority.P1: "bold white on red",
    Priority.P2: "bold black on dark_orange",
    Priority.P3: "bold black on yellow",
    Priority.P4: "bold white on blue",
}

#: Rich colour per unit status.
STATUS_STYLE: Final[dict[str, str]] = {
    "available": "bold black on green",
    "dispatched": "bold white on red",
    "acknowledged": "bold black on dark_orange",
    "en_route": "bold black on dark_orange",
    "on_scene": "bold white on magenta",
    "transporting": "bold white on blue",
    "at_hospital": "bold white on blue",
    "returning": "bold black on cyan",
    "out_of_service": "bold white on grey37",
    "off_duty": "bold white on grey37",
}
