from __future__ import annotations

import pytest

from dispatch.clock import FixedClock
from dispatch.services import DispatchService
from dispatch.testing import ALUN_ALUN, make_services

#: Catalogue codes the service tests use (a P1 medical call, a lower-priority
#: emergency, and a non-emergency referred to the water utility).
P1_TYPE = {"type_code": "MED-UNCON", "answers": {}}
LOW_TYPE = {"type_code": "TREE", "answers": {}}
WATER_TYPE = {"type_code": "WATER-SUPPLY", "answers": {}}


@pytest.fixture
def services(engine, clock: FixedClock) -> DispatchService:
    return make_services(engine, clock=clock)


def new_incident(
    services: DispatchService,
    classification=None,
    location=None,
    number: str | None = None,
):
    call = services.open_call({"caller_number": number} if number else {})
    return services.create_incident(
        call.id,
        location={"text": "alun-alun", **(location or ALUN_ALUN)},
        classification=classification or P1_TYPE,
    )
