"""Reading pack files (CSV, GeoJSON, TOML) into validated records.

Every problem becomes one :class:`PackError` whose message names the file and,
where there is one, the line (CSV row, GeoJSON feature, TOML position), so a
centre editing its own pack sees exactly where to look.
"""

from __future__ import annotations

import csv
import json
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

__all__ = [
    "FeatureLines",
    "PackError",
    "describe",
    "read_csv",
    "read_geojson",
    "read_toml",
    "ring",
    "validate_toml",
]


class PackError(ValueError):
    """A region pack cannot be loaded; the message names the file and line."""


M = TypeVar("M", bound=BaseModel)


def describe(exc: ValidationError) -> str:
    """One line per pydantic error: ``key: message (got value)``."""
    parts = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "row"
        parts.append(f"{loc}: {err['msg']} (got {err.get('input')!r})")
    return "; ".join(parts)


def _check_header(path: Path, header: list[str] | None, model: type[BaseModel]) -> None:
    if not header:
        raise PackError(f"{path}, line 1: empty file, expected a header row")
    unknown = [h for h in header if h not in model.model_fields]
    if unknown:
        raise PackError(
            f"{path}, line 1: unknown column(s) {', '.join(unknown)}; "
            f"expected {', '.join(model.model_fields)}"
        )


def _rows(
    path: Path, model: type[M], reader: csv.DictReader[str]
) -> Iterator[tuple[int, M]]:
    header = reader.fieldnames or []
    for row in reader:
        line = reader.line_num
        if None in row or any(v is None for v in row.values()):
            raise PackError(
                f"{path}, line {line}: expected {len(header)} fields "
                f"({', '.join(header)})"
            )
        try:
            yield line, model.model_validate(dict(row))
        except ValidationError as exc:
            raise PackError(f"{path}, line {line}: {describe(exc)}") from None


def read_csv(path: Path, model: type[M]) -> Iterator[tuple[int, M]]:
    """``(line, record)`` for every row of a CSV file with a header row.

    Unknown columns, short rows and invalid values are errors naming the line.
    """
    try:
        fh = path.open(newline="", encoding="utf-8-sig")
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror}") from exc
    with fh:
        reader = csv.DictReader(fh, restval=None)
        try:
            _check_header(path, list(reader.fieldnames or []), model)
            yield from _rows(path, model, reader)
        except csv.Error as exc:
            raise PackError(f"{path}, line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError as exc:
            raise PackError(f"{path}: not UTF-8 text ({exc.reason})") from None


_FEATURE = re.compile(r'"type"\s*:\s*"Feature"')


class FeatureLines:
    """Line number of the i-th feature, computed only when an error needs it."""

    def __init__(self, text: str, starts: list[int], count: int) -> None:
        self._text = text
        self._starts = starts if len(starts) == count else [0] * count
        self._count = count

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, i: int) -> int:
        return self._text.count("\n", 0, self._starts[i]) + 1


def read_geojson(path: Path) -> tuple[list[dict[str, Any]], FeatureLines]:
    """Features of a FeatureCollection plus (lazily) the line each starts on."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PackError(f"{path}: cannot read: {exc}") from exc
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PackError(f"{path}, line {exc.lineno}: invalid JSON: {exc.msg}") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        raise PackError(f"{path}, line 1: expected a GeoJSON FeatureCollection")
    feats = doc.get("features")
    if not isinstance(feats, list):
        raise PackError(f"{path}, line 1: FeatureCollection without features")
    starts = [m.start() for m in _FEATURE.finditer(text)]
    return feats, FeatureLines(text, starts, len(feats))


def read_toml(path: Path) -> dict[str, Any]:
    """A TOML file as a dict; a syntax error names the line and column."""
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh)
    except OSError as exc:
        raise PackError(f"{path}: cannot read: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        # the message ends with "(at line L, column C)"
        raise PackError(f"{path}: invalid TOML: {exc}") from None


def validate_toml(path: Path, model: type[M]) -> M:
    """A TOML file validated by ``model``; errors name the file and the key."""
    try:
        return model.model_validate(read_toml(path))
    except ValidationError as exc:
        raise PackError(f"{path}: {describe(exc)}") from None


def ring(
    coords: Any, path: Path, lines: FeatureLines, i: int
) -> tuple[tuple[float, float], ...]:
    """A GeoJSON ring (``[lon, lat]`` positions) as ``(lat, lon)`` tuples."""
    try:
        out = tuple((float(c[1]), float(c[0])) for c in coords)
    except (TypeError, ValueError, IndexError):
        raise PackError(f"{path}, line {lines[i]}: bad coordinates in ring") from None
    if len(out) < 4:
        raise PackError(f"{path}, line {lines[i]}: ring with fewer than 4 positions")
    for lat, lon in out:
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise PackError(
                f"{path}, line {lines[i]}: position ({lon}, {lat}) out of range "
                "(GeoJSON order is [lon, lat])"
            )
    return out
