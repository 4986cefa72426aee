"""ORM models. Only :mod:`dispatch` imports these; front ends get schemas."""

from dispatch.models.base import Base
from dispatch.models.calls import Call, CallDraft, Referral, Ring
from dispatch.models.idempotency import IdempotencyKey
from dispatch.models.incidents import (
    Assignment,
    Handoff,
    HandoffEscalation,
    Incident,
    NarrativeEntry,
)
from dispatch.models.journal import Event, JournalHead
from dispatch.models.people import Operator, SignOn, SignOnThrottle
from dispatch.models.resources import Agency, Station, Unit
from dispatch.models.setup import SetupMark
from dispatch.models.shifts import Shift, ShiftSignOn

__all__ = [
    "Agency",
    "Assignment",
    "Base",
    "Call",
    "CallDraft",
    "Event",
    "Handoff",
    "HandoffEscalation",
    "IdempotencyKey",
    "Incident",
    "JournalHead",
    "NarrativeEntry",
    "Operator",
    "Referral",
    "Ring",
    "SetupMark",
    "Shift",
    "ShiftSignOn",
    "SignOn",
    "SignOnThrottle",
    "Station",
    "Unit",
]
