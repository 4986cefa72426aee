"""``siaga pack build`` and ``siaga pack check``: make and validate region packs.

``build`` turns an OpenStreetMap extract and the city's boundary into a pack
folder (``geodata.packbuild``); ``check`` loads a pack folder and prints what
it holds, or the one error that stops it loading (file and line).
"""

from __future__ import annotations

from pathlib import Path

import click


def register(group: click.Group) -> None:
    """Add the ``pack`` group to the ``siaga`` group."""
    group.add_command(pack)


@click.group()
def pack() -> None:
    """Build and check region packs."""


@pack.command("build")
@click.option(
    "--osm",
    "osm_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="OpenStreetMap extract (.osm.pbf, .osm or .osm.bz2) covering the city.",
)
@click.option(
    "--boundary",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="GeoJSON of the city's areas (one polygon per kelurahan, or one in all).",
)
@click.option("--name", required=True, help="Pack name (lower-case, e.g. kotabaru).")
@click.option(
    "--out",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Folder to write (default: ./NAME); it must not hold files yet.",
)
@click.option("--title", default=None, help="The city's name as people read it.")
@click.option(
    "--timezone", default="Asia/Jakarta", show_default=True, help="IANA time zone."
)
def build(
    osm_file: Path,
    boundary: Path,
    name: str,
    out: Path | None,
    title: str | None,
    timezone: str,
) -> None:
    """Build a region pack from OpenStreetMap data (ODbL attribution included)."""
    from geodata.packbuild import PackBuildError, build_pack

    try:
        built = build_pack(
            osm_file,
            boundary,
            name=name,
            out=out or Path(name),
            title=title,
            timezone=timezone,
        )
    except PackBuildError as exc:
        raise click.ClickException(str(exc)) from None
    counts = ", ".join(f"{n} {layer}" for layer, n in built.counts.items())
    click.echo(f"Pack {name} written to {built.path}: {counts}.")
    click.echo("Review agencies.csv and travel.toml, then add the roster (units.csv).")


@pack.command("check")
@click.argument("pack_path")
def check(pack_path: str) -> None:
    """Load the pack PACK_PATH (a folder or a shipped name) and summarise it."""
    from dispatch.catalogue import CatalogueError, catalogue_for_city
    from geodata.packs import CityData, PackError, load_pack

    try:
        loaded = load_pack(pack_path)
        catalogue = catalogue_for_city(CityData.of(loaded))
    except (PackError, CatalogueError) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{loaded.title} ({loaded.name}): {len(loaded.kelurahan)} kelurahan, "
        f"{len(loaded.landmarks)} landmarks, {len(loaded.streets)} streets, "
        f"{len(loaded.stations)} stations, {len(loaded.agencies)} agencies, "
        f"{len(loaded.units)} units, "
        f"{loaded.road_graph.edge_count if loaded.road_graph else 0} road edges, "
        f"{len(loaded.catalogue_overlay)} catalogue file(s), "
        f"{len(catalogue)} incident types"
    )
    for missing in loaded.missing_optional:
        click.echo(f"  optional file absent: {missing}")


@pack.command("province")
@click.option(
    "--from",
    "source",
    default="blitar",
    show_default=True,
    help="The city pack to tile (a shipped name or a folder).",
)
@click.option(
    "--tiles",
    default="4x2",
    show_default=True,
    help="Grid of tiles, COLSxROWS (east-west by north-south).",
)
@click.option(
    "--unit-copies",
    type=click.IntRange(min=1),
    default=16,
    show_default=True,
    help="Copies of the city's roster per tile.",
)
@click.option(
    "--small-places",
    type=click.IntRange(min=0),
    default=36_800,
    show_default=True,
    help="Made-up small places (shops, stalls…) per tile.",
)
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder to write; it must not hold files yet.",
)
@click.option("--name", default="province", show_default=True, help="Pack name.")
def province(
    source: str, tiles: str, unit_copies: int, small_places: int, out: Path, name: str
) -> None:
    """Make a synthetic province pack by tiling a city pack (benchmarks, #12)."""
    from geodata.packbuild.province import (
        ProvinceBuildError,
        ProvincePlan,
        build_province,
        parse_tiles,
    )
    from geodata.packs import PackError
    from geodata.packs.loader import resolve_pack_path

    try:
        cols, rows = parse_tiles(tiles)
        plan = ProvincePlan(
            cols=cols,
            rows=rows,
            unit_copies=unit_copies,
            small_places_per_tile=small_places,
        )
        counts = build_province(resolve_pack_path(source), out, name=name, plan=plan)
    except (ProvinceBuildError, PackError) as exc:
        raise click.ClickException(str(exc)) from None
    summary = ", ".join(f"{n} {layer}" for layer, n in counts.items())
    click.echo(
        f"Province pack {name} ({cols}x{rows} tiles) written to {out}: {summary}."
    )
