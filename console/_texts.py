"""The console's texts in Indonesian (``id``) and English (``en``): :mod:`console.i18n`.

Indonesian words follow GLOSSARY.md (kejadian, penelepon, panggilan iseng,
panggilan kosong, rujukan, tersedia, dalam perjalanan, tiba di lokasi…).
"""

from __future__ import annotations

from console._texts_board import BOARD_PAIRS
from console._texts_followup import FOLLOWUP_ENGINE_MESSAGES, FOLLOWUP_PAIRS
from console._texts_intake import INTAKE_PAIRS
from console._texts_ops import OPS_PAIRS
from console._texts_responder import RESPONDER_PAIRS
from console._texts_shift import SHIFT_PAIRS
from console._texts_signon import SIGNON_ENGINE_MESSAGES, SIGNON_PAIRS

# Each entry: key -> (Indonesian, English).
_PAIRS: dict[str, tuple[str, str]] = {
    # Scopes of the keymap table.
    "scope.app": ("semua layar", "everywhere"),
    "scope.intake": ("penerimaan panggilan", "call intake"),
    "scope.board": ("papan dispatch", "dispatch board"),
    "scope.dialog": ("dialog", "dialogs"),
    # Footer labels of the bindings.
    "key.app.help": ("Bantuan", "Help"),
    "key.app.new-call": ("Panggilan baru", "New call"),
    "key.app.board": ("Papan", "Board"),
    "key.app.supervisor": ("Supervisor", "Supervisor"),
    "key.app.map": ("Peta", "Map"),
    "key.app.language": ("Bahasa", "Language"),
    "key.app.theme": ("Tema", "Theme"),
    "key.app.palette": ("Perintah", "Commands"),
    "key.app.quit": ("Keluar", "Quit"),
    "key.intake.create-incident": ("Buat kejadian", "Create incident"),
    "key.intake.attach-duplicate": ("Gabung duplikat", "Attach duplicate"),
    "key.intake.refer": ("Rujuk", "Refer"),
    "key.intake.information": ("Informasi", "Information"),
    "key.intake.prank": ("Iseng", "Prank"),
    "key.intake.silent": ("Kosong", "Silent"),
    "key.intake.abandoned": ("Terputus", "Abandoned"),
    "key.intake.focus-duplicates": ("Ke daftar duplikat", "Go to duplicates"),
    "key.intake.focus-location": ("Ke lokasi", "Go to location"),
    "key.board.accept-recommendation": ("Terima rekomendasi", "Accept recommendation"),
    "key.board.add-unit": ("Tambah unit", "Add unit"),
    "key.board.release-unit": ("Tarik unit", "Release unit"),
    "key.board.hand-off": ("Serahkan", "Hand off"),
    "key.board.note": ("Catatan", "Note"),
    "key.board.close-incident": ("Tutup kejadian", "Close incident"),
    "key.board.cancel-incident": ("Batalkan kejadian", "Cancel incident"),
    "key.board.unit-status": ("Status unit", "Unit status"),
    "key.board.focus-queue": ("Ke antrean", "Go to queue"),
    "key.board.focus-units": ("Ke papan unit", "Go to units"),
    "key.dialog.confirm": ("OK", "OK"),
    "key.dialog.cancel": ("Batal", "Cancel"),
    # Tooltips (also the keymap table's "what it does").
    "tip.app.help": (
        "Tampilkan semua tombol layar ini",
        "Show every key of this screen",
    ),
    "tip.app.new-call": (
        "Buka panggilan baru di layar penerimaan",
        "Open a new call on the intake screen",
    ),
    "tip.app.board": (
        "Papan dispatch: antrean, unit, rekomendasi",
        "Dispatch board: queue, units, recommendations",
    ),
    "tip.app.supervisor": (
        "Layar supervisor: seluruh ruang sekilas",
        "Supervisor screen: the whole floor at a glance",
    ),
    "tip.app.map": ("Peta kejadian dan unit", "Map of incidents and units"),
    "tip.app.language": (
        "Ganti bahasa Indonesia / Inggris",
        "Switch Indonesian / English",
    ),
    "tip.app.theme": ("Ganti tema gelap / terang", "Switch dark / light theme"),
    "tip.app.palette": ("Cari perintah berdasarkan nama", "Find a command by name"),
    "tip.app.quit": (
        "Keluar (bertanya dulu bila ada panggilan terbuka)",
        "Quit (asks first while a call is open)",
    ),
    "tip.intake.create-incident": (
        "Buat kejadian dari panggilan ini",
        "Create an incident from this call",
    ),
    "tip.intake.attach-duplicate": (
        "Gabungkan panggilan ke kejadian yang disorot",
        "Attach the call to the highlighted incident",
    ),
    "tip.intake.refer": (
        "Rujuk ke instansi (bukan darurat)",
        "Refer to an agency (non-emergency)",
    ),
    "tip.intake.information": (
        "Selesai: informasi diberikan",
        "End: information given",
    ),
    "tip.intake.prank": ("Selesai: panggilan iseng", "End: prank call"),
    "tip.intake.silent": ("Selesai: panggilan kosong", "End: silent call"),
    "tip.intake.abandoned": ("Selesai: panggilan terputus", "End: abandoned call"),
    "tip.intake.focus-duplicates": (
        "Pindah ke daftar kemungkinan duplikat",
        "Move to the possible duplicates",
    ),
    "tip.intake.focus-location": (
        "Pindah ke kolom lokasi",
        "Move to the location field",
    ),
    "tip.board.accept-recommendation": (
        "Tugaskan unit yang direkomendasikan",
        "Assign the recommended units",
    ),
    "tip.board.add-unit": ("Pilih unit dan tugaskan", "Pick a unit and assign it"),
    "tip.board.release-unit": (
        "Tarik unit dari kejadian (dengan alasan)",
        "Recall a unit from the incident (with a reason)",
    ),
    "tip.board.hand-off": (
        "Serahkan kejadian ke instansi",
        "Hand the incident to an agency",
    ),
    "tip.board.note": ("Tambah catatan kejadian", "Add a note to the incident"),
    "tip.board.close-incident": (
        "Tutup dengan kode penyelesaian",
        "Close with a disposition code",
    ),
    "tip.board.cancel-incident": ("Batalkan dengan alasan", "Cancel with a reason"),
    "tip.board.unit-status": (
        "Catat status yang dilaporkan unit",
        "Record a status a unit reported",
    ),
    "tip.board.focus-queue": (
        "Pindah ke antrean kejadian",
        "Move to the incident queue",
    ),
    "tip.board.focus-units": ("Pindah ke papan unit", "Move to the unit board"),
    "tip.dialog.confirm": ("Konfirmasi", "Confirm"),
    "tip.dialog.cancel": ("Tutup tanpa menyimpan", "Close without saving"),
    # Help panel texts.
    "help.intake": (
        "**Penerimaan panggilan.** F2 membuka panggilan. Enter pindah ke kolom "
        "berikutnya; "
        "↑/↓ memilih saran lokasi atau jenis, Enter memilih. Pertanyaan kunci dijawab "
        "dengan satu tombol. "
        "Hasil panggilan: satu tombol F6–F12.",
        "**Call intake.** F2 opens a call. Enter moves to the next field; "
        "Up/Down choose a location or type suggestion, Enter picks it. Key questions "
        "take one key each. "
        "Outcomes: one key each, F6–F12.",
    ),
    "help.board": (
        "**Papan dispatch.** ↑/↓ memilih kejadian; rinciannya, riwayat dan "
        "rekomendasi unit tampil di kanan. "
        "a menerima rekomendasi, d menambah unit, r menarik unit, h menyerahkan ke "
        "instansi.",
        "**Dispatch board.** Up/Down select an incident; its details, history and "
        "recommended units show on the right. "
        "a accepts the recommendation, d adds a unit, r releases one, h hands off to "
        "an agency.",
    ),
    # Intake.
    "intake.idle": (
        "Tidak ada panggilan — tekan F2 untuk panggilan baru",
        "No call — press F2 for a new call",
    ),
    "intake.call": ("Panggilan {id}", "Call {id}"),
    "intake.answer": ("jawab", "answer"),
    "intake.processing": ("proses", "processing"),
    "intake.number": ("Nomor", "Number"),
    "intake.number.placeholder": ("nomor telepon penelepon", "caller's phone number"),
    "intake.name": ("Nama", "Name"),
    "intake.name.placeholder": ("nama penelepon", "caller's name"),
    "intake.location": ("Lokasi", "Location"),
    "intake.location.placeholder": (
        "tempat, jalan, patokan, koordinat atau tautan peta",
        "place, street, landmark, coordinates or map link",
    ),
    "intake.type": ("Jenis", "Type"),
    "intake.type.placeholder": (
        "jenis kejadian: kode, nama atau sinonim",
        "incident type: code, name or synonym",
    ),
    "intake.notes": ("Catatan", "Notes"),
    "intake.notes.placeholder": ("catatan bebas", "free notes"),
    "intake.priority": ("Prioritas", "Priority"),
    "intake.duplicates": ("Kemungkinan duplikat (F7)", "Possible duplicates (F7)"),
    "intake.no-duplicates": (
        "Tidak ada kejadian terbuka di dekat lokasi",
        "No open incident near this place",
    ),
    "intake.flag": (
        "⚠ {prank}× iseng, {silent}× kosong dari {calls} panggilan",
        "⚠ {prank}× prank, {silent}× silent of {calls} calls",
    ),
    "intake.known": ("{calls} panggilan sebelumnya", "{calls} earlier calls"),
    "intake.no-call": ("Belum ada panggilan: tekan F2", "No call open: press F2"),
    "intake.call-ended": ("Panggilan selesai", "Call ended"),
    "questions.hint": (
        "tekan tombol jawaban; ↑/↓ pindah pertanyaan",
        "press an answer key; Up/Down change question",
    ),
    "place.kel": ("Kel.", "Kel."),
    "place.kec": ("Kec.", "Kec."),
    "place.near": ("dekat {landmark} {distance}", "near {landmark} {distance}"),
    "kind.coordinates": ("koordinat", "coordinates"),
    "kind.landmark": ("patokan", "landmark"),
    "kind.street": ("jalan", "street"),
    "kind.kelurahan": ("kelurahan", "kelurahan"),
    "kind.kecamatan": ("kecamatan", "kecamatan"),
    "kind.school": ("sekolah", "school"),
    "kind.station": ("pos", "station"),
    "type.non-emergency": ("bukan darurat", "non-emergency"),
    "type.refer-hint": (
        "bukan darurat: rujuk dengan F8",
        "non-emergency: refer with F8",
    ),
    "outcome.incident.done": ("Kejadian {detail} dibuat", "Incident {detail} created"),
    "outcome.duplicate.done": (
        "Digabung ke kejadian {detail}",
        "Attached to incident {detail}",
    ),
    "outcome.referral.done": ("Dirujuk: {detail}", "Referred: {detail}"),
    "outcome.information.done": ("Informasi diberikan", "Information given"),
    "outcome.prank.done": (
        "Dicatat sebagai panggilan iseng",
        "Recorded as a prank call",
    ),
    "outcome.silent.done": (
        "Dicatat sebagai panggilan kosong",
        "Recorded as a silent call",
    ),
    "outcome.abandoned.done": (
        "Dicatat sebagai panggilan terputus",
        "Recorded as an abandoned call",
    ),
    # Referral dialog.
    "refer.title": (
        "Rujuk panggilan (bukan darurat)",
        "Refer the call (non-emergency)",
    ),
    "refer.proposed": (
        "Usulan dari jenis kejadian: {agency} melalui {channel}",
        "Proposed from the type: {agency} through {channel}",
    ),
    "refer.agency": ("Instansi", "Agency"),
    "refer.channel": ("Saluran", "Channel"),
    "refer.reference": ("No. referensi", "Reference no."),
    "refer.reference.placeholder": (
        "nomor tiket/laporan (bila ada)",
        "ticket/report number (if any)",
    ),
    "channel.sp4n-lapor": ("SP4N-LAPOR!", "SP4N-LAPOR!"),
    "channel.ulpim": ("ULPIM", "ULPIM"),
    "channel.direct": ("langsung", "direct"),
    # Dialogs.
    "dialog.hint": ("Enter: OK · Esc: batal", "Enter: OK · Esc: cancel"),
    "dialog.filter": ("Cari", "Search"),
    "dialog.reason": ("Alasan", "Reason"),
    "dialog.note": ("Catatan", "Note"),
    "quit.title": ("Keluar?", "Quit?"),
    "quit.text": (
        "Ada panggilan yang masih terbuka. Drafnya tersimpan dan akan ditawarkan "
        "lagi.\nEnter: keluar · Esc: kembali",
        "A call is still open. Its draft is saved and will be offered back.\nEnter: "
        "quit · Esc: go back",
    ),
    # Board.
    "board.queue": ("Antrean kejadian", "Incident queue"),
    "board.queue.count": ("Antrean kejadian ({count})", "Incident queue ({count})"),
    "board.units": ("Papan unit", "Unit board"),
    "board.no-selection": ("Tidak ada kejadian terpilih", "No incident selected"),
    "board.place": ("Lokasi", "Place"),
    "board.caller": ("Penelepon", "Caller"),
    "board.received": ("Masuk", "Received"),
    "board.answers": ("Jawaban", "Answers"),
    "board.assigned": ("Unit", "Units"),
    "board.none": ("belum ada unit", "no unit yet"),
    "board.handoff": ("Diserahkan", "Handed off"),
    "board.history": ("Riwayat", "History"),
    "board.loading": ("Memuat rincian…", "Loading details…"),
    "board.recommendation": (
        "Rekomendasi unit (a: terima)",
        "Recommended units (a: accept)",
    ),
    "board.no-recommendation": (
        "Rekomendasi tidak tersedia — d: tambah unit",
        "No recommendation available — d: add a unit",
    ),
    "board.unfilled": (
        "Kurang {count} × {unit_type}: tidak ada unit tersedia",
        "Missing {count} × {unit_type}: no unit available",
    ),
    "board.preempt": ("ALIH TUGAS", "PRE-EMPT"),
    "board.add-unit.title": ("Tambah unit", "Add a unit"),
    "board.release.title": ("Tarik unit", "Release a unit"),
    "board.handoff.title": ("Serahkan ke instansi", "Hand off to an agency"),
    "board.note.title": ("Catatan kejadian", "Incident note"),
    "board.close.title": ("Tutup kejadian", "Close the incident"),
    "board.cancel.title": ("Batalkan kejadian", "Cancel the incident"),
    "board.status.title": ("Status unit {callsign}", "Status of {callsign}"),
    "board.assigned-units": ("Ditugaskan: {units}", "Assigned: {units}"),
    "board.released": ("{callsign} ditarik", "{callsign} released"),
    "board.handed-off": ("Diserahkan ke {agency}", "Handed off to {agency}"),
    "board.noted": ("Catatan disimpan", "Note saved"),
    "board.closed": ("Kejadian {number} ditutup", "Incident {number} closed"),
    "board.cancelled": ("Kejadian {number} dibatalkan", "Incident {number} cancelled"),
    "board.status-set": ("{callsign}: {status}", "{callsign}: {status}"),
    "col.priority": ("Pri", "Pri"),
    "col.number": ("Nomor", "Number"),
    "col.type": ("Jenis", "Type"),
    "col.place": ("Lokasi", "Place"),
    "col.status": ("Status", "Status"),
    "col.age": ("Umur", "Age"),
    "col.units": ("Unit", "Units"),
    "col.agency": ("Instansi", "Agency"),
    "col.callsign": ("Unit", "Unit"),
    "col.utype": ("Jenis", "Type"),
    "col.ustatus": ("Status", "Status"),
    "col.since": ("Sejak", "Since"),
    "col.incident": ("Kejadian", "Incident"),
    "status.pending": ("MENUNGGU", "PENDING"),
    "status.handed_off": ("DISERAHKAN", "HANDED OFF"),
    "status.acknowledged": ("DITERIMA", "ACKNOWLEDGED"),
    "status.dispatched": ("DITUGASKAN", "DISPATCHED"),
    "status.on_scene": ("DI LOKASI", "ON SCENE"),
    "status.closed": ("DITUTUP", "CLOSED"),
    "status.cancelled": ("DIBATALKAN", "CANCELLED"),
    "unit.available": ("TERSEDIA", "AVAILABLE"),
    "unit.dispatched": ("DITUGASKAN", "DISPATCHED"),
    "unit.en_route": ("DLM PERJALANAN", "EN ROUTE"),
    "unit.on_scene": ("DI LOKASI", "ON SCENE"),
    "unit.transporting": ("MENGANTAR", "TRANSPORTING"),
    "unit.at_hospital": ("DI RS", "AT HOSPITAL"),
    "unit.returning": ("KEMBALI", "RETURNING"),
    "unit.out_of_service": ("TDK BEROPERASI", "OUT OF SERVICE"),
    "unit.off_duty": ("LEPAS DINAS", "OFF DUTY"),
    "assign.dispatched": ("ditugaskan", "dispatched"),
    "assign.acknowledged": ("diterima", "acknowledged"),
    "assign.en_route": ("dalam perjalanan", "en route"),
    "assign.on_scene": ("di lokasi", "on scene"),
    "assign.transporting": ("mengantar pasien", "transporting"),
    "assign.at_hospital": ("di rumah sakit", "at hospital"),
    "assign.cleared": ("selesai", "cleared"),
    "assign.cancelled": ("dibatalkan", "cancelled"),
    "handoff.requested": ("menunggu konfirmasi", "awaiting acknowledgement"),
    "handoff.acknowledged": ("dikonfirmasi", "acknowledged"),
    "handoff.declined": ("ditolak", "declined"),
    "disposition.RESOLVED": ("Selesai ditangani", "Resolved"),
    "disposition.TRANSPORTED": ("Pasien diantar", "Patient transported"),
    "disposition.FALSE_ALARM": ("Laporan palsu", "False alarm"),
    "disposition.GONE_ON_ARRIVAL": ("Tidak ada saat tiba", "Gone on arrival"),
    "event.call.opened": ("panggilan dibuka", "call opened"),
    "event.call.caller_updated": ("data penelepon", "caller updated"),
    "event.call.located": ("lokasi dicatat", "location recorded"),
    "event.call.classified": ("jenis dicatat", "type recorded"),
    "event.call.noted": ("catatan panggilan", "call note"),
    "event.call.attached": ("panggilan duplikat digabung", "duplicate call attached"),
    "event.call.referred": ("dirujuk", "referred"),
    "event.call.closed": ("panggilan ditutup", "call closed"),
    "event.incident.created": ("kejadian dibuat", "incident created"),
    "event.incident.noted": ("catatan", "note"),
    "event.incident.closed": ("kejadian ditutup", "incident closed"),
    "event.incident.cancelled": ("kejadian dibatalkan", "incident cancelled"),
    "event.unit.assigned": ("unit ditugaskan", "unit assigned"),
    "event.unit.released": ("unit ditarik", "unit released"),
    "event.unit.cleared": ("unit selesai", "unit cleared"),
    "event.unit.status": ("status unit", "unit status"),
    "event.unit.position": ("posisi unit", "unit position"),
    "event.assignment.acknowledged": ("tugas diterima unit", "assignment acknowledged"),
    "event.assignment.preempted": ("unit dialihkan", "unit pre-empted"),
    "event.handoff.requested": ("diserahkan ke instansi", "handed off"),
    "event.handoff.acknowledged": ("penyerahan dikonfirmasi", "hand-off acknowledged"),
    "event.handoff.escalated": ("penyerahan dieskalasi", "hand-off escalated"),
    # Errors, banners, config.
    "error.title": ("Tidak bisa", "Not possible"),
    "error.number": (
        "Bukan nomor telepon yang mungkin: {detail}",
        "Not a possible phone number: {detail}",
    ),
    "error.no-location": (
        "Pilih lokasi dulu (↑/↓ lalu Enter)",
        "Pick a location first (Up/Down, then Enter)",
    ),
    "error.no-type": ("Pilih jenis kejadian dulu", "Choose the incident type first"),
    "error.required": ("Wajib diisi", "Required"),
    "error.pick-one": ("Pilih salah satu", "Pick one"),
    "error.agency": (
        "Instansi tidak dikenal; pilih salah satu: {agencies}",
        "Unknown agency; one of: {agencies}",
    ),
    "error.channel": ("Saluran: {channels}", "Channel: {channels}"),
    "error.unexpected": (
        "Kesalahan tak terduga (dicatat di log): {detail}",
        "Unexpected error (logged): {detail}",
    ),
    "banner.database": (
        "⚠ Basis data bermasalah — pekerjaan Anda tetap tersimpan di layar, mencoba "
        "lagi… ({detail})",
        "⚠ Database trouble — your work stays on screen, retrying… ({detail})",
    ),
    "banner.recovered": ("Basis data tersambung kembali", "Database is back"),
    "config.bad-theme": (
        "Tema {theme} tidak dikenal; memakai siaga-dark",
        "Unknown theme {theme}; using siaga-dark",
    ),
    "config.fallback": (
        "Konfigurasi: {detail} — memakai bawaan",
        "Configuration: {detail} — using defaults",
    ),
    "config.clash": (
        "Tombol bentrok pada keymap: {ids}",
        "Keys clash in the keymap: {ids}",
    ),
    "language.changed": ("Bahasa: Indonesia", "Language: English"),
    "cmd.theme": ("Tema gelap/terang", "Dark/light theme"),
    "cmd.language": ("Bahasa Indonesia/Inggris", "Indonesian/English"),
}


def _merged(*parts: dict[str, tuple[str, str]]) -> dict[str, tuple[str, str]]:
    merged: dict[str, tuple[str, str]] = {}
    for part in parts:
        clash = merged.keys() & part.keys()
        if clash:  # one key, one text: a clash is a bug in a catalogue module
            raise ValueError(f"catalogue keys defined twice: {sorted(clash)}")
        merged.update(part)
    return merged


_ALL = _merged(
    _PAIRS,
    OPS_PAIRS,
    RESPONDER_PAIRS,
    SHIFT_PAIRS,
    INTAKE_PAIRS,
    BOARD_PAIRS,
    FOLLOWUP_PAIRS,
    SIGNON_PAIRS,
)

CATALOGUES: dict[str, dict[str, str]] = {
    "id": {key: pair[0] for key, pair in _ALL.items()},
    "en": {key: pair[1] for key, pair in _ALL.items()},
}

#: Engine messages (English, from dispatch) with their Indonesian text.
ENGINE_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Pick a location before creating the incident.",
        "Pilih lokasi sebelum membuat kejadian.",
    ),
    ("Choose the incident type first.", "Pilih jenis kejadian dulu."),
    (
        "This type is not an emergency: refer the call instead.",
        "Jenis ini bukan darurat: rujuk panggilan (F8).",
    ),
    ("That place is outside the service area", "Tempat itu di luar wilayah layanan"),
    ("Choose the agency to refer to.", "Pilih instansi tujuan rujukan."),
    (
        "The database stayed busy; nothing was saved and your typed work is kept: "
        "try again",
        "Basis data tetap sibuk; belum ada yang tersimpan dan isian Anda tetap "
        "ada: coba lagi",
    ),
    (
        "The database is not answering; nothing was saved and your typed work is "
        "kept: try again",
        "Basis data tidak menjawab; belum ada yang tersimpan dan isian Anda tetap "
        "ada: coba lagi",
    ),
    (
        "This idempotency key was already used for another action; use a new key "
        "for every action.",
        "Kunci idempotensi ini sudah dipakai untuk tindakan lain; pakai kunci baru "
        "untuk setiap tindakan.",
    ),
    ("The database is not answering", "Basis data tidak menjawab"),
    (
        "Reconnecting to the new database leader",
        "Menyambung ulang ke server basis data utama yang baru",
    ),
    (
        "The connection broke while saving; check whether it was saved before "
        "doing it again",
        "Sambungan putus saat menyimpan; periksa apakah sudah tersimpan sebelum "
        "mengulanginya",
    ),
    (
        "Someone else changed this record first",
        "Data ini baru saja diubah terminal lain",
    ),
    (
        "That unit was just assigned elsewhere",
        "Unit itu baru saja ditugaskan di tempat lain",
    ),
    ("Unknown incident type", "Jenis kejadian tidak dikenal"),
    ("There is no agency", "Tidak ada instansi"),
    ("Phone number is too long.", "Nomor telepon terlalu panjang."),
    ("Not a possible phone number", "Bukan nomor telepon yang mungkin"),
    ("Not a phone number", "Bukan nomor telepon"),
    (
        "No shift is open to hand over.",
        "Tidak ada shift terbuka untuk diserahterimakan.",
    ),
    *FOLLOWUP_ENGINE_MESSAGES,
    *SIGNON_ENGINE_MESSAGES,
)
