"""Reports and exports over a day from the simulator (``dispatch.simulator``)."""

from __future__ import annotations

from functools import partial

import pytest

from dispatch.exports.eido import incident_eido
from dispatch.exports.eido_check import check_references, validate_eido
from dispatch.reports import handover_for, shift_figures_for, shift_window
from dispatch.reports.render import handover_markdown
from dispatch.simulator import SimulationConfig, simulate
from dispatch.testing import run_read
from tests.dispatch.test_reports import _from_events, _p90


@pytest.fixture(scope="module")
def simulated(fresh_db_module):
    url = fresh_db_module()
    result = simulate(
        SimulationConfig(seed=112, hours=24, calls_per_day=160, database_url=url)
    )
    window = shift_window(result.start, result.services.settings)
    yield result, window
    result.services.engine.dispose()


def test_simulated_handover_matches_the_journal(simulated):
    result, window = simulated
    services = result.services
    events = services.events_after(0, limit=1_000_000)
    expected = _from_events(events, window)
    fig = shift_figures_for(services, window)
    assert fig.calls_total == sum(result.outcomes.values()) > 100
    assert fig.calls_by_outcome == dict(expected["outcomes"])
    assert fig.incidents_by_type == dict(expected["types"])
    assert fig.incidents_by_priority == dict(expected["priorities"])
    # The simulator sends no ring signals: its answer times are not measured.
    assert expected["answer"] == []
    assert fig.answer.not_measured
    assert fig.answer.unmeasured == expected["answer_unmeasured"] == fig.calls_total
    for row in fig.by_priority:
        values = expected["on_scene"][row.priority]
        assert row.call_to_on_scene.count == len(values)
        if values:
            assert row.call_to_on_scene.p90_s == pytest.approx(_p90(values))
        dispatch = expected["dispatch"][row.priority]
        assert row.answer_to_dispatch.count == len(dispatch)
    report = handover_for(services, window)
    assert f"| calls | {fig.calls_total} |" in handover_markdown(report)


def test_simulated_incidents_export_as_valid_eido(simulated):
    result, _ = simulated
    services = result.services
    numbers = [
        e.payload["number"]
        for e in services.events_after(0, limit=1_000_000)
        if e.kind == "incident.created"
    ]
    assert numbers
    zone = services.settings.zone
    for number in numbers:
        eido = run_read(
            services,
            partial(
                incident_eido, incident_key=number, domain="sim.invalid", zone=zone
            ),
        )
        assert validate_eido(eido) == [], number
        assert check_references(eido) == [], number
