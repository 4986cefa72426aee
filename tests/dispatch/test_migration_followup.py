"""Migration 0005: free-text referral channels join the list; escalations carry over."""

from __future__ import annotations

import sqlite3

from alembic.script import ScriptDirectory

from dispatch.db import make_engine
from dispatch.migrate import alembic_config, upgrade


def _before() -> str:
    """The revision 0005 follows."""
    script = ScriptDirectory.from_config(alembic_config())
    down = script.get_revision("0005_referral_followup").down_revision
    assert isinstance(down, str)
    return down


def test_free_text_channels_are_mapped_onto_the_list(tmp_path):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine, _before())
    engine.dispose()
    raw = sqlite3.connect(path)
    when = "2026-11-29 03:00:00"
    for code in ("PDAM", "DAMKAR"):
        raw.execute(
            "INSERT INTO agencies (code, name, short_name, kind, self_dispatching) "
            "VALUES (?, ?, ?, 'referral', 1)",
            (code, code, code),
        )
    for n in range(1, 6):
        raw.execute(
            "INSERT INTO calls (id, received_at, state, operator, terminal, answers, "
            "version) VALUES (?, ?, 'closed', 'ani', 'desk-1', '{}', 1)",
            (n, when),
        )
    for n in (1, 2):
        raw.execute(
            "INSERT INTO incidents (id, number, type_code, determinant, priority, "
            "status, call_received_at, created_at, answers, created_by, version) "
            "VALUES (?, ?, 'FIRE-HOUSE', 'DELTA', 'P1', 'handed_off', ?, ?, '{}', "
            "'ani', 1)",
            (n, f"112-TEST-{n}", when, when),
        )
    channels = ["SP4N-LAPOR!", " sp4n lapor ", "Ulpim", "WhatsApp grup RT", "lapor"]
    for n, channel in enumerate(channels, start=1):
        raw.execute(
            "INSERT INTO referrals (id, call_id, agency_code, channel, status, "
            "sent_at) VALUES (?, ?, 'PDAM', ?, 'sent', '2026-11-29 03:00:00')",
            (n, n, channel),
        )
    raw.execute(
        "INSERT INTO handoffs (id, incident_id, agency_code, status, requested_at, "
        "escalated_at, requested_by) VALUES (1, 1, 'DAMKAR', 'requested', "
        "'2026-11-29 03:00:00', '2026-11-29 03:02:00', 'ani')"
    )
    raw.execute(
        "INSERT INTO handoffs (id, incident_id, agency_code, status, requested_at, "
        "requested_by) VALUES (2, 2, 'DAMKAR', 'requested', "
        "'2026-11-29 03:00:00', 'ani')"
    )
    raw.commit()
    raw.close()
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    raw = sqlite3.connect(path)
    mapped = [
        row[0] for row in raw.execute("SELECT channel FROM referrals ORDER BY id")
    ]
    levels = [
        row[0]
        for row in raw.execute("SELECT escalation_level FROM handoffs ORDER BY id")
    ]
    raw.close()
    assert mapped == ["sp4n-lapor", "sp4n-lapor", "ulpim", "direct", "sp4n-lapor"]
    assert levels == [1, 0]
