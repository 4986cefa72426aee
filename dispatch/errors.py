"""The exceptions the dispatch engine raises, each fit to show an operator.

::

    DispatchError                          base; ``str(exc)`` is the operator's message
    ├── NotFound (LookupError)
    │   ├── CallNotFound
    │   ├── IncidentNotFound
    │   ├── UnitNotFound
    │   ├── AgencyNotFound
    │   └── OperatorNotFound
    ├── InvalidInput (ValueError)          bad input at the edge; ``field`` names it
    ├── InvalidTransition (ValueError)     a state machine said no
    ├── UnitAlreadyAssigned                the unit is busy (also raced at the schema)
    ├── ConcurrentUpdate                   someone else changed it first (version check)
    ├── DatabaseUnavailable                locked for too long, or unreachable
    │   ├── ConnectionLost                 nothing committed: safe to retry
    │   └── CommitInDoubt                  broke while committing: maybe saved
    ├── JournalCorrupt                     ``log verify`` found a bad event
    ├── BackupFailed                       ``siaga backup``/``restore`` could not
    ├── AccessDenied (PermissionError)     the principal's role may not do this
    │   └── UnknownOperator                the configured operator is not registered
    └── SignOnRefused (PermissionError)    wrong name or password, disabled, or wait
        └── SignOnThrottled                too many failures: ``retry_after`` seconds

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


class OperatorNotFound(NotFound):
    """No operator has this name."""

    code = "operator_not_found"


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


class ConnectionLost(DatabaseUnavailable):
    """The connection broke before anything was committed (a failover, a restart).

    Nothing of the action was saved, so it is safe to run it again once a
    leader answers (:mod:`dispatch.failover` does, once).
    """

    code = "connection_lost"


class CommitInDoubt(DatabaseUnavailable):
    """The connection broke while committing: the action may or may not be saved.

    Running it again could do it twice, so it is not retried blindly; only an
    action with an idempotency key can be repeated safely.
    """

    code = "commit_in_doubt"


class JournalCorrupt(DispatchError):
    """The event journal's hash chain is broken at ``position``."""

    code = "journal_corrupt"

    def __init__(
        self, message: str, *, position: int | None = None, **params: object
    ) -> None:
        super().__init__(message, **params)
        self.position = position


class AccessDenied(DispatchError, PermissionError):
    """The signed-on principal may not do what was asked (journaled).

    ``action`` is the :class:`dispatch.access.Action` value that was refused.
    """

    code = "access_denied"

    def __init__(self, message: str, *, action: str, **params: object) -> None:
        super().__init__(message, **params)
        self.action = action


class UnknownOperator(AccessDenied):
    """The operator named by the configuration is not registered or disabled."""

    code = "unknown_operator"


class SignOnRefused(DispatchError, PermissionError):
    """A sign-on did not succeed; the message never says whether the name exists."""

    code = "signon_refused"


class SignOnThrottled(SignOnRefused):
    """Too many failed sign-ons for this name or terminal: wait ``retry_after`` s."""

    code = "signon_throttled"

    def __init__(self, message: str, *, retry_after: int, **params: object) -> None:
        super().__init__(message, retry_after=retry_after, **params)
        self.retry_after = retry_after


class BackupFailed(DispatchError):
    """A backup or restore could not be made (tool missing, target not empty ...)."""

    code = "backup_failed"
