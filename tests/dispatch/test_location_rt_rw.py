"""RT/RW the caller gave travel from the geocoder to the incident's place name."""

from __future__ import annotations

from console.places import PlaceChoice, PlaceFinder
from dispatch.services import DispatchService
from geodata.packs import load_pack
from tests.dispatch.conftest import P1_TYPE


def test_place_name_carries_rt_rw() -> None:
    plain = PlaceChoice("Sentul", "kelurahan", -8.07, 112.18)
    assert plain.place_name == "Sentul"
    both = PlaceChoice("Sentul", "kelurahan", -8.07, 112.18, rt=2, rw=5)
    assert both.place_name == "Sentul, RT 02/RW 05"
    only_rw = PlaceChoice("Sentul", "kelurahan", -8.07, 112.18, rw=11)
    assert only_rw.location_input("x")["place_name"] == "Sentul, RW 11"


def test_rt_rw_reach_the_incident(services: DispatchService) -> None:
    finder = PlaceFinder(lambda: load_pack("blitar"))
    text = "rt 02 rw 05 kelurahan sentul"
    choice = finder.lookup(text)[0]
    assert (choice.rt, choice.rw) == (2, 5)
    assert PlaceChoice.from_dict(choice.to_dict()) == choice  # survives the draft
    call = services.open_call({})
    incident = services.create_incident(
        call.id, location=choice.location_input(text), classification=P1_TYPE
    )
    assert incident.place_name == "Sentul, RT 02/RW 05"
    assert incident.kelurahan == "Sentul"
