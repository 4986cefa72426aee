"""Siaga 112 geodata: region packs, the offline geocoder and travel times.

Knows places and distances, nothing about incidents: it imports nothing from
:mod:`dispatch` or :mod:`console`, and never Textual.

The public API is re-exported here and imported lazily (PEP 562), so
``import geodata.packs`` stays cheap::

    from geodata import load_pack, OfflineGeocoder, default_travel_model

Exceptions::

    ValueError
    ├── PackError              a region pack file is missing or malformed (file, line)
    └── GeocoderQueryError     unusable query text (also a geopy GeocoderQueryError)
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from geodata.distance import distance_m, distances_m, geodesic_m
    from geodata.geocoder import (
        Candidate,
        GeocodeResult,
        GeocoderQueryError,
        OfflineGeocoder,
        ReverseResult,
        geocoder_for,
    )
    from geodata.packs import PackError, RegionPack, load_pack
    from geodata.travel import (
        GeodesicTravelModel,
        RoadNetworkTravelModel,
        TravelTimeModel,
        default_travel_model,
    )

_EXPORTS = {
    "load_pack": "geodata.packs",
    "RegionPack": "geodata.packs",
    "PackError": "geodata.packs",
    "OfflineGeocoder": "geodata.geocoder",
    "GeocodeResult": "geodata.geocoder",
    "Candidate": "geodata.geocoder",
    "ReverseResult": "geodata.geocoder",
    "GeocoderQueryError": "geodata.geocoder",
    "TravelTimeModel": "geodata.travel",
    "RoadNetworkTravelModel": "geodata.travel",
    "GeodesicTravelModel": "geodata.travel",
    "default_travel_model": "geodata.travel",
    "geocoder_for": "geodata.geocoder",
    "distances_m": "geodata.distance",
    "distance_m": "geodata.distance",
    "geodesic_m": "geodata.distance",
}

__all__ = [
    "Candidate",
    "GeocodeResult",
    "GeocoderQueryError",
    "GeodesicTravelModel",
    "OfflineGeocoder",
    "PackError",
    "RegionPack",
    "ReverseResult",
    "RoadNetworkTravelModel",
    "TravelTimeModel",
    "default_travel_model",
    "distance_m",
    "distances_m",
    "geocoder_for",
    "geodesic_m",
    "load_pack",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'geodata' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
