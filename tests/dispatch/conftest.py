from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import Engine

from dispatch.clock import FixedClock
from dispatch.schemas import IncidentDetail
from dispatch.services import DispatchService
from dispatch.testing import ALUN_ALUN, make_services

#: Catalogue codes the service tests use (a P1 medical call, a lower-priority
#: emergency, and a non-emergency referred to the water utility).
P1_TYPE = {"type_code": "MED-UNCON", "answers": {}}
LOW_TYPE = {"type_code": "TREE", "answers": {}}
WATER_TYPE = {"type_code": "WATER-SUPPLY", "answers": {}}


@pytest.fixture
def services(engine: Engine, clock: FixedClock) -> DispatchService:
    return make_services(engine, clock=clock)


def new_incident(
    services: DispatchService,
    classification: dict[str, Any] | None = None,
    location: dict[str, Any] | None = None,
    number: str | None = None,
) -> IncidentDetail:
    call = services.open_call({"caller_number": number} if number else {})
    return services.create_incident(
        call.id,
        location={"text": "alun-alun", **(location or ALUN_ALUN)},
        classification=classification or P1_TYPE,
    )


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def fresh_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """A factory of empty databases (no schema) on each backend in turn."""
    from tests.dispatch.fresh_db import new_postgres_database

    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("fresh")
        names = iter(range(1, 1000))
        return lambda: f"sqlite:///{folder / f'siaga-{next(names)}.db'}"
    postgres_url = request.getfixturevalue("postgres_url")
    return lambda: new_postgres_database(postgres_url)


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
)
def fresh_db_module(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Callable[[], str]:
    """Like ``fresh_db``, for module-scoped fixtures (a day of data made once)."""
    from tests.dispatch.fresh_db import new_postgres_database

    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("fresh")
        names = iter(range(1, 1000))
        return lambda: f"sqlite:///{folder / f'siaga-{next(names)}.db'}"
    postgres_url = request.getfixturevalue("postgres_url")
    return lambda: new_postgres_database(postgres_url)
