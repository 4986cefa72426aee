"""ORM models. Only :mod:`dispatch` imports these; front ends get schemas."""

from dispatch.models.base import Base
from dispatch.models.calls import Call, CallDraft, Referral
from dispatch.models.incidents import Assignment, Handoff, Incident, NarrativeEntry
from dispatch.models.journal import Event, JournalHead
from dispatch.models.people import Operator, Shift
from dispatch.models.resources import Agency, Station, Unit

__all__ = [
    "Agency",
    "Assignment",
    "Base",
    "Call",
    "CallDraft",
    "Event",
    "Handoff",
    "Incident",
    "JournalHead",
    "NarrativeEntry",
    "Operator",
    "Referral",
    "Shift",
    "Station",
    "Unit",
]
