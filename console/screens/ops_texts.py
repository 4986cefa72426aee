"""Texts of the map and supervisor screens in Indonesian and English.

Kept beside the screens until they move into the shared catalogue
(``console.i18n``); :func:`t` follows the console's current language when
that module is importable, else Indonesian.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from textual.dom import DOMNode

_TEXTS: Final[dict[str, dict[str, str]]] = {
    "id": {
        "key.map.zoom-in": "Perbesar",
        "key.map.zoom-out": "Perkecil",
        "key.map.home": "Seluruh kota",
        "key.map.next-incident": "Kejadian berikut",
        "key.sup.figures": "Angka",
        "key.sup.queue": "Antrean",
        "key.sup.log": "Log",
        "key.sup.handover": "Serah terima",
        "key.sup.search": "Cari",
        "key.sup.filter": "Filter",
        "key.sup.export": "Ekspor",
        "key.sup.reload": "Muat ulang",
        "outcome.incident": "kejadian baru",
        "outcome.duplicate": "duplikat",
        "outcome.referral": "dirujuk",
        "outcome.information": "informasi",
        "outcome.prank": "iseng",
        "outcome.silent": "kosong",
        "outcome.abandoned": "terputus",
        "outcome.open": "berlangsung",
        "istatus.pending": "MENUNGGU",
        "istatus.handed_off": "DISERAHKAN",
        "istatus.acknowledged": "DITERIMA AGENSI",
        "istatus.dispatched": "DIKERAHKAN",
        "istatus.on_scene": "DI LOKASI",
        "istatus.closed": "SELESAI",
        "istatus.cancelled": "DIBATALKAN",
        "sup.prank": "iseng",
        "sup.silent": "kosong",
        "sup.answer": "Angkat telepon",
        "sup.as-of": "per {time}",
        "map.title": "Peta",
        "map.loading": "Memuat peta…",
        "map.status": "Zoom {zoom} · 1 sel ≈ {w} × {h} m · {units} unit · "
        "{incidents} kejadian",
        "map.legend": "○ tersedia ! ditugaskan → berangkat ● di lokasi + antar pasien "
        "H di RS ← kembali × tdk operasi  ⌂ pos  P1–P4 kejadian",
        "map.next-incident": "Kejadian berikutnya",
        "map.focus-incident": "Ke kejadian",
        "sup.title": "Supervisor",
        "sup.loading": "Memuat…",
        "sup.figures": "Angka shift",
        "sup.queue": "Antrean semua meja",
        "sup.attention": "Perlu perhatian",
        "sup.log": "Log shift 24 jam",
        "sup.handover": "Laporan serah terima",
        "sup.calls": "Panggilan",
        "sup.outcome": "Hasil",
        "sup.count": "Jumlah",
        "sup.share": "Porsi",
        "sup.incidents": "Kejadian",
        "sup.by-type": "Menurut jenis",
        "sup.by-priority": "Menurut prioritas",
        "sup.times": "Waktu tanggap",
        "sup.measure": "Ukuran",
        "sup.median": "Median",
        "sup.p90": "P90",
        "sup.target": "Target",
        "sup.within": "Tepat",
        "sup.answer-dispatch": "Angkat → kerahkan",
        "sup.call-scene": "Panggilan → tiba",
        "sup.units-busy": "Unit sibuk",
        "sup.open-incidents": "Kejadian terbuka",
        "sup.shift": "Shift {start} – {end}",
        "sup.no-queue": "Antrean kosong.",
        "sup.no-attention": "Tidak ada serah terima atau timer yang terlambat.",
        "sup.handoff-waiting": "{number} menunggu {agency} sejak {since} "
        "({minutes} mnt)",
        "sup.timer-overdue": "{number} {priority} {status} {minutes} mnt, lewat target",
        "sup.search": "Cari di log (teks, nomor, unit)…",
        "sup.filter": "Filter: {name}",
        "sup.filter.all": "semua",
        "sup.filter.incident": "kejadian",
        "sup.filter.unit": "unit",
        "sup.filter.call": "panggilan",
        "sup.filter.handoff": "serah terima",
        "sup.log-count": "{shown} dari {total} kejadian log",
        "sup.exported": "Laporan serah terima disimpan: {path}",
        "sup.export-failed": "Gagal menyimpan: {error}",
        "sup.no-handover": "Laporan serah terima belum tersedia.",
        "sup.unexpected": "Kesalahan tak terduga: {error}",
        "col.time": "Waktu",
        "col.number": "Nomor",
        "col.priority": "Prio",
        "col.type": "Jenis",
        "col.status": "Status",
        "col.place": "Lokasi",
        "col.units": "Unit",
        "col.waiting": "Menunggu",
        "col.kind": "Jenis log",
        "col.actor": "Oleh",
        "col.detail": "Rincian",
    },
    "en": {
        "key.map.zoom-in": "Zoom in",
        "key.map.zoom-out": "Zoom out",
        "key.map.home": "Whole city",
        "key.map.next-incident": "Next incident",
        "key.sup.figures": "Figures",
        "key.sup.queue": "Queue",
        "key.sup.log": "Log",
        "key.sup.handover": "Handover",
        "key.sup.search": "Search",
        "key.sup.filter": "Filter",
        "key.sup.export": "Export",
        "key.sup.reload": "Reload",
        "outcome.incident": "new incident",
        "outcome.duplicate": "duplicate",
        "outcome.referral": "referred",
        "outcome.information": "information",
        "outcome.prank": "prank",
        "outcome.silent": "silent",
        "outcome.abandoned": "abandoned",
        "outcome.open": "in progress",
        "istatus.pending": "PENDING",
        "istatus.handed_off": "HANDED OFF",
        "istatus.acknowledged": "AGENCY ACK",
        "istatus.dispatched": "DISPATCHED",
        "istatus.on_scene": "ON SCENE",
        "istatus.closed": "CLOSED",
        "istatus.cancelled": "CANCELLED",
        "sup.prank": "prank",
        "sup.silent": "silent",
        "sup.answer": "Answer",
        "sup.as-of": "as of {time}",
        "map.title": "Map",
        "map.loading": "Loading the map…",
        "map.status": "Zoom {zoom} · 1 cell ≈ {w} × {h} m · {units} units · "
        "{incidents} incidents",
        "map.legend": "○ available ! dispatched → en route ● on scene + transporting "
        "H at hospital ← returning × out of service  ⌂ station  P1–P4 incident",
        "map.next-incident": "Next incident",
        "map.focus-incident": "Go to incident",
        "sup.title": "Supervisor",
        "sup.loading": "Loading…",
        "sup.figures": "Shift figures",
        "sup.queue": "Queue, all desks",
        "sup.attention": "Needs attention",
        "sup.log": "24-hour shift log",
        "sup.handover": "Handover report",
        "sup.calls": "Calls",
        "sup.outcome": "Outcome",
        "sup.count": "Count",
        "sup.share": "Share",
        "sup.incidents": "Incidents",
        "sup.by-type": "By type",
        "sup.by-priority": "By priority",
        "sup.times": "Response times",
        "sup.measure": "Measure",
        "sup.median": "Median",
        "sup.p90": "P90",
        "sup.target": "Target",
        "sup.within": "Within",
        "sup.answer-dispatch": "Answer → dispatch",
        "sup.call-scene": "Call → on scene",
        "sup.units-busy": "Units busy",
        "sup.open-incidents": "Open incidents",
        "sup.shift": "Shift {start} – {end}",
        "sup.no-queue": "The queue is empty.",
        "sup.no-attention": "No unacknowledged hand-offs or overdue timers.",
        "sup.handoff-waiting": "{number} waits for {agency} since {since} "
        "({minutes} min)",
        "sup.timer-overdue": "{number} {priority} {status} {minutes} min, past target",
        "sup.search": "Search the log (text, number, unit)…",
        "sup.filter": "Filter: {name}",
        "sup.filter.all": "all",
        "sup.filter.incident": "incidents",
        "sup.filter.unit": "units",
        "sup.filter.call": "calls",
        "sup.filter.handoff": "hand-offs",
        "sup.log-count": "{shown} of {total} log events",
        "sup.exported": "Handover report saved: {path}",
        "sup.export-failed": "Could not save: {error}",
        "sup.no-handover": "The handover report is not available yet.",
        "sup.unexpected": "Unexpected error: {error}",
        "col.time": "Time",
        "col.number": "Number",
        "col.priority": "Prio",
        "col.type": "Type",
        "col.status": "Status",
        "col.place": "Place",
        "col.units": "Units",
        "col.waiting": "Waiting",
        "col.kind": "Kind",
        "col.actor": "By",
        "col.detail": "Detail",
    },
}


_fallback = "id"


def set_fallback_language(lang: str) -> None:
    """The language to use while ``console.i18n`` cannot be imported."""
    global _fallback
    _fallback = lang


def language() -> str:
    """The console's current language (the fallback when it cannot be read)."""
    try:
        from console.i18n import current_language

        return current_language()
    except ImportError:  # the shared catalogue is still being written
        return _fallback


def t(key: str, /, **params: object) -> str:
    """The text of ``key`` in the current language."""
    table = _TEXTS.get(language(), _TEXTS["id"])
    template = table.get(key) or _TEXTS["en"].get(key) or key
    return template.format(**params) if params else template


def relabel_bindings(node: DOMNode) -> None:
    """Rewrite ``node``'s footer labels in the current language (ids with a text).

    Textual copies ``BINDINGS`` into each node, so a language switch replaces
    those copies (the same approach as ``console.bindings.relabel``).
    """
    bindings = node._bindings.key_to_bindings
    for key, items in list(bindings.items()):
        bindings[key] = [
            replace(b, description=t(f"key.{b.id}"))
            if b.id and f"key.{b.id}" in _TEXTS["en"]
            else b
            for b in items
        ]
