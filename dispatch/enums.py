"""The closed vocabularies of the domain: priorities, statuses, outcomes.

They are ``StrEnum`` so that they store as readable text in the database and
the journal, and compare equal to their values in tests and exports. Ranks are
explicit properties, never derived from the letters or the declaration order.
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Priority(StrEnum):
    """Dispatch priority: P1 is the most urgent."""

    P1 = "P1"
    P2 = "P2"
    P3 = "P3"
    P4 = "P4"

    @property
    def rank(self) -> int:
        """1 for P1 … 4 for P4; lower is more urgent."""
        return _PRIORITY_RANK[self]


_PRIORITY_RANK = {Priority.P1: 1, Priority.P2: 2, Priority.P3: 3, Priority.P4: 4}


class Determinant(StrEnum):
    """Determinant level set by the key questions (stored as data, not a rank)."""

    ECHO = "ECHO"
    DELTA = "DELTA"
    CHARLIE = "CHARLIE"
    BRAVO = "BRAVO"
    ALPHA = "ALPHA"
    OMEGA = "OMEGA"


class CallOutcome(StrEnum):
    """How a call ended; every call has exactly one."""

    INCIDENT = "incident"
    DUPLICATE = "duplicate"
    REFERRAL = "referral"
    INFORMATION = "information"
    PRANK = "prank"
    SILENT = "silent"
    ABANDONED = "abandoned"


class CallState(StrEnum):
    """Where a call is in its short life."""

    OPEN = "open"
    CLOSED = "closed"


class IncidentStatus(StrEnum):
    """Life cycle of an incident."""

    PENDING = "pending"  # created, no unit assigned yet
    HANDED_OFF = "handed_off"  # handed to an agency, waiting for its acknowledgement
    ACKNOWLEDGED = "acknowledged"  # the agency acknowledged the hand-off
    DISPATCHED = "dispatched"  # at least one unit assigned
    ON_SCENE = "on_scene"  # at least one unit on scene
    CLOSED = "closed"  # closed with a disposition
    CANCELLED = "cancelled"  # cancelled with a reason

    @property
    def is_open(self) -> bool:
        """True while the incident still needs attention."""
        return self not in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)


class UnitStatus(StrEnum):
    """Status of a response unit (mapped to NENA EIDO unit statuses for export)."""

    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    AT_HOSPITAL = "at_hospital"
    RETURNING = "returning"
    OUT_OF_SERVICE = "out_of_service"
    OFF_DUTY = "off_duty"

    @property
    def is_assignable(self) -> bool:
        """True when the unit may take a new assignment without pre-emption."""
        return self in (UnitStatus.AVAILABLE, UnitStatus.RETURNING)

    @property
    def is_committed(self) -> bool:
        """True while the unit works an assignment."""
        return self in _COMMITTED


_COMMITTED = frozenset(
    {
        UnitStatus.DISPATCHED,
        UnitStatus.EN_ROUTE,
        UnitStatus.ON_SCENE,
        UnitStatus.TRANSPORTING,
        UnitStatus.AT_HOSPITAL,
    }
)


class AssignmentStatus(StrEnum):
    """Life cycle of one unit's assignment to one incident."""

    DISPATCHED = "dispatched"
    ACKNOWLEDGED = "acknowledged"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    AT_HOSPITAL = "at_hospital"
    CLEARED = "cleared"  # the unit finished and left the incident
    CANCELLED = "cancelled"  # recalled before finishing (or pre-empted)

    @property
    def is_active(self) -> bool:
        """True until the assignment is cleared or cancelled."""
        return self not in (AssignmentStatus.CLEARED, AssignmentStatus.CANCELLED)


class ReferralChannel(StrEnum):
    """How a non-emergency call is handed to the responsible agency."""

    SP4N_LAPOR = "sp4n-lapor"
    ULPIM = "ulpim"
    DIRECT = "direct"


class Sector(StrEnum):
    """Public-service sector of a referral, used by the period report."""

    DRINKING_WATER = "drinking_water"
    SANITATION = "sanitation"
    WATER_RESOURCES = "water_resources"
    ROADS = "roads"
    POWER = "power"
    SOCIAL = "social"
    OTHER = "other"


class CallbackOutcome(StrEnum):
    """What came of calling the caller back after their referral was resolved."""

    INFORMED = "informed"
    NO_ANSWER = "no_answer"
    NOT_SOLVED = "not_solved"  # the caller says the problem is still there


class ReferralStatus(StrEnum):
    """State of a referral at the receiving agency."""

    SENT = "sent"
    ACKNOWLEDGED = "acknowledged"
    RESOLVED = "resolved"


class HandoffStatus(StrEnum):
    """State of an incident handed to the agency that owns the units."""

    REQUESTED = "requested"
    ACKNOWLEDGED = "acknowledged"
    DECLINED = "declined"


class AckMeans(StrEnum):
    """How an agency acknowledged a hand-off to the desk."""

    RADIO = "radio"
    PHONE = "phone"
    WHATSAPP = "whatsapp"


class EscalationLevel(IntEnum):
    """How far an unacknowledged hand-off has been escalated.

    Level 1 raises the alarm on every desk when the agency's acknowledgement
    target has passed; level 2 calls the shift supervisor when twice the
    target has passed and the agency still has not answered.
    """

    DESK = 1
    SUPERVISOR = 2


class Role(StrEnum):
    """Operator roles."""

    CALL_TAKER = "call_taker"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    RESPONDER = "responder"
    ADMIN = "admin"
