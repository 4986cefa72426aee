"""``siaga geocode QUERY``: find a caller's place from the command line.

``--json`` prints one JSON object per query (the shape of
:meth:`geodata.geocoder.GeocodeResult.to_dict`); ``QUERY`` ``-`` reads one
query per line from standard input, for batch use. Without ``--json`` the
answer is a readable table.
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, TextIO

import click

from console.cli.common import db_option, settings_or_exit

if TYPE_CHECKING:
    from geodata.geocoder import GeocodeResult


def register(group: click.Group) -> None:
    """Add ``geocode`` to the ``siaga`` group."""
    group.add_command(geocode)


def _json_line(result: GeocodeResult, explain: bool = False) -> str:
    d = result.to_dict()
    out = {
        "query": d["query"],
        "status": d["status"],
        "match": d["match"],
        "alternatives": d["alternatives"],
        "parsed": d["parsed"],
    }
    if d["note"]:
        out["note"] = d["note"]
    if explain:
        out["explain"] = d["explain"]
    return json.dumps(out, ensure_ascii=False)


def _explain_tables(result: GeocodeResult, out: TextIO) -> None:
    """The parsed parts, then each scoring stage's factor for the top answers."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False, width=160)
    parsed = result.to_dict()["parsed"] or {}
    parts = Table(title="parsed / bagian yang dikenali", show_header=False)
    parts.add_column("part")
    parts.add_column("value")
    for key, value in parsed.items():
        if value not in (None, "", []):
            parts.add_row(key, str(value))
    console.print(parts)
    if not result.explained:
        console.print("no name matched the free words / tidak ada nama yang cocok")
        return
    stages = [name for name, _ in result.explained[0].stages]
    table = Table(title="scoring stages / tahap penilaian (factor; 1.00 = neutral)")
    table.add_column("#", justify="right")
    table.add_column("candidate")
    for name in stages:
        table.add_column(name, justify="right")
    table.add_column("score", justify="right")
    for i, e in enumerate(result.explained, start=1):
        values = dict(e.stages)
        table.add_row(
            str(i),
            f"{e.name} ({e.kind})",
            *(f"{values.get(name, 1.0):.2f}" for name in stages),
            f"{e.score:.3f}",
        )
    console.print(table)


def _table(result: GeocodeResult, out: TextIO) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, highlight=False, soft_wrap=False, width=140)
    labels = {
        "ok": "ditemukan / found",
        "coordinates": "koordinat / coordinates",
        "no_match": "tidak ada yang cukup yakin / no confident match",
        "outside_service_area": "di luar wilayah layanan / outside the service area",
    }
    console.print(
        f"[bold]{result.query}[/bold] → {labels.get(result.status, result.status)}"
    )
    if result.note:
        console.print(result.note)
    rows = ([result.match] if result.match else []) + list(result.alternatives)
    if not rows:
        return
    table = Table(show_lines=False)
    for col in (
        "",
        "name",
        "kind",
        "kelurahan",
        "kecamatan",
        "relation",
        "conf.",
        "lat, lon",
    ):
        table.add_column(col, justify="right" if col == "conf." else "left")
    for i, c in enumerate(rows):
        mark = "MATCH" if i == 0 and result.match is not None else str(i + 1)
        table.add_row(
            mark,
            c.name,
            c.category or c.kind,
            c.kelurahan or "-",
            c.kecamatan or "-",
            c.relation or "-",
            f"{c.confidence:.2f}",
            f"{c.lat:.6f}, {c.lon:.6f}",
        )
    console.print(table)


@click.command("geocode")
@click.argument("query")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per query.")
@click.option(
    "--limit",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Candidates in all (match + alternatives).",
)
@click.option(
    "--pack",
    "pack_name",
    default=None,
    metavar="NAME",
    help="Region pack name or folder (default: the configured region_pack).",
)
@click.option(
    "--explain",
    is_flag=True,
    help="Show the parsed parts and each scoring stage's factor for the top answers.",
)
@db_option
def geocode(
    query: str, as_json: bool, limit: int, pack_name: str | None, explain: bool
) -> None:
    """Find the place a caller describes, offline (QUERY '-' reads stdin lines).

    Example: siaga geocode "200 meter utara alun-alun" --explain
    """
    from geodata.geocoder import GeocoderQueryError, OfflineGeocoder
    from geodata.packs import PackError, load_pack

    if pack_name is None:
        pack_name = settings_or_exit().region_pack
    try:
        geocoder = OfflineGeocoder(load_pack(pack_name))
    except PackError as exc:
        raise click.ClickException(str(exc)) from exc
    queries = (
        (line.rstrip("\r\n") for line in sys.stdin) if query == "-" else iter([query])
    )
    out = sys.stdout
    failed = False
    for q in queries:
        if query == "-" and not q.strip():
            continue
        try:
            result = geocoder.lookup(q, limit=limit)
        except GeocoderQueryError as exc:
            if query != "-":
                raise click.BadParameter(str(exc), param_hint="QUERY") from exc
            failed = True
            if as_json:
                click.echo(
                    json.dumps(
                        {
                            "query": q,
                            "status": "error",
                            "error": str(exc),
                            "match": None,
                            "alternatives": [],
                        },
                        ensure_ascii=False,
                    )
                )
            else:
                click.echo(f"{q!r}: {exc}", err=True)
            continue
        if as_json:
            click.echo(_json_line(result, explain))
        else:
            _table(result, out)
            if explain:
                _explain_tables(result, out)
    if failed:
        sys.exit(1)
