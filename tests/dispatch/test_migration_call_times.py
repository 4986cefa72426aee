"""Migration 0003: old calls get a ring time only where one was given."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from dispatch.db import make_engine
from dispatch.migrate import upgrade

_CALL = (
    "INSERT INTO calls (id, received_at, answered_at, state, operator, terminal,"
    " answers, version) VALUES (:id, :received, :answered, 'closed', 'ani',"
    " 'desk-1', '{}', 1)"
)


def test_old_calls_get_a_ring_time_only_where_telephony_gave_one(
    tmp_path: Path,
) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    upgrade(engine, "0001")
    with engine.begin() as conn:
        # Opened at answer (the console's way): no ring was ever known.
        conn.execute(
            text(_CALL),
            {
                "id": 1,
                "received": "2026-11-27 01:00:00",
                "answered": "2026-11-27 01:00:00",
            },
        )
        # Opened with a ring time from telephony (the simulator's way).
        conn.execute(
            text(_CALL),
            {
                "id": 2,
                "received": "2026-11-27 02:00:00",
                "answered": "2026-11-27 02:00:12",
            },
        )
    upgrade(engine)
    with engine.connect() as conn:
        rows: dict[int, object] = {
            int(r[0]): r[1] for r in conn.execute(text("SELECT id, rang_at FROM calls"))
        }
    assert rows[1] is None
    assert str(rows[2]).startswith("2026-11-27 02:00:00")
    engine.dispose()
