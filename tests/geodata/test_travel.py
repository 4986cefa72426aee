"""Travel times: the road-network model, its fallback, and the Protocol."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from geodata.distance import distance_m
from geodata.packs import UNIT_TYPES, RegionPack
from geodata.travel import (
    GeodesicTravelModel,
    RoadNetworkTravelModel,
    TravelTimeModel,
    default_travel_model,
)

DAMKAR = (-8.1065913, 112.1803239)
ALUN = (-8.0981595, 112.1651847)
MBK = (-8.0851231, 112.1760710)


def test_protocol_and_factory(
    pack: RegionPack, travel_model: RoadNetworkTravelModel
) -> None:
    assert isinstance(travel_model, TravelTimeModel)
    assert isinstance(default_travel_model(pack), RoadNetworkTravelModel)
    assert isinstance(GeodesicTravelModel(pack), TravelTimeModel)
    assert set(travel_model.unit_types) == set(UNIT_TYPES)


def test_plausible_city_trip(travel_model: RoadNetworkTravelModel) -> None:
    # Damkar (Jl. Kalimantan) to the alun-alun: ~1.9 km straight, 2.5-3 km by road
    travel = travel_model.travel_seconds(DAMKAR, ALUN, "FIRE_ENGINE")
    assert 180 < travel < 600
    eta = travel_model.eta(DAMKAR, ALUN, "FIRE_ENGINE")
    assert eta == pytest.approx(travel + 80.0)  # NFPA 1710 fire turnout
    # average speed between 15 and 50 km/h over straight-line distance
    v = distance_m(*DAMKAR, *ALUN) / travel * 3.6
    assert 10 < v < 50


def test_unit_types_differ(travel_model: RoadNetworkTravelModel) -> None:
    amb = travel_model.travel_seconds(DAMKAR, MBK, "AMBULANCE")
    tanker = travel_model.travel_seconds(DAMKAR, MBK, "WATER_TANKER")
    police = travel_model.travel_seconds(DAMKAR, MBK, "POLICE_PATROL")
    assert police < amb < tanker
    with pytest.raises(ValueError, match="unknown unit type"):
        travel_model.eta(DAMKAR, MBK, "SUBMARINE")


def test_rush_hour_is_slower(travel_model: RoadNetworkTravelModel) -> None:
    night = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 22:00 WIB
    morning = datetime(2026, 3, 2, 0, 30, tzinfo=UTC)  # 07:30 WIB
    a = travel_model.travel_seconds(DAMKAR, MBK, "AMBULANCE", night)
    b = travel_model.travel_seconds(DAMKAR, MBK, "AMBULANCE", morning)
    assert b == pytest.approx(a / 0.8)
    assert travel_model.travel_seconds(DAMKAR, MBK, "AMBULANCE") == pytest.approx(a)


def test_eta_many_matches_eta(
    travel_model: RoadNetworkTravelModel, pack: RegionPack
) -> None:
    origins = np.array([[s.lat, s.lon] for s in pack.stations])
    types = [UNIT_TYPES[i % len(UNIT_TYPES)] for i in range(len(origins))]
    many = travel_model.eta_many(origins, MBK, types)
    assert many.shape == (len(origins),)
    for i, (lat, lon) in enumerate(origins):
        assert many[i] == pytest.approx(travel_model.eta((lat, lon), MBK, types[i]))
    one_type = travel_model.eta_many(origins, MBK, "AMBULANCE")
    assert one_type.shape == (len(origins),)
    with pytest.raises(ValueError, match="unit types for"):
        travel_model.eta_many(origins, MBK, types[:-1])


def test_zero_distance_is_just_turnout_and_access(
    travel_model: RoadNetworkTravelModel,
) -> None:
    eta = travel_model.eta(ALUN, ALUN, "AMBULANCE")
    assert 60 <= eta < 90


def test_far_points_fall_back_to_geodesic(
    pack: RegionPack, travel_model: RoadNetworkTravelModel
) -> None:
    far = (-8.30, 112.30)  # ~25 km away, far from the city graph
    geo = GeodesicTravelModel(pack)
    assert travel_model.travel_seconds(far, ALUN, "AMBULANCE") == pytest.approx(
        geo.travel_seconds(far, ALUN, "AMBULANCE")
    )
    assert travel_model.travel_seconds(ALUN, far, "AMBULANCE") == pytest.approx(
        geo.travel_seconds(ALUN, far, "AMBULANCE")
    )
    d = distance_m(*far, *ALUN)
    assert geo.travel_seconds(far, ALUN, "AMBULANCE") == pytest.approx(
        d * pack.travel.circuity / (pack.travel.fallback_speed_kmh / 3.6)
    )


def test_road_route_is_not_shorter_than_straight_line(
    travel_model: RoadNetworkTravelModel,
) -> None:
    rng = np.random.default_rng(3)
    origins = np.column_stack(
        [rng.uniform(-8.12, -8.07, 100), rng.uniform(112.15, 112.19, 100)]
    )
    t = travel_model.travel_seconds_many(origins, ALUN, ["AMBULANCE"] * 100)
    fastest = max(travel_model.constants.road_speed_kmh.values()) / 3.6
    straight = np.array([distance_m(a, b, *ALUN) for a, b in origins])
    assert np.all(t >= straight / fastest - 1e-6)
    assert np.all(np.isfinite(t))


def test_shared_model_and_empty_input(pack: RegionPack) -> None:
    model = default_travel_model(pack)
    assert default_travel_model(pack) is model
    assert model.eta_many(np.zeros((0, 2)), ALUN, []).shape == (0,)


def test_contracted_graph_gives_exact_shortest_paths(
    travel_model: RoadNetworkTravelModel,
) -> None:
    from scipy.sparse.csgraph import dijkstra

    chains = travel_model._chains
    assert chains.node_count < travel_model.node_count / 3
    rng = np.random.default_rng(11)
    for dest in rng.integers(0, travel_model.node_count, 40):
        full = np.asarray(
            dijkstra(travel_model._graph, directed=True, indices=int(dest))
        )
        np.testing.assert_allclose(chains.times_to(int(dest)), full, atol=1e-6)
