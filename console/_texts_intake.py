"""Catalogue texts of the intake's draft banner and key queue (Indonesian, English)."""

from __future__ import annotations

INTAKE_PAIRS: dict[str, tuple[str, str]] = {
    "key.intake.resume-draft": ("Lanjutkan draf", "Resume draft"),
    "tip.intake.resume-draft": (
        "Kembalikan panggilan belum selesai yang paling lama ke formulir",
        "Put the oldest unfinished call back on the form",
    ),
    "draft.banner": (
        "Panggilan belum selesai — {key}: lanjutkan",
        "Unfinished calls — {key}: resume",
    ),
    "draft.item": ("#{id} {when} {number}", "#{id} {when} {number}"),
    "draft.finish-first": (
        "Selesaikan dulu panggilan yang sedang berjalan",
        "Finish the call in progress first",
    ),
    "draft.none": (
        "Tidak ada panggilan belum selesai",
        "No unfinished calls",
    ),
    "intake.opening": (
        "Panggilan sedang dibuka, coba lagi sebentar",
        "The call is still opening, try again in a moment",
    ),
}
