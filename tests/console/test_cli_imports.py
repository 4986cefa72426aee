"""Start-up hygiene: ``import console.cli`` stays light.

The ``siaga`` command imports every command module to build ``--help``;
heavy dependencies (the simulator, scipy, the PDF writer) belong inside the
command functions so that opening the console does not pay for them.
"""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = (
    "dispatch.simulator",
    "scipy",
    "fpdf",
    "matplotlib",
    "plotext",
    "textual_plotext",
)


def _modules_after(statement: str) -> set[str]:
    code = f"import json, sys\n{statement}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return set(json.loads(out.stdout))


def test_import_console_cli_skips_heavy_modules():
    loaded = _modules_after("import console.cli")
    heavy = sorted(
        name
        for name in loaded
        if any(name == h or name.startswith(h + ".") for h in HEAVY)
    )
    assert "console.cli" in loaded
    assert heavy == []


def test_screens_load_no_plotting_library_until_a_chart_is_drawn():
    """The supervisor screen and the reports import charts' data, not a plotter."""
    loaded = _modules_after(
        "import console.app, console.screens.supervisor, "
        "console.widgets.chart_panel, dispatch.reports.render, "
        "dispatch.reports.period, dispatch.reports.pdf"
    )
    heavy = sorted(
        name
        for name in loaded
        if any(name == h or name.startswith(h + ".") for h in HEAVY[3:])
    )
    assert "console.widgets.chart_panel" in loaded
    assert heavy == []
