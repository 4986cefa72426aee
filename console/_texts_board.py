"""Catalogue texts of the board's detail pane and the supervisor's surge key."""

from __future__ import annotations

BOARD_PAIRS: dict[str, tuple[str, str]] = {
    "board.plan-covered": (
        "Rencana respons sudah terpenuhi — d: tambah unit bila perlu",
        "The response plan is covered — d: add a unit if needed",
    ),
    # Footer labels (the footer must fit 80 columns): the help panel (F1)
    # shows them with the full tooltip, the command palette with the full name.
    "short.app.help": ("Bantuan", "Help"),
    "short.app.new-call": ("Panggilan", "Call"),
    "short.app.board": ("Papan", "Board"),
    "short.intake.create-incident": ("Buat", "Create"),
    "short.intake.attach-duplicate": ("Gabung", "Attach"),
    "short.intake.refer": ("Rujuk", "Refer"),
    "short.intake.information": ("Info", "Info"),
    "short.intake.prank": ("Iseng", "Prank"),
    "short.intake.silent": ("Kosong", "Silent"),
    "short.intake.abandoned": ("Putus", "Dropped"),
    "short.board.accept-recommendation": ("Terima", "Accept"),
    "short.board.add-unit": ("Tambah", "Add"),
    "short.board.release-unit": ("Tarik", "Release"),
    "short.board.hand-off": ("Serahkan", "Hand off"),
    "short.board.focus-units": ("Unit", "Units"),
    "short.sup.handover": ("Serah", "Handover"),
    "short.sup.surge": ("Semua", "All"),
    "short.sup.close-shift": ("Tutup", "Close"),
    "key.sup.surge": ("Terima semua", "Accept all"),
    "tip.sup.surge": (
        "Terima rekomendasi untuk seluruh antrean (dengan konfirmasi)",
        "Accept the recommendations for the whole queue (after a confirmation)",
    ),
    "help.sup": (
        "**Supervisor.** 1 angka shift, 2 antrean, 3 log, 4 laporan serah terima, "
        "5 shift dan terminal. / mencari di log, f mengganti filternya, e "
        "mengekspor laporan serah terima, h menutup shift (serah terima), s "
        "menerima rekomendasi untuk seluruh antrean sekaligus.",
        "**Supervisor.** 1 shift figures, 2 queue, 3 log, 4 handover report, "
        "5 shift and terminals. / searches the log, f cycles its filter, e "
        "exports the handover report, h closes the shift (hand over), s accepts "
        "the recommendations for the whole queue at once.",
    ),
    "help.map": (
        "**Peta.** + / - perbesar/perkecil, panah atau h j k l menggeser, 0 "
        "menampilkan seluruh kota. Unit: ○ tersedia ! ditugaskan → dalam "
        "perjalanan ● di lokasi + mengantar pasien H di RS ← kembali × tidak "
        "beroperasi. Kejadian: P1…P4.",
        "**Map.** + / - zoom, arrows or h j k l pan, 0 shows the whole region. "
        "Units: ○ available ! dispatched → en route ● on scene + transporting "
        "H at hospital ← returning × out of service. Incidents: P1…P4.",
    ),
    "sup.surge.title": (
        "Tugaskan {units} unit ke {incidents} kejadian?",
        "Assign {units} units to {incidents} incidents?",
    ),
    "sup.surge.unit": ("Unit", "Unit"),
    "sup.surge.skip.no_location": (
        "dilewati: belum ada lokasi",
        "skipped: no location yet",
    ),
    "sup.surge.skip.no_unit": (
        "dilewati: tidak ada unit bebas yang sesuai",
        "skipped: no suitable free unit",
    ),
    "sup.surge.confirm": (
        "Enter menugaskan persis daftar ini (per kejadian: semua unitnya atau "
        "tidak sama sekali); Esc membatalkan.",
        "Enter assigns exactly this list (per incident: all of its units or "
        "none); Esc assigns nothing.",
    ),
    "sup.surge.done": (
        "{units} unit ditugaskan ke {incidents} kejadian",
        "{units} units assigned to {incidents} incidents",
    ),
    "sup.surge.failed": (
        "{number}: tidak ditugaskan — {error}",
        "{number}: not assigned — {error}",
    ),
    "sup.surge.nothing": (
        "Tidak ada yang perlu ditugaskan: antrean sudah terlayani atau unit habis",
        "Nothing to assign: the queue is served or no unit is free",
    ),
}
