"""Dispatch board: the queue by urgency, the selected incident, units, recommendation.

The queue and the unit board are loaded by a thread worker and applied with
a keyed diff, so when another terminal changes something (the journal
follower posts :class:`~console.messages.JournalAdvanced`) the rows update in
place and the cursor stays where it was. Actions resolve against incident
ids and callsigns, never against what the table happens to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from console.bindings import bindings_for, relabel
from console.i18n import _, current_language
from console.incident_types import get_type
from console.messages import JournalAdvanced
from console.widgets.banner import DatabaseBanner
from console.widgets.incident_table import IncidentTable, status_text
from console.widgets.timers import clock_text, priority_text
from console.widgets.unit_board import UnitBoard
from dispatch.enums import Priority, UnitStatus
from dispatch.errors import DispatchError
from dispatch.schemas import EventView, IncidentDetail, IncidentSummary, UnitView

if TYPE_CHECKING:
    from console.app import SiagaApp


class BoardLoaded(Message):
    """A fresh queue and unit board from the engine."""

    def __init__(self, incidents: list[IncidentSummary], units: list[UnitView]) -> None:
        super().__init__()
        self.incidents = incidents
        self.units = units

    def can_replace(self, message: Message) -> bool:
        """Only the newest board matters."""
        return isinstance(message, BoardLoaded)


class DetailLoaded(Message):
    """The selected incident's details, history and recommendation."""

    def __init__(
        self, detail: IncidentDetail, history: list[EventView], recommendation: Any
    ) -> None:
        super().__init__()
        self.detail = detail
        self.history = history
        self.recommendation = recommendation


class ActionDone(Message):
    """A board action committed; ``text`` tells the operator what happened."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


def queue_order(incidents: list[IncidentSummary]) -> list[IncidentSummary]:
    """Fallback queue rule while the engine has no ``queue()``: priority, then age."""
    return sorted(
        incidents, key=lambda i: (Priority(i.priority).rank, i.call_received_at, i.id)
    )


class BoardScreen(Screen[None]):
    """The dispatcher's screen."""

    CSS_PATH = "board.tcss"
    BINDINGS = bindings_for("board")

    #: Seconds the cursor must rest on an incident before its details are
    #: fetched: scrolling through the queue shows the row's own data at once
    #: and asks the engine only for the incident the dispatcher stops on.
    DETAIL_DELAY = 0.1

    def __init__(self) -> None:
        super().__init__(id="board")
        self.detail: IncidentDetail | None = None
        self.recommendation: Any = None
        self.history: list[EventView] = []
        self.loaded = False
        self._detail_timer: Timer | None = None
        self._body_loading = False
        #: The incident the detail pane shows (its summary or its details).
        self._pane_id: int | None = None

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        yield DatabaseBanner()
        with Horizontal(id="board-body"):
            with Vertical(id="board-left"):
                yield Label(_("board.queue"), id="queue-title", classes="pane-title")
                yield IncidentTable(id="queue")
                yield Label(_("board.units"), id="units-title", classes="pane-title")
                yield UnitBoard(id="units")
            with Vertical(id="detail-pane"):
                yield Static(id="detail-head")
                with VerticalScroll(id="detail-scroll"):
                    yield Static(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        """Load everything once, then tick timers every second."""
        self.relabel()
        self.set_interval(1.0, self._tick, name="board-timers")
        self.query_one(IncidentTable).focus()
        self.reload()

    def on_screen_resume(self) -> None:
        """Coming back (F3): catch up and select the incident just created."""
        if self.loaded:
            self.reload()

    def relabel(self) -> None:
        """Re-read labels after a language switch."""
        relabel(self)
        type(self).HELP = _("help.board")  # the help panel reads the class
        self.query_one("#queue-title", Label).update(_("board.queue"))
        self.query_one("#units-title", Label).update(_("board.units"))
        if self.loaded:
            self.query_one(IncidentTable).set_columns()
            self.query_one(UnitBoard).set_columns()
        self._show_detail()
        self.refresh_bindings()

    # -- loading -------------------------------------------------------------------

    def reload(self) -> None:
        """Ask the engine for the queue and the unit board."""
        self._load_board()

    @work(
        thread=True,
        exclusive=True,
        group="board-refresh",
        exit_on_error=False,
        description="load board",
    )
    def _load_board(self) -> None:
        services = self.siaga.services
        if hasattr(services, "queue"):
            incidents = [row.incident for row in services.queue()]
        else:
            incidents = queue_order(services.open_incidents())
        self.post_message(BoardLoaded(incidents, services.units()))

    @on(BoardLoaded)
    def _board_loaded(self, message: BoardLoaded) -> None:
        now = self.siaga.services.clock.now()
        table = self.query_one(IncidentTable)
        table.apply(message.incidents, now)
        self.query_one(UnitBoard).apply(message.units, now)
        self.query_one("#queue-title", Label).update(
            _("board.queue.count", count=len(message.incidents))
        )
        first = not self.loaded
        self.loaded = True
        wanted = self.siaga.focus_incident_id
        if wanted is not None and wanted in table.rows_by_id:
            self.siaga.focus_incident_id = None
            table.select_incident(wanted)
            table.focus()
        selected = table.selected_id
        if selected is not None and (
            first or self.detail is None or self.detail.id != selected or wanted
        ):
            self._load_detail(selected)
        elif selected is None:
            self.detail = None
            self._show_detail()

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Another terminal (or this one) changed something: refresh in place."""
        self.reload()
        if self.detail is not None and self.detail.id in message.incident_ids:
            self._load_detail(self.detail.id)

    @on(IncidentTable.Selected)
    def _selected(self, message: IncidentTable.Selected) -> None:
        incident_id = message.incident_id
        if incident_id is None or incident_id == self._pane_id:
            return
        if self._detail_timer is not None:
            self._detail_timer.stop()
        if self.detail is not None and self.detail.id == incident_id:
            self._pane_id = incident_id
            self._show_detail()
            return
        # Show what the row already knows now; fetch the rest once the cursor
        # rests (a held arrow key must not queue a database round trip per row).
        summary = self.query_one(IncidentTable).rows_by_id.get(incident_id)
        if summary is not None:
            self._pane_id = incident_id
            self._show_summary(summary)
        self._detail_timer = self.set_timer(
            self.DETAIL_DELAY, lambda: self._load_detail(incident_id)
        )

    @work(
        thread=True,
        exclusive=True,
        group="board-detail",
        exit_on_error=False,
        description="load incident",
    )
    def _load_detail(self, incident_id: int) -> None:
        services = self.siaga.services
        detail = services.incident(incident_id)
        history = services.incident_history(incident_id)
        recommendation = None
        if hasattr(services, "recommend") and detail.status.is_open:
            try:
                recommendation = services.recommend(incident_id)
            except DispatchError:
                recommendation = None
        self.post_message(DetailLoaded(detail, history, recommendation))

    @on(DetailLoaded)
    def _detail_loaded(self, message: DetailLoaded) -> None:
        selected = self.query_one(IncidentTable).selected_id
        if selected is not None and selected != message.detail.id:
            return
        self.detail = message.detail
        self.history = message.history
        self.recommendation = message.recommendation
        self._show_detail()

    def _tick(self) -> None:
        now = self.siaga.services.clock.now()
        self.query_one(IncidentTable).tick(now)
        self.query_one(UnitBoard).tick(now)

    # -- the detail pane --------------------------------------------------------------

    #: Lines of the pane's head (see :meth:`_head_text`; ``board.tcss`` agrees).
    HEAD_LINES = 5

    def _head_text(self, row: IncidentSummary) -> Text:
        """Priority, number, status, type, place, area, time and caller.

        Always :data:`HEAD_LINES` lines, never wrapped: the head has a fixed
        height, so showing another incident repaints five lines and nothing
        moves (a layout pass would repaint the whole board).
        """
        zone = self.siaga.services.settings.zone
        text = priority_text(row.priority)
        text.append(f" {row.number}  ", style="bold")
        text.append_text(status_text(row.status))
        choice = get_type(row.type_code)
        text.append(
            f"\n{row.type_code} {choice.name if choice else ''} · {row.determinant}\n"
        )
        text.append(f"{_('board.place')}: ", style="dim")
        text.append((row.place_name or row.location_text or "") + "\n")
        if row.kelurahan or row.kecamatan:
            text.append(
                f"{_('place.kel')} {row.kelurahan or '-'} · "
                f"{_('place.kec')} {row.kecamatan or '-'}"
            )
        text.append("\n")
        text.append(f"{_('board.received')}: ", style="dim")
        text.append(row.call_received_at.astimezone(zone).strftime("%H:%M:%S"))
        caller_name = getattr(row, "caller_name", None)
        if row.caller_number or caller_name:
            from dispatch.phone import display_number

            text.append(f"  {_('board.caller')}: ", style="dim")
            who = (caller_name or "", display_number(row.caller_number))
            text.append(" ".join(part for part in who if part))
        text.no_wrap = True
        text.overflow = "ellipsis"
        return text

    def _set_head(self, text: Text) -> None:
        self.query_one("#detail-head", Static).update(text, layout=False)

    def _set_body(self, text: Text) -> None:
        """Show ``text`` below the head, re-laying out only if its height changes.

        The body is at least as tall as its scroll area (``board.tcss``), so
        an incident whose details fit repaints the pane and nothing else.
        """
        widget = self.query_one("#detail", Static)
        pane = self.query_one("#detail-scroll", VerticalScroll)
        width = widget.content_region.width
        if width <= 0 or not widget.size.height:
            widget.update(text)
            return
        needed = len(text.wrap(self.app.console, width))
        height = max(needed, pane.scrollable_content_region.height)
        widget.update(text, layout=height != widget.outer_size.height)

    def _show_summary(self, row: IncidentSummary) -> None:
        """What the queue row knows, shown at once while the details load."""
        self._set_head(self._head_text(row))
        if not self._body_loading:
            self._body_loading = True
            self._set_body(Text(_("board.loading"), style="dim"))

    def _show_detail(self) -> None:
        d = self.detail
        self._body_loading = False
        self._pane_id = d.id if d is not None else None
        if d is None:
            self._set_head(Text(_("board.no-selection"), style="dim"))
            self._set_body(Text(""))
            return
        zone = self.siaga.services.settings.zone
        self._set_head(self._head_text(d))
        text = Text()
        if d.answers:
            answers = ", ".join(f"{k}={v}" for k, v in d.answers.items())
            text.append(f"{_('board.answers')}: ", style="dim")
            text.append(answers + "\n")
        active = [a for a in d.assignments if a.active]
        text.append(f"{_('board.assigned')}: ", style="dim")
        if active:
            text.append("\n")
            for a in active:
                text.append(f"  {a.callsign:<10}", style="bold")
                text.append(_(f"assign.{a.status.value}"))
                if a.eta_seconds is not None:
                    text.append(f"  ETA {clock_text(a.eta_seconds)}")
                text.append("\n")
        else:
            text.append(_("board.none") + "\n")
        for h in d.handoffs:
            text.append(f"{_('board.handoff')}: ", style="dim")
            text.append(f"{h.agency_code} · {_('handoff.' + h.status.value)}\n")
        for n in d.narrative[-3:]:
            text.append(f"✎ {n.text}\n", style="italic")
        text.append("\n")
        text.append_text(self._recommendation_text())
        text.append("\n")
        hist = Text(_("board.history") + "\n", style="bold")
        for event in self.history[-8:]:
            hist.append(event.at.astimezone(zone).strftime("%H:%M:%S "), style="dim")
            hist.append(
                _(f"event.{event.kind}") if _has_event(event.kind) else event.kind
            )
            callsign = event.payload.get("callsign")
            if callsign:
                hist.append(f" {callsign}")
            hist.append("\n")
        text.append_text(hist)
        self._set_body(text)

    def _recommendation_text(self) -> Text:
        text = Text(_("board.recommendation") + "\n", style="bold")
        rec = self.recommendation
        slots = _rec_units(rec)
        if not slots:
            text.append(_("board.no-recommendation") + "\n", style="dim")
            return text
        for unit in slots:
            callsign = _get(unit, "callsign") or "?"
            eta = _get(unit, "eta_seconds")
            reason = (
                _get(unit, "reason_en" if current_language() == "en" else "reason_id")
                or _get(unit, "reason")
                or ""
            )
            text.append(f"  {callsign:<10}", style="bold")
            if eta is not None:
                text.append(f"ETA {clock_text(float(eta))}  ")
            if _get(unit, "preempt") or _get(unit, "preemption"):
                text.append(_("board.preempt") + " ", style="bold red")
            text.append(f"{reason}\n", style="dim")
        for slot in _get(rec, "unfilled") or ():
            text.append(
                _("board.unfilled", count=slot.missing, unit_type=slot.unit_type)
                + "\n",
                style="bold red",
            )
        return text

    # -- actions --------------------------------------------------------------------

    def _selected_id(self) -> int | None:
        incident_id = self.query_one(IncidentTable).selected_id
        if incident_id is None:
            self.notify(_("board.no-selection"), severity="warning")
        return incident_id

    def action_accept_recommendation(self) -> None:
        """Assign the recommended units in one commit."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        if not hasattr(self.siaga.services, "accept_recommendation") or not _rec_units(
            self.recommendation
        ):
            self.notify(_("board.no-recommendation"), severity="warning")
            return
        self._run(_accept, incident_id)

    def action_add_unit(self) -> None:
        """Pick an available unit and assign it."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import PickDialog

        units = self.query_one(UnitBoard).units.values()
        choices = [
            (
                u.callsign,
                f"{u.callsign:<10} {u.unit_type:<14} {u.agency_code:<8} "
                f"{_('unit.' + u.status.value)}",
            )
            for u in sorted(
                units,
                key=lambda u: (not u.status.is_assignable, u.agency_code, u.callsign),
            )
            if u.status.is_assignable or u.status.is_committed
        ]

        def picked(callsign: str | None) -> None:
            if callsign:
                self._run(_assign, incident_id, callsign)

        self.app.push_screen(PickDialog(_("board.add-unit.title"), choices), picked)

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

    def action_hand_off(self) -> None:
        """Hand the incident to the agency that dispatches its own units."""
        incident_id = self._selected_id()
        if incident_id is None:
            return
        from console.screens.dialogs import PickDialog

        choices = [(code, code) for code in self.siaga.agency_codes()]

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

    @work(
        thread=True,
        group="board-action",
        exit_on_error=False,
        description="board action",
    )
    def _run(self, action: Any, *args: Any) -> None:
        text = action(self.siaga.services, *args)
        self.post_message(ActionDone(text))

    @on(ActionDone)
    def _action_done(self, message: ActionDone) -> None:
        self.notify(message.text)
        self.reload()
        if self.detail is not None:
            self._load_detail(self.detail.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """Service errors become notifications or the banner."""
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            self.siaga.report_error(event.worker.error, self)
        elif event.state == WorkerState.SUCCESS:
            self.siaga.database_ok()


# -- what the board's actions do (run in a thread; return the operator's message) --


def _accept(services: Any, incident_id: int) -> str:
    assignments = services.accept_recommendation(incident_id)
    return _("board.assigned-units", units=", ".join(a.callsign for a in assignments))


def _assign(services: Any, incident_id: int, callsign: str) -> str:
    view = services.assign_unit(incident_id, callsign)
    return _("board.assigned-units", units=view.callsign)


def _release(services: Any, incident_id: int, callsign: str, reason: str) -> str:
    services.release_unit(incident_id, callsign, reason)
    return _("board.released", callsign=callsign)


def _hand_off(services: Any, incident_id: int, agency: str) -> str:
    services.hand_off(incident_id, agency)
    return _("board.handed-off", agency=agency)


def _note(services: Any, incident_id: int, text: str) -> str:
    services.add_note(incident_id, text)
    return _("board.noted")


def _close(services: Any, incident_id: int, disposition: str, note: str) -> str:
    detail = services.close_incident(incident_id, disposition, note)
    return _("board.closed", number=detail.number)


def _cancel(services: Any, incident_id: int, reason: str) -> str:
    detail = services.cancel_incident(incident_id, reason)
    return _("board.cancelled", number=detail.number)


def _status(services: Any, callsign: str, status: str) -> str:
    services.report_status(callsign, status)
    return _("board.status-set", callsign=callsign, status=_("unit." + status))


def _get(obj: Any, name: str) -> Any:
    return obj.get(name) if isinstance(obj, dict) else getattr(obj, name, None)


def _rec_units(rec: Any) -> list[Any]:
    """The recommended units, flattened from the recommendation's slots."""
    if rec is None:
        return []
    return list(_get(rec, "units") or ())


def _has_event(kind: str) -> bool:
    from console.i18n import has

    return has(f"event.{kind}")
