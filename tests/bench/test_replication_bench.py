"""Utrecht replications on the fast path: the cost of one replication-day.

The issue's target (30 replications × 14 days × 2 policies in under 10
minutes on 2 cores) is 900 policy-days; this times 2 replications × 2 days ×
2 policies (8 policy-days, one worker) so the suite stays short. Multiply by
~112 / cores for the full run; docs/simulator.md gives the measured full run.
"""

from __future__ import annotations

from dispatch.simulator.replicate import ReplicationConfig, run_replications


def test_utrecht_replications(benchmark):
    config = ReplicationConfig(
        pack="utrecht",
        days=2,
        replications=2,
        policies=("closest-idle", "engine"),
        seed_set="train",
        workers=1,
    )
    doc = benchmark.pedantic(run_replications, args=(config,), rounds=1, iterations=1)
    assert doc["policies"]["engine"]["calls"]["mean"] > 200
