"""The travel-time matrix layer: a node list and a matrix of driving times.

An outside travel-time source (a routing engine run once, the RIVM tables of
a Dutch region, an OSRM ``table`` export) plugs into a pack as two CSV files
and no code:

``nodes.csv``
    ``node_id,lat,lon`` — one row per node (WGS 84 degrees).
``matrix.csv``
    a square table of seconds: a header ``from`` followed by every node id in
    the order of ``nodes.csv``, then one row per origin node in that order,
    its first cell the node id. Row *i*, column *j* is the driving time from
    node *i* to node *j*; it need not be symmetric.

:class:`MatrixTravelModel` answers the travel-time interface the engine uses
(``eta`` / ``eta_many``) from it: a point is snapped to its nearest node, the
short leg to it is driven at ``access_kmh`` crow-fly (as JEMSS's "off-road"
legs are), and between nodes the matrix gives the time. Every problem in the
files is a :class:`MatrixError` naming the file and the line.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from geodata.distance import EARTH_RADIUS_M, distances_m

__all__ = ["MatrixError", "MatrixTravelModel", "TravelMatrix", "load_travel_matrix"]

FloatArray = npt.NDArray[np.float64]


class MatrixError(ValueError):
    """A node list or travel-time matrix cannot be used; names file and line."""


@dataclass(frozen=True)
class TravelMatrix:
    """Nodes and the seconds between them (row = from, column = to)."""

    node_ids: tuple[str, ...]
    coords: FloatArray
    """Shape (n, 2): lat, lon per node."""
    seconds: FloatArray
    """Shape (n, n)."""

    def __len__(self) -> int:
        return len(self.node_ids)


def _read_nodes(path: Path) -> tuple[list[str], list[tuple[float, float]]]:
    ids: list[str] = []
    coords: list[tuple[float, float]] = []
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None or not {"node_id", "lat", "lon"} <= set(
            reader.fieldnames
        ):
            raise MatrixError(f"{path.name}: the header must have node_id,lat,lon")
        for line, row in enumerate(reader, start=2):
            try:
                lat, lon = float(row["lat"]), float(row["lon"])
            except (TypeError, ValueError):
                raise MatrixError(
                    f"{path.name} line {line}: lat/lon not a number"
                ) from None
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise MatrixError(f"{path.name} line {line}: lat/lon out of range")
            node = (row["node_id"] or "").strip()
            if not node or node in ids:
                raise MatrixError(f"{path.name} line {line}: empty or repeated node_id")
            ids.append(node)
            coords.append((lat, lon))
    if not ids:
        raise MatrixError(f"{path.name}: no nodes")
    return ids, coords


def _read_matrix(path: Path, ids: Sequence[str]) -> FloatArray:
    n = len(ids)
    out = np.empty((n, n), dtype=np.float64)
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None or [h.strip() for h in header] != ["from", *ids]:
            raise MatrixError(
                f"{path.name} line 1: the header must be 'from' and the node ids "
                "in the order of the node list"
            )
        rows = 0
        for line, row in enumerate(reader, start=2):
            if rows >= n or len(row) != n + 1 or row[0].strip() != ids[rows]:
                raise MatrixError(
                    f"{path.name} line {line}: expected node {ids[min(rows, n - 1)]}"
                    f" and {n} times"
                )
            try:
                values = [float(v) for v in row[1:]]
            except ValueError:
                raise MatrixError(
                    f"{path.name} line {line}: a time is not a number"
                ) from None
            if any(not math.isfinite(v) or v < 0 for v in values):
                raise MatrixError(f"{path.name} line {line}: times must be >= 0")
            out[rows] = values
            rows += 1
    if rows != n:
        raise MatrixError(f"{path.name}: {rows} rows for {n} nodes")
    return out


def load_travel_matrix(nodes_path: Path, matrix_path: Path) -> TravelMatrix:
    """Read and check a node list and its square matrix of seconds."""
    for path in (nodes_path, matrix_path):
        if not path.is_file():
            raise MatrixError(f"{path.name}: file not found")
    ids, coords = _read_nodes(nodes_path)
    seconds = _read_matrix(matrix_path, ids)
    if np.any(np.diag(seconds) != 0):
        raise MatrixError(f"{matrix_path.name}: the diagonal must be 0")
    return TravelMatrix(tuple(ids), np.array(coords, dtype=np.float64), seconds)


class MatrixTravelModel:
    """Travel times from a :class:`TravelMatrix` (the engine's travel interface).

    ``unit_factor`` divides the times per unit type (1.0 when a type is not
    listed); ``turnout_s`` is added to every ETA, as for the other models.
    """

    def __init__(
        self,
        matrix: TravelMatrix,
        *,
        access_kmh: float = 36.0,
        turnout_s: float = 0.0,
        unit_factor: dict[str, float] | None = None,
    ) -> None:
        if access_kmh <= 0:
            raise ValueError("access_kmh must be positive")
        self.matrix = matrix
        self._access_mps = access_kmh / 3.6
        self.turnout_s = turnout_s
        self._factor = dict(unit_factor or {})

    def snap(self, points: npt.ArrayLike) -> tuple[npt.NDArray[np.intp], FloatArray]:
        """Nearest node of every (lat, lon) point and the distance to it (m)."""
        pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        nodes = np.radians(self.matrix.coords)
        p = np.radians(pts)
        dlat = p[:, None, 0] - nodes[None, :, 0]
        dlon = p[:, None, 1] - nodes[None, :, 1]
        a = (
            np.sin(dlat / 2) ** 2
            + np.cos(p[:, None, 0]) * np.cos(nodes[None, :, 0]) * np.sin(dlon / 2) ** 2
        )
        dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0)))
        idx = np.argmin(dist, axis=1)
        return idx, dist[np.arange(len(pts)), idx]

    def travel_seconds_many(
        self,
        origins: npt.ArrayLike,
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """Driving seconds (no turnout) from many origins to one destination."""
        o = np.asarray(origins, dtype=np.float64).reshape(-1, 2)
        o_idx, o_dist = self.snap(o)
        d_idx, d_dist = self.snap([dest])
        net = self.matrix.seconds[o_idx, int(d_idx[0])]
        route = net + (o_dist + d_dist[0]) / self._access_mps
        direct = distances_m(o[:, 0], o[:, 1], dest[0], dest[1]) / self._access_mps
        # Two points by the same node: the short direct leg, not node and back.
        route = np.where(o_idx == d_idx[0], np.minimum(route, direct), route)
        names = [unit_types] * len(o) if isinstance(unit_types, str) else unit_types
        factor = np.array([self._factor.get(u, 1.0) for u in names], dtype=np.float64)
        out: FloatArray = route / factor
        return out

    def eta_many(
        self,
        origins: npt.ArrayLike,
        dest: tuple[float, float],
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """Turnout + travel seconds for many origins to one destination."""
        out: FloatArray = self.turnout_s + self.travel_seconds_many(
            origins, dest, unit_types, when
        )
        return out

    def eta(
        self,
        origin: tuple[float, float],
        dest: tuple[float, float],
        unit_type: str,
        when: datetime | None = None,
    ) -> float:
        """Turnout + travel seconds from one point to another."""
        return float(self.eta_many([origin], dest, [unit_type], when)[0])
