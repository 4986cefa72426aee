"""One simulated Blitar day (24 h, seed 1) on the real engine, in memory."""

from __future__ import annotations

from dispatch.simulator import SimulationConfig, simulate


def test_simulated_day(benchmark):
    def day():
        result = simulate(SimulationConfig(seed=1, hours=24))
        result.engine.dispose()
        return result

    result = benchmark.pedantic(day, rounds=1, iterations=1)
    assert (
        result.to_dict()["incidents"]["closed"]
        == result.to_dict()["incidents"]["total"]
    )
