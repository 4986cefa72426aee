"""Catalogue texts of hand-off acknowledgement and referral follow-up (id, en)."""

from __future__ import annotations

FOLLOWUP_PAIRS: dict[str, tuple[str, str]] = {
    "sector.drinking_water": ("air minum", "drinking water"),
    "sector.sanitation": ("sanitasi", "sanitation"),
    "sector.water_resources": ("sumber daya air", "water resources"),
    "sector.roads": ("jalan", "roads"),
    "sector.power": ("listrik", "electricity"),
    "sector.social": ("sosial", "social"),
    "sector.other": ("lainnya", "other"),
    "means.radio": ("radio", "radio"),
    "means.phone": ("telepon", "phone"),
    "means.whatsapp": ("WhatsApp", "WhatsApp"),
    "refer.sector": ("Sektor", "Sector"),
    "refer.sector.proposed": (
        "Sektor usulan dari jenis kejadian: {sector}",
        "Sector proposed from the type: {sector}",
    ),
    "handoff-ack.title": (
        "Catat tanggapan {agency} untuk {number}",
        "Record {agency}'s acknowledgement of {number}",
    ),
    "handoff-ack.by": ("Oleh siapa", "Who"),
    "handoff-ack.by.placeholder": (
        "nama / jabatan petugas instansi",
        "name / post at the agency",
    ),
    "handoff-ack.via": ("Melalui", "By"),
    "handoff-ack.at": ("Pukul", "At"),
    "handoff-ack.at.placeholder": ("JJ:MM (kosong = sekarang)", "HH:MM (empty = now)"),
    "handoff-ack.none": (
        "Tidak ada penyerahan yang menunggu tanggapan.",
        "No hand-off is waiting for an acknowledgement.",
    ),
    "handoff-ack.done": (
        "Tanggapan {agency} dicatat ({via}).",
        "{agency}'s acknowledgement recorded ({via}).",
    ),
    "error.time": ("Tulis jam seperti 14:05.", "Write the time like 14:05."),
    "alarm.escalated": (
        "ESKALASI: {number} ke {agency} belum ditanggapi {waited}",
        "ESCALATED: {number} to {agency} unacknowledged for {waited}",
    ),
    "alarm.supervisor": (
        "SUPERVISOR: {number} ke {agency} belum ditanggapi {waited}",
        "SUPERVISOR: {number} to {agency} unacknowledged for {waited}",
    ),
    "alarm.waiting": (
        "menunggu {agency}: {number} {waited}",
        "waiting for {agency}: {number} {waited}",
    ),
    "alarm.notify.desk": (
        "Penyerahan {number} ke {agency} belum ditanggapi: hubungi lagi.",
        "Hand-off {number} to {agency} not acknowledged: call them again.",
    ),
    "alarm.notify.supervisor": (
        "Penyerahan {number} ke {agency} masih belum ditanggapi: supervisor.",
        "Hand-off {number} to {agency} still not acknowledged: supervisor.",
    ),
    "key.referrals.acknowledge": ("Diterima", "Acknowledged"),
    "tip.referrals.acknowledge": (
        "Catat bahwa instansi menerima rujukan (nomor referensinya wajib).",
        "Record that the agency acknowledged (its reference number is required).",
    ),
    "key.referrals.resolve": ("Selesai", "Resolved"),
    "tip.referrals.resolve": (
        "Catat bahwa instansi menyelesaikan masalahnya.",
        "Record that the agency solved the problem.",
    ),
    "key.referrals.callback": ("Telepon balik", "Call back"),
    "tip.referrals.callback": (
        "Catat hasil menelepon balik pelapor setelah rujukan selesai.",
        "Record how calling the caller back after the resolution went.",
    ),
    "refer.callback": (
        "Pelapor minta dikabari bila sudah selesai",
        "The caller wants to be told when it is solved",
    ),
    "referrals.callback-due": ("telepon balik pelapor", "call the caller back"),
    "callback.title": (
        "Hasil telepon balik untuk rujukan #{id}",
        "Call-back outcome for referral #{id}",
    ),
    "callback.informed": ("pelapor sudah dikabari", "caller informed"),
    "callback.no_answer": ("tidak diangkat", "no answer"),
    "callback.not_solved": (
        "pelapor bilang belum beres (buka lagi)",
        "caller says not solved (reopen)",
    ),
    "callback.not-due": (
        "Rujukan ini tidak menunggu telepon balik.",
        "This referral is not waiting for a call-back.",
    ),
    "callback.done": (
        "Telepon balik rujukan #{id}: {outcome}.",
        "Call-back for referral #{id}: {outcome}.",
    ),
    "key.board.acknowledge-handoff": ("Tanggapan", "Acknowledged"),
    "tip.board.acknowledge-handoff": (
        "Catat tanggapan instansi atas penyerahan: siapa, lewat apa, jam berapa.",
        "Record the agency's acknowledgement of the hand-off: who, how, when.",
    ),
    "key.sup.referrals": ("Rujukan", "Referrals"),
    "tip.sup.referrals": (
        "Rujukan terbuka menurut umur, instansi dan sektor; terima, selesai.",
        "Open referrals by age, agency and sector; acknowledge, resolve.",
    ),
    "key.sup.charts": ("Grafik", "Charts"),
    "tip.sup.charts": (
        "Grafik shift: panggilan per jam menurut hasil, waktu terhadap target, "
        "penyerahan dan rujukan per instansi dan sektor.",
        "Shift charts: calls per hour by outcome, times against targets, "
        "hand-offs and referrals by agency and sector.",
    ),
    "sup.charts": ("Grafik", "Charts"),
    "charts.loading": ("Menggambar grafik…", "Drawing charts…"),
    "charts.no-data": ("belum ada data", "no data"),
    "chart.calls-per-hour": (
        "Panggilan per jam menurut hasil",
        "Calls per hour by outcome",
    ),
    "chart.times-vs-targets": (
        "Waktu tanggap dan proses (median) terhadap target",
        "Response and processing times (median) against targets",
    ),
    "chart.handoffs-by-agency": ("Penyerahan per instansi", "Hand-offs by agency"),
    "chart.referrals-by-agency": ("Rujukan per instansi", "Referrals by agency"),
    "chart.referrals-by-sector": ("Rujukan per sektor", "Referrals by sector"),
    "chart.unit.calls": ("panggilan", "calls"),
    "chart.unit.seconds": ("detik", "seconds"),
    "chart.unit.hand-offs": ("penyerahan", "hand-offs"),
    "chart.unit.referrals": ("rujukan", "referrals"),
    "chart.series.median": ("median", "median"),
    "chart.series.target": ("target", "target"),
    "chart.series.acknowledged": ("ditanggapi", "acknowledged"),
    "chart.series.waiting": ("menunggu", "waiting"),
    "chart.series.escalated": ("eskalasi", "escalated"),
    "chart.series.resolved": ("selesai", "resolved"),
    "chart.series.open": ("terbuka", "open"),
    "chart.series.overdue": ("terlambat", "overdue"),
    "key.referrals.reopen": ("Buka lagi", "Reopen"),
    "tip.referrals.reopen": (
        "Masalah muncul lagi: buka kembali rujukan yang sudah selesai, dengan alasan.",
        "The problem is back: reopen a resolved referral, with a reason.",
    ),
    "referral.reopen.title": ("Buka lagi rujukan #{id}", "Reopen referral #{id}"),
    "referral.reason": ("Alasan", "Reason"),
    "referral.reopen.not-resolved": (
        "Hanya rujukan yang sudah selesai yang bisa dibuka lagi.",
        "Only a resolved referral can be reopened.",
    ),
    "referral.done.reopened": (
        "Rujukan #{id} dibuka lagi.",
        "Referral #{id} reopened.",
    ),
    "referrals.title": ("Rujukan terbuka", "Open referrals"),
    "referrals.none": ("Tidak ada rujukan terbuka.", "No open referrals."),
    "referrals.col.age": ("Umur", "Age"),
    "referrals.col.agency": ("Instansi", "Agency"),
    "referrals.col.channel": ("Saluran", "Channel"),
    "referrals.col.sector": ("Sektor", "Sector"),
    "referrals.col.reference": ("Referensi", "Reference"),
    "referrals.col.status": ("Status", "Status"),
    "referrals.overdue": ("TERLAMBAT", "OVERDUE"),
    "referral-status.sent": ("terkirim", "sent"),
    "referral-status.acknowledged": ("diterima", "acknowledged"),
    "referral-status.resolved": ("selesai", "resolved"),
    "referral-ack.title": (
        "Rujukan #{id} diterima {agency}",
        "Referral #{id} acknowledged by {agency}",
    ),
    "referral-resolve.title": (
        "Rujukan #{id} diselesaikan {agency}",
        "Referral #{id} resolved by {agency}",
    ),
    "referral.note": ("Catatan", "Note"),
    "referral.done.acknowledged": (
        "Rujukan #{id} diterima ({reference}).",
        "Referral #{id} acknowledged ({reference}).",
    ),
    "referral.done.resolved": ("Rujukan #{id} selesai.", "Referral #{id} resolved."),
}

#: Engine messages of the follow-up services with their Indonesian text.
FOLLOWUP_ENGINE_MESSAGES: tuple[tuple[str, str], ...] = (
    (
        "Type the number of households as digits.",
        "Tulis jumlah rumah / KK dengan angka.",
    ),
    (
        "Households must be between 1 and 100000.",
        "Jumlah rumah / KK antara 1 dan 100000.",
    ),
    ("At most 80 characters.", "Paling banyak 80 huruf."),
    ("Type the agency's reference number.", "Tulis nomor referensi dari instansi."),
    (
        "The acknowledgement time is in the future.",
        "Jam tanggapan ada di masa depan.",
    ),
    (
        "The acknowledgement time is before the hand-off was requested.",
        "Jam tanggapan sebelum penyerahan diminta.",
    ),
)
