"""SVG snapshots of the responder, map and supervisor views.

Deterministic by construction: a FixedClock, a seeded database, no polling
during the capture. Update with ``--snapshot-update`` after reviewing the
report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from console.responder import ResponderApp
from console.screens.map import MapScreen
from console.screens.supervisor import SupervisorScreen
from tests.console.ops_seed import (
    OpsHost,
    make_services,
    new_incident,
    settle,
    unit_principal,
)
from tests.console.test_supervisor import seed_shift

SIZES = [(80, 24), (160, 48)]
LANGUAGES = ["id", "en"]

pytestmark = pytest.mark.snapshot


async def _settled(pilot: Any) -> None:
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_responder_snapshot(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], language: str
) -> None:
    services = make_services(tmp_path, language=language)
    new_incident(services, units=("AMB-01",))
    services.clock.advance(120)  # type: ignore[attr-defined]
    unit_services = services.as_actor("AMB-01")
    app = ResponderApp(
        unit_services,
        "AMB-01",
        follow_interval=3600,
        language=language,
        principal=unit_principal(unit_services, "AMB-01"),
    )
    assert snap_compare(app, terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_map_snapshot(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], language: str
) -> None:
    services = make_services(tmp_path, language=language)
    seed_shift(services)
    app = OpsHost(services, MapScreen(), follow_interval=3600, language=language)
    assert snap_compare(app, terminal_size=size, run_before=_settled)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_supervisor_snapshot(
    snap_compare: Any, tmp_path: Path, size: tuple[int, int], language: str
) -> None:
    services = make_services(tmp_path, language=language)
    seed_shift(services)
    screen = SupervisorScreen(export_dir=tmp_path, refresh_seconds=3600)
    app = OpsHost(services, screen, follow_interval=3600, language=language)
    assert snap_compare(app, terminal_size=size, run_before=_settled)
