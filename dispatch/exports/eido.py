"""Export an incident as a NENA EIDO JSON object (NENA-STA-021.1a-2022).

:func:`incident_eido` builds the agency, agent, incident (with disposition),
call, dispatch, emergency resource, location and notes components from the
database. Registry fields carry registry *values* only (mapped in
:mod:`dispatch.exports.codes`): the incident type as its APCO ANS 2.103.2
common type, the priority as the 0..10 common priority, the close code as an
APCO ANS 1.111.2 common disposition code, unit statuses as EIDO primary and
secondary unit statuses.

Where NENA's tables and NENA's schema name a field differently the schema's
name is used (``dispositionComponent``).
:func:`~dispatch.exports.eido_check.validate_eido` checks an object against
the schema this project keeps (``eido.schema.json``), written from the
standard's field tables.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dispatch.access import initials, mask_number
from dispatch.exports import codes
from dispatch.exports.eido_builder import EidoBuilder, ref, timestamp
from dispatch.keys import as_row_id
from dispatch.models import (
    Agency,
    Assignment,
    Call,
    Event,
    Handoff,
    Incident,
    NarrativeEntry,
    Operator,
    Unit,
)

EIDO_VERSION = "1.0"
#: Used only when the roster has no agency of kind ``operator`` (the region
#: pack's agency that runs the 112 centre owns every incident it creates).
FALLBACK_CENTER = "PSAP"


def incident_eido(
    session: Session,
    incident_key: int | str,
    *,
    domain: str,
    zone: ZoneInfo,
    full: bool = False,
    services: Mapping[str, str | None] | None = None,
) -> dict[str, Any]:
    """The EIDO of one incident (by id or number); ``LookupError`` if unknown.

    ``domain`` is the center's domain; agency, agent and resource identifiers
    are built under it (``psc119.<domain>``, ``amb-01@psc119.<domain>``).
    Each caller is a person component whose number and name are masked
    (``0812-****-5432``, initials) unless ``full``. ``services`` gives each
    agency's responder sub-service (the region pack's ``service`` column);
    without it an agency is ``psap`` when it runs the centre, else ``other``.
    """
    incident = _find(session, incident_key)
    last_event = session.scalar(
        select(Event.at)
        .where(Event.incident_id == incident.id)
        .order_by(Event.id.desc())
        .limit(1)
    )
    stamp = timestamp(last_event or incident.closed_at or incident.created_at, zone)
    center_code = session.scalar(
        select(Agency.code).where(Agency.kind == "operator").order_by(Agency.code)
    )
    b = EidoBuilder(domain, zone, stamp, center_code or FALLBACK_CENTER, services or {})
    roles = dict(session.execute(select(Operator.username, Operator.role)).all())
    center = b.agency(b.center, _CENTER_KIND, "CallReceiving", owner=True)

    def operator(name: str) -> str:
        return b.agent(name, roles.get(name, "operator"), center)

    locations: list[dict[str, Any]] = []
    incident_location: str | None = None
    if incident.lat is not None and incident.lon is not None:
        incident_location = b.component_id("location", f"i{incident.id}")
        locations.append(
            _location(
                b, incident_location, incident, "InitialIncident", incident.number
            )
        )
    # The order of these steps is the order agents and agencies appear in.
    calls_out, persons_out = _calls(session, b, incident, operator, locations, full)
    notes_out = _notes(session, b, incident, operator)
    resources_out, dispatches = _units(
        session, b, incident, operator, incident_location
    )
    for handoff, agency in session.execute(
        select(Handoff, Agency)
        .join(Agency, Agency.code == Handoff.agency_code)
        .where(Handoff.incident_id == incident.id)
    ).all():
        b.agency(agency.code, agency.kind, "TransferredTo")
        del handoff
    eido: dict[str, Any] = {
        "$id": f"urn:emergency:uid:incidentid:{incident.number}:{b.center_id}",
        "lastUpdateTimeStamp": stamp,
        "updatedByAgencyReference": ref(b.center_id),
        "eidoVersion": EIDO_VERSION,
        "issuingElementIdentification": f"cad.{b.center_id}",
        "incidentComponent": _incident_body(b, incident, incident_location, notes_out),
        "agencyComponent": list(b.agencies.values()),
    }
    optional: tuple[tuple[str, list[dict[str, Any]]], ...] = (
        ("callComponent", calls_out),
        ("personComponent", persons_out),
        ("dispatchComponent", list(dispatches.values())),
        ("notesComponent", notes_out),
        ("emergencyResourceComponent", list(resources_out.values())),
        ("agentComponent", list(b.agents.values())),
        ("locationComponent", locations),
    )
    # EIDO leaves out an empty component list rather than sending [].
    eido.update((name, parts) for name, parts in optional if parts)
    return eido


#: the kind of agency that runs the centre
_CENTER_KIND = "operator"


def _calls(
    session: Session,
    b: EidoBuilder,
    incident: Incident,
    operator: Callable[[str], str],
    locations: list[dict[str, Any]],
    full: bool,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Call components and their callers as person components, oldest first."""
    calls_out = []
    persons_out: list[dict[str, Any]] = []
    for call in session.scalars(
        select(Call).where(Call.incident_id == incident.id).order_by(Call.id)
    ):
        cid = f"urn:emergency:uid:callid:{call.id}:{b.center_id}"
        agent = operator(call.operator)
        body = b.prologue(cid, agent)
        body.update(
            {
                "standardPrimaryCallType": "emergency",
                "localCallType": call.outcome or "open",
                "direction": "incoming",
                "callStartTimestamp": timestamp(call.received_at, b.zone),
                "callStateRegistryText": "callEnd" if call.ended_at else "callAnswered",
                "agentReference": [ref(agent)],
            }
        )
        if call.answered_at is not None:
            body["answerDate"] = timestamp(call.answered_at, b.zone)
        if call.lat is not None and call.lon is not None:
            lid = b.component_id("location", f"c{call.id}")
            locations.append(_location(b, lid, call, "Caller", f"call-{call.id}"))
            body["locationReference"] = [ref(lid)]
        calls_out.append(body)
        person = _caller(b, call, full=full)
        if person is not None:
            persons_out.append(person)
    return calls_out, persons_out


def _notes(
    session: Session,
    b: EidoBuilder,
    incident: Incident,
    operator: Callable[[str], str],
) -> list[dict[str, Any]]:
    """Narrative entries as note components, plus the cancel reason if any."""
    notes_out = []
    for entry in session.scalars(
        select(NarrativeEntry)
        .where(NarrativeEntry.incident_id == incident.id)
        .order_by(NarrativeEntry.id)
    ):
        nid = b.component_id("note", entry.id)
        agent = operator(entry.author)
        text = html.escape(entry.text)
        if entry.corrects_id is not None:
            corrected = b.component_id("note", entry.corrects_id)
            text = f"<p>Correction of {html.escape(corrected)}</p><p>{text}</p>"
        else:
            text = f"<p>{text}</p>"
        note = b.prologue(nid, agent)
        note.update({"notesActionComments": text, "agentReference": ref(agent)})
        notes_out.append(note)
    if incident.cancel_reason:
        nid = b.component_id("note", f"cancel{incident.id}")
        note = b.prologue(nid)
        note["notesActionComments"] = (
            f"<p>Cancelled: {html.escape(incident.cancel_reason)}</p>"
        )
        notes_out.append(note)
    return notes_out


def _units(
    session: Session,
    b: EidoBuilder,
    incident: Incident,
    operator: Callable[[str], str],
    incident_location: str | None,
) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]]:
    """Resource components per unit and one dispatch component per agency."""
    resources_out: dict[str, dict[str, Any]] = {}
    dispatches: dict[str, dict[str, Any]] = {}
    rows = session.execute(
        select(Assignment, Unit, Agency)
        .join(Unit, Unit.id == Assignment.unit_id)
        .join(Agency, Agency.code == Unit.agency_code)
        .where(Assignment.incident_id == incident.id)
        .order_by(Assignment.id)
    ).all()
    for assignment, unit, agency in rows:
        agency_id = b.agency(agency.code, agency.kind, "Dispatched")
        rid = f"{unit.callsign.lower()}@{agency_id}"
        resources_out[rid] = _resource(
            b, assignment, unit, rid, agency_id, incident_location
        )
        dispatch = dispatches.get(agency_id)
        if dispatch is None:
            did = b.component_id("dispatch", f"{incident.id}.{agency.code.lower()}")
            dispatcher = operator(assignment.dispatched_by)
            dispatch = b.prologue(did, dispatcher)
            dispatch.update(
                {
                    "agencyReference": ref(agency_id),
                    "agentReference": ref(dispatcher),
                    "emergencyResourceReference": [],
                }
            )
            dispatches[agency_id] = dispatch
            b.agency(b.center, _CENTER_KIND, "Dispatching")
        if ref(rid) not in dispatch["emergencyResourceReference"]:
            dispatch["emergencyResourceReference"].append(ref(rid))
    return resources_out, dispatches


def _resource(
    b: EidoBuilder,
    assignment: Assignment,
    unit: Unit,
    rid: str,
    agency_id: str,
    incident_location: str | None,
) -> dict[str, Any]:
    """One unit's resource component, with its crew as the updating agent."""
    crew = b.agent(f"crew.{unit.callsign.lower()}", "responder", agency_id)
    kind, attributes = codes.resource_type(unit.unit_type)
    # The unit's status now if it still works this incident, else how it
    # left the incident.
    if assignment.active:
        status = unit.status
        mapped = codes.eido_unit_status(status)
    else:
        status = assignment.status
        mapped = codes.eido_assignment_end(status)
    resource = b.prologue(rid, crew)
    resource.update(
        {
            "emergencyResourceTypeCommonRegistryText": kind,
            "emergencyResourceTypeInternalText": unit.unit_type,
            "resourceAttributeRegistryText": list(attributes),
            "emergencyResourceName": unit.name,
            "primaryUnitStatusRegistryText": mapped.primary,
            "secondaryUnitStatusRegistryText": list(mapped.secondary),
            "unitStatusInternal": [status, f"assignment:{assignment.status}"],
            "agentReference": [ref(crew)],
        }
    )
    if incident_location is not None:
        resource["unitDestinationReference"] = ref(incident_location)
    return resource


def _incident_body(
    b: EidoBuilder,
    incident: Incident,
    incident_location: str | None,
    notes_out: list[dict[str, Any]],
) -> dict[str, Any]:
    """The incident component; call it after every agent has been registered."""
    agents_involved = [ref(a) for a in b.agents]
    incident_body = b.prologue(b.component_id("incident", incident.id))
    incident_body.update(
        {
            "incidentTypeInternalCode": incident.type_code,
            "incidentTypeInternalText": _type_name(incident.type_code),
            "incidentTypeCommonRegistryText": codes.apco_incident_type(
                incident.type_code
            ),
            "incidentStatusInternalText": [incident.status],
            "incidentStatusCommonRegistryText": list(
                codes.eido_incident_status(incident.status)
            ),
            "internalIncidentId": incident.number,
            "incidentPriorityInternalText": incident.priority,
            "agentReference": agents_involved,
        }
    )
    priority = codes.common_priority(
        incident.priority, incident.type_code, incident.determinant
    )
    if priority is not None:
        incident_body["incidentCommonPriorityNumber"] = priority
    if incident_location is not None:
        incident_body["locationReference"] = [ref(incident_location)]
    disposition = _disposition(incident)
    if disposition is not None:
        # NENA's schema gives the nested disposition a prologue of its own.
        body = b.prologue(b.component_id("disposition", incident.id))
        body.update(disposition)
        incident_body["dispositionComponent"] = [body]
    if notes_out:
        incident_body["notesReference"] = [ref(n["$id"]) for n in notes_out]
    return incident_body


def _caller(b: EidoBuilder, call: Call, *, full: bool) -> dict[str, Any] | None:
    """The caller of ``call`` as a person component (masked unless ``full``)."""
    if not call.caller_number and not call.caller_name:
        return None
    person = b.prologue(b.component_id("person", f"caller{call.id}"))
    person["personRoleRegistryText"] = ["caller"]
    person["callReference"] = ref(f"urn:emergency:uid:callid:{call.id}:{b.center_id}")
    number, name = call.caller_number, call.caller_name
    if number:
        person["personTelephoneNumber"] = number if full else mask_number(number)
    if name:
        person["personName"] = name if full else initials(name)
    return person


def _find(session: Session, key: int | str) -> Incident:
    text = str(key).strip()
    row_id = as_row_id(text)
    query = (
        select(Incident).where(Incident.id == row_id)
        if row_id is not None
        else select(Incident).where(Incident.number == text)
    )
    incident = session.scalars(query).one_or_none()
    if incident is None:
        raise LookupError(f"There is no incident {key}.")
    return incident


def _type_name(code: str) -> str:
    try:
        from dispatch.catalogue import incident_type

        return str(incident_type(code).name.en)
    except Exception:
        return code


def _disposition_name(code: str) -> str:
    try:
        from dispatch.catalogue import get_catalogue

        return str(get_catalogue().dispositions[code].name.en)
    except Exception:
        return code.replace("_", " ").lower()


def _disposition(incident: Incident) -> dict[str, Any] | None:
    if incident.disposition:
        apco = codes.apco_disposition(incident.disposition)
        if apco is None:
            return None
        return {
            "dispositionCommonRegistryCode": apco,
            "dispositionPrimaryIndicator": True,
            "dispositionCategoryText": incident.disposition,
            "dispositionDescriptionText": _disposition_name(incident.disposition),
        }
    if incident.status == "cancelled":
        return {
            "dispositionCommonRegistryCode": codes.CANCELLED_DISPOSITION,
            "dispositionPrimaryIndicator": True,
            "dispositionCategoryText": "CANCELLED",
            "dispositionDescriptionText": incident.cancel_reason or "cancelled",
        }
    return None


def _location(
    b: EidoBuilder, lid: str, place: Any, kind: str, entity: str
) -> dict[str, Any]:
    pidf = (
        '<presence xmlns="urn:ietf:params:xml:ns:pidf" '
        'xmlns:gp="urn:ietf:params:xml:ns:pidf:geopriv10" '
        'xmlns:gml="http://www.opengis.net/gml" '
        f'entity="pres:{html.escape(entity)}@{html.escape(b.center_id)}">'
        '<tuple id="location"><status><gp:geopriv><gp:location-info>'
        '<gml:Point srsName="urn:ogc:def:crs:EPSG::4326">'
        f"<gml:pos>{place.lat:.6f} {place.lon:.6f}</gml:pos>"
        "</gml:Point></gp:location-info><gp:usage-rules/></gp:geopriv>"
        "</status></tuple></presence>"
    )
    body = b.prologue(lid)
    body["locationTypeDescriptionRegistryText"] = kind
    body["locationByValue"] = pidf
    words = [
        w
        for w in (
            place.place_name,
            place.location_text,
            place.kelurahan,
            place.kecamatan,
        )
        if w
    ]
    if words:
        body["locationDescriptionText"] = ", ".join(dict.fromkeys(words))
    return body
