"""Failover time over repeated leader kills (issue 12); a measurement, not a test.

Run: ``.venv/bin/python -m tests.bench.measure_failover --kills 10``

Starts ``scripts/cluster``, keeps four desks opening calls through the service
API, and ``--kills`` times SIGKILLs the leader node (Patroni and PostgreSQL),
then brings the killed node back and waits for a synchronous standby before
the next kill. For each kill it reports when a new leader answered Patroni's
REST API and when the slowest desk had its next call acknowledged; at the end
it checks that every acknowledged call is stored exactly once and that the
journal verifies, and prints min / median / max.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time

from dispatch.db import make_engine
from dispatch.testing import make_services, seed_database
from tests.dispatch.test_failover_cluster import _copies
from tests.patroni import DeskLoad, PatroniCluster


def _kill_once(
    cluster: PatroniCluster, load: DeskLoad, desks: int
) -> tuple[float, float]:
    killed = cluster.kill_leader()
    at = time.monotonic()
    leader_after = float("nan")
    while time.monotonic() - at < 60:
        if len(load.acknowledged_since(at)) == desks:
            break
        if leader_after != leader_after and cluster.leader() not in (None, killed):
            leader_after = time.monotonic() - at
        time.sleep(0.1)
    resumed = load.acknowledged_since(at)
    desk_after = max(resumed.values()) - at if len(resumed) == desks else float("inf")
    cluster.run("start")  # the killed node rejoins; waits for a sync standby
    time.sleep(1.0)
    return leader_after, desk_after


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--desks", type=int, default=4)
    args = parser.parse_args()
    # Like the test suite: the signing key and the witness file of this
    # throwaway database go to a throwaway folder, not the user's data folder.
    home = tempfile.mkdtemp(prefix="siaga-failover-home-")
    os.environ["XDG_DATA_HOME"] = os.path.join(home, "data")
    os.environ["XDG_CONFIG_HOME"] = os.path.join(home, "config")
    cluster = PatroniCluster()
    cluster.start()
    try:
        engine = make_engine(cluster.url)
        seed_database(engine)
        load = DeskLoad(
            [
                make_services(engine, seed=False, terminal=f"desk-{n}")
                for n in range(args.desks)
            ]
        )
        load.start()
        time.sleep(2.0)
        rows = []
        for kill in range(1, args.kills + 1):
            leader_after, desk_after = _kill_once(cluster, load, args.desks)
            rows.append((leader_after, desk_after))
            print(
                f"kill {kill:2d}: new leader {leader_after:5.1f} s, "
                f"all desks writing {desk_after:5.1f} s",
                flush=True,
            )
        load.stop()
        names = list(load.acknowledged)
        copies = _copies(engine, names + load.in_doubt)
        lost = sum(1 for name in names if copies.get(name, 0) == 0)
        doubled = sum(1 for count in copies.values() if count > 1)
        report = load.services[0].verify_journal()
        for label, values in (
            ("new leader", [r[0] for r in rows]),
            ("desks writing", [r[1] for r in rows]),
        ):
            print(
                f"{label:14s} min {min(values):5.1f} s  "
                f"median {statistics.median(values):5.1f} s  max {max(values):5.1f} s"
            )
        print(
            f"calls acknowledged {len(names)}, lost {lost}, stored twice {doubled}, "
            f"in doubt {len(load.in_doubt)} "
            f"({sum(copies.get(n, 0) for n in load.in_doubt)} of them stored), "
            f"refused {len(load.failed)}; "
            f"journal {'verifies' if report.ok else report.problem} "
            f"({report.checked} events)"
        )
    finally:
        cluster.stop()
        shutil.rmtree(home, ignore_errors=True)


if __name__ == "__main__":
    main()
