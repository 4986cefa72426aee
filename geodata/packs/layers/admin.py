"""Administrative layers: kecamatan, kelurahan and their boundary polygons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from geodata.packs.layers.parts import PackParts
from geodata.packs.models import Kecamatan, Kelurahan
from geodata.packs.reading import FeatureLines, PackError, read_csv, read_geojson, ring

__all__ = ["load_boundaries", "load_kecamatan", "load_kelurahan"]


def load_kecamatan(path: Path, parts: PackParts) -> None:
    """``kecamatan.csv``: districts with unique codes."""
    for line, kc in read_csv(path, Kecamatan):
        if kc.code in parts.kecamatan:
            raise PackError(f"{path}, line {line}: duplicate code {kc.code}")
        parts.kecamatan[kc.code] = kc


def load_kelurahan(path: Path, parts: PackParts) -> None:
    """``kelurahan.csv``: villages, each in a known kecamatan."""
    for line, kl in read_csv(path, Kelurahan):
        if kl.code in parts.kelurahan:
            raise PackError(f"{path}, line {line}: duplicate code {kl.code}")
        parent = parts.kecamatan.get(kl.kecamatan_code)
        if parent is None:
            raise PackError(
                f"{path}, line {line}: unknown kecamatan_code {kl.kecamatan_code}"
            )
        parts.kelurahan[kl.code] = kl.model_copy(update={"kecamatan_name": parent.name})


def _rings_of(
    geom: dict[str, Any], path: Path, lines: FeatureLines, i: int
) -> tuple[tuple[tuple[float, float], ...], ...]:
    if geom.get("type") == "Polygon":
        rings_src = geom.get("coordinates") or []
    elif geom.get("type") == "MultiPolygon":
        polys = geom.get("coordinates") or []
        # the largest part stands for the kelurahan (enclaves are rare slivers)
        rings_src = max(polys, key=lambda p: len(p[0])) if polys else []
    else:
        raise PackError(f"{path}, line {lines[i]}: expected Polygon or MultiPolygon")
    rings = tuple(ring(r, path, lines, i) for r in rings_src)
    if not rings:
        raise PackError(f"{path}, line {lines[i]}: empty polygon")
    return rings


def load_boundaries(path: Path, parts: PackParts) -> None:
    """``boundaries.geojson``: one polygon per kelurahan, keyed by ``code``."""
    feats, lines = read_geojson(path)
    for i, feat in enumerate(feats):
        props = feat.get("properties") or {}
        code = props.get("code")
        if code not in parts.kelurahan:
            raise PackError(f"{path}, line {lines[i]}: unknown kelurahan code {code!r}")
        rings = _rings_of(feat.get("geometry") or {}, path, lines, i)
        parts.kelurahan[code] = parts.kelurahan[code].model_copy(
            update={"polygon": rings}
        )
