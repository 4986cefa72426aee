"""Pydantic models at the engine's edge: inputs in, frozen read models out.

Front ends build the input models (and show ``ValidationError`` locations at
their fields); services validate again because the simulator and future APIs
call them too. Read models are frozen snapshots: safe to hand to a UI thread.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from dispatch.enums import (
    AckMeans,
    AssignmentStatus,
    CallbackOutcome,
    CallOutcome,
    CallState,
    EscalationLevel,
    HandoffStatus,
    IncidentStatus,
    Priority,
    ReferralChannel,
    ReferralStatus,
    Sector,
    UnitStatus,
)

MAX_TEXT = 500
MAX_NOTE = 4000


def _clean_text(value: str | None, limit: int) -> str | None:
    if value is None:
        return None
    cleaned = "".join(ch for ch in value if ch.isprintable() or ch in "\n\t").strip()
    if len(cleaned) > limit:
        raise ValueError(f"at most {limit} characters")
    return cleaned or None


class _Input(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


class CallOpenInput(_Input):
    """What is known when a call is picked up."""

    caller_number: str | None = Field(default=None, max_length=40)
    caller_name: str | None = Field(default=None, max_length=120)
    rang_at: datetime | None = None
    """When the line rang, from a program that knows (the simulator); without
    it the answer interval is not measured. Desks get it from the ring feed."""
    take_ring: bool = True
    """Take the oldest ring waiting on a line mapped to this terminal (F2)."""

    @field_validator("caller_name")
    @classmethod
    def _name(cls, value: str | None) -> str | None:
        return _clean_text(value, 120)


class LocationInput(_Input):
    """A place the call taker picked or confirmed."""

    text: str = Field(default="", max_length=MAX_TEXT)
    """What the caller said, as typed."""
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    place_name: str | None = Field(default=None, max_length=200)
    kelurahan_code: str | None = Field(default=None, max_length=20)
    kelurahan: str | None = Field(default=None, max_length=80)
    kecamatan: str | None = Field(default=None, max_length=80)
    relation: str | None = Field(default=None, max_length=20)
    confidence: float | None = Field(default=None, ge=0, le=1)

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        return _clean_text(value, MAX_TEXT) or ""


class ClassifyInput(_Input):
    """The incident type and the answers to its key questions."""

    type_code: str = Field(min_length=1, max_length=32)
    answers: dict[str, str] = Field(default_factory=dict)


class ReferralInput(_Input):
    """Where a non-emergency call goes; empty fields take the type's defaults."""

    agency_code: str | None = Field(default=None, max_length=32)
    channel: ReferralChannel | None = None
    sector: Sector | None = None
    callback: bool = False
    """The caller wants to be told when the agency has solved it."""
    reference_number: str | None = Field(default=None, max_length=64)
    details: dict[str, str] = Field(default_factory=dict)
    """Answers to the type's details (what the office asks), by detail id;
    checked against the catalogue by the service."""

    @field_validator("reference_number")
    @classmethod
    def _reference(cls, value: str | None) -> str | None:
        return _clean_text(value, 64)


class _View(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class CallView(_View):
    """A call as a terminal sees it."""

    id: int
    rang_at: datetime | None
    received_at: datetime
    answered_at: datetime | None
    located_at: datetime | None
    classified_at: datetime | None
    ended_at: datetime | None
    ring_line: str | None
    state: CallState
    outcome: CallOutcome | None
    operator: str
    terminal: str
    caller_number: str | None
    caller_name: str | None
    location_text: str | None
    lat: float | None
    lon: float | None
    place_name: str | None
    kelurahan: str | None
    kecamatan: str | None
    type_code: str | None
    determinant: str | None
    priority: Priority | None
    answers: dict[str, Any]
    notes: str | None
    incident_id: int | None
    version: int

    @property
    def answer_s(self) -> float | None:
        """Ring to answer in seconds; ``None`` (not measured) without a ring."""
        if self.rang_at is None or self.answered_at is None:
            return None
        return max(0.0, (self.answered_at - self.rang_at).total_seconds())


class CallerHistory(_View):
    """What we know of a number from earlier calls (prank/silent flagging)."""

    number: str
    calls: int
    prank: int
    silent: int
    abandoned: int
    incidents: int
    last_call_at: datetime | None

    @property
    def flagged(self) -> bool:
        """True when the number has a history of prank or silent calls."""
        return self.prank + self.silent > 0


class AssignmentView(_View):
    """One unit on one incident."""

    id: int
    incident_id: int
    callsign: str
    unit_type: str
    agency_code: str
    status: AssignmentStatus
    active: bool
    eta_seconds: float | None
    preempted_from: int | None
    dispatched_at: datetime
    acknowledged_at: datetime | None
    en_route_at: datetime | None
    on_scene_at: datetime | None
    transporting_at: datetime | None
    at_hospital_at: datetime | None
    cleared_at: datetime | None
    cancelled_at: datetime | None


class NarrativeView(_View):
    """A narrative entry."""

    id: int
    at: datetime
    author: str
    text: str
    corrects_id: int | None


class HandoffView(_View):
    """An agency hand-off."""

    id: int
    incident_id: int
    agency_code: str
    status: HandoffStatus
    requested_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    acknowledged_via: AckMeans | None = None
    escalated_at: datetime | None
    escalation_level: int = 0


class WaitingHandoffView(_View):
    """A hand-off still waiting for its agency, as the alarm strip shows it."""

    handoff: HandoffView
    incident_number: str
    agency_name: str
    target_s: int
    waited_s: float
    overdue: bool


class EscalationView(_View):
    """One escalation step the background duty just took."""

    handoff_id: int
    incident_id: int
    incident_number: str
    agency_code: str
    agency_name: str
    level: EscalationLevel
    waited_s: float


class IncidentSummary(_View):
    """An incident as a queue row."""

    id: int
    number: str
    type_code: str
    determinant: str
    priority: Priority
    status: IncidentStatus
    call_received_at: datetime
    created_at: datetime
    first_dispatched_at: datetime | None
    first_on_scene_at: datetime | None
    closed_at: datetime | None
    place_name: str | None
    location_text: str | None
    lat: float | None
    lon: float | None
    kelurahan: str | None
    kecamatan: str | None
    caller_number: str | None
    disposition: str | None
    units: tuple[str, ...] = ()
    version: int


class IncidentDetail(IncidentSummary):
    """Everything about one incident."""

    caller_name: str | None
    answers: dict[str, Any]
    cancel_reason: str | None
    created_by: str
    assignments: tuple[AssignmentView, ...] = ()
    narrative: tuple[NarrativeView, ...] = ()
    handoffs: tuple[HandoffView, ...] = ()
    call_ids: tuple[int, ...] = ()


class UnitView(_View):
    """A unit as the board shows it."""

    id: int
    callsign: str
    name: str
    agency_code: str
    unit_type: str
    capabilities: tuple[str, ...]
    station_id: str | None
    lat: float | None
    lon: float | None
    status: UnitStatus
    status_since: datetime
    incident_id: int | None = None
    incident_number: str | None = None
    version: int


class ReferralView(_View):
    """A referral to a responsible agency."""

    id: int
    call_id: int
    agency_code: str
    channel: ReferralChannel
    reference_number: str | None
    sector: str | None
    type_code: str | None
    status: ReferralStatus
    sent_at: datetime
    acknowledged_at: datetime | None
    resolved_at: datetime | None
    note: str | None = None
    overdue_at: datetime | None = None
    callback_requested: bool = False
    callback_at: datetime | None = None
    callback_outcome: CallbackOutcome | None = None
    details: dict[str, str] = Field(default_factory=dict)
    """What the responsible office asks, by the catalogue's detail id."""

    @property
    def callback_due(self) -> bool:
        """Resolved, the caller asked to be told, and nobody has called yet."""
        return (
            self.callback_requested
            and self.status == ReferralStatus.RESOLVED
            and self.callback_at is None
        )


class ReferralLine(_View):
    """A referral on the follow-up list: its age against the agency's target."""

    referral: ReferralView
    agency_name: str
    caller_number: str | None
    age_s: float
    target_h: int
    overdue: bool


class DutyReport(_View):
    """What one run of the background duties did."""

    escalations: tuple[EscalationView, ...]
    overdue_referrals: tuple[int, ...]


class SignOnView(_View):
    """An operator signed on to a shift at one terminal."""

    shift_id: int
    operator: str
    role: str
    terminal: str
    signed_on_at: datetime
    signed_off_at: datetime | None = None


class ShiftView(_View):
    """A stored shift: when it runs, who opened and closed it, who is on it."""

    id: int
    starts_at: datetime
    ends_at: datetime
    opened_at: datetime
    opened_by: str
    closed_at: datetime | None = None
    closed_by: str | None = None
    report_sha256: str | None = None
    sign_ons: tuple[SignOnView, ...] = ()

    @property
    def is_closed(self) -> bool:
        """True once the supervisor has handed the shift over."""
        return self.closed_at is not None


class CarriedIncident(_View):
    """An open incident the next shift inherits."""

    number: str
    type_code: str
    priority: str
    status: str


class CarriedReferral(_View):
    """A referral not yet resolved that the next shift follows up."""

    referral_id: int
    agency_code: str
    channel: str
    reference_number: str | None = None
    status: str


class CarryOverView(_View):
    """A shift at (or before) its handover, and what it passes on."""

    shift: ShiftView
    incidents: tuple[CarriedIncident, ...]
    referrals: tuple[CarriedReferral, ...]


class EventView(_View):
    """One journal event."""

    id: int
    at: datetime
    actor: str
    terminal: str
    kind: str
    incident_id: int | None
    call_id: int | None
    unit_id: int | None
    payload: dict[str, Any]
    hash: str


class RecommendedUnitView(_View):
    """One unit the engine recommends, with its ETA and the reason in both languages."""

    callsign: str
    agency_code: str
    unit_type: str
    slot_index: int
    slot_unit_type: str
    eta_seconds: float
    reason_code: str
    reason_id: str
    reason_en: str
    preemption: bool
    preempted_incident_id: int | None = None


class UnfilledSlotView(_View):
    """Part of the response plan no unit can fill now."""

    unit_type: str
    capabilities: tuple[str, ...]
    missing: int


class RecommendationView(_View):
    """The engine's recommendation for one incident."""

    incident_id: int
    priority: Priority
    units: tuple[RecommendedUnitView, ...]
    unfilled: tuple[UnfilledSlotView, ...]
    alternatives: tuple[RecommendedUnitView, ...]
    computed_at: datetime

    @property
    def complete(self) -> bool:
        """True when every slot of the plan is filled."""
        return not self.unfilled


class DuplicateView(_View):
    """An open incident a new call may duplicate."""

    incident_id: int
    number: str
    type_code: str
    place_name: str | None
    score: float
    distance_m: float | None
    age_s: float
    reasons: tuple[str, ...]


class TimerView(_View):
    """One incident timer against its target."""

    name: str
    elapsed_s: float | None
    target_s: float | None
    state: str
    running: bool


class QueueRow(_View):
    """A queue row: the incident, its place in the engine's order, and its timers."""

    position: int
    incident: IncidentSummary
    timers: tuple[TimerView, ...]
    worst_timer: str
    promoted: bool


class SurgeLine(_View):
    """One unit the surge would send to one incident."""

    incident_id: int
    number: str
    priority: Priority
    type_code: str
    callsign: str
    unit_type: str
    eta_seconds: float


class SurgeSkip(_View):
    """A waiting incident the surge leaves alone, and why (English; see ``code``)."""

    incident_id: int
    number: str
    code: str
    """``no_location`` or ``no_unit``: the console words it."""


class SurgePlan(_View):
    """What accepting every recommendation across the queue would assign.

    Shown to the supervisor before anything is committed; committing takes
    exactly these lines (:meth:`DispatchService.commit_surge`).
    """

    lines: tuple[SurgeLine, ...]
    skipped: tuple[SurgeSkip, ...]
    computed_at: datetime

    @property
    def incident_ids(self) -> tuple[int, ...]:
        """The incidents that get units, in queue order (priority first)."""
        return tuple(dict.fromkeys(line.incident_id for line in self.lines))


class SurgeOutcome(_View):
    """What happened to one incident of a committed surge."""

    incident_id: int
    number: str
    assigned: tuple[str, ...]
    """Callsigns now assigned (empty when the incident's commit failed)."""
    error: str | None = None
    """The engine's message when none of its units could be assigned."""


class SurgeResult(_View):
    """The outcome of :meth:`DispatchService.commit_surge`, incident by incident."""

    outcomes: tuple[SurgeOutcome, ...]

    @property
    def assigned_count(self) -> int:
        """Units assigned in all."""
        return sum(len(o.assigned) for o in self.outcomes)

    @property
    def failed(self) -> tuple[SurgeOutcome, ...]:
        """Incidents whose units could not be assigned."""
        return tuple(o for o in self.outcomes if o.error is not None)
