"""Dispatch board: the queue by urgency, the selected incident, units, recommendation.

The queue and the unit board are loaded by a thread worker and applied with
a keyed diff, so when another terminal changes something (the journal
follower posts :class:`~console.messages.JournalAdvanced`) the rows update in
place and the cursor stays where it was. Actions resolve against incident
ids and callsigns, never against what the table happens to show.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.timer import Timer
from textual.widgets import Footer, Label, Static
from textual.worker import Worker, WorkerState

from console.bindings import bindings_for, relabel
from console.i18n import _
from console.messages import JournalAdvanced
from console.screens.board_actions import ActionDone, BoardActions
from console.screens.board_pane import HEAD_LINES, body_text, head_text
from console.widgets.banner import DatabaseBanner
from console.widgets.handoff_alarms import HandoffAlarms
from console.widgets.incident_table import IncidentTable
from console.widgets.unit_board import UnitBoard
from dispatch.schemas import (
    EventView,
    IncidentDetail,
    IncidentSummary,
    RecommendationView,
    UnitView,
)

if TYPE_CHECKING:
    pass


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
        self,
        detail: IncidentDetail,
        history: list[EventView],
        recommendation: RecommendationView | None,
    ) -> None:
        super().__init__()
        self.detail = detail
        self.history = history
        self.recommendation = recommendation


class BoardScreen(BoardActions):
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
        self.recommendation: RecommendationView | None = None
        self.history: list[EventView] = []
        self.loaded = False
        self._detail_timer: Timer | None = None
        self._body_loading = False
        #: The incident the detail pane shows (its summary or its details).
        self._pane_id: int | None = None

    def compose(self) -> ComposeResult:
        yield DatabaseBanner()
        yield HandoffAlarms(id="handoff-alarms")
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
        incidents = [row.incident for row in services.queue()]
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
        if any(e.kind.startswith("handoff.") for e in message.events):
            self.query_one(HandoffAlarms).reload()
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
        if detail.status.is_open and detail.lat is not None and detail.lon is not None:
            recommendation = services.recommend(incident_id)
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

    #: Lines of the pane's head (``board.tcss`` agrees).
    HEAD_LINES = HEAD_LINES

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
        self._set_head(head_text(row, self.siaga.services.settings.zone))
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
        self._set_head(head_text(d, zone))
        self._set_body(body_text(d, self.history, self.recommendation, zone))

    # -- running actions --------------------------------------------------------------

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
