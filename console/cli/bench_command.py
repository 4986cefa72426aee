"""``siaga bench``: the benchmarks as one table (operation, size, median, p95, target).

``--quick`` runs the rows marked quick in ``tests/bench/targets.toml`` with
short rounds (about a minute; the test suite runs it so the benchmarks never
rot); without it every benchmark runs with pytest-benchmark's defaults.
``--markdown`` prints the README's table; ``--json`` plain data.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add ``bench`` to the ``siaga`` group."""
    group.add_command(bench)


@click.command()
@click.option(
    "--quick", is_flag=True, help="Only the quick rows, short rounds (~1 min)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
@click.option("--markdown", is_flag=True, help="Print the README's Markdown table.")
def bench(quick: bool, as_json: bool, markdown: bool) -> None:
    """Run the benchmarks (tests/bench) and print one table against the targets."""
    from console import benchmarks

    click.echo(
        "running the benchmarks" + (" (quick)" if quick else "") + " …", err=True
    )
    try:
        with tempfile.TemporaryDirectory(prefix="siaga-bench-") as workdir:
            report = benchmarks.measure(quick=quick, workdir=Path(workdir))
    except benchmarks.BenchError as exc:
        raise click.ClickException(str(exc)) from exc
    if as_json:
        click.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif markdown:
        click.echo(benchmarks.markdown(report))
    else:
        _print_table(report)
    if any(benchmarks.verdict(row) == "not run" for row in report.rows):
        raise click.ClickException("some benchmarks in targets.toml did not run")


def _print_table(report: object) -> None:
    from rich.console import Console
    from rich.table import Table

    from console import benchmarks

    assert isinstance(report, benchmarks.Report)
    table = Table(title="Siaga 112 benchmarks")
    for column in ("operation", "size", "median", "p95", "target", "met"):
        table.add_column(
            column, justify="right" if column in ("median", "p95") else "left"
        )
    for row in report.rows:
        unit = row.target.unit
        table.add_row(
            row.target.what,
            row.target.size,
            benchmarks.fmt(row.median, unit),
            benchmarks.fmt(row.p95, unit),
            benchmarks.target_text(row.target),
            benchmarks.verdict(row),
        )
    console = Console()
    console.print(table)
    m = report.machine
    console.print(
        f"{m.get('cpu')} · {m.get('cores')} cores · {m.get('memory_gib')} GiB · "
        f"load {m.get('load_average_1min')} · Python {m.get('python')} · "
        f"{m.get('system')}"
    )
