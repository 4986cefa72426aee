"""A second, made-up city (tests/geodata/data/sukamaju) runs the whole engine.

Kota Sukamaju has other agencies than Kota Blitar (its own 112 centre agency,
a water utility called TIRTA, no Perkim or Dishub), a local incident type
(LAHAR) and its own roster and workload. If anything Blitar-specific were
left in code, these would fail.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine

from console.cli import main
from dispatch import catalogue
from dispatch.catalogue import CatalogueError, catalogue_for_city, shipped_catalogue
from dispatch.clock import FixedClock
from dispatch.enums import Priority, ReferralChannel, Role
from dispatch.services import DispatchService
from dispatch.simulator import SimulationConfig, simulate
from dispatch.testing import DEFAULT_START, principal_for, seed_database
from geodata.packs import PACKS_DIR, CityData, load_city, load_pack

CITY = Path(__file__).resolve().parents[1] / "geodata" / "data" / "sukamaju"
MARKET = {
    "lat": -7.5031,
    "lon": 110.0032,
    "kelurahan": "Kauman",
    "kecamatan": "Sukamaju",
}


@pytest.fixture(autouse=True)
def _restore_catalogue() -> Iterator[None]:
    previous = catalogue.use_region_pack(None)
    yield
    catalogue.use_region_pack(previous)


@pytest.fixture
def city_services(engine: Engine) -> DispatchService:
    clock = FixedClock(DEFAULT_START)
    pack = seed_database(engine, clock=clock, pack_name=str(CITY))
    return DispatchService(
        engine, clock=clock, principal=principal_for(Role.SUPERVISOR), pack=pack
    )


def test_the_city_catalogue_has_its_agencies_overrides_and_local_type() -> None:
    cat = catalogue_for_city(load_city(CITY))
    water = cat.referral("WATER-SUPPLY")
    assert water is not None
    assert (water.agency, water.channel) == ("TIRTA", ReferralChannel.DIRECT)
    assert cat.incident_type("STREETLIGHT").lead_agency == "PUPR"
    assert cat.search("ada banjir lahar dingin")[0].code == "LAHAR"
    assert "TIRTA" in cat.agencies
    assert cat.targets(Priority.P1).travel_target_s == 420  # the city's own
    assert cat.targets(Priority.P1).dispatch_target_s == 60  # the shared one
    # the shared catalogue is untouched
    shared = shipped_catalogue()
    assert "LAHAR" not in shared
    shared_water = shared.referral("WATER-SUPPLY")
    assert shared_water is not None
    assert shared_water.agency == "PDAM"


def test_services_on_the_city_refer_to_its_own_agencies(
    city_services: DispatchService,
) -> None:
    assert catalogue.get_catalogue().incident_type("LAHAR").lead_agency == "BPBD"
    call = city_services.open_call({"caller_number": "081234567890"})
    city_services.classify_call(call.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    referral = city_services.refer_call(call.id, {})
    assert referral.agency_code == "TIRTA"
    assert referral.channel == ReferralChannel.DIRECT
    # no type default: the agency's first channel from agencies.csv
    other = city_services.open_call({"caller_number": "081234567891"})
    to_pupr = city_services.refer_call(other.id, {"agency_code": "PUPR"})
    assert to_pupr.channel == ReferralChannel.ULPIM


def test_a_local_incident_gets_units_and_exports_with_the_citys_centre(
    city_services: DispatchService,
) -> None:
    call = city_services.open_call({"caller_number": "081234567892"})
    incident = city_services.create_incident(
        call.id,
        location={"text": "pasar sukamaju", **MARKET},
        classification={"type_code": "LAHAR", "answers": {}},
    )
    recs = city_services.recommend(incident.id)
    assert "BPBD-1" in [r.callsign for r in recs.units]
    eido = city_services.export_eido(
        incident.number, domain="sukamaju.invalid", full=False, validate=True
    )
    agencies = {a["$id"]: a["agencyType"] for a in eido["agencyComponent"]}
    assert agencies["c112.sukamaju.invalid"] == ["psap"]
    assert "diskominfotik.sukamaju.invalid" not in agencies


def test_the_city_simulates_with_its_own_workload(engine: object) -> None:
    del engine
    result = simulate(SimulationConfig(hours=4, seed=5, region_pack=str(CITY)))
    doc = result.to_dict()
    assert doc["config"]["region_pack"] == str(CITY)
    assert doc["calls"]["total"] > 0
    assert len(result.incidents) > 0
    units = {u.callsign for u in result.units}
    assert units == {
        "AMB-1",
        "AMB-2",
        "DMK-1",
        "DMK-2",
        "DMK-R",
        "POL-1",
        "BPBD-1",
        "SAT-1",
    }


def test_siaga_simulate_runs_on_the_city() -> None:
    result = CliRunner().invoke(
        main, ["simulate", "--pack", str(CITY), "--hours", "2", "--json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["config"]["region_pack"] == str(CITY)


def _copy_city(tmp_path: Path, name: str = "sukamaju") -> Path:
    # a new folder each time: the pack caches (per folder) need no clearing,
    # so the session's shared packs stay the same objects
    copy = tmp_path / name
    shutil.copytree(CITY, copy)
    return copy


def test_an_agency_the_catalogue_needs_must_be_in_the_pack(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    overlay = copy / "catalogue" / "local.toml"
    text = overlay.read_text()
    start = text.index("[override.WATER-SUPPLY]")
    overlay.write_text(text[:start] + text[text.index("# Street lights") :])
    with pytest.raises(CatalogueError) as err:
        catalogue_for_city(load_city(copy))
    message = str(err.value)
    assert "types[WATER-SUPPLY].lead_agency: agency 'PDAM' is not in" in message
    assert str(copy / "agencies.csv") in message


def test_bad_overlay_names_file_and_key(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    overlay = copy / "catalogue" / "local.toml"
    overlay.write_text(
        overlay.read_text()
        + '\n[override.NO-SUCH-TYPE]\nlead_agency = "PUPR"\n'
        + '\n[override.FLOOD]\nlead_agency = "NOBODY"\n'
    )
    with pytest.raises(CatalogueError) as err:
        catalogue_for_city(load_city(copy))
    message = str(err.value)
    assert f"{overlay}: override.NO-SUCH-TYPE: no shared type" in message
    assert f"{overlay}: types[FLOOD].lead_agency: agency 'NOBODY'" in message


def test_a_channel_the_agency_does_not_take_is_refused(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    agencies = copy / "agencies.csv"
    agencies.write_text(agencies.read_text().replace(",24,,direct", ",24,,ulpim"))
    with pytest.raises(CatalogueError, match="channel 'direct' is not one TIRTA takes"):
        catalogue_for_city(load_city(copy))
    second = _copy_city(tmp_path, "second")
    agencies = second / "agencies.csv"
    agencies.write_text(agencies.read_text().replace(",24,,direct", ",24,,fax"))
    with pytest.raises(CatalogueError, match=r"TIRTA\.channels: unknown channel 'fax'"):
        catalogue_for_city(load_city(second))


def test_pack_check_reports_catalogue_problems_in_one_message(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    (copy / "catalogue" / "local.toml").write_text("[override.FLOOD\n")
    result = CliRunner().invoke(main, ["pack", "check", str(copy)])
    assert result.exit_code == 1
    assert "local.toml: invalid TOML" in result.output
    assert "Traceback" not in result.output


def test_full_pack_and_city_data_agree() -> None:
    pack = load_pack(CITY)
    assert CityData.of(pack).catalogue_overlay == load_city(CITY).catalogue_overlay
    assert pack.simulation_profile is not None
    assert {a.code for a in pack.agencies} >= {"C112", "TIRTA"}


def test_an_override_keeps_every_field_it_does_not_name(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    overlay = copy / "catalogue" / "local.toml"
    shared = shipped_catalogue()
    # a no-op override of every shared type (its own lead agency again)
    overlay.write_text(
        overlay.read_text()
        + "".join(
            f"\n[override.{t.code}]\nsynonyms = {json.dumps(list(t.synonyms))}\n"
            for t in shared
            if t.code
            not in {"WATER-SUPPLY", "STREETLIGHT", "TRAFFIC-SIGNAL", "OTHER-NONEMERG"}
        )
    )
    cat = catalogue_for_city(load_city(copy))
    for t in shared:
        if t.code in {
            "WATER-SUPPLY",
            "STREETLIGHT",
            "TRAFFIC-SIGNAL",
            "OTHER-NONEMERG",
        }:
            continue
        assert cat.incident_type(t.code) == t, t.code


def test_bad_local_targets_name_the_overlay(tmp_path: Path) -> None:
    copy = _copy_city(tmp_path)
    overlay = copy / "catalogue" / "local.toml"
    overlay.write_text(
        overlay.read_text().replace("travel_target_s = 420", "travel_target_s = -1")
    )
    with pytest.raises(CatalogueError) as err:
        catalogue_for_city(load_city(copy))
    assert f"{overlay}: targets.priorities.P1.travel_target_s" in str(err.value)


def test_the_citys_follow_up_targets_come_from_its_agencies(
    city_services: DispatchService,
) -> None:
    from dispatch.reports.followup import FollowUpTargets

    follow = FollowUpTargets.of(city_services.pack, city_services.settings)
    assert follow.for_handoff("DAMKAR") == 45
    assert (
        follow.for_handoff("POLRES")
        == city_services.settings.handoff_escalation_seconds
    )
    assert follow.for_referral("TIRTA") == 24


def test_siaga_init_loads_the_city_and_refuses_a_broken_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIAGA_ADMIN_PASSWORD", "a-long-enough-password")
    monkeypatch.setenv("SIAGA_REGION_PACK", str(CITY))
    runner = CliRunner()
    ok = runner.invoke(main, ["init", "--db", f"sqlite:///{tmp_path / 'city.db'}"])
    assert ok.exit_code == 0, ok.output
    copy = _copy_city(tmp_path)
    (copy / "catalogue" / "local.toml").write_text(
        '[override.FLOOD]\nlead_agency = "X"\n'
    )
    monkeypatch.setenv("SIAGA_REGION_PACK", str(copy))
    bad = runner.invoke(main, ["init", "--db", f"sqlite:///{tmp_path / 'bad.db'}"])
    assert bad.exit_code == 1
    assert "types[FLOOD].lead_agency: agency 'X'" in bad.output
    assert "Traceback" not in bad.output
    assert (
        not (tmp_path / "bad.db").exists() or (tmp_path / "bad.db").stat().st_size == 0
    )


def test_blitar_uses_the_shared_catalogue_itself() -> None:
    assert catalogue_for_city(load_city("blitar")) is shipped_catalogue()


def test_a_pack_without_overlay_still_needs_every_agency(tmp_path: Path) -> None:
    copy = tmp_path / "blitar"
    shutil.copytree(PACKS_DIR / "blitar", copy)
    agencies = copy / "agencies.csv"
    rows = agencies.read_text(encoding="utf-8").splitlines(keepends=True)
    agencies.write_text("".join(r for r in rows if not r.startswith("PDAM,")))
    with pytest.raises(CatalogueError) as err:
        catalogue_for_city(load_city(copy))
    assert "types_80_referral.toml: types[WATER-SUPPLY].lead_agency" in str(err.value)
