"""The exceptions the dispatch engine raises, each fit to show an operator.

::

    DispatchError                          base; ``str(exc)`` is the operator's message
    ├── NotFound (LookupError)
    │   ├── CallNotFound
    │   ├── IncidentNotFound
    │   ├── UnitNotFound
    │   └── AgencyNotFound
    ├── InvalidInput (ValueError)          bad input at the edge; ``field`` names it
    ├── InvalidTransition (ValueError)     a state machine said no
    ├── UnitAlreadyAssigned                the unit is busy (also raced at the schema)
    ├── ConcurrentUpdate                   someone else changed it first (version check)
    ├── DatabaseUnavailable                locked for too long, or unreachable
    └── JournalCorrupt                     ``log verify`` found a bad event

The console turns each into a message at the field or a banner; none of them
should ever reach an operator as a traceback.
"""

from __future__ import annotations


class DispatchError(Exception):
    """Base of every error the engine raises on purpose."""

    #: Stable code for translations and tests.
    code: str = "dispatch_error"

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


class NotFound(DispatchError, LookupError):
    """Something named by id does not exist."""

    code = "not_found"


class CallNotFound(NotFound):
    """No call has this id."""

    code = "call_not_found"


class IncidentNotFound(NotFound):
    """No incident has this id or number."""

    code = "incident_not_found"


class UnitNotFound(NotFound):
    """No unit has this callsign."""

    code = "unit_not_found"


class AgencyNotFound(NotFound):
    """No agency has this code."""

    code = "agency_not_found"


class InvalidInput(DispatchError, ValueError):
    """Input failed validation; ``field`` names the field that holds it."""

    code = "invalid_input"

    def __init__(
        self, message: str, *, field: str | None = None, **params: object
    ) -> None:
        super().__init__(message, **params)
        self.field = field


class InvalidTransition(DispatchError, ValueError):
    """The requested change is not allowed from the current state."""

    code = "invalid_transition"


class UnitAlreadyAssigned(DispatchError):
    """The unit already works an active assignment."""

    code = "unit_already_assigned"


class ConcurrentUpdate(DispatchError):
    """The record changed since the operator last saw it."""

    code = "concurrent_update"


class DatabaseUnavailable(DispatchError):
    """The database is locked for too long or cannot be reached."""

    code = "database_unavailable"


class JournalCorrupt(DispatchError):
    """The event journal's hash chain is broken at ``position``."""

    code = "journal_corrupt"

    def __init__(
        self, message: str, *, position: int | None = None, **params: object
    ) -> None:
        super().__init__(message, **params)
        self.position = position
