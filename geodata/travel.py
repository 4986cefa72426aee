"""Travel time: one interface, ``eta(from, to, unit_type, when)`` → seconds.

ETA = turnout (by unit type) + travel. The default model,
:class:`RoadNetworkTravelModel`, routes on the pack's road graph (RBI 1:25k
for Kota Blitar): both ends snap to the nearest graph node (k-d tree), one
Dijkstra from the destination (:func:`scipy.sparse.csgraph.dijkstra`, about
1 ms, cached per destination node) gives the time from *every* node, so
ranking hundreds of units is a vectorised lookup. Points too far from the
graph fall back to straight-line distance × circuity. Speeds depend on road
class and unit type (one multiplier per unit type, so one Dijkstra serves all
types) and drop in the pack's rush hours. All constants come from the pack's
``travel.toml``; their published sources are in ``docs/geodata.md``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from threading import Lock
from typing import Protocol, runtime_checkable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree

from geodata.distance import distances_m, local_xy
from geodata.packs.models import RegionPack, TravelConstants

__all__ = [
    "GeodesicTravelModel",
    "RoadNetworkTravelModel",
    "TravelTimeModel",
    "default_travel_model",
]

FloatArray = npt.NDArray[np.float64]
LatLon = tuple[float, float]


@runtime_checkable
class TravelTimeModel(Protocol):
    """What the recommender and the simulator need from a travel-time model."""

    def eta(
        self, origin: LatLon, dest: LatLon, unit_type: str, when: datetime | None = None
    ) -> float:
        """Seconds from dispatch to arrival: turnout + travel."""
        ...

    def eta_many(
        self,
        origins: npt.ArrayLike,
        dest: LatLon,
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """:meth:`eta` for an ``(n, 2)`` array of origins (lat, lon), vectorised."""
        ...

    def travel_seconds(
        self, origin: LatLon, dest: LatLon, unit_type: str, when: datetime | None = None
    ) -> float:
        """Seconds on the road, without turnout."""
        ...


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        # Indonesia has no DST; keep working without a tz database
        fixed = {"Asia/Jakarta": 7, "Asia/Makassar": 8, "Asia/Jayapura": 9}
        return timezone(timedelta(hours=fixed.get(name, 0)))


class _Base:
    """Speeds, turnout and rush hours shared by the models."""

    def __init__(self, pack: RegionPack) -> None:
        self.pack = pack
        self.constants: TravelConstants = pack.travel
        c = self.constants
        self._zone = _zone(pack.timezone)
        self._factor = dict(c.unit_speed_factor)
        self._turnout = dict(c.turnout_s)
        self._rush = [(_minutes(a), _minutes(b)) for a, b in c.rush_hours]
        self._fallback_mps = c.fallback_speed_kmh / 3.6
        self._access_mps = c.access_speed_kmh / 3.6
        self._unit_cache: dict[tuple[str, ...], tuple[FloatArray, FloatArray]] = {}

    @property
    def unit_types(self) -> tuple[str, ...]:
        """Unit types with a speed factor in this pack."""
        return tuple(self._factor)

    def _unit(self, unit_type: str) -> tuple[float, float]:
        try:
            return self._factor[unit_type], self._turnout.get(unit_type, 60.0)
        except KeyError:
            raise ValueError(
                f"unknown unit type {unit_type!r}; known: {', '.join(self._factor)}"
            ) from None

    def _units(
        self, unit_types: Sequence[str], n: int
    ) -> tuple[FloatArray, FloatArray]:
        if isinstance(unit_types, str):
            f, t = self._unit(unit_types)
            return np.full(n, f), np.full(n, t)
        if len(unit_types) != n:
            raise ValueError(f"{len(unit_types)} unit types for {n} origins")
        key = tuple(unit_types)
        hit = self._unit_cache.get(key)
        if hit is not None:
            return hit
        pairs = {u: self._unit(u) for u in set(key)}  # raises on an unknown type
        fac = np.array([pairs[u][0] for u in key], dtype=np.float64)
        turn = np.array([pairs[u][1] for u in key], dtype=np.float64)
        if len(self._unit_cache) > 64:
            self._unit_cache.clear()
        self._unit_cache[key] = (fac, turn)
        return fac, turn

    def congestion(self, when: datetime | None) -> float:
        """Speed multiplier at ``when`` (1.0 outside rush hours; naive = UTC)."""
        if when is None or not self._rush:
            return 1.0
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        local = when.astimezone(self._zone)
        m = local.hour * 60 + local.minute
        for a, b in self._rush:
            if a <= m < b:
                return self.constants.rush_factor
        return 1.0


def _minutes(hhmm: str) -> int:
    h, _, m = hhmm.partition(":")
    return int(h) * 60 + int(m)


class GeodesicTravelModel(_Base):
    """Straight-line distance × circuity at the pack's fallback speed.

    The model for packs without a road graph, and the fallback of
    :class:`RoadNetworkTravelModel` for points far from any road.
    """

    def base_seconds_many(self, origins: FloatArray, dest: LatLon) -> FloatArray:
        """Seconds at speed factor 1 (no turnout, no congestion)."""
        d = distances_m(origins[:, 0], origins[:, 1], dest[0], dest[1])
        return self._fallback_seconds(d)

    def _fallback_seconds(self, straight_m: FloatArray) -> FloatArray:
        return straight_m * (self.constants.circuity / self._fallback_mps)

    def travel_seconds_many(
        self,
        origins: npt.ArrayLike,
        dest: LatLon,
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """Road seconds (no turnout) for many origins."""
        o = _as_origins(origins)
        fac, _ = self._units(unit_types, len(o))
        return self.base_seconds_many(o, dest) / (fac * self.congestion(when))

    def eta_many(
        self,
        origins: npt.ArrayLike,
        dest: LatLon,
        unit_types: Sequence[str],
        when: datetime | None = None,
    ) -> FloatArray:
        """Turnout + travel seconds for many origins."""
        o = _as_origins(origins)
        fac, turn = self._units(unit_types, len(o))
        return turn + self.base_seconds_many(o, dest) / (fac * self.congestion(when))

    def travel_seconds(
        self, origin: LatLon, dest: LatLon, unit_type: str, when: datetime | None = None
    ) -> float:
        """Road seconds (no turnout)."""
        return float(self.travel_seconds_many([origin], dest, [unit_type], when)[0])

    def eta(
        self, origin: LatLon, dest: LatLon, unit_type: str, when: datetime | None = None
    ) -> float:
        """Turnout + travel seconds."""
        return float(self.eta_many([origin], dest, [unit_type], when)[0])


def _as_origins(origins: npt.ArrayLike) -> FloatArray:
    o = np.asarray(origins, dtype=np.float64)
    if o.ndim == 1 and o.shape[0] == 2:
        o = o.reshape(1, 2)
    if o.ndim != 2 or o.shape[1] != 2:
        raise ValueError("origins must be an (n, 2) array of (lat, lon)")
    return o


class RoadNetworkTravelModel(GeodesicTravelModel):
    """Shortest paths on the pack's road graph, with a geodesic fallback.

    Args:
        pack: a region pack with a road graph.
        cache_size: destinations whose shortest-path trees are kept.
    """

    def __init__(self, pack: RegionPack, cache_size: int = 512) -> None:
        """Precompute the graph (largest component), the k-d tree and edge times."""
        super().__init__(pack)
        graph = pack.road_graph
        if graph is None:
            raise ValueError(f"pack {pack.name!r} has no road graph")
        c = self.constants
        speeds = np.array([c.road_speed_kmh[name] / 3.6 for name in graph.class_names])
        seconds = graph.edge_length_m / speeds[graph.edge_class]
        n = graph.node_count
        u = graph.edge_u
        v = graph.edge_v
        full = csr_matrix((seconds, (u, v)), shape=(n, n))
        _, labels = connected_components(full, directed=False)
        main = int(np.bincount(labels).argmax())
        keep = np.flatnonzero(labels == main)
        remap = -np.ones(n, dtype=np.int64)
        remap[keep] = np.arange(len(keep))
        mask = (labels[u] == main) & (labels[v] == main)
        m = len(keep)
        uu = remap[u[mask]]
        vv = remap[v[mask]]
        # symmetric (no one-way data in RBI), duplicate edges keep the minimum
        rows = np.concatenate([uu, vv])
        cols = np.concatenate([vv, uu])
        data = np.concatenate([seconds[mask], seconds[mask]])
        order = np.lexsort((data, cols, rows))
        rows, cols, data = rows[order], cols[order], data[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        self._graph = csr_matrix(
            (data[first], (rows[first], cols[first])), shape=(m, m)
        )
        self._chains = _Contracted(self._graph)
        self._node_lat = graph.node_lat[keep]
        self._node_lon = graph.node_lon[keep]
        self._center = pack.map_center
        self._tree = cKDTree(local_xy(self._node_lat, self._node_lon, *self._center))
        self._cache: OrderedDict[int, FloatArray] = OrderedDict()
        self._snaps: OrderedDict[bytes, tuple[npt.NDArray[np.int64], FloatArray]] = (
            OrderedDict()
        )
        self._cache_size = cache_size
        self._lock = Lock()

    @property
    def node_count(self) -> int:
        """Nodes in the routing component."""
        return int(self._node_lat.shape[0])

    def snap(self, points: npt.ArrayLike) -> tuple[npt.NDArray[np.int64], FloatArray]:
        """Nearest graph node of each ``(lat, lon)`` and the distance to it (m)."""
        p = _as_origins(points)
        dist, idx = self._tree.query(local_xy(p[:, 0], p[:, 1], *self._center))
        return np.asarray(idx, dtype=np.int64), np.asarray(dist, dtype=np.float64)

    def _snap_cached(
        self, points: FloatArray
    ) -> tuple[npt.NDArray[np.int64], FloatArray]:
        # the recommender re-ranks the same unit positions again and again
        key = points.tobytes()
        with self._lock:
            hit = self._snaps.get(key)
            if hit is not None:
                self._snaps.move_to_end(key)
                return hit
        found = self.snap(points)
        with self._lock:
            self._snaps[key] = found
            if len(self._snaps) > 16:
                self._snaps.popitem(last=False)
        return found

    def _tree_from(self, node: int) -> FloatArray:
        with self._lock:
            hit = self._cache.get(node)
            if hit is not None:
                self._cache.move_to_end(node)
                return hit
        times = self._chains.times_to(node)
        with self._lock:
            self._cache[node] = times
            if len(self._cache) > self._cache_size:
                self._cache.popitem(last=False)
        return times

    def base_seconds_many(self, origins: FloatArray, dest: LatLon) -> FloatArray:
        """Seconds at speed factor 1 (no turnout, no congestion)."""
        straight = distances_m(origins[:, 0], origins[:, 1], dest[0], dest[1])
        fallback = self._fallback_seconds(straight)
        max_snap = self.constants.max_snap_m
        d_idx, d_dist = self.snap([dest])
        if d_dist[0] > max_snap:
            return fallback
        times = self._tree_from(int(d_idx[0]))
        o_idx, o_dist = self._snap_cached(origins)
        route = times[o_idx] + (o_dist + d_dist[0]) / self._access_mps
        # two points off the road but next to each other: access-pace direct
        direct = straight * (self.constants.circuity / self._access_mps)
        route = np.minimum(route, direct)
        bad = (o_dist > max_snap) | ~np.isfinite(route)
        return np.where(bad, fallback, route)


class _Contracted:
    """The road graph with its chains of degree-2 nodes contracted.

    Most RBI nodes (about 80 % in Blitar) only continue a road; Dijkstra runs
    on the junctions and dead ends alone (about 650 nodes instead of 3,700),
    and a node inside a chain reaches the rest through the chain's two ends.
    Results equal Dijkstra on the full graph (tested).
    """

    def __init__(self, graph: csr_matrix) -> None:
        n = graph.shape[0]
        indptr = graph.indptr
        indices = graph.indices
        data = graph.data
        keep = np.diff(indptr) != 2
        # plain lists: the chain walk below is pure Python
        ptr = indptr.tolist()
        nbr = indices.tolist()
        wgt = data.tolist()
        while True:
            chain_of = -np.ones(n, dtype=np.int64)
            pos = np.zeros(n)
            kept = keep.tolist()
            ends: list[tuple[int, int, float]] = []
            eu: list[int] = []
            ev: list[int] = []
            ew: list[float] = []
            seen: set[int] = set()
            for u in np.flatnonzero(keep).tolist():
                for k in range(ptr[u], ptr[u + 1]):
                    prev, cur, total = u, nbr[k], wgt[k]
                    path: list[tuple[int, float]] = []
                    while not kept[cur]:
                        path.append((cur, total))
                        j = ptr[cur]
                        if nbr[j] == prev:
                            j += 1
                        prev, cur = cur, nbr[j]
                        total += wgt[j]
                    if cur != u:
                        eu.append(u)
                        ev.append(cur)
                        ew.append(total)
                    if path and path[0][0] not in seen:
                        c = len(ends)
                        ends.append((u, cur, total))
                        for node, t in path:
                            seen.add(node)
                            chain_of[node] = c
                            pos[node] = t
            stray = ~keep & (chain_of < 0)  # a ring road with no junction
            if not stray.any():
                break
            keep = keep | stray
        kid = np.cumsum(keep) - 1
        k = int(keep.sum())
        rows = kid[np.asarray(eu, dtype=np.int64)]
        cols = kid[np.asarray(ev, dtype=np.int64)]
        w = np.asarray(ew)
        order = np.lexsort((w, cols, rows))
        rows, cols, w = rows[order], cols[order], w[order]
        first = np.ones(len(rows), dtype=bool)
        first[1:] = (rows[1:] != rows[:-1]) | (cols[1:] != cols[:-1])
        self.graph = csr_matrix((w[first], (rows[first], cols[first])), shape=(k, k))
        self.ea = np.where(keep, kid, 0)
        self.eb = self.ea.copy()
        self.oa = np.zeros(n)
        self.ob = np.zeros(n)
        inner = np.flatnonzero(~keep)
        if len(inner):
            ends_a = np.array([e[0] for e in ends], dtype=np.int64)
            ends_b = np.array([e[1] for e in ends], dtype=np.int64)
            length = np.array([e[2] for e in ends])
            chain = chain_of[inner]
            self.ea[inner] = kid[ends_a[chain]]
            self.eb[inner] = kid[ends_b[chain]]
            self.oa[inner] = pos[inner]
            self.ob[inner] = length[chain] - pos[inner]
        self.chain_of = chain_of
        self.pos = pos

    @property
    def node_count(self) -> int:
        """Nodes Dijkstra runs on."""
        return int(self.graph.shape[0])

    def times_to(self, dest: int) -> FloatArray:
        """Shortest time from every node of the full graph to ``dest``."""
        a, b = int(self.ea[dest]), int(self.eb[dest])
        d = np.asarray(dijkstra(self.graph, directed=True, indices=[a, b]))
        to_dest = np.minimum(self.oa[dest] + d[0], self.ob[dest] + d[1])
        times: FloatArray = np.minimum(
            self.oa + to_dest[self.ea], self.ob + to_dest[self.eb]
        )
        c = self.chain_of[dest]
        if c >= 0:  # along the same chain, without leaving it
            same = self.chain_of == c
            times[same] = np.minimum(
                times[same], np.abs(self.pos[same] - self.pos[dest])
            )
        times[dest] = 0.0
        return times


_shared: dict[int, tuple[RegionPack, GeodesicTravelModel]] = {}
_shared_lock = Lock()


def default_travel_model(pack: RegionPack) -> GeodesicTravelModel:
    """The road-graph model when the pack has roads, else the geodesic one.

    One shared instance per pack (thread-safe), so every caller profits from
    the same cache of shortest-path trees.
    """
    with _shared_lock:
        hit = _shared.get(id(pack))
        if hit is not None and hit[0] is pack:
            return hit[1]
        model: GeodesicTravelModel = (
            RoadNetworkTravelModel(pack)
            if pack.road_graph is not None
            else GeodesicTravelModel(pack)
        )
        _shared[id(pack)] = (pack, model)
        return model
