"""``--surge START-END:FACTOR``: a window of the run at a multiplied call rate."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from console.cli import main as cli
from dispatch.simulator import SimulationConfig, load_profile, simulate
from dispatch.simulator.calls import PlaceSampler, Surge, generate_calls
from geodata.packs import load_pack


def _arrivals_h(surge: Surge | None, seed: int) -> list[float]:
    calls = generate_calls(
        seed=seed,
        profile=load_profile(),
        places=PlaceSampler(load_pack("blitar")),
        hours=24,
        rate_scale=50,
        start=datetime(2025, 2, 3, 0, 0, tzinfo=UTC),
        zone=ZoneInfo("Asia/Jakarta"),
        surge=surge,
    )
    return [c.at_s / 3600 for c in calls]


def test_parse() -> None:
    assert Surge.parse("10-13:4") == Surge(10.0, 13.0, 4.0)
    assert Surge.parse(" 0.5-2.5:1.5 ") == Surge(0.5, 2.5, 1.5)
    for bad in ("10-13", "13-10:2", "a-b:2", "10:2", "1-2:-1", "1-nan:2"):
        with pytest.raises(ValueError, match="START"):
            Surge.parse(bad)


def test_surge_multiplies_the_window_only() -> None:
    base = [h for s in range(1, 4) for h in _arrivals_h(None, s)]
    surged = [h for s in range(1, 4) for h in _arrivals_h(Surge(10, 13, 4), s)]

    def inside(hs: list[float]) -> int:
        return sum(10 <= h < 13 for h in hs)

    ratio = inside(surged) / inside(base)
    assert 3.3 < ratio < 4.8, ratio
    outside = (len(surged) - inside(surged)) / (len(base) - inside(base))
    assert 0.9 < outside < 1.1, outside


def test_surge_in_the_run_figures() -> None:
    cfg = SimulationConfig(seed=3, hours=2, rate_scale=5, surge=Surge(0, 1, 3))
    doc = simulate(cfg).to_dict()
    assert doc["config"]["surge"] == {"start_h": 0.0, "end_h": 1.0, "factor": 3.0}


def test_cli_bad_surge_is_one_line() -> None:
    res = CliRunner().invoke(cli, ["simulate", "--hours", "1", "--surge", "5-3:2"])
    assert res.exit_code == 2
    assert "--surge" in res.output
    assert "Traceback" not in res.output
