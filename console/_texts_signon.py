"""Catalogue texts of the sign-on screen and the terminal lock (id, en)."""

from __future__ import annotations

SIGNON_PAIRS: dict[str, tuple[str, str]] = {
    "signon.title": ("Siaga 112 — Masuk", "Siaga 112 — Sign on"),
    "signon.terminal": ("Terminal: {terminal}", "Terminal: {terminal}"),
    "signon.unit": ("Unit: {unit}", "Unit: {unit}"),
    "signon.name": ("Nama", "Name"),
    "signon.password": ("Kata sandi", "Password"),
    "signon.hint": (
        "Tab: kolom berikut · Enter: masuk · Ctrl+Q: keluar",
        "Tab: next field · Enter: sign on · Ctrl+Q: quit",
    ),
    "signon.checking": ("Memeriksa…", "Checking…"),
    "signon.need-name": ("Ketik nama operator.", "Type the operator name."),
    "signon.need-password": ("Ketik kata sandi.", "Type your password."),
    "signon.wrong": (
        "Nama dan kata sandi itu tidak cocok dengan operator yang boleh masuk.",
        "That name and password do not match an operator who may sign on.",
    ),
    "signon.throttled": (
        "Terlalu banyak gagal masuk: tunggu {seconds} detik lalu coba lagi.",
        "Too many failed sign-ons: wait {seconds} s before trying again.",
    ),
    "signon.early-keys": (
        "Tombol yang diketik sebelum kolom kata sandi siap diabaikan: "
        "ketik kata sandi sekarang.",
        "Keys typed before the password field was ready were ignored: "
        "type the password now.",
    ),
    "signon.failed": ("Tidak bisa masuk: {detail}", "Cannot sign on: {detail}"),
    "signon.welcome": (
        "Masuk sebagai {operator} ({role}).",
        "Signed on as {operator} ({role}).",
    ),
    "signon.locked": ("Terminal dikunci.", "Terminal locked."),
    "signon.idle-locked": (
        "Terminal dikunci karena tidak aktif.",
        "Terminal locked after inactivity.",
    ),
    "signon.disabled-locked": (
        "Operator dinonaktifkan atau perannya diubah: terminal dikunci.",
        "Operator disabled or role changed: terminal locked.",
    ),
    "signon.lock-refused-call": (
        "Selesaikan atau simpan panggilan dulu; terminal tidak dikunci saat ada "
        "panggilan.",
        "Finish the call first: a terminal never locks over a call in progress.",
    ),
    "signon.lock-refused-dialog": (
        "Tutup dialog dulu, lalu kunci terminal.",
        "Close the dialog first, then lock the terminal.",
    ),
    "signon.subtitle": (
        "{operator} · {role} · {terminal}",
        "{operator} · {role} · {terminal}",
    ),
    "role.call_taker": ("penerima panggilan", "call taker"),
    "role.dispatcher": ("dispatcher", "dispatcher"),
    "role.supervisor": ("supervisor", "supervisor"),
    "role.responder": ("petugas unit", "responder"),
    "role.admin": ("administrator", "administrator"),
    "key.app.lock": ("Kunci", "Lock"),
    "scope.signon": ("layar masuk", "sign-on screen"),
    "key.signon.next-field": ("Kolom berikut", "Next field"),
    "tip.signon.next-field": (
        "Dari nama ke kata sandi (dan kembali)",
        "From the name to the password (and back)",
    ),
    "key.signon.previous-field": ("Kolom sebelumnya", "Previous field"),
    "tip.signon.previous-field": (
        "Kembali ke kolom sebelumnya",
        "Back to the previous field",
    ),
    "key.signon.submit": ("Masuk", "Sign on"),
    "tip.signon.submit": (
        "Di kolom nama: ke kata sandi; di kolom kata sandi: masuk",
        "In the name field: go to the password; in the password field: sign on",
    ),
    "tip.app.lock": (
        "Kunci terminal: keluar dari sesi ini, operator berikut masuk tanpa "
        "memulai ulang (tidak saat ada panggilan)",
        "Lock the terminal: sign off, and the next operator signs on without a "
        "restart (never over a call in progress)",
    ),
}

#: Sign-on refusals from the engine (English) with their Indonesian text.
SIGNON_ENGINE_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "This operator is disabled; ask an administrator.",
        "Operator ini dinonaktifkan; hubungi administrator.",
    ),
    (
        "Responders sign on at their unit's view",
        "Petugas unit masuk di tampilan unitnya",
    ),
    ("Only a responder bound to", "Hanya petugas yang terikat pada unit"),
    ("An operator name has at most", "Nama operator paling banyak"),
    (
        "An operator name uses letters, digits",
        "Nama operator hanya memakai huruf, angka",
    ),
    ("This terminal has no usable name", "Terminal ini tidak punya nama yang sah"),
)
