"""The aliases layer: other names callers use for places.

Aliases of kecamatan, kelurahan, landmarks and streets are attached to the
records loaded before this layer.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from geodata.packs.layers.parts import PackParts
from geodata.packs.reading import PackError, read_csv

__all__ = ["load_aliases"]

#: Alias target kind → the layer whose absence excuses an unknown target.
_TOLERATED_WHEN_MISSING = {"landmark": "landmarks", "street": "streets"}


class AliasRow(BaseModel):
    """One row of ``aliases.csv``: ``target`` is ``kind:identifier``."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)
    target: str = Field(min_length=3)
    alias: str = Field(min_length=1)


def _targets(parts: PackParts) -> dict[str, dict[str, Any]]:
    return {
        "kecamatan": parts.kecamatan,
        "kelurahan": parts.kelurahan,
        "landmark": parts.landmarks,
        "street": parts.streets,
    }


def _collect(path: Path, parts: PackParts) -> dict[str, dict[str, list[str]]]:
    layers = _targets(parts)
    found: dict[str, dict[str, list[str]]] = {kind: {} for kind in layers}
    for line, row in read_csv(path, AliasRow):
        kind, _, ident = row.target.partition(":")
        if kind not in layers or not ident:
            raise PackError(
                f"{path}, line {line}: target {row.target!r} must be "
                "kecamatan:<code>, kelurahan:<code>, landmark:<id> or street:<id>"
            )
        if ident not in layers[kind]:
            # a target may be absent only when an optional file providing it is
            if _TOLERATED_WHEN_MISSING.get(kind) in parts.files.missing_layers:
                continue
            raise PackError(f"{path}, line {line}: unknown {kind} {ident!r}")
        found[kind].setdefault(ident, []).append(row.alias)
    return found


def load_aliases(path: Path, parts: PackParts) -> None:
    """``aliases.csv``: every target must exist (unless its layer is absent)."""
    layers = _targets(parts)
    for kind, by_id in _collect(path, parts).items():
        records = layers[kind]
        for ident, names in by_id.items():
            records[ident] = records[ident].model_copy(update={"aliases": tuple(names)})
