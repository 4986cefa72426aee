"""Shared fixtures for the geodata tests: the shipped pack and one geocoder."""

from __future__ import annotations

import pytest

from geodata.geocoder import OfflineGeocoder
from geodata.packs import RegionPack, load_pack
from geodata.travel import RoadNetworkTravelModel


@pytest.fixture(scope="session")
def pack() -> RegionPack:
    return load_pack("blitar")


@pytest.fixture(scope="session")
def geocoder(pack: RegionPack) -> OfflineGeocoder:
    return OfflineGeocoder(pack)


@pytest.fixture(scope="session")
def travel_model(pack: RegionPack) -> RoadNetworkTravelModel:
    return RoadNetworkTravelModel(pack)
