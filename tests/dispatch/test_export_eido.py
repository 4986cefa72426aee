"""EIDO export: every incident of a simulated day validates against our schema."""

from __future__ import annotations

import copy
import io
import itertools
import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from console.cli import main
from dispatch import catalogue
from dispatch.errors import InvalidInput
from dispatch.exports.eido import incident_eido
from dispatch.exports.eido_check import check_references, eido_schema, validate_eido
from dispatch.exports.shift import write_shift_jsonl
from dispatch.journal import verify_rows
from dispatch.reports import shift_for_date
from dispatch.services import DispatchService
from dispatch.testing import run_read
from tests.conftest import file_mode
from tests.dispatch.reports_day import DAY_START, DayGenerator, make_database

DOMAIN = "blitar.siaga112.invalid"


@pytest.fixture(scope="module")
def day(tmp_path_factory):
    path = tmp_path_factory.mktemp("eido") / "eido.db"
    services, clock = make_database(path)
    DayGenerator(services, clock, seed=2103, calls=90).run()
    return services, "sqlite:///" + str(path)


def export(services: DispatchService, key: int | str) -> dict[str, Any]:
    zone = services.settings.zone
    return run_read(services, lambda s: incident_eido(s, key, domain=DOMAIN, zone=zone))


def all_numbers(services: DispatchService) -> list[str]:
    events = services.events_after(0, limit=100_000)
    return [e.payload["number"] for e in events if e.kind == "incident.created"]


def test_every_incident_validates(day):
    services, _ = day
    numbers = all_numbers(services)
    assert len(numbers) > 10
    statuses = set()
    for number in numbers:
        eido = export(services, number)
        assert validate_eido(eido) == [], number
        assert check_references(eido) == [], number
        statuses.add(eido["incidentComponent"]["incidentStatusInternalText"][0])
    assert "closed" in statuses
    assert statuses - {"closed"}, "open or cancelled incidents are exported too"


def test_required_fields_and_mapped_codes(day):
    services, _ = day
    cat = catalogue.get_catalogue()
    closed = [
        n for n in all_numbers(services) if services.incident(n).status == "closed"
    ]
    assert closed
    for number in closed:
        detail = services.incident(number)
        eido = export(services, number)
        for key in (
            "$id",
            "lastUpdateTimeStamp",
            "updatedByAgencyReference",
            "eidoVersion",
            "issuingElementIdentification",
            "agencyComponent",
        ):
            assert key in eido
        assert eido["eidoVersion"] == "1.0"
        assert eido["$id"].startswith("urn:emergency:uid:incidentid:" + number)
        inc = eido["incidentComponent"]
        itype = cat.incident_type(detail.type_code)
        assert inc["incidentTypeCommonRegistryText"] == itype.apco
        assert inc["incidentCommonPriorityNumber"] in range(11)
        (disp,) = inc["dispositionComponent"]
        assert disp["dispositionCommonRegistryCode"] == cat.apco_disposition(
            detail.disposition
        )
        assert disp["dispositionCategoryText"] == detail.disposition
        owners = [
            a for a in eido["agencyComponent"] if a.get("incidentOwningAgencyIndicator")
        ]
        assert len(owners) == 1
        for resource in eido.get("emergencyResourceComponent", []):
            assert resource["primaryUnitStatusRegistryText"] in {
                "Available",
                "ConditionallyAvailable",
                "NotAvailable",
            }
            assert resource["agentReference"]
        for call in eido["callComponent"]:
            assert call["direction"] == "incoming"


def test_priorities_map_to_the_common_scale(day):
    """The EIDO 0-10 priority is the catalogue level's, and never inverts the bands."""
    from dispatch import catalogue

    services, _ = day
    seen: dict[str, set[int]] = {}
    for number in all_numbers(services):
        detail = services.incident(number)
        inc = export(services, number)["incidentComponent"]
        level = catalogue.incident_type(detail.type_code).levels[detail.determinant]
        assert inc["incidentCommonPriorityNumber"] == level.eido_priority
        seen.setdefault(detail.priority, set()).add(inc["incidentCommonPriorityNumber"])
    assert "P1" in seen
    bands = [seen[p] for p in ("P1", "P2", "P3", "P4") if p in seen]
    for higher, lower in itertools.pairwise(bands):
        assert min(higher) >= max(lower)


def test_schema_rejects_missing_fields_and_bad_values(day):
    services, _ = day
    good = export(services, all_numbers(services)[0])
    assert validate_eido(good) == []
    broken: list[tuple[str, Callable[[dict[str, Any]], object]]] = [
        ("eidoVersion", lambda e: e.update(eidoVersion="2.0")),
        ("agencyComponent", lambda e: e.pop("agencyComponent")),
        (
            "issuingElementIdentification",
            lambda e: e.pop("issuingElementIdentification"),
        ),
        (
            "incidentTypeCommonRegistryText",
            lambda e: e["incidentComponent"].update(
                incidentTypeCommonRegistryText="FIRE"
            ),
        ),
        (
            "incidentCommonPriorityNumber",
            lambda e: e["incidentComponent"].update(incidentCommonPriorityNumber=11),
        ),
        (
            "agencyRoleDescriptionRegistryText",
            lambda e: e["agencyComponent"][0].update(
                agencyRoleDescriptionRegistryText=["Owner"]
            ),
        ),
        ("direction", lambda e: e["callComponent"][0].update(direction="inbound")),
        (
            "lastUpdateTimeStamp",
            lambda e: e["callComponent"][0].pop("lastUpdateTimeStamp"),
        ),
        ("lastUpdateTimeStamp", lambda e: e.update(lastUpdateTimeStamp="yesterday")),
    ]
    for field, damage in broken:
        eido = copy.deepcopy(good)
        damage(eido)
        problems = validate_eido(eido)
        assert problems, field
        assert any(field in p or "required" in p or "valid" in p for p in problems)


def test_schema_enumerations_are_registry_values():
    schema = eido_schema()
    defs = schema["$defs"]
    types = defs["Incident"]["properties"]["incidentTypeCommonRegistryText"]["enum"]
    assert "NONEMERG" in types
    assert "MVAINJY" in types
    assert len(types) == len(set(types)) == 245
    codes = defs["Disposition"]["properties"]["dispositionCommonRegistryCode"]["enum"]
    assert codes == [f"{n:02d}" for n in range(1, 46)]
    primary = defs["EmergencyResource"]["properties"]["primaryUnitStatusRegistryText"]
    assert primary["enum"] == ["Available", "ConditionallyAvailable", "NotAvailable"]
    # Every catalogue mapping lands on a registry value.
    cat = catalogue.get_catalogue()
    assert {t.apco for t in cat} <= set(types)
    assert {d.apco for d in cat.dispositions.values()} <= set(codes)
    secondary = defs["EmergencyResource"]["properties"][
        "secondaryUnitStatusRegistryText"
    ]
    from dispatch.enums import UnitStatus

    for status in UnitStatus:
        mapped = cat.eido_unit_status(status)
        assert mapped.primary in primary["enum"]
        assert set(mapped.secondary) <= set(secondary["items"]["enum"])
    # The schema ships values only: no NENA/APCO description texts.
    text = json.dumps(schema)
    assert "Report Taken" not in text
    assert "Emergency Unit is available" not in text


def test_corrections_and_cancellations_in_the_export(tmp_path):
    services, clock = make_database(tmp_path / "c.db")
    clock.set(DAY_START + timedelta(hours=1))
    call = services.open_call({"caller_number": "081234567890"})
    detail = services.create_incident(
        call.id,
        location={
            "text": "Jl. Kalimantan",
            "lat": -8.1,
            "lon": 112.16,
            "kelurahan": "Sukorejo",
        },
        classification={"type_code": "MED-SICK"},
        allow_outside_area=True,
    )
    first = services.add_note(detail.number, "patient is 40 years old")
    clock.advance(60)
    services.add_note(detail.number, "patient is 14 years old", corrects=first.id)
    with pytest.raises(InvalidInput):
        services.cancel_incident(detail.number, "  ")
    with pytest.raises(InvalidInput):
        services.close_incident(detail.number, "NOT_A_CODE")
    services.cancel_incident(detail.number, "caller took the patient to the puskesmas")
    eido = export(services, detail.number)
    assert validate_eido(eido) == []
    notes = [n["notesActionComments"] for n in eido["notesComponent"]]
    assert any("40 years" in n for n in notes), "the corrected note stays"
    correction = next(n for n in notes if "14 years" in n)
    first_id = next(
        n["$id"]
        for n in eido["notesComponent"]
        if "40 years" in n["notesActionComments"]
    )
    assert first_id in correction
    (disp,) = eido["incidentComponent"]["dispositionComponent"]
    assert disp["dispositionCommonRegistryCode"] == "10"
    assert "puskesmas" in disp["dispositionDescriptionText"]
    assert eido["incidentComponent"]["incidentStatusCommonRegistryText"] == [
        "Cancelled"
    ]


def test_shift_jsonl_is_a_verifiable_chain(day):
    services, _ = day
    window = shift_for_date(date(2026, 11, 27), services.settings)
    buffer = io.StringIO()
    count = run_read(
        services, lambda s: write_shift_jsonl(s, window, buffer, full=True)
    )
    lines = buffer.getvalue().splitlines()
    header = json.loads(lines[0])
    assert header["count"] == count == len(lines) - 1
    expected = [
        e for e in services.events_after(0, limit=100_000) if window.contains(e.at)
    ]
    assert count == len(expected)
    from dispatch.archive import _row_from_json

    rows = [_row_from_json(line) for line in lines[1:]]
    report = verify_rows(
        rows, start_id=header["first_id"] - 1, start_hash=header["start_hash"]
    )
    assert report.ok
    assert report.checked == count


def test_cli_exports_are_owner_only(day, tmp_path, monkeypatch, open_umask):
    services, url = day
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    number = all_numbers(services)[0]
    out = tmp_path / "eidos"
    one = tmp_path / "one.json"
    target = tmp_path / "shift.jsonl"
    for args in (
        ["export", "eido", number, "--out", str(out)],
        ["export", "eido", number, "--out", str(one)],
        ["export", "shift", "2026-11-27", "--out", str(target)],
    ):
        result = CliRunner().invoke(main, ["--db", url, *args])
        assert result.exit_code == 0, result.output
    assert file_mode(out) == 0o700
    assert file_mode(out / f"eido-{number}.json") == 0o600
    assert file_mode(one) == 0o600
    assert file_mode(target) == 0o600


def test_cli_exports(day, tmp_path, monkeypatch):
    services, url = day
    monkeypatch.delenv("SIAGA_CONFIG_FILE", raising=False)
    monkeypatch.setenv("SIAGA_OPERATOR", "supervisor")
    number = all_numbers(services)[0]
    result = CliRunner().invoke(main, ["--db", url, "export", "eido", number])
    assert result.exit_code == 0, result.output
    eido = json.loads(result.output)
    assert validate_eido(eido) == []
    assert eido["incidentComponent"]["internalIncidentId"] == number
    out = tmp_path / "eidos"
    numbers = all_numbers(services)[:3]
    result = CliRunner().invoke(
        main, ["--db", url, "export", "eido", *numbers, "--out", str(out)]
    )
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"eido-{n}.json" for n in numbers
    )
    missing = CliRunner().invoke(
        main, ["--db", url, "export", "eido", "112-00000000-0000"]
    )
    assert missing.exit_code == 1
    assert "There is no incident" in missing.output
    target = tmp_path / "shift.jsonl"
    result = CliRunner().invoke(
        main, ["--db", url, "export", "shift", "2026-11-27", "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    assert (
        json.loads(target.read_text().splitlines()[0])["format"] == "siaga-shift-export"
    )
