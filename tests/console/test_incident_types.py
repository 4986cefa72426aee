"""The console's incident types: caller-speech search, and no made-up codes."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

import dispatch.catalogue
from console import incident_types
from console.app import SiagaApp
from console.cli.console_command import startup_problem
from console.config import ConsoleSettings
from console.incident_types import (
    CatalogueUnavailable,
    catalogue_problem,
    get_type,
    infer_answers,
    preview,
    referral_proposal,
    search_types,
)
from dispatch.catalogue import load_catalogue
from dispatch.services import DispatchService

BAD_KEY = "types_20_traffic.toml: types[TRAFFIC-INJ].apco"


@pytest.fixture
def broken_catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The catalogue's data with one bad APCO code, as the console loads it."""
    folder = tmp_path / "catalogue"
    folder.mkdir()
    for item in Path(str(files("dispatch.catalogue"))).iterdir():
        if item.suffix in {".toml", ".txt"}:
            shutil.copy(item, folder / item.name)
    traffic = folder / "types_20_traffic.toml"
    traffic.write_text(
        traffic.read_text(encoding="utf-8").replace(
            'apco = "MVAINJY"', 'apco = "NOPE"'
        ),
        encoding="utf-8",
    )
    monkeypatch.setattr(
        dispatch.catalogue, "get_catalogue", lambda: load_catalogue(folder)
    )
    incident_types._load.cache_clear()
    yield
    incident_types._load.cache_clear()


@pytest.mark.usefixtures("broken_catalogue")
def test_a_broken_catalogue_offers_no_codes_and_says_why() -> None:
    problem = catalogue_problem()
    assert problem is not None
    assert f"{BAD_KEY}: 'NOPE' is not an APCO 2.103.2 code" in problem
    with pytest.raises(CatalogueUnavailable) as err:
        search_types("kebakaran rumah")
    assert BAD_KEY in err.value.message
    # the old interim codes are gone, and real ones are not pretended either
    for code in ("MED", "TRAFFIC", "WATER", "FIRE-HOUSE"):
        assert get_type(code) is None
    assert preview("FIRE-HOUSE", {}) is None
    assert referral_proposal("WATER-SUPPLY") is None
    assert infer_answers("terjepit", "FIRE-HOUSE") == {}


@pytest.mark.usefixtures("broken_catalogue")
def test_siaga_refuses_to_start_naming_file_and_key(services: DispatchService) -> None:
    problem = startup_problem(services)
    assert problem is not None
    assert BAD_KEY in problem


@pytest.mark.usefixtures("broken_catalogue")
async def test_console_exits_with_the_loader_message(
    services: DispatchService, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = ConsoleSettings(
        database_url=str(services.engine.url),
        terminal=services.actor.terminal,
        operator=services.actor.operator,
    )
    app = SiagaApp(
        services, settings, follow=False, check_schema=lambda: startup_problem(services)
    )
    async with app.run_test() as pilot:
        with contextlib.suppress(WorkerCancelled):
            await app.workers.wait_for_complete()
        await pilot.pause()
    assert app.return_code == 1
    shown = " ".join(capsys.readouterr().err.split())
    assert "types[TRAFFIC-INJ].apco: 'NOPE' is not an APCO 2.103.2 code" in shown


def test_a_good_catalogue_starts(services: DispatchService) -> None:
    incident_types._load.cache_clear()
    assert catalogue_problem() is None
    assert startup_problem(services) is None


def test_search_types_carries_answers_and_reasons() -> None:
    choices = search_types("tolong pak, omahe kobong, ono wong kejepit")
    top = choices[0]
    assert top.code == "FIRE-HOUSE"
    assert top.answer_map == {"trapped": "y"}
    assert "trapped" in {q.id for q in top.questions}
    assert any("kobong" in line for line in top.why)


def test_search_types_follows_the_injury_words() -> None:
    assert search_types("tabrakan, gak ada korban")[0].code == "TRAFFIC-NOINJ"
    assert search_types("tabrakan, ada korban")[0].code == "TRAFFIC-INJ"


def test_infer_answers_for_a_type_picked_by_code() -> None:
    assert infer_answers("korbannya semaput", "TRAFFIC-INJ") == {
        "serious": "y",
        "all_walking": "n",
    }
    assert infer_answers("semaput", "NO-SUCH") == {}
