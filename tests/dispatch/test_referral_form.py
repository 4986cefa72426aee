"""The referral form export: every mapped field filled where the desk recorded it."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from console.cli import main
from dispatch.exports.referral_form import (
    ReferralForm,
    forms_csv,
    forms_json,
    referral_form,
)
from dispatch.schemas import ReferralView
from dispatch.services import DispatchService
from dispatch.testing import run_read
from tests.dispatch.reports_day import DAY_START, make_database

#: Fields left empty on purpose: the desk records no attachments (photos go to
#: the agency's number, which the complaint text names).
NOT_RECORDED_AT_THE_DESK = {"attachments"}


def _water_referral(tmp_path: Path) -> tuple[DispatchService, ReferralView]:
    services, clock = make_database(tmp_path / "f.db")
    clock.set(DAY_START + timedelta(hours=3))
    call = services.open_call(
        {"caller_number": "081234567890", "caller_name": "Bu Sri"}
    )
    services.record_location(
        call.id,
        {
            "text": "Jl. Merdeka 12 depan toko",
            "lat": -8.0984,
            "lon": 112.1682,
            "kelurahan": "Kauman",
            "kecamatan": "Kepanjenkidul",
        },
    )
    services.classify_call(call.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    services.add_call_note(call.id, "Air mati, pipa bocor di depan toko")
    referral = services.refer_call(
        call.id,
        {
            "channel": "sp4n-lapor",
            "reference_number": "LPR-2026-1",
            "details": {
                "households": "12",
                "since": "kemarin pagi",
                "customer_number": "0123456",
                "photos_to": "0857 1111 2222",
            },
        },
    )
    return services, referral


def test_every_mapped_field_is_filled(tmp_path):
    services, referral = _water_referral(tmp_path)
    zone = services.settings.zone
    form = run_read(services, lambda s: referral_form(s, referral.id, zone=zone))
    values = form.model_dump()
    empty = {k for k, v in values.items() if v in (None, "", ())}
    assert empty == NOT_RECORDED_AT_THE_DESK
    assert form.channel == "SP4N-LAPOR!"
    assert form.agency == "PDAM"
    assert form.category == "Air minum"
    assert form.title == "Air PDAM mati / pipa bocor di Kauman"
    assert "Rumah / KK terdampak: 12" in form.complaint
    assert form.households_affected == 12
    assert form.problem_since == "kemarin pagi"
    assert form.customer_number == "0123456"
    assert form.photos_whatsapp == "0857-****-2222"  # masked like the contact
    assert "Foto dapat dikirim / diminta ke: 0857-****-2222" in form.complaint
    assert form.kelurahan == "Kauman"
    assert (form.latitude, form.longitude) == (-8.0984, 112.1682)
    assert form.event_date.startswith("2026-11-27T10:00")  # local time, +07:00
    assert form.complainant_contact == "0812-****-7890"
    assert form.complainant_name == "B. S."
    assert form.agency_reference == "LPR-2026-1"
    allowed = run_read(
        services, lambda s: referral_form(s, referral.id, zone=zone, allow_contact=True)
    )
    assert allowed.complainant_contact == "+6281234567890"
    assert allowed.complainant_name == "Bu Sri"
    assert allowed.photos_whatsapp == "+6285711112222"


#: Form fields and the detail each is filled from (the rest come from the call).
DETAIL_FIELDS = {
    "households_affected": "households",
    "problem_since": "since",
    "customer_number": "customer_number",
    "photos_whatsapp": "photos_to",
}


@pytest.mark.parametrize(
    ("type_code", "details"),
    [
        ("SANITATION-WASTE", {"households": "3", "since": "seminggu"}),
        ("DRAIN", {"photos_to": "081299998888"}),
        ("WATER-SUPPLY", {}),
    ],
)
def test_a_field_is_empty_only_where_the_desk_recorded_nothing(
    tmp_path, type_code, details
):
    services, clock = make_database(tmp_path / "g.db")
    clock.set(DAY_START + timedelta(hours=3))
    call = services.open_call(
        {"caller_number": "081234567890", "caller_name": "Pak Adi"}
    )
    services.record_location(
        call.id,
        {"text": "Jl. Mawar 3", "lat": -8.1, "lon": 112.16, "kelurahan": "Sentul"},
    )
    services.classify_call(call.id, {"type_code": type_code, "answers": {}})
    referral = services.refer_call(call.id, {"details": details})
    zone = services.settings.zone
    form = run_read(services, lambda s: referral_form(s, referral.id, zone=zone))
    values = form.model_dump()
    empty = {k for k, v in values.items() if v in (None, "", ())}
    not_recorded = {f for f, d in DETAIL_FIELDS.items() if d not in details}
    assert empty == NOT_RECORDED_AT_THE_DESK | not_recorded | {
        "kecamatan",  # not given with the location above
        "agency_reference",  # the agency has not answered yet
    }


def test_bad_details_are_refused_at_their_field(tmp_path):
    from dispatch.errors import InvalidInput

    services, _clock = make_database(tmp_path / "h.db")
    call = services.open_call({})
    services.classify_call(call.id, {"type_code": "WATER-SUPPLY", "answers": {}})
    for details, field in (
        ({"households": "dua belas"}, "details.households"),
        ({"households": "0"}, "details.households"),
        ({"photos_to": "bukan nomor"}, "details.photos_to"),
        ({"colour": "biru"}, "details.colour"),
        ({"since": "x" * 81}, "details.since"),
    ):
        with pytest.raises(InvalidInput) as caught:
            services.refer_call(call.id, {"details": details})
        assert caught.value.field == field
    assert services.referrals() == []  # nothing stored half-right
    road = services.open_call({})
    services.classify_call(road.id, {"type_code": "ROAD-DAMAGE", "answers": {}})
    with pytest.raises(InvalidInput, match="asks no detail"):
        services.refer_call(road.id, {"details": {"customer_number": "1"}})


def test_json_and_csv_carry_the_same_record(tmp_path):
    services, referral = _water_referral(tmp_path)
    zone = services.settings.zone
    form = run_read(services, lambda s: referral_form(s, referral.id, zone=zone))
    (record,) = json.loads(forms_json([form]))
    assert ReferralForm.model_validate(record) == form
    (row,) = csv.DictReader(io.StringIO(forms_csv([form])))
    assert row["title"] == form.title
    assert row["latitude"] == str(form.latitude)
    assert row["attachments"] == ""


def test_cli_exports_a_day_as_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("SIAGA_OPERATOR", "dispatcher")  # exports are the dispatch's
    _services, referral = _water_referral(tmp_path)
    url = "sqlite:///" + str(tmp_path / "f.db")
    result = CliRunner().invoke(
        main,
        ["export", "referral", "--db", url, "--day", "2026-11-27", "--format", "csv"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    assert [r["our_reference"] for r in rows] == [f"112-REF-{referral.id}"]
    missing = CliRunner().invoke(main, ["export", "referral", "--db", url, "999"])
    assert missing.exit_code != 0
    assert "no referral 999" in missing.output
    assert "Traceback" not in missing.output


def test_full_export_is_a_supervisors_and_journaled(tmp_path):
    from dispatch.enums import Role
    from dispatch.errors import AccessDenied
    from dispatch.testing import facade_for

    services, referral = _water_referral(tmp_path)
    dispatcher = facade_for(services, Role.DISPATCHER)
    count, text = dispatcher.export_referrals((referral.id,))
    assert count == 1
    assert "0812-****-7890" in text
    with pytest.raises(AccessDenied):
        dispatcher.export_referrals((referral.id,), full=True)
    _count, full = services.export_referrals((referral.id,), full=True)  # supervisor
    assert "+6281234567890" in full
    kinds = [e.kind for e in services.events_after(0)]
    assert "export.unmasked" in kinds
