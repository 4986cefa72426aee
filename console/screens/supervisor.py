"""``SupervisorScreen``: the shift at a glance, the log, and the handover report.

Five tabs: the shift figures (calls by outcome with prank and silent shares,
incidents by type and priority, median and p90 times against targets, units
busy), the queue across every desk with the hand-offs nobody acknowledged and
the timers past target, the 24-hour shift log with search and filters, the
handover report (scrollable; ``e`` exports it as Markdown and HTML), and the
stored shift with who is signed on at which terminal. ``h`` hands the shift
over: after a confirmation listing what is carried into the next shift, the
shift is closed and its handover report stored (:mod:`dispatch.shifts`).

Figures and report come from :mod:`dispatch.reports` through the services, in
thread workers; the journal follower triggers a reload, and the log grows by
the new events only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Static,
    TabbedContent,
    TabPane,
)
from textual.worker import Worker, WorkerState

from console.messages import JournalAdvanced
from console.screens.ops_texts import relabel_bindings, t
from console.screens.supervisor_keys import SUPERVISOR_BINDINGS
from console.screens.supervisor_shift import ShiftActions
from console.screens.supervisor_surge import SurgeActions
from console.screens.supervisor_view import (
    attention_lines,
    figures_renderable,
    hm,
    queue_cells,
)
from console.typeahead import OrderedScreenKeys
from console.widgets.chart_panel import ChartPanel
from console.widgets.handoff_alarms import HandoffAlarms
from console.widgets.referral_desk import ReferralDesk
from console.widgets.shift_panel import ShiftPanel
from dispatch.access import Action, allowed
from dispatch.clock import ensure_utc
from dispatch.enums import IncidentStatus, Priority
from dispatch.errors import DispatchError

if TYPE_CHECKING:
    from dispatch.reports.handover import HandoverReport
    from dispatch.reports.shiftlog import LogEntry
    from dispatch.reports.window import ShiftWindow
    from dispatch.schemas import IncidentSummary, ShiftView

#: Log filters the ``f`` key cycles through: name → journal kind families.
LOG_FILTERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("all", ()),
    ("incident", ("incident", "assignment")),
    ("unit", ("unit",)),
    ("call", ("call", "referral")),
    ("handoff", ("handoff",)),
)

_QUEUE_COLUMNS = ("priority", "number", "type", "status", "place", "age", "units")
_QUEUE_LABELS = {
    "priority": "col.prio",
    "number": "col.number",
    "type": "col.type",
    "status": "col.status",
    "place": "col.place",
    "age": "col.waiting",
    "units": "col.units",
}


@dataclass(frozen=True)
class Overview:
    """Figures, handover report and queue read at one moment."""

    window: ShiftWindow
    report: HandoverReport
    queue: list[IncidentSummary]
    now: datetime
    shift: ShiftView | None = None


class SupervisorScreen(OrderedScreenKeys, ShiftActions, SurgeActions):
    """Shift figures, queue and attention list, shift log, handover report."""

    DEFAULT_CSS = """
    SupervisorScreen #sup-head { height: 1; padding: 0 1; background: $panel; }
    SupervisorScreen #attention { height: auto; max-height: 8; padding: 0 1; }
    SupervisorScreen #attention.-alert { color: $text-warning; }
    SupervisorScreen #queue { height: 1fr; }
    SupervisorScreen #log-bar { height: 1; }
    SupervisorScreen #log-search { width: 1fr; }
    SupervisorScreen #log-filter { width: auto; padding: 0 1; }
    SupervisorScreen #log { height: 1fr; }
    SupervisorScreen #sup-tabs { height: 1fr; }
    SupervisorScreen TabPane { padding: 0; height: 1fr; }
    SupervisorScreen ContentSwitcher { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = SUPERVISOR_BINDINGS

    HELP = t("help.sup")

    class OverviewLoaded(Message):
        """The worker read figures, report and queue."""

        def __init__(self, overview: Overview) -> None:
            super().__init__()
            self.overview = overview

        def can_replace(self, message: Message) -> bool:
            """A newer overview makes an older one moot."""
            return isinstance(message, SupervisorScreen.OverviewLoaded)

    class LogLoaded(Message):
        """Log entries for the current search and filter."""

        def __init__(self, entries: list[LogEntry], replace: bool, query: str) -> None:
            super().__init__()
            self.entries = entries
            self.replace = replace
            self.query = query

    class HandoverExported(Message):
        """The handover report was written to these files."""

        def __init__(self, paths: list[Path]) -> None:
            super().__init__()
            self.paths = paths

    def __init__(
        self,
        services: Any | None = None,
        *,
        export_dir: Path | None = None,
        refresh_seconds: float = 30.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._services = services
        self.export_dir = export_dir
        """Where ``e`` writes the handover report (default: the data folder)."""
        self.refresh_seconds = refresh_seconds
        """Figures and ages are re-read this often even when nothing happens."""
        self.overview: Overview | None = None
        self.filter_index = 0
        """Which of :data:`LOG_FILTERS` the log shows."""
        self.search = ""
        """Text the log is searched for."""
        self._log_last_id = 0
        self._log_total = 0

    @property
    def services(self) -> Any:
        """The services given, else the app's."""
        if self._services is not None:
            return self._services
        return self.app.services  # type: ignore[attr-defined]

    @property
    def zone(self) -> ZoneInfo:
        """The center's time zone."""
        return ZoneInfo(self.services.settings.timezone)

    # -- layout ------------------------------------------------------------

    def compose(self) -> ComposeResult:
        """Heading line, the four tabs, the footer."""
        yield Static(t("sup.loading"), id="sup-head")
        yield HandoffAlarms(id="handoff-alarms")
        with TabbedContent(initial="tab-figures", id="sup-tabs"):
            with (
                TabPane(t("sup.figures"), id="tab-figures"),
                VerticalScroll(id="figures-scroll"),
            ):
                yield Static(t("sup.loading"), id="figures")
            with TabPane(t("sup.queue"), id="tab-queue"):
                yield DataTable(id="queue", cursor_type="row", zebra_stripes=True)
                yield Static("", id="attention")
            with TabPane(t("sup.log"), id="tab-log"):
                with Horizontal(id="log-bar"):
                    yield Input(
                        placeholder=t("sup.search"),
                        id="log-search",
                        compact=True,
                        select_on_focus=False,  # see keep_typed_text_on_focus
                    )
                    yield Static("", id="log-filter")
                yield DataTable(id="log", cursor_type="row")
            with (
                TabPane(t("sup.handover"), id="tab-handover"),
                VerticalScroll(id="handover-scroll"),
            ):
                yield Static(t("sup.loading"), id="handover")
            with (
                TabPane(t("sup.shift-tab"), id="tab-shift"),
                VerticalScroll(id="shift-scroll"),
            ):
                yield ShiftPanel(t("sup.loading"), id="shift-panel")
            with TabPane(t("referrals.title"), id="tab-referrals"):
                yield ReferralDesk(id="referral-desk")
            with TabPane(t("sup.charts"), id="tab-charts"):
                yield ChartPanel(id="chart-panel")
        yield Footer()

    def on_mount(self) -> None:
        """Set up the tables, load everything, keep ages fresh."""
        relabel_bindings(self)
        self._setup_tables()
        self._show_filter()
        self._load_overview()  # opens the shift at the change-over, then the log
        self.set_interval(self.refresh_seconds, self._load_overview, name="sup-refresh")

    def _setup_tables(self) -> None:
        queue = self.query_one("#queue", DataTable)
        queue.clear(columns=True)
        # The status column is as wide as its longest word: an automatic
        # width follows the first rows, and "DIKERAHKAN" arriving later was cut.
        status = max(len(t(f"istatus.{s}")) for s in IncidentStatus)
        widths = {"status": max(status, len(t(_QUEUE_LABELS["status"])))}
        for key in _QUEUE_COLUMNS:
            queue.add_column(t(_QUEUE_LABELS[key]), key=key, width=widths.get(key))
        log = self.query_one("#log", DataTable)
        log.clear(columns=True)
        for key, label in (
            ("time", "col.time"),
            ("kind", "col.kind"),
            ("actor", "col.actor"),
            ("detail", "col.detail"),
        ):
            log.add_column(t(label), key=key)

    def relabel(self) -> None:
        """The language changed: re-read every text."""
        type(self).HELP = t("help.sup")  # the help panel reads the class
        relabel_bindings(self)
        self.refresh_bindings()
        tabs = self.query_one(TabbedContent)
        for pane, key in (
            ("tab-figures", "sup.figures"),
            ("tab-queue", "sup.queue"),
            ("tab-log", "sup.log"),
            ("tab-handover", "sup.handover"),
            ("tab-shift", "sup.shift-tab"),
            ("tab-charts", "sup.charts"),
        ):
            tabs.get_tab(pane).label = t(key)
        self.query_one("#log-search", Input).placeholder = t("sup.search")
        self._setup_tables()
        self._show_filter()
        self._log_last_id = 0
        self._load_log(replace=True)
        if self.overview is not None:
            self._show_overview(self.overview)

    # -- loading -----------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="sup-overview",
        exit_on_error=False,
        description="Load shift figures, queue and handover report",
    )
    def _load_overview(self) -> None:
        from dispatch.reports.window import shift_window

        services = self.services
        if allowed(services.principal.role, Action.SHIFT_OPEN):
            services.open_shift()  # idempotent: stores the shift at the change-over
        shift = services.current_shift()
        now = services.clock.now()
        window = shift_window(now, services.settings)
        report = services.handover(window)
        queue = services.open_incidents()
        self.post_message(
            self.OverviewLoaded(Overview(window, report, queue, now, shift))
        )

    @work(
        thread=True,
        exclusive=True,
        group="sup-log",
        exit_on_error=False,
        description="Load the shift log",
    )
    def _load_log(self, replace: bool = False) -> None:
        from dispatch.reports.shiftlog import LogFilter
        from dispatch.reports.window import shift_window

        services = self.services
        window = shift_window(services.clock.now(), services.settings)
        query = self.search.strip()
        flt = LogFilter(kinds=LOG_FILTERS[self.filter_index][1], text=query or None)
        after = 0 if replace else self._log_last_id
        entries = services.shift_log(window, flt, after_id=after)
        self.post_message(self.LogLoaded(entries, replace, query))

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Other terminals wrote events: refresh figures and extend the log."""
        self._load_overview()
        self._load_log(replace=False)
        kinds = {e.kind.split(".")[0] for e in message.events}
        if "handoff" in kinds:
            self.query_one(HandoffAlarms).reload()
        if kinds & {"referral", "call"}:
            self.query_one(ReferralDesk).reload()

    def action_reload(self) -> None:
        """Read everything again now."""
        self._load_overview()
        self._load_log(replace=True)

    # -- showing -----------------------------------------------------------

    @on(OverviewLoaded)
    def _overview_loaded(self, message: OverviewLoaded) -> None:
        first = self.overview is None
        self._show_overview(message.overview)
        if first:  # after open_shift: the log starts with its shift.opened event
            self._load_log(replace=True)

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        figures = overview.report.figures
        local = overview.now.astimezone(self.zone)
        self.query_one("#sup-head", Static).update(
            Text.assemble(
                (
                    t(
                        "sup.shift",
                        start=hm(overview.window.local_start),
                        end=hm(overview.window.local_end),
                    ),
                    "bold",
                ),
                f" · {t('sup.as-of', time=local.strftime('%H:%M'))}",
            )
        )
        self.query_one("#figures", Static).update(figures_renderable(figures))
        self._show_queue(overview)
        self._show_attention(overview)
        self._show_handover(overview.report)
        self.query_one(ShiftPanel).show(overview.shift, self.zone)
        self._show_charts()

    def _show_charts(self) -> None:
        """Draw the report's charts, only while the charts tab is shown.

        The plotting library loads on the first draw; a supervisor who never
        opens the tab never loads it.
        """
        if self.overview is None:
            return
        if self.query_one(TabbedContent).active != "tab-charts":
            return
        from dispatch.reports.charts import handover_charts

        self.query_one(ChartPanel).show(handover_charts(self.overview.report))

    @on(TabbedContent.TabActivated, "#sup-tabs")
    def _tab_shown(self) -> None:
        self._show_charts()

    def _show_queue(self, overview: Overview) -> None:
        """Keyed update: cells change in place, rows are rebuilt only on a new order.

        The order changes when an incident is new, closed or re-prioritised.
        """
        table = self.query_one("#queue", DataTable)
        incidents = sorted(
            overview.queue,
            key=lambda i: (Priority(i.priority).rank, i.call_received_at, i.id),
        )
        wanted = {str(i.id): queue_cells(i, overview.now) for i in incidents}
        shown = [row.key.value for row in table.ordered_rows]
        with self.app.batch_update():
            if shown == list(wanted):
                for key, cells in wanted.items():
                    for column, value in zip(_QUEUE_COLUMNS, cells, strict=True):
                        table.update_cell(key, column, value)
            else:
                table.clear()
                for key, cells in wanted.items():
                    table.add_row(*cells, key=key)

    def _show_attention(self, overview: Overview) -> None:
        lines = attention_lines(overview.report, self.zone)
        widget = self.query_one("#attention", Static)
        widget.set_class(bool(lines), "-alert")
        title = Text(t("sup.attention") + ":", style="bold")
        body = lines or [Text(t("sup.no-attention"), style="dim")]
        widget.update(Group(title, *body))

    def _show_handover(self, report: HandoverReport) -> None:
        from dispatch.reports.render import handover_rich

        self.query_one("#handover", Static).update(handover_rich(report))

    @on(LogLoaded)
    def _log_loaded(self, message: LogLoaded) -> None:
        if message.query != self.search.strip():
            return  # typed on since; a fresher load is on its way
        table = self.query_one("#log", DataTable)
        at_end = table.cursor_row >= table.row_count - 1
        with self.app.batch_update():
            if message.replace:
                table.clear()
                self._log_total = 0
            for entry in message.entries:
                key = str(entry.id)
                if key in table.rows:
                    continue
                table.add_row(*self._log_cells(entry), key=key)
                self._log_total += 1
                self._log_last_id = max(self._log_last_id, entry.id)
            if message.replace and not message.entries:
                self._log_last_id = 0
        if at_end and table.row_count:
            table.move_cursor(row=table.row_count - 1)
        self._show_filter()

    def _log_cells(self, entry: LogEntry) -> tuple[Any, ...]:
        detail = entry.summary
        who = entry.callsign or entry.incident_number
        if who and who not in detail:
            detail = f"{who} {detail}"
        return (
            ensure_utc(entry.at).astimezone(self.zone).strftime("%H:%M:%S"),
            entry.kind,
            entry.actor,
            detail,
        )

    def _show_filter(self) -> None:
        name = LOG_FILTERS[self.filter_index][0]
        self.query_one("#log-filter", Static).update(
            f"{t('sup.filter', name=t(f'sup.filter.{name}'))} · {self._log_total}"
        )

    # -- actions -----------------------------------------------------------

    def action_show_tab(self, pane: str) -> None:
        """Switch to a tab (keys 1–7)."""
        self.query_one(TabbedContent).active = pane
        target = {
            "tab-queue": "#queue",
            "tab-log": "#log",
            "tab-referrals": "#referrals",
        }.get(pane)
        if target:
            self.query_one(target).focus()

    def action_search_log(self) -> None:
        """Open the log tab with the cursor in its search field."""
        self.query_one(TabbedContent).active = "tab-log"
        self.query_one("#log-search", Input).focus()

    def action_cycle_filter(self) -> None:
        """Next log filter: all → incidents → units → calls → hand-offs."""
        self.filter_index = (self.filter_index + 1) % len(LOG_FILTERS)
        self._show_filter()
        self._load_log(replace=True)

    @on(Input.Changed, "#log-search")
    def _search_changed(self, event: Input.Changed) -> None:
        self.search = event.value
        self._load_log(replace=True)

    @on(Input.Submitted, "#log-search")
    def _search_submitted(self) -> None:
        self.query_one("#log", DataTable).focus()

    def action_export_handover(self) -> None:
        """Write the handover report as Markdown and HTML (key ``e``)."""
        if self.overview is not None:
            self._export(self.overview.report, self.overview.window)

    @work(
        thread=True,
        group="sup-export",
        exit_on_error=False,
        description="Export the handover report",
    )
    def _export(self, report: HandoverReport, window: ShiftWindow) -> None:
        from dispatch.config import default_data_dir
        from dispatch.files import private_dir, write_private_text
        from dispatch.reports.render import handover_html, handover_markdown

        out = private_dir(self.export_dir or default_data_dir() / "reports")
        stem = f"handover-{window.local_start:%Y-%m-%d-%H%M}"
        md = write_private_text(out / f"{stem}.md", handover_markdown(report))
        html = write_private_text(out / f"{stem}.html", handover_html(report))
        self.post_message(self.HandoverExported([md, html]))

    @on(HandoverExported)
    def _exported(self, message: HandoverExported) -> None:
        self.notify(t("sup.exported", path=", ".join(p.name for p in message.paths)))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        if isinstance(error, DispatchError):
            text = error.message
        elif event.worker.group == "sup-export":
            text = t("sup.export-failed", error=error)
        else:
            text = t("sup.unexpected", error=error)
        self.log.error(f"{event.worker.description}: {error!r}")
        self.notify(text, severity="error")
