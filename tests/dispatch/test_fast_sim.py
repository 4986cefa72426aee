"""The in-memory benchmark path: common random numbers, policies, replications."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from click.testing import CliRunner

from console.cli import main
from dispatch.simulator.fast import (
    FAST_POLICIES,
    generate_benchmark_calls,
    run_benchmark,
)
from dispatch.simulator.replicate import CoverageTuning, benchmark_config
from geodata.packs.benchmark import load_benchmark_pack

DAY = 86400.0


@pytest.fixture(scope="module")
def pack():
    return load_benchmark_pack("utrecht")


def test_the_same_seed_gives_the_same_calls_and_draws(pack):
    a = generate_benchmark_calls(pack, 7, 24)
    b = generate_benchmark_calls(pack, 7, 24)
    for name in ("arrival", "high", "place", "on_scene", "transport", "handover"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    c = generate_benchmark_calls(pack, 8, 24)
    assert not np.array_equal(a.on_scene[:10], c.on_scene[:10])


def test_each_calls_draws_do_not_depend_on_anything_after_it(pack):
    """Per-quantity streams: call i's draws are the same in a longer run."""
    day = generate_benchmark_calls(pack, 7, 24)
    two = generate_benchmark_calls(pack, 7, 48)
    n = len(day)
    assert len(two) > n
    for name in ("arrival", "high", "place", "on_scene", "transport", "handover"):
        assert np.array_equal(getattr(day, name), getattr(two, name)[:n]), name


def test_policies_meet_the_same_calls_and_service_draws(pack):
    """CRN: the call object is shared and no policy changes a draw."""
    calls = generate_benchmark_calls(pack, 11, 24)
    before = {k: np.copy(v) for k, v in vars(calls).items()}
    runs = {
        p: run_benchmark(
            pack, calls, p, benchmark_config(pack, p, CoverageTuning()), (0, DAY)
        )
        for p in ("closest-idle", "engine")
    }
    for k, v in vars(calls).items():
        assert np.array_equal(before[k], v), k
    for run in runs.values():
        assert np.array_equal(run.arrival, calls.arrival)
        assert np.array_equal(run.high, calls.high)
        assert np.isfinite(run.response).all()  # every call reached after the drain
        assert (run.response >= pack.calls.dispatch_delay_min * 60 - 1e-9).all()
    # Decisions differ, so responses differ somewhere, but not everywhere.
    diff = runs["engine"].response != runs["closest-idle"].response
    assert 0 < diff.sum() < len(calls)


def test_busy_time_matches_the_service_draws_when_nothing_queues(pack):
    """One quiet call: committed time = drive + on scene (+ transport + handover)."""
    calls = generate_benchmark_calls(pack, 5, 24)
    one = type(calls)(**{k: v[:1] for k, v in vars(calls).items()})
    run = run_benchmark(
        pack,
        one,
        "closest-idle",
        benchmark_config(pack, "closest-idle", CoverageTuning()),
        (0, DAY),
    )
    drive = run.response[0] - pack.calls.dispatch_delay_min * 60
    minimum = drive + one.on_scene[0] + (one.handover[0] if one.transport[0] else 0)
    assert run.busy_s >= minimum - 1e-6
    assert run.busy_s <= minimum + 3 * 3600


def test_unknown_policy_is_refused(pack):
    calls = generate_benchmark_calls(pack, 5, 1)
    with pytest.raises(ValueError, match="unknown policy"):
        run_benchmark(
            pack,
            calls,
            "nearest",
            benchmark_config(pack, "x", CoverageTuning()),
            (0, 3600),
        )


def test_cli_policy_list_matches_the_fast_path():
    from console.cli.simulate_compare import FAST_POLICY_CHOICES

    assert FAST_POLICY_CHOICES == FAST_POLICIES


def test_a_tiny_replication_run_end_to_end():
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--pack",
            "utrecht",
            "--days",
            "0.5",
            "--replications",
            "3",
            "--compare",
            "closest-idle,engine",
            "--seed-set",
            "train",
            "--json",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["config"]["path"] == "fast path"
    assert doc["config"]["warmup_days"] == 1.0
    assert set(doc["policies"]) == {"closest-idle", "engine"}
    row = doc["policies"]["engine"]["late_fraction"]
    assert row["n"] == 3
    assert row["ci_low"] <= row["mean"] <= row["ci_high"]
    paired = doc["paired"]["engine - closest-idle"]["mean_response_min"]
    assert paired["n"] == 3
    assert math.isfinite(paired["mean"])
    means = [
        doc["policies"][p]["mean_response_min"]["mean"]
        for p in ("engine", "closest-idle")
    ]
    assert paired["mean"] == pytest.approx(means[0] - means[1], abs=2e-4)


def test_the_rich_comparison_prints_both_tables():
    result = CliRunner().invoke(
        main,
        [
            "simulate",
            "--pack",
            "utrecht",
            "--days",
            "0.25",
            "--replications",
            "2",
            "--compare",
            "closest-free,engine",
            "--workers",
            "1",
        ],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    assert "Paired difference engine - closest-free" in result.output
    assert "late (high / P1)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--compare", "closest-idle,teleport"], "teleport not known"),
        (["--compare", "engine,engine"], "different policies"),
        (["--replications", "1"], "1 is not in the range"),
        (["--hours", "3"], "--hours does not apply to replications"),
        (["--seed", "3"], "--seed does not apply to replications"),
    ],
)
def test_bad_comparisons_are_one_line_errors(args, message):
    result = CliRunner().invoke(
        main, ["simulate", "--pack", "utrecht", "--days", "0.1", *args]
    )
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_an_unknown_pack_is_one_line():
    result = CliRunner().invoke(main, ["simulate", "--pack", "nowhere", "--hours", "1"])
    assert result.exit_code == 1
    assert "region pack folder not found" in result.output
    assert "Traceback" not in result.output


def test_replications_refuse_a_database():
    result = CliRunner().invoke(
        main,
        ["--db", "sqlite://", "simulate", "--pack", "utrecht", "--replications", "2"],
    )
    assert result.exit_code == 2
    assert "drop --db" in result.output


def _strict(token: str) -> None:
    raise AssertionError(f"{token} is not JSON")


def test_a_region_pack_replicates_on_the_services_path_in_strict_json():
    """Blitar, a short surge: every figure is a number or null, never NaN."""
    result = CliRunner().invoke(
        main,
        ["simulate", "--pack", "blitar", "--days", "0.1", "--replications", "2",
         "--rate-scale", "20", "--compare", "closest-idle,engine", "--workers", "1",
         "--json"],
        catch_exceptions=False,
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output, parse_constant=_strict)
    assert doc["config"]["path"] == "services"
    assert doc["policies"]["engine"]["late_fraction"]["n"] == 2


def test_the_fast_engine_decides_with_the_desks_functions(pack, monkeypatch):
    """Every engine dispatch goes through dispatch.recommend / dispatch.batch."""
    import dispatch.batch
    import dispatch.priority
    import dispatch.recommend
    import dispatch.simulator.fast as fast

    assert vars(fast)["recommend"] is dispatch.recommend.recommend
    assert vars(fast)["assign_batch"] is dispatch.batch.assign_batch
    assert vars(fast)["queue_key"] is dispatch.priority.queue_key
    seen: list[int] = []

    def spy(request, *args, **kwargs):
        seen.append(request.incident_id)
        return dispatch.recommend.recommend(request, *args, **kwargs)

    def batch_spy(requests, *args, **kwargs):
        made = dispatch.batch.assign_batch(requests, *args, **kwargs)
        seen.extend(a.incident_id for a in made)
        return made

    monkeypatch.setattr(fast, "recommend", spy)
    monkeypatch.setattr(fast, "assign_batch", batch_spy)
    calls = generate_benchmark_calls(pack, 3, 6)
    config = benchmark_config(pack, "engine", CoverageTuning())
    run = run_benchmark(pack, calls, "engine", config, (0, 6 * 3600))
    assert np.isfinite(run.response).all()
    # Every call was decided by the recommender or the batch step.
    assert set(seen) == set(range(len(calls)))


def test_replication_options_are_refused_on_a_single_run():
    result = CliRunner().invoke(main, ["simulate", "--hours", "1", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers does not apply to a single run" in result.output
