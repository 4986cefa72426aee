"""Who may do what, and who may see which personal data: the policy, as data.

Two tables, in one place, read by the service facade before any work:

* :data:`RULES` — every :class:`Action` with the roles allowed to take it
  (people roles and the system roles; a program is a row, never a bypass),
  the record a responder's request is checked against, and the words an
  operator reads when it is refused;
* :data:`PRIVACY` — for each role, how much of a caller's number and name its
  views show.

A responder (a principal bound to one unit) passes a scoped rule only when
the record named in the request is its own: its unit, or an incident its unit
is or was assigned to. Rows for actions other parts of the system implement
(operators, shifts, the ring feed, the roster) are reserved here so the table
stays the one place to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from dispatch.enums import Role
from dispatch.principal import SystemRole

AnyRole = Role | SystemRole


class Action(StrEnum):
    """Everything a principal can ask the facade to do."""

    # calls
    CALL_OPEN = "call.open"
    CALL_UPDATE_CALLER = "call.update_caller"
    CALL_CALLER_HISTORY = "call.caller_history"
    CALL_LOCATE = "call.locate"
    CALL_CLASSIFY = "call.classify"
    CALL_NOTE = "call.note"
    CALL_ATTACH = "call.attach"
    CALL_REFER = "call.refer"
    CALL_CLOSE = "call.close"
    CALL_READ = "call.read"
    CALL_SAVE_DRAFT = "call.save_draft"
    CALL_DRAFTS = "call.drafts"
    CALL_DUPLICATES = "call.duplicates"
    # incidents
    INCIDENT_CREATE = "incident.create"
    INCIDENT_NOTE = "incident.note"
    INCIDENT_CLOSE = "incident.close"
    INCIDENT_CANCEL = "incident.cancel"
    INCIDENT_REOPEN = "incident.reopen"  # reserved: reopening closed records
    INCIDENT_RECOMMEND = "incident.recommend"
    INCIDENT_ACCEPT_RECOMMENDATION = "incident.accept_recommendation"
    INCIDENT_LIST = "incident.list"
    INCIDENT_READ = "incident.read"
    INCIDENT_HISTORY = "incident.history"
    QUEUE_READ = "queue.read"
    QUEUE_SURGE = "queue.surge"
    # units and assignments
    UNIT_ASSIGN = "unit.assign"
    UNIT_RELEASE = "unit.release"
    UNIT_REPORT_STATUS = "unit.report_status"
    UNIT_REPORT_POSITION = "unit.report_position"
    UNIT_LIST = "unit.list"
    UNIT_READ = "unit.read"
    ASSIGNMENT_ACKNOWLEDGE = "assignment.acknowledge"
    ASSIGNMENT_READ = "assignment.read"
    ROSTER_CHANGE = "roster.change"  # reserved: loading or editing the unit roster
    # hand-offs and referrals
    HANDOFF_REQUEST = "handoff.request"
    HANDOFF_ACKNOWLEDGE = "handoff.acknowledge"
    HANDOFF_ESCALATE = "handoff.escalate"
    HANDOFF_LIST = "handoff.list"
    REFERRAL_ACKNOWLEDGE = "referral.acknowledge"
    REFERRAL_RESOLVE = "referral.resolve"
    REFERRAL_REOPEN = "referral.reopen"
    REFERRAL_CALLBACK = "referral.callback"
    REFERRAL_LIST = "referral.list"
    REFERRAL_FOLLOW_UP = "referral.follow_up"
    DUTIES_RUN = "duties.run"
    # the journal, reports, exports, archives
    JOURNAL_FOLLOW = "journal.follow"
    JOURNAL_HEAD = "journal.head"
    LOG_QUERY = "log.query"
    LOG_VERIFY = "log.verify"
    JOURNAL_REPAIR = "journal.repair"
    REPORT_READ = "report.read"
    EXPORT_MASKED = "export.masked"
    EXPORT_FULL = "export.full"
    ARCHIVE_WRITE = "archive.write"
    ARCHIVE_IMPORT = "archive.import"
    ARCHIVE_VERIFY = "archive.verify"
    # reserved for the sign-on, shift and ring-feed work
    OPERATOR_ADD = "operator.add"
    OPERATOR_LIST = "operator.list"
    OPERATOR_DISABLE = "operator.disable"
    OPERATOR_ENABLE = "operator.enable"
    OPERATOR_RESET_PASSWORD = "operator.reset_password"
    OPERATOR_SET_ROLE = "operator.set_role"
    SHIFT_SIGN_ON = "shift.sign_on"
    SHIFT_OPEN = "shift.open"
    SHIFT_CLOSE = "shift.close"
    SHIFT_READ = "shift.read"
    RING_RING = "ring.ring"
    RING_ANSWERED = "ring.answered"
    RING_ENDED = "ring.ended"


class Scope(StrEnum):
    """Which record a responder's request must be its own."""

    NONE = "none"  # no record check (the role row alone decides)
    UNIT = "unit"  # the callsign named must be the responder's unit
    INCIDENT = "incident"  # the incident named must be one its unit worked


@dataclass(frozen=True)
class Rule:
    """Who may take one action, and how a refusal reads."""

    roles: frozenset[AnyRole]
    says: str
    """What the action does, to finish "A call taker may not …"."""
    scope: Scope = Scope.NONE


CT, DI, SU, RE, AD = (
    Role.CALL_TAKER,
    Role.DISPATCHER,
    Role.SUPERVISOR,
    Role.RESPONDER,
    Role.ADMIN,
)
SIM, STRESS, WATCHER, RING = (
    SystemRole.SIMULATOR,
    SystemRole.STRESS,
    SystemRole.WATCHER,
    SystemRole.RING_FEED,
)

#: The people at the 112 desk.
_DESK = frozenset({CT, DI, SU})
#: The people who send units.
_DISPATCH = frozenset({DI, SU})
#: Programs that drive the engine like a desk does (synthetic calls).
_ENGINE = frozenset({SIM, STRESS})


def _rule(roles: frozenset[AnyRole], says: str, scope: Scope = Scope.NONE) -> Rule:
    return Rule(frozenset(roles), says, scope)


_A = Action
_U, _I = Scope.UNIT, Scope.INCIDENT

#: The one table of action x role.
RULES: Mapping[Action, Rule] = {
    _A.CALL_OPEN: _rule(_DESK | _ENGINE, "take a call"),
    _A.CALL_UPDATE_CALLER: _rule(_DESK | _ENGINE, "change a caller's details"),
    _A.CALL_CALLER_HISTORY: _rule(_DESK | _ENGINE, "look up a caller's history"),
    _A.CALL_LOCATE: _rule(_DESK | _ENGINE, "record a call's location"),
    _A.CALL_CLASSIFY: _rule(_DESK | _ENGINE, "classify a call"),
    _A.CALL_NOTE: _rule(_DESK | _ENGINE, "add notes to a call"),
    _A.CALL_ATTACH: _rule(_DESK | _ENGINE, "attach a call to an incident"),
    _A.CALL_REFER: _rule(_DESK | _ENGINE, "refer a call to an agency"),
    _A.CALL_CLOSE: _rule(_DESK | _ENGINE, "end a call"),
    _A.CALL_READ: _rule(_DESK | _ENGINE, "read a call"),
    _A.CALL_SAVE_DRAFT: _rule(_DESK, "keep a call draft"),
    _A.CALL_DRAFTS: _rule(_DESK, "recover call drafts"),
    _A.CALL_DUPLICATES: _rule(_DESK | _ENGINE, "check for duplicate incidents"),
    _A.INCIDENT_CREATE: _rule(_DESK | _ENGINE, "create an incident"),
    _A.INCIDENT_NOTE: _rule(_DESK | _ENGINE | {RE}, "add to an incident", _I),
    _A.INCIDENT_CLOSE: _rule(_DISPATCH | _ENGINE, "close an incident"),
    _A.INCIDENT_CANCEL: _rule(frozenset({SU}), "cancel an incident"),
    _A.INCIDENT_REOPEN: _rule(frozenset({SU}), "reopen a closed record"),
    _A.INCIDENT_RECOMMEND: _rule(_DISPATCH | _ENGINE, "ask for recommended units"),
    _A.INCIDENT_ACCEPT_RECOMMENDATION: _rule(
        _DISPATCH | _ENGINE, "accept a recommendation"
    ),
    _A.INCIDENT_LIST: _rule(_DESK | _ENGINE, "list open incidents"),
    _A.INCIDENT_READ: _rule(_DESK | _ENGINE | {RE}, "read this incident", _I),
    _A.INCIDENT_HISTORY: _rule(_DESK | {RE}, "read this incident's history", _I),
    _A.QUEUE_READ: _rule(_DESK | _ENGINE, "read the queue"),
    _A.QUEUE_SURGE: _rule(
        frozenset({SU}), "assign the recommended units across the whole queue"
    ),
    _A.UNIT_ASSIGN: _rule(_DISPATCH | _ENGINE, "assign units"),
    _A.UNIT_RELEASE: _rule(_DISPATCH | _ENGINE, "release units"),
    _A.UNIT_REPORT_STATUS: _rule(
        _DISPATCH | _ENGINE | {RE}, "report this unit's status", _U
    ),
    _A.UNIT_REPORT_POSITION: _rule(
        _DISPATCH | _ENGINE | {RE}, "report this unit's position", _U
    ),
    _A.UNIT_LIST: _rule(_DESK | _ENGINE, "read the unit board"),
    _A.UNIT_READ: _rule(_DESK | _ENGINE | {RE}, "read this unit", _U),
    _A.ASSIGNMENT_ACKNOWLEDGE: _rule(
        _DISPATCH | _ENGINE | {RE}, "acknowledge this unit's assignment", _U
    ),
    _A.ASSIGNMENT_READ: _rule(
        _DESK | _ENGINE | {RE}, "read this unit's assignment", _U
    ),
    _A.ROSTER_CHANGE: _rule(frozenset({SU}), "change the roster"),
    _A.HANDOFF_REQUEST: _rule(_DISPATCH | _ENGINE, "hand an incident off"),
    _A.HANDOFF_ACKNOWLEDGE: _rule(_DISPATCH | _ENGINE, "record a hand-off receipt"),
    _A.HANDOFF_ESCALATE: _rule(
        frozenset({WATCHER, SU, DI}), "escalate overdue hand-offs"
    ),
    _A.HANDOFF_LIST: _rule(
        _DESK | _ENGINE | {WATCHER}, "see hand-offs waiting for their agency"
    ),
    _A.REFERRAL_ACKNOWLEDGE: _rule(_DESK, "record a referral receipt"),
    _A.REFERRAL_RESOLVE: _rule(_DESK, "resolve a referral"),
    _A.REFERRAL_REOPEN: _rule(_DESK, "reopen a referral"),
    _A.REFERRAL_CALLBACK: _rule(_DESK, "record a call-back to a caller"),
    _A.REFERRAL_LIST: _rule(_DESK, "list referrals"),
    _A.REFERRAL_FOLLOW_UP: _rule(
        frozenset({WATCHER, SU, DI}), "flag overdue referrals"
    ),
    # Every open desk runs the duties on a timer; the steps themselves act as
    # the watcher and only do what is due, once (dispatch/services/duties.py).
    _A.DUTIES_RUN: _rule(_DESK | _ENGINE | {WATCHER}, "run the background duties"),
    _A.JOURNAL_FOLLOW: _rule(_DESK | _ENGINE | {RE}, "follow the journal"),
    _A.JOURNAL_HEAD: _rule(
        _DESK | _ENGINE | {RE, WATCHER}, "read the journal position"
    ),
    _A.LOG_QUERY: _rule(_DISPATCH, "search the shift log"),
    _A.LOG_VERIFY: _rule(_DESK | {AD, WATCHER}, "verify the journal"),
    _A.JOURNAL_REPAIR: _rule(frozenset({SU, AD}), "repair the journal's head"),
    _A.REPORT_READ: _rule(_DISPATCH | _ENGINE, "read shift reports"),
    _A.EXPORT_MASKED: _rule(_DISPATCH, "export records"),
    _A.EXPORT_FULL: _rule(frozenset({SU}), "export unmasked personal data"),
    _A.ARCHIVE_WRITE: _rule(frozenset({SU, AD}), "archive old shifts"),
    _A.ARCHIVE_IMPORT: _rule(frozenset({SU, AD}), "import an archive"),
    _A.ARCHIVE_VERIFY: _rule(frozenset({SU, AD}), "verify archives"),
    _A.OPERATOR_ADD: _rule(frozenset({AD}), "add operators"),
    _A.OPERATOR_LIST: _rule(frozenset({AD}), "list operators"),
    _A.OPERATOR_DISABLE: _rule(frozenset({AD}), "disable operators"),
    _A.OPERATOR_ENABLE: _rule(frozenset({AD}), "enable operators"),
    _A.OPERATOR_RESET_PASSWORD: _rule(frozenset({AD}), "reset passwords"),
    _A.OPERATOR_SET_ROLE: _rule(frozenset({AD}), "change operators' roles"),
    _A.SHIFT_SIGN_ON: _rule(frozenset({CT, DI, SU, RE, AD}), "sign on to a shift"),
    _A.SHIFT_OPEN: _rule(frozenset({WATCHER, SU}), "open a shift"),
    _A.SHIFT_CLOSE: _rule(frozenset({SU}), "close a shift"),
    _A.SHIFT_READ: _rule(_DESK | {RE, WATCHER}, "see the shift and who is on it"),
    _A.RING_RING: _rule(frozenset({RING}), "report a ringing line"),
    _A.RING_ANSWERED: _rule(frozenset({RING}), "report an answered line"),
    _A.RING_ENDED: _rule(frozenset({RING}), "report an ended line"),
}


def allowed(role: AnyRole, action: Action) -> bool:
    """Whether ``role`` may take ``action`` at all (before any record check)."""
    return role in RULES[action].roles


# -- privacy -----------------------------------------------------------------------


class Reveal(StrEnum):
    """How much of a caller's number and name a role's views show."""

    FULL = "full"
    WHILE_ASSIGNED = "while_assigned"  # full while its unit works the incident
    MASKED = "masked"  # 0812-****-5432, B. S.


#: Who needs what: the desk talks to callers and calls them back; a crew
#: needs the number and name only while it is on the way to them; the
#: administrator and the programs need neither.
PRIVACY: Mapping[AnyRole, Reveal] = {
    CT: Reveal.FULL,
    DI: Reveal.FULL,
    SU: Reveal.FULL,
    RE: Reveal.WHILE_ASSIGNED,
    AD: Reveal.MASKED,
    SIM: Reveal.MASKED,
    STRESS: Reveal.MASKED,
    WATCHER: Reveal.MASKED,
    RING: Reveal.MASKED,
}

#: Fields of views (and keys of journal payloads) that hold a caller's data.
PERSONAL_NUMBER_FIELDS = frozenset({"caller_number", "caller_number_raw"})
PERSONAL_NAME_FIELDS = frozenset({"caller_name"})

#: Exports (EIDO, shift JSONL) are masked for everyone unless a supervisor
#: asks for the full data with :data:`Action.EXPORT_FULL` (journaled).
EXPORT_REVEAL = Reveal.MASKED


def mask_number(number: str | None) -> str | None:
    """``+6281234565432`` → ``0812-****-5432``: enough to recognise, not to dial."""
    if not number:
        return number
    digits = "".join(ch for ch in number if ch.isdigit())
    if number.startswith("+62"):
        digits = "0" + digits[2:]
    if len(digits) < 9:
        return "*" * max(len(digits) - 2, 2) + digits[-2:]
    return f"{digits[:4]}-****-{digits[-4:]}"


def initials(name: str | None) -> str | None:
    """``Budi Santoso`` → ``B. S.``."""
    if not name:
        return name
    return " ".join(f"{part[0].upper()[:1]}." for part in name.split())


def mask_payload(payload: dict[str, object]) -> dict[str, object]:
    """A journal payload with the caller's number and name masked."""
    if not any(k in payload for k in PERSONAL_NUMBER_FIELDS | PERSONAL_NAME_FIELDS):
        return payload
    masked = dict(payload)
    for key, value in payload.items():
        if isinstance(value, str) and key in PERSONAL_NUMBER_FIELDS:
            masked[key] = mask_number(value)
        elif isinstance(value, str) and key in PERSONAL_NAME_FIELDS:
            masked[key] = initials(value)
    return masked


ROLE_LABELS: Mapping[AnyRole, str] = {
    CT: "call taker",
    DI: "dispatcher",
    SU: "supervisor",
    RE: "responder",
    AD: "administrator",
    SIM: "simulator",
    STRESS: "stress tool",
    WATCHER: "watcher",
    RING: "ring feed",
}


def refusal(role: AnyRole, action: Action, why: str | None = None) -> str:
    """The operator-fit sentence for a refused action."""
    text = f"A {ROLE_LABELS[role]} may not {RULES[action].says}."
    if why:
        text = f"{text[:-1]}: {why}."
    return text


def rules_markdown() -> str:
    """The role table as Markdown (docs/access.md carries it; a test compares)."""
    roles = list(ROLE_LABELS)
    head = "| action | " + " | ".join(ROLE_LABELS[r] for r in roles) + " |"
    rule = "|---|" + "---|" * len(roles)
    rows = [head, rule]
    for action, entry in RULES.items():
        marks = []
        for role in roles:
            if role not in entry.roles:
                marks.append("")
            elif role == RE and entry.scope != Scope.NONE:
                marks.append(f"own {entry.scope.value}")
            else:
                marks.append("yes")
        rows.append(f"| `{action.value}` | " + " | ".join(marks) + " |")
    return "\n".join(rows) + "\n"


__all__ = [
    "PRIVACY",
    "RULES",
    "Action",
    "AnyRole",
    "Reveal",
    "Rule",
    "Scope",
    "allowed",
    "initials",
    "mask_number",
    "mask_payload",
    "refusal",
    "rules_markdown",
]
