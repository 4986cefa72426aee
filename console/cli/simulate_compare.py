"""``siaga simulate --replications N --compare A,B``: policies side by side.

Runs :func:`dispatch.simulator.replicate.run_replications` (all cores, common
random numbers, warm-up dropped) and prints, per policy, each figure's mean
with its 95 % interval, then the paired difference of every policy to the
first one named (the baseline). ``--json`` prints the document instead.
"""

from __future__ import annotations

import json
import math
import time
from typing import Any

import click

#: Policies of the in-memory fast path (benchmark packs); a test keeps this
#: equal to ``dispatch.simulator.fast.FAST_POLICIES``.
FAST_POLICY_CHOICES: tuple[str, ...] = (
    "engine",
    "engine-nocoverage",
    "engine-dmexclp",
    "closest-idle",
    "closest-free",
)

_LABELS = {
    "late_fraction": ("late (all)", "share"),
    "late_high_fraction": ("late (high / P1)", "share"),
    "mean_response_min": ("mean response", "min"),
    "p90_response_min": ("p90 response", "min"),
    "p95_response_min": ("p95 response", "min"),
    "busy_fraction": ("busy fraction", "share"),
}


def parse_policies(text: str, allowed: tuple[str, ...], pack: str) -> tuple[str, ...]:
    """``a,b`` → (a, b), each a policy the pack's path knows; else one-line error."""
    names = tuple(p.strip() for p in text.split(",") if p.strip())
    if len(names) < 1 or len(set(names)) != len(names):
        raise click.BadParameter(
            "name one or more different policies, comma-separated",
            param_hint="--compare",
        )
    unknown = [n for n in names if n not in allowed]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)} not known for pack {pack!r}; "
            f"choose from {', '.join(allowed)}",
            param_hint="--compare",
        )
    return names


def _cell(row: dict[str, Any], unit: str) -> str:
    mean, low, high = row["mean"], row["ci_low"], row["ci_high"]
    if mean is None or (isinstance(mean, float) and math.isnan(mean)):
        return "-"
    if unit == "share":
        return f"{100 * mean:.2f}% [{100 * low:.2f}, {100 * high:.2f}]"
    return f"{mean:.2f} [{low:.2f}, {high:.2f}]"


def _print(doc: dict[str, Any], runtime_s: float) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=False, width=160)
    cfg = doc["config"]
    console.print(
        f"[bold]{cfg['pack']}[/bold] · {cfg['replications']} replications × "
        f"{cfg['days']:g} days (+{cfg['warmup_days']:g} warm-up day dropped) · "
        f"seed set {cfg['seed_set']} (seeds {cfg['seeds'][0]}–{cfg['seeds'][1]}) · "
        f"{cfg['path']} · common random numbers"
    )
    table = Table(title="Per policy: mean [95 % CI] over replications")
    table.add_column("figure")
    for policy in doc["policies"]:
        table.add_column(policy, justify="right")
    for key, (label, unit) in _LABELS.items():
        table.add_row(label, *(_cell(p[key], unit) for p in doc["policies"].values()))
    console.print(table)
    for name, rows in doc["paired"].items():
        table = Table(title=f"Paired difference {name}: mean [95 % CI], ratio of means")
        table.add_column("figure")
        table.add_column("difference", justify="right")
        table.add_column("ratio", justify="right")
        for key, (label, unit) in _LABELS.items():
            ratio = rows[key]["ratio_of_means"]
            table.add_row(
                label, _cell(rows[key], unit), "-" if ratio is None else f"{ratio:.3f}"
            )
        console.print(table)
    console.print(f"[dim]Ran in {runtime_s:.1f} s.[/dim]")


def run_compare(
    *,
    pack: str,
    days: float | None,
    replications: int | None,
    compare: str,
    seed_set: str,
    workers: int | None,
    rate_scale: float,
    as_json: bool,
) -> None:
    """Parse, run and print (see the module docstring).

    ``days`` defaults to 14 on a benchmark pack (the instance's training
    period) and 1 on a region pack; ``replications`` to 30.
    """
    from console.cli.simulate_command import POLICY_CHOICES
    from dispatch.simulator.replicate import ReplicationConfig, run_replications
    from geodata.packs.benchmark import BenchmarkError, is_benchmark_pack

    benchmark = is_benchmark_pack(pack)
    allowed = FAST_POLICY_CHOICES if benchmark else POLICY_CHOICES
    policies = parse_policies(compare, allowed, pack)
    try:
        config = ReplicationConfig(
            pack=pack,
            days=days if days is not None else (14.0 if benchmark else 1.0),
            replications=replications if replications is not None else 30,
            policies=policies,
            seed_set=seed_set,
            workers=workers,
            rate_scale=rate_scale,
        )
        began = time.perf_counter()
        doc = run_replications(config)
    except (ValueError, BenchmarkError) as exc:
        raise click.ClickException(str(exc).splitlines()[0]) from exc
    runtime = time.perf_counter() - began
    if as_json:
        click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        _print(doc, runtime)
