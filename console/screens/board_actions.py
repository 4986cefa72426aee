"""The dispatch board's actions: one key, maybe a dialog, then one service call.

:class:`BoardActions` is mixed into :class:`~console.screens.board.BoardScreen`.
Each ``action_*`` resolves the incident or unit by id (never by what the
table shows), asks what it must in a dialog, and hands a small function to
the screen's ``_run`` worker; the function calls the service facade in a
thread and returns the sentence the operator is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.message import Message
from textual.screen import Screen

from console.action_key import new_action_key
from console.i18n import _
from console.typeahead import OrderedScreenKeys
from console.widgets.incident_table import IncidentTable
from console.widgets.timers import clock_text
from console.widgets.unit_board import UnitBoard, unit_type_name
from dispatch.enums import UnitStatus
from dispatch.schemas import UnitView

if TYPE_CHECKING:
    from console.app import SiagaApp
    from dispatch.schemas import IncidentDetail, RecommendationView


class ActionDone(Message):
    """A board action committed; ``text`` tells the operator what happened."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class LookedUp(Message):
    """A read for an action came back; ``then`` continues with it on the UI thread."""

    def __init__(self, then: Callable[..., None], args: tuple[Any, ...]) -> None:
        super().__init__()
        self.then = then
        self.args = args


class BoardActions(OrderedScreenKeys, Screen[None]):
    """Key actions of the board and the workers that carry them out."""

    detail: IncidentDetail | None
    recommendation: RecommendationView | None

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    @work(
        thread=True,
        group="board-action",
        exit_on_error=False,
        description="board action",
    )
    def _run(self, action: Callable[..., str], *args: Any) -> None:
        text = action(self.siaga.services, *args)
        self.post_message(ActionDone(text))

    @work(
        thread=True,
        group="board-lookup",
        exit_on_error=False,
        description="board look-up",
    )
    def _run_then(
        self, load: Callable[..., Any], then: Callable[..., None], *args: Any
    ) -> None:
        """``load(services, args[0])`` in a thread, then ``then(*args, result)``."""
        result = load(self.siaga.services, *args[:1])
        self.post_message(LookedUp(then, (*args, result)))

    @on(LookedUp)
    def _looked_up(self, message: LookedUp) -> None:
        message.then(*message.args)

    def _selected_id(self) -> int | None:
        incident_id: int | None = self.query_one(IncidentTable).selected_id
        if incident_id is None:
            self.notify(_("board.no-selection"), severity="warning")
        return incident_id

    def action_accept_recommendation(self) -> None:
        """Assign the recommended units in one commit."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        rec = self.recommendation
        if rec is None or rec.incident_id != incident_id or not rec.units:
            self.notify(_("board.no-recommendation"), severity="warning")
            return
        self._run(_accept, incident_id)

    def action_add_unit(self) -> None:
        """Pick a unit, each with its ETA to the incident, and assign it."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        units = list(self.query_one(UnitBoard).units.values())
        self._run_then(_unit_etas, self._pick_unit, incident_id, units)

    def _pick_unit(self, incident_id: int, units: list[UnitView], etas: Any) -> None:
        from console.screens.dialogs import PickDialog

        def picked(callsign: str | None) -> None:
            if callsign:
                self._run(_assign, incident_id, callsign)

        self.app.push_screen(
            PickDialog(_("board.add-unit.title"), unit_choices(units, etas)), picked
        )

    def action_release_unit(self) -> None:
        """Recall one of the incident's units, with a reason."""
        incident_id = self._selected_id()
        if incident_id is None or self.detail is None:
            return
        from console.screens.dialogs import PickDialog

        choices = [
            (a.callsign, a.callsign) for a in self.detail.assignments if a.active
        ]
        if not choices:
            self.notify(_("board.none"), severity="warning")
            return

        def picked(result: tuple[str, str] | None) -> None:
            if result:
                self._run(_release, incident_id, *result)

        self.app.push_screen(
            PickDialog(
                _("board.release.title"), choices, text_label=_("dialog.reason")
            ),
            picked,
        )

    def action_acknowledge_handoff(self) -> None:
        """The agency answered: who, by radio, phone or WhatsApp, and when."""
        from console.widgets.handoff_alarms import HandoffAlarms

        self.query_one(HandoffAlarms).acknowledge(self._selected_id())

    def action_hand_off(self) -> None:
        """Hand the incident to the agency that dispatches its own units."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import PickDialog

        choices = self.siaga.agency_choices()

        def picked(agency: str | None) -> None:
            if agency:
                self._run(_hand_off, incident_id, agency)

        self.app.push_screen(PickDialog(_("board.handoff.title"), choices), picked)

    def action_add_note(self) -> None:
        """Add a narrative note."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import ReasonDialog

        def written(text: str | None) -> None:
            if text:
                self._run(_note, incident_id, text)

        self.app.push_screen(
            ReasonDialog(_("board.note.title"), _("dialog.note")), written
        )

    def action_close_incident(self) -> None:
        """Close with a disposition code and a note."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import PickDialog

        choices = [(code, f"{code} {name}") for code, name in self.siaga.dispositions()]

        def picked(result: tuple[str, str] | None) -> None:
            if result:
                self._run(_close, incident_id, *result)

        self.app.push_screen(
            PickDialog(_("board.close.title"), choices, text_label=_("dialog.note")),
            picked,
        )

    def action_cancel_incident(self) -> None:
        """Cancel with a reason."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import ReasonDialog

        def written(reason: str | None) -> None:
            if reason:
                self._run(_cancel, incident_id, reason)

        self.app.push_screen(
            ReasonDialog(_("board.cancel.title"), _("dialog.reason")), written
        )

    def action_unit_status(self) -> None:
        """Record a status a unit reported by radio."""
        callsign = self.query_one(UnitBoard).selected_callsign
        if callsign is None:
            return
        from console.screens.dialogs import PickDialog

        choices = [(s.value, _("unit." + s.value)) for s in UnitStatus]

        def picked(status: str | None) -> None:
            if status:
                self._run(_status, callsign, status)

        self.app.push_screen(
            PickDialog(_("board.status.title", callsign=callsign), choices), picked
        )

    def action_focus_queue(self) -> None:
        """Move to the queue."""
        self.remove_class("-show-units")
        self.query_one(IncidentTable).focus()

    def action_focus_units(self) -> None:
        """Move to the unit board (on a small terminal it replaces the queue)."""
        self.add_class("-show-units")
        self.query_one(UnitBoard).focus()


def unit_choices(
    units: list[UnitView], etas: dict[str, float]
) -> list[tuple[str, str]]:
    """Assignable units, soonest first, each with its ETA; then committed ones.

    A unit the engine cannot estimate (no known position) is listed last
    with ``ETA ?`` rather than hidden: the dispatcher may know where it is.
    """
    eligible = [u for u in units if u.status.is_assignable or u.status.is_committed]

    def order(u: UnitView) -> tuple[bool, float, str]:
        eta = etas.get(u.callsign)
        return (
            not u.status.is_assignable,
            eta if eta is not None else 1e12,
            u.callsign,
        )

    choices = []
    for u in sorted(eligible, key=order):
        eta = etas.get(u.callsign)
        shown = f"ETA {clock_text(eta)}" if eta is not None else "ETA ?"
        choices.append(
            (
                u.callsign,
                f"{u.callsign:<10} {shown:<10} {_fit(unit_type_name(u.unit_type), 16)} "
                f"{u.agency_code:<8} {_('unit.' + u.status.value)}",
            )
        )
    return choices


def _fit(text: str, width: int) -> str:
    """``text`` in exactly ``width`` cells (cut with an ellipsis)."""
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


# -- what the board's actions do (run in a thread; return the operator's message) --


def _accept(services: Any, incident_id: int) -> str:
    assignments = services.accept_recommendation(
        incident_id, idempotency_key=new_action_key()
    )
    return _("board.assigned-units", units=", ".join(a.callsign for a in assignments))


def _unit_etas(services: Any, incident_id: int) -> dict[str, float]:
    etas: dict[str, float] = services.unit_etas(incident_id)
    return etas


def _assign(services: Any, incident_id: int, callsign: str) -> str:
    view = services.assign_unit(incident_id, callsign, idempotency_key=new_action_key())
    return _("board.assigned-units", units=view.callsign)


def _release(services: Any, incident_id: int, callsign: str, reason: str) -> str:
    services.release_unit(
        incident_id, callsign, reason, idempotency_key=new_action_key()
    )
    return _("board.released", callsign=callsign)


def _hand_off(services: Any, incident_id: int, agency: str) -> str:
    services.hand_off(incident_id, agency, idempotency_key=new_action_key())
    return _("board.handed-off", agency=agency)


def _note(services: Any, incident_id: int, text: str) -> str:
    services.add_note(incident_id, text, idempotency_key=new_action_key())
    return _("board.noted")


def _close(services: Any, incident_id: int, disposition: str, note: str) -> str:
    detail = services.close_incident(
        incident_id, disposition, note, idempotency_key=new_action_key()
    )
    return _("board.closed", number=detail.number)


def _cancel(services: Any, incident_id: int, reason: str) -> str:
    detail = services.cancel_incident(
        incident_id, reason, idempotency_key=new_action_key()
    )
    return _("board.cancelled", number=detail.number)


def _status(services: Any, callsign: str, status: str) -> str:
    services.report_status(callsign, status, idempotency_key=new_action_key())
    return _("board.status-set", callsign=callsign, status=_("unit." + status))
