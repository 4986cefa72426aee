"""Pilot tests of the supervisor screen: figures match what the services did."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import DataTable

from console.screens.supervisor import SupervisorScreen
from dispatch.reports import shift_figures_for, shift_window
from dispatch.services import DispatchService
from tests.console.ops_seed import (
    SANANWETAN,
    OpsHost,
    make_services,
    new_incident,
    settle,
)


def plain(widget: object, width: int = 160) -> str:
    """What a Static shows, as plain text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)  # type: ignore[attr-defined]
    return console.export_text()


def seed_shift(services: DispatchService) -> None:
    """Two incidents (one served to on-scene), a prank and a silent call."""
    clock = services.clock
    new_incident(services, units=("AMB-01",))
    clock.advance(60)  # type: ignore[attr-defined]
    unit = services.as_actor("AMB-01")
    unit.acknowledge_assignment("AMB-01")
    clock.advance(30)  # type: ignore[attr-defined]
    unit.report_status("AMB-01", "en_route")
    clock.advance(400)  # type: ignore[attr-defined]
    unit.report_status("AMB-01", "on_scene")
    new_incident(services, kind="fire", at=SANANWETAN, number="081300001111")
    call = services.open_call({"caller_number": "085600002222"})
    services.close_call(call.id, "prank")
    call = services.open_call({})
    services.close_call(call.id, "silent")
    clock.advance(900)  # type: ignore[attr-defined]


async def test_figures_match_what_the_services_did(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    seed_shift(services)
    expected = shift_figures_for(
        services, shift_window(services.clock.now(), services.settings)
    )
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        assert screen.overview is not None
        assert screen.overview.report.figures == expected
        assert expected.calls_total == 4
        assert expected.calls_by_outcome["prank"] == 1
        assert expected.units_busy == 1
        shown = plain(screen.query_one("#figures"))
        assert "Calls 4 · prank 25 % · silent 25 %" in shown
        assert "Units busy 1/23" in shown
        p1 = expected.priority("P1").call_to_on_scene
        assert p1.count == 1
        assert "P1 Call → on scene" in shown
        # Queue across all desks, most urgent and oldest first; overdue listed.
        await pilot.press("2")
        await settle(app, pilot)
        queue = screen.query_one("#queue", DataTable)
        assert queue.row_count == 2
        attention = plain(screen.query_one("#attention"))
        assert "past target" in attention


async def test_log_search_filter_and_handover_export(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    seed_shift(services)
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        log = screen.query_one("#log", DataTable)
        everything = log.row_count
        assert everything >= 15
        await pilot.press("slash")
        await pilot.press(*"prank")
        await settle(app, pilot)
        assert 0 < log.row_count < everything
        await pilot.press("enter")  # back to the table
        screen.query_one("#log-search").clear()  # type: ignore[attr-defined]
        await settle(app, pilot)
        assert log.row_count == everything
        await pilot.press("f", "f")  # all → incidents → units
        await settle(app, pilot)
        kinds = {log.get_row_at(i)[1] for i in range(log.row_count)}
        assert "unit.status" in kinds
        assert all(kind.startswith("unit.") for kind in kinds)
        await pilot.press("4", "e")
        await settle(app, pilot)
        written = sorted(p.suffix for p in tmp_path.glob("handover-*"))
        assert written == [".html", ".md"]
        modes = {p.stat().st_mode & 0o777 for p in tmp_path.glob("handover-*")}
        assert modes == {0o600}


async def test_new_events_extend_the_log_and_queue(tmp_path: Path) -> None:
    services = make_services(tmp_path)
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        log = screen.query_one("#log", DataTable)
        before = log.row_count
        incident = new_incident(services, units=("AMB-02",))
        app.follower.poll()
        await settle(app, pilot)
        assert log.row_count > before
        queue = screen.query_one("#queue", DataTable)
        assert [row.key.value for row in queue.ordered_rows] == [str(incident.id)]


async def test_charts_tab_draws_the_reports_charts(tmp_path: Path) -> None:
    from textual_plotext import PlotextPlot

    from dispatch.reports.charts import handover_charts

    services = make_services(tmp_path)
    seed_shift(services)
    app = OpsHost(services, SupervisorScreen(export_dir=tmp_path), language="en")
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SupervisorScreen)
        assert not screen.query(PlotextPlot)  # nothing drawn before the tab
        await pilot.press("7")
        await settle(app, pilot)
        assert screen.overview is not None
        charts = handover_charts(screen.overview.report)
        plots = list(screen.query(PlotextPlot))
        assert [p.id for p in plots] == [f"chart-{c.key}" for c in charts]
        hourly = screen.query_one("#chart-calls-per-hour", PlotextPlot)
        shown = hourly.plt.build()
        assert "Calls per hour by outcome" in shown
        assert "prank" in shown
        assert "silent" in shown
        times = screen.query_one("#chart-times-vs-targets", PlotextPlot)
        assert "target" in times.plt.build()


def test_chart_words_follow_the_console_language() -> None:
    from textual_plotext.plot import Plot

    from console.i18n import current_language, set_language
    from console.widgets.chart_panel import draw_chart
    from dispatch.reports.charts import Chart, Series

    chart = Chart(
        key="calls-per-hour",
        title="Calls per hour by outcome (Asia/Jakarta)",
        categories=("07", "08"),
        series=(
            Series(name="prank", values=(1.0, 0.0)),
            Series(name="open", values=(0.0, 2.0)),
        ),
        unit="calls",
        stacked=True,
    )
    before = current_language()
    set_language("id")
    try:
        plot = Plot()
        plot.plotsize(100, 14)
        draw_chart(plot, chart)
        shown = plot.uncolorize(plot.build())
    finally:
        set_language(before)
    assert "Panggilan per jam menurut hasil" in shown
    assert "iseng" in shown
    assert "berlangsung" in shown
    assert "panggilan" in shown  # the y axis unit
