"""Which units may fill which slots, and the units prepared for many recommendations.

:class:`UnitCompatibility` reads the catalogue's substitution and capability
tables; :class:`UnitPool` turns a board of units into arrays once so each
recommendation only masks and indexes; :func:`open_slots` says what part of a
plan the units already working an incident leave open.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from dispatch.catalogue import Catalogue, PlanSlot, get_catalogue
from dispatch.enums import Priority, UnitStatus
from dispatch.recommend.model import UnitCandidate


@dataclass(frozen=True, slots=True)
class UnitCompatibility:
    """Which units may fill which slots (from the catalogue vocabulary)."""

    substitutes: Mapping[str, frozenset[str]]
    """Slot unit type → other unit types allowed to fill it."""
    implies: Mapping[str, frozenset[str]]
    """Capability → capabilities it includes (ALS → BLS)."""
    fallback: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Capability → lesser ones that may stand in, stated, when none is free."""

    @classmethod
    def from_catalogue(cls, catalogue: Catalogue | None = None) -> UnitCompatibility:
        """The substitution and capability tables of the catalogue."""
        cat = catalogue or get_catalogue()
        return cls(
            substitutes={
                k: frozenset(v.substitutes) for k, v in cat.unit_types.items()
            },
            implies=dict(cat.capability_implies),
            fallback=dict(cat.capability_fallback),
        )

    def effective(self, capabilities: frozenset[str]) -> frozenset[str]:
        """Capabilities including the implied ones."""
        out = set(capabilities)
        for cap in capabilities:
            out |= self.implies.get(cap, frozenset())
        return frozenset(out)

    def fits(
        self, unit_type: str, capabilities: frozenset[str], slot: PlanSlot
    ) -> bool:
        """True when a unit of this type and capabilities may fill ``slot``."""
        if unit_type != slot.unit_type and unit_type not in self.substitutes.get(
            slot.unit_type, frozenset()
        ):
            return False
        return slot.capabilities <= self.effective(capabilities)

    def lacks(
        self, unit_type: str, capabilities: frozenset[str], slot: PlanSlot
    ) -> frozenset[str] | None:
        """What a unit lacks for ``slot`` when it may fill it only as a substitute.

        ``None`` when it cannot fill the slot that way (wrong type, or a
        missing capability without an allowed fallback it has) or when it
        fits outright; otherwise the missing capabilities.
        """
        if unit_type != slot.unit_type and unit_type not in self.substitutes.get(
            slot.unit_type, frozenset()
        ):
            return None
        have = self.effective(capabilities)
        missing = slot.capabilities - have
        if not missing:
            return None
        for cap in missing:
            if not self.fallback.get(cap, frozenset()) & have:
                return None
        return frozenset(missing)


class UnitPool:
    """Units prepared once (arrays and fit cache) for many recommendations.

    Pass a pool instead of a unit list when recommending for many incidents
    against the same board, e.g. every pending incident each refresh.
    """

    def __init__(
        self,
        units: Sequence[UnitCandidate],
        compatibility: UnitCompatibility | None = None,
    ) -> None:
        self.compatibility = compatibility or UnitCompatibility.from_catalogue()
        self.units: tuple[UnitCandidate, ...] = tuple(
            sorted(units, key=lambda u: u.callsign)
        )
        seen = Counter(u.callsign for u in self.units)
        doubles = sorted(c for c, n in seen.items() if n > 1)
        if doubles:
            raise ValueError(f"callsigns must be unique, repeated: {doubles}")
        n = len(self.units)
        self.coords: NDArray[np.float64] = np.array(
            [(u.lat, u.lon) for u in self.units], dtype=np.float64
        ).reshape(n, 2)
        self.unit_types: list[str] = [u.unit_type for u in self.units]
        self.free: NDArray[np.bool_] = np.array(
            [u.status.is_assignable for u in self.units], dtype=bool
        )
        self.assignment_rank: NDArray[np.int64] = np.array(
            [
                u.assignment_priority.rank if u.assignment_priority else 0
                for u in self.units
            ],
            dtype=np.int64,
        )
        self.last_at_station = _last_at_station(self.units)
        self._profiles, self._profile_of = _profiles(self.units)
        self._fit_cache: dict[tuple[str, frozenset[str]], NDArray[np.bool_]] = {}
        self._status_cache: dict[frozenset[UnitStatus], NDArray[np.bool_]] = {}

    def __len__(self) -> int:
        return len(self.units)

    def fit_mask(self, slot: PlanSlot) -> NDArray[np.bool_]:
        """Which units may fill ``slot`` by type and capabilities (any status)."""
        key = (slot.unit_type, slot.capabilities)
        mask = self._fit_cache.get(key)
        if mask is None:
            ok = np.array(
                [self.compatibility.fits(t, caps, slot) for t, caps in self._profiles],
                dtype=bool,
            )
            mask = ok[self._profile_of] if len(self.units) else np.zeros(0, dtype=bool)
            self._fit_cache[key] = mask
        return mask

    def downgrade_mask(self, slot: PlanSlot) -> NDArray[np.bool_]:
        """Which units may fill ``slot`` only as a stated substitute (any status)."""
        key = ("~" + slot.unit_type, slot.capabilities)
        mask = self._fit_cache.get(key)
        if mask is None:
            ok = np.array(
                [
                    self.compatibility.lacks(t, caps, slot) is not None
                    for t, caps in self._profiles
                ],
                dtype=bool,
            )
            mask = ok[self._profile_of] if len(self.units) else np.zeros(0, dtype=bool)
            self._fit_cache[key] = mask
        return mask

    def status_mask(self, statuses: frozenset[UnitStatus]) -> NDArray[np.bool_]:
        """Which units are in one of ``statuses``."""
        mask = self._status_cache.get(statuses)
        if mask is None:
            mask = np.array([u.status in statuses for u in self.units], dtype=bool)
            self._status_cache[statuses] = mask
        return mask

    def preemptible(
        self, priority: Priority, statuses: frozenset[UnitStatus]
    ) -> NDArray[np.bool_]:
        """Units on an assignment of lower priority than ``priority``."""
        return (
            self.status_mask(statuses)
            & (self.assignment_rank > priority.rank)
            & ~self.free
        )


def _last_at_station(units: Sequence[UnitCandidate]) -> NDArray[np.bool_]:
    """Which units are the only available one of their type at their station.

    Sending such a unit leaves the station's area without that type, so the
    recommender charges it the station-cover margin.
    """
    at_station = Counter(
        (u.station_id, u.unit_type)
        for u in units
        if u.status is UnitStatus.AVAILABLE and u.station_id is not None
    )
    return np.array(
        [
            u.status is UnitStatus.AVAILABLE
            and u.station_id is not None
            and at_station[(u.station_id, u.unit_type)] == 1
            for u in units
        ],
        dtype=bool,
    )


def _profiles(
    units: Sequence[UnitCandidate],
) -> tuple[list[tuple[str, frozenset[str]]], NDArray[np.intp]]:
    """Distinct (type, capabilities) profiles and each unit's profile index.

    A slot's fit is decided once per profile, not once per unit: a board
    of hundreds of units has only a handful of profiles.
    """
    profiles: dict[tuple[str, frozenset[str]], int] = {}
    profile_of: list[int] = []
    for u in units:
        profile_of.append(
            profiles.setdefault((u.unit_type, u.capabilities), len(profiles))
        )
    return list(profiles), np.array(profile_of, dtype=np.intp)


def open_slots(
    plan: Sequence[PlanSlot],
    working: Sequence[tuple[str, frozenset[str]]],
    compatibility: UnitCompatibility,
) -> tuple[PlanSlot, ...]:
    """The part of ``plan`` the units already working the incident do not fill.

    ``working`` lists (unit type, capabilities) of the active assignments.
    Each unit fills at most one unit of one slot: first every unit that fits
    a slot outright (a maximum matching, so an ALS ambulance is not spent on
    the BLS slot another ambulance fills), then units that fill a slot only as
    a stated substitute (a BLS ambulance sent for an ALS slot fills it).
    """
    rows = [i for i, slot in enumerate(plan) for _ in range(slot.count)]
    # The most demanding rows choose first: an ALS ambulance then lands in
    # the ALS slot, and a BLS slot listed before it stays open.
    order = sorted(
        range(len(rows)),
        key=lambda r: -len(compatibility.effective(plan[rows[r]].capabilities)),
    )
    holder: dict[int, int] = {}  # working unit -> row

    def fits(u: int, r: int, lesser: bool) -> bool:
        unit_type, caps = working[u]
        slot = plan[rows[r]]
        if lesser:
            return compatibility.lacks(unit_type, caps, slot) is not None
        return compatibility.fits(unit_type, caps, slot)

    def augment(r: int, lesser: bool, seen: set[int]) -> bool:
        for u in range(len(working)):
            if u in seen or not fits(u, r, lesser):
                continue
            seen.add(u)
            if u not in holder or (not lesser and augment(holder[u], lesser, seen)):
                holder[u] = r
                return True
        return False

    for r in order:
        augment(r, False, set())
    filled = set(holder.values())
    for r in order:
        if r not in filled and augment(r, True, set(holder)):
            filled.add(r)
    owner = {r: u for u, r in holder.items()}
    missing = Counter(rows[r] for r in range(len(rows)) if r not in owner)
    return tuple(
        plan[i].model_copy(update={"count": k}) for i, k in sorted(missing.items())
    )
