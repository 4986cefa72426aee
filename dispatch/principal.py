"""Who is acting: the signed-on principal every service call carries.

Front ends never name an operator by themselves; they sign on (people) or
start as a system principal (the simulator, the stress tool, background
duties, the ring feed) and pass the resulting :class:`Principal` to the
service facade, which checks each action against the role table before any
work and writes the principal into every journal event.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from dispatch.enums import Role


class SystemRole(StrEnum):
    """Principals that are programs, not people.

    Each has its own row in the role table, so none of them is a bypass.
    """

    SIMULATOR = "simulator"
    STRESS = "stress"
    WATCHER = "watcher"  # background duties: escalations, overdue flags, shifts
    RING_FEED = "ring_feed"


@dataclass(frozen=True)
class Principal:
    """One signed-on operator (or system program) at one terminal.

    ``unit`` is the callsign a responder is bound to; it is ``None`` for every
    other role. ``session_id`` names the sign-on record (``None`` for system
    principals and in tests that build a principal directly).
    """

    operator: str
    role: Role | SystemRole
    terminal: str
    unit: str | None = None
    session_id: int | None = None

    @property
    def is_system(self) -> bool:
        """True for program principals (simulator, watcher, ...)."""
        return isinstance(self.role, SystemRole)


__all__ = ["Principal", "Role", "SystemRole"]
