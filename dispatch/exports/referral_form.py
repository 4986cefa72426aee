"""A referral as the receiving channel's complaint form: one record, JSON or CSV.

SP4N-LAPOR! and ULPIM take complaints through a public form; the desk copies
a referral into it (or hands the file over). :class:`ReferralForm` holds one
referral with the form's parts as issue #13 lists them — title, complaint
text, category, location (with kelurahan and coordinates), date of the
event, the complainant's contact, attachments — plus our reference and the
agency's, and for water, sanitation and drainage the office's own questions
(households affected, since when, PDAM customer number, a number for photos;
:mod:`dispatch.referral_details`), as columns and in the complaint text. The
field-by-field mapping is in docs/reports.md; it follows that list, not a
checked copy of either form. Texts are Indonesian, the forms' language. The
complainant's number and name (and the number for photos) are masked (as
everywhere, :mod:`dispatch.access`) unless a supervisor exports them in full
because the caller allowed it.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch import catalogue
from dispatch.access import initials, mask_number
from dispatch.models import Agency, Call, Referral

#: Sector names as the channels' category lists word them (Indonesian).
SECTOR_CATEGORY = {
    "drinking_water": "Air minum",
    "sanitation": "Sanitasi",
    "water_resources": "Sumber daya air",
    "roads": "Jalan",
    "power": "Listrik",
    "social": "Sosial",
    "other": "Lainnya",
}
CHANNEL_NAME = {"sp4n-lapor": "SP4N-LAPOR!", "ulpim": "ULPIM", "direct": "langsung"}


class ReferralForm(BaseModel):
    """One referral, shaped like the receiving channel's complaint form."""

    model_config = ConfigDict(frozen=True)

    our_reference: str
    channel: str
    agency: str
    agency_reference: str | None
    title: str
    complaint: str
    category: str
    location: str | None
    kelurahan: str | None
    kecamatan: str | None
    latitude: float | None
    longitude: float | None
    event_date: str
    complainant_name: str | None
    complainant_contact: str | None
    households_affected: int | None = None
    problem_since: str | None = None
    customer_number: str | None = None
    photos_whatsapp: str | None = None
    """Where photos can be sent or asked for (masked like the contact)."""
    attachments: tuple[str, ...] = ()


def referral_form(
    session: Session,
    referral_id: int,
    *,
    zone: ZoneInfo,
    allow_contact: bool = False,
) -> ReferralForm:
    """The form of one referral (``LookupError`` if there is none)."""
    row = session.execute(
        select(Referral, Call, Agency.short_name)
        .join(Call, Call.id == Referral.call_id)
        .join(Agency, Agency.code == Referral.agency_code)
        .where(Referral.id == referral_id)
    ).one_or_none()
    if row is None:
        raise LookupError(f"There is no referral {referral_id}.")
    referral, call, agency_name = row
    return _form(referral, call, agency_name, zone, allow_contact)


def forms_between(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    zone: ZoneInfo,
    allow_contact: bool = False,
) -> list[ReferralForm]:
    """Forms of every referral sent in ``[start, end)``, oldest first."""
    rows = session.execute(
        select(Referral, Call, Agency.short_name)
        .join(Call, Call.id == Referral.call_id)
        .join(Agency, Agency.code == Referral.agency_code)
        .where(Referral.sent_at >= start, Referral.sent_at < end)
        .order_by(Referral.sent_at, Referral.id)
    ).all()
    return [_form(r, c, name, zone, allow_contact) for r, c, name in rows]


def _type_name(code: str | None) -> str | None:
    if not code or code not in catalogue.get_catalogue():
        return None
    return catalogue.incident_type(code).name.id


#: How each referral detail reads in the complaint text (Indonesian).
DETAIL_LINES = {
    "households": "Rumah / KK terdampak: {}",
    "since": "Sejak: {}",
    "customer_number": "No. pelanggan / meter PDAM: {}",
    "photos_to": "Foto dapat dikirim / diminta ke: {}",
}


def _details(referral: Referral, allow_contact: bool) -> dict[str, str]:
    """The referral's details, the photo number masked unless allowed."""
    details = {k: str(v) for k, v in (referral.details or {}).items() if v}
    if "photos_to" in details and not allow_contact:
        details["photos_to"] = mask_number(details["photos_to"]) or ""
    return details


def _complaint(call: Call, details: dict[str, str]) -> str:
    parts = []
    if call.notes:
        parts.append(call.notes.strip())
    parts.extend(
        line.format(details[key])
        for key, line in DETAIL_LINES.items()
        if key in details
    )
    if call.type_code and call.answers and _type_name(call.type_code):
        kind = catalogue.incident_type(call.type_code)
        questions = {q.id: q for q in kind.questions}
        for key, value in call.answers.items():
            question = questions.get(key)
            if question is None:
                continue
            answers = {o.key: o.label.id for o in question.options}
            parts.append(f"{question.text.id} {answers.get(str(value), value)}")
    return "\n".join(parts) or (_type_name(call.type_code) or "")


def _form(
    referral: Referral,
    call: Call,
    agency_name: str,
    zone: ZoneInfo,
    allow_contact: bool,
) -> ReferralForm:
    from dispatch.clock import ensure_utc

    kind = _type_name(referral.type_code) or "Pengaduan"
    place = call.kelurahan or call.place_name
    title = f"{kind} di {place}" if place else kind
    contact = call.caller_number if allow_contact else mask_number(call.caller_number)
    name = call.caller_name if allow_contact else initials(call.caller_name)
    details = _details(referral, allow_contact)
    households = details.get("households")
    return ReferralForm(
        our_reference=f"112-REF-{referral.id}",
        channel=CHANNEL_NAME.get(referral.channel, referral.channel),
        agency=agency_name,
        agency_reference=referral.reference_number,
        title=title,
        complaint=_complaint(call, details),
        category=SECTOR_CATEGORY[referral.sector or "other"],
        location=call.location_text or call.place_name,
        kelurahan=call.kelurahan,
        kecamatan=call.kecamatan,
        latitude=call.lat,
        longitude=call.lon,
        event_date=ensure_utc(call.received_at).astimezone(zone).isoformat(),
        complainant_name=name,
        complainant_contact=contact,
        households_affected=int(households) if households else None,
        problem_since=details.get("since"),
        customer_number=details.get("customer_number"),
        photos_whatsapp=details.get("photos_to"),
    )


def forms_json(forms: Iterable[ReferralForm]) -> str:
    """The forms as a JSON array (UTF-8 text, Indonesian kept readable)."""
    return (
        json.dumps(
            [f.model_dump(mode="json") for f in forms], indent=2, ensure_ascii=False
        )
        + "\n"
    )


def forms_csv(forms: Iterable[ReferralForm]) -> str:
    """The forms as CSV: one row each; attachments joined by ``;``."""
    buffer = io.StringIO()
    fields = list(ReferralForm.model_fields)
    writer = csv.DictWriter(buffer, fieldnames=fields, lineterminator="\r\n")
    writer.writeheader()
    for form in forms:
        row = form.model_dump(mode="json")
        row["attachments"] = ";".join(form.attachments)
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return buffer.getvalue()
