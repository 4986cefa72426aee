"""The services' queries use indexes on SQLite: no scans of the growing tables.

Calls, incidents, assignments and events grow without bound (a center keeps
months online); a query that scans one of them gets slower every day. This
test records every SELECT a typical call-to-dispatch sequence runs and asks
SQLite for its plan.
"""

from __future__ import annotations

from sqlalchemy import event

from dispatch.db import make_engine
from dispatch.testing import ALUN_ALUN, make_services

GROWING = (
    "calls",
    "incidents",
    "assignments",
    "events",
    "narrative_entries",
    "referrals",
)


def test_dispatch_sequence_never_scans_a_growing_table(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'plan.db'}")
    services = make_services(engine)
    ambulance = next(u.callsign for u in services.units() if u.unit_type == "AMBULANCE")
    statements: list[tuple[str, tuple[object, ...]]] = []

    @event.listens_for(engine, "before_cursor_execute")
    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    call = services.open_call({"caller_number": "081234567890"})
    incident = services.create_incident(
        call.id, location=ALUN_ALUN, classification={"type_code": "MED-UNCON"}
    )
    services.assign_unit(incident.id, ambulance)
    services.report_status(ambulance, "en_route")
    services.report_status(ambulance, "on_scene")
    event.remove(engine, "before_cursor_execute", record)

    assert statements
    scans = []
    with engine.connect() as conn:
        for sql, params in statements:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params).all()
            for row in rows:
                detail = str(row[-1])
                if any(detail.startswith(f"SCAN {table}") for table in GROWING):
                    scans.append(f"{detail}: {sql.splitlines()[0][:120]}")
    assert scans == []
