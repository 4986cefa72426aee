"""``SupervisorScreen``: the shift at a glance, the log, and the handover report.

Four tabs: the shift figures (calls by outcome with prank and silent shares,
incidents by type and priority, median and p90 times against targets, units
busy), the queue across every desk with the hand-offs nobody acknowledged and
the timers past target, the 24-hour shift log with search and filters, and the
handover report (scrollable; ``e`` exports it as Markdown and HTML).

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

from rich.box import SIMPLE_HEAD
from rich.columns import Columns
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
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
from dispatch.clock import ensure_utc
from dispatch.enums import Priority
from dispatch.errors import DispatchError

if TYPE_CHECKING:
    from dispatch.reports import HandoverReport, LogEntry, ShiftFigures, ShiftWindow
    from dispatch.reports.figures import DurationStats
    from dispatch.schemas import IncidentSummary

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

_PRIORITY_STYLE = {
    "P1": "bold white on red",
    "P2": "bold black on dark_orange",
    "P3": "bold black on yellow",
    "P4": "bold white on blue",
}


@dataclass(frozen=True)
class Overview:
    """Figures, handover report and queue read at one moment."""

    window: ShiftWindow
    report: HandoverReport
    queue: list[IncidentSummary]
    now: datetime


class SupervisorScreen(Screen[None]):
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

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "1",
            "show_tab('tab-figures')",
            t("key.sup.figures"),
            id="sup.figures",
            tooltip=t("tip.sup.figures"),
        ),
        Binding(
            "2",
            "show_tab('tab-queue')",
            t("key.sup.queue"),
            id="sup.queue",
            tooltip=t("tip.sup.queue"),
        ),
        Binding(
            "3",
            "show_tab('tab-log')",
            t("key.sup.log"),
            id="sup.log",
            tooltip=t("tip.sup.log"),
        ),
        Binding(
            "4",
            "show_tab('tab-handover')",
            t("key.sup.handover"),
            id="sup.handover",
            tooltip=t("tip.sup.handover"),
        ),
        Binding(
            "slash",
            "search_log",
            t("key.sup.search"),
            id="sup.search",
            tooltip=t("tip.sup.search"),
        ),
        Binding(
            "f",
            "cycle_filter",
            t("key.sup.filter"),
            id="sup.filter",
            tooltip=t("tip.sup.filter"),
        ),
        Binding(
            "e",
            "export_handover",
            t("key.sup.export"),
            id="sup.export",
            tooltip=t("tip.sup.export"),
        ),
        Binding(
            "ctrl+r",
            "reload",
            t("key.sup.reload"),
            id="sup.reload",
            tooltip=t("tip.sup.reload"),
            show=False,
        ),
    ]

    HELP = (
        "Supervisor: 1 figures, 2 queue, 3 log, 4 handover report. "
        "/ searches the log, f cycles its filter, e exports the handover report."
    )

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
                        placeholder=t("sup.search"), id="log-search", compact=True
                    )
                    yield Static("", id="log-filter")
                yield DataTable(id="log", cursor_type="row")
            with (
                TabPane(t("sup.handover"), id="tab-handover"),
                VerticalScroll(id="handover-scroll"),
            ):
                yield Static(t("sup.loading"), id="handover")
        yield Footer()

    def on_mount(self) -> None:
        """Set up the tables, load everything, keep ages fresh."""
        relabel_bindings(self)
        self._setup_tables()
        self._show_filter()
        self._load_overview()
        self._load_log(replace=True)
        self.set_interval(self.refresh_seconds, self._load_overview, name="sup-refresh")

    def _setup_tables(self) -> None:
        queue = self.query_one("#queue", DataTable)
        queue.clear(columns=True)
        for key in _QUEUE_COLUMNS:
            queue.add_column(t(_QUEUE_LABELS[key]), key=key)
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
        relabel_bindings(self)
        self.refresh_bindings()
        tabs = self.query_one(TabbedContent)
        for pane, key in (
            ("tab-figures", "sup.figures"),
            ("tab-queue", "sup.queue"),
            ("tab-log", "sup.log"),
            ("tab-handover", "sup.handover"),
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
        from dispatch.reports import handover_for, shift_window

        services = self.services
        now = services.clock.now()
        window = shift_window(now, services.settings)
        report = handover_for(services, window)
        queue = services.open_incidents()
        self.post_message(self.OverviewLoaded(Overview(window, report, queue, now)))

    @work(
        thread=True,
        exclusive=True,
        group="sup-log",
        exit_on_error=False,
        description="Load the shift log",
    )
    def _load_log(self, replace: bool = False) -> None:
        from dispatch.reports import LogFilter, log_for, shift_window

        services = self.services
        window = shift_window(services.clock.now(), services.settings)
        query = self.search.strip()
        flt = LogFilter(kinds=LOG_FILTERS[self.filter_index][1], text=query or None)
        after = 0 if replace else self._log_last_id
        entries = log_for(services, window, flt, after_id=after)
        self.post_message(self.LogLoaded(entries, replace, query))

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Other terminals wrote events: refresh figures and extend the log."""
        self._load_overview()
        self._load_log(replace=False)

    def action_reload(self) -> None:
        """Read everything again now."""
        self._load_overview()
        self._load_log(replace=True)

    # -- showing -----------------------------------------------------------

    @on(OverviewLoaded)
    def _overview_loaded(self, message: OverviewLoaded) -> None:
        self._show_overview(message.overview)

    def _show_overview(self, overview: Overview) -> None:
        self.overview = overview
        figures = overview.report.figures
        local = overview.now.astimezone(self.zone)
        self.query_one("#sup-head", Static).update(
            Text.assemble(
                (
                    t(
                        "sup.shift",
                        start=_hm(overview.window.local_start),
                        end=_hm(overview.window.local_end),
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

    def _show_queue(self, overview: Overview) -> None:
        """Keyed update: cells change in place, rows are rebuilt only on a new order.

        The order changes when an incident is new, closed or re-prioritised.
        """
        table = self.query_one("#queue", DataTable)
        incidents = sorted(
            overview.queue,
            key=lambda i: (Priority(i.priority).rank, i.call_received_at, i.id),
        )
        wanted = {str(i.id): self._queue_cells(i, overview.now) for i in incidents}
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

    def _queue_cells(self, incident: IncidentSummary, now: datetime) -> tuple[Any, ...]:
        age = max(0, int((now - ensure_utc(incident.call_received_at)).total_seconds()))
        return (
            Text(
                f" {incident.priority} ",
                style=_PRIORITY_STYLE.get(str(incident.priority), ""),
            ),
            incident.number,
            incident.type_code,
            t(f"istatus.{incident.status}"),
            incident.place_name or incident.location_text or "—",
            f"{age // 60}:{age % 60:02d}",
            ", ".join(incident.units) or "—",
        )

    def _show_attention(self, overview: Overview) -> None:
        report = overview.report
        lines: list[Text] = []
        for handoff in report.handoffs:
            lines.append(
                Text(
                    "⚠ "
                    + t(
                        "sup.handoff-waiting",
                        number=handoff.number,
                        agency=handoff.agency,
                        since=_hm(handoff.requested_at.astimezone(self.zone)),
                        minutes=int(handoff.waited_s // 60),
                    )
                )
            )
        for line in report.open_incidents:
            if line.overdue:
                lines.append(
                    Text(
                        "⏱ "
                        + t(
                            "sup.timer-overdue",
                            number=line.number,
                            priority=line.priority,
                            status=t(f"istatus.{line.status}"),
                            minutes=int(line.age_s // 60),
                        )
                    )
                )
        widget = self.query_one("#attention", Static)
        widget.set_class(bool(lines), "-alert")
        title = Text(t("sup.attention") + ":", style="bold")
        body = lines or [Text(t("sup.no-attention"), style="dim")]
        widget.update(Group(title, *body))

    def _show_handover(self, report: HandoverReport) -> None:
        try:
            from dispatch.reports.render import handover_rich
        except ImportError:
            self.query_one("#handover", Static).update(t("sup.no-handover"))
            return
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
        """Switch to a tab (keys 1–4)."""
        self.query_one(TabbedContent).active = pane
        target = {"tab-queue": "#queue", "tab-log": "#log"}.get(pane)
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
        from dispatch.reports.render import handover_html, handover_markdown

        out = self.export_dir or default_data_dir() / "reports"
        out.mkdir(parents=True, exist_ok=True)
        stem = f"handover-{window.local_start:%Y-%m-%d-%H%M}"
        md = out / f"{stem}.md"
        md.write_text(handover_markdown(report), encoding="utf-8")
        html = out / f"{stem}.html"
        html.write_text(handover_html(report), encoding="utf-8")
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


def _hm(value: datetime) -> str:
    return value.strftime("%d/%m %H:%M")


def _seconds(value: float | None) -> str:
    if value is None:
        return "—"
    minutes, seconds = divmod(round(value), 60)
    return f"{minutes}:{seconds:02d}"


def _share(value: float | None) -> str:
    return "—" if value is None else f"{100 * value:.0f} %"


def _stats_row(label: str, stats: DurationStats) -> tuple[str, ...]:
    within = (
        f"{stats.within_target}/{stats.count} ({_share(stats.share_within)})"
        if stats.target_s is not None and stats.count
        else "—"
    )
    return (
        label,
        str(stats.count),
        _seconds(stats.median_s),
        _seconds(stats.p90_s),
        _seconds(stats.target_s),
        within,
    )


def figures_renderable(fig: ShiftFigures) -> RenderableType:
    """The shift figures as compact Rich tables (flow side by side when wide)."""
    summary = Text()
    summary.append(f"{t('sup.calls')} {fig.calls_total}", style="bold")
    summary.append(
        f" · {t('sup.prank')} {_share(fig.prank_share)}"
        f" · {t('sup.silent')} {_share(fig.silent_share)}"
    )
    summary.append(f"\n{t('sup.incidents')} {fig.incidents_total}", style="bold")
    summary.append(f" · {t('sup.open-incidents')} {fig.open_incidents}")
    summary.append(
        f"\n{t('sup.units-busy')} {fig.units_busy}/{fig.units_total}", style="bold"
    )

    outcomes = Table(title=t("sup.calls"), box=SIMPLE_HEAD, title_justify="left")
    outcomes.add_column(t("sup.outcome"))
    outcomes.add_column(t("sup.count"), justify="right")
    outcomes.add_column(t("sup.share"), justify="right")
    for name, count in fig.calls_by_outcome.items():
        share = count / fig.calls_total if fig.calls_total else None
        outcomes.add_row(t(f"outcome.{name}"), str(count), _share(share))

    priorities = Table(
        title=t("sup.by-priority"), box=SIMPLE_HEAD, title_justify="left"
    )
    priorities.add_column(t("col.prio"))
    priorities.add_column(t("sup.count"), justify="right")
    for name, count in sorted(fig.incidents_by_priority.items()):
        priorities.add_row(
            Text(f" {name} ", style=_PRIORITY_STYLE.get(name, "")), str(count)
        )

    types = Table(title=t("sup.by-type"), box=SIMPLE_HEAD, title_justify="left")
    types.add_column(t("col.type"))
    types.add_column(t("sup.count"), justify="right")
    for name, count in sorted(
        fig.incidents_by_type.items(), key=lambda kv: (-kv[1], kv[0])
    ):
        types.add_row(name, str(count))

    times = Table(title=t("sup.times"), box=SIMPLE_HEAD, title_justify="left")
    for header, justify in (
        ("sup.measure", "left"),
        ("n", "right"),
        ("sup.median", "right"),
        ("sup.p90", "right"),
        ("sup.target", "right"),
        ("sup.within", "right"),
    ):
        times.add_column(t(header) if "." in header else header, justify=justify)  # type: ignore[arg-type]
    times.add_row(*_stats_row(t("sup.answer"), fig.answer))
    for row in fig.by_priority:
        times.add_row(
            *_stats_row(
                f"{row.priority} {t('sup.answer-dispatch')}", row.answer_to_dispatch
            )
        )
    for row in fig.by_priority:
        times.add_row(
            *_stats_row(f"{row.priority} {t('sup.call-scene')}", row.call_to_on_scene)
        )

    return Group(
        summary,
        Columns([outcomes, priorities, types], padding=(0, 2)),
        times,
    )
