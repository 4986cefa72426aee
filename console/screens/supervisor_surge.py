"""The surge confirmation: exactly what will be assigned, before anything is.

:class:`SurgeDialog` lists every line of the engine's plan for the whole
queue — incident, priority, type, unit, ETA — and the incidents it leaves
alone with the reason. Enter commits exactly that plan (one transaction per
incident); Escape commits nothing.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Static

from console.i18n import _
from console.screens.dialogs import Dialog
from console.screens.ops_texts import t
from console.screens.supervisor_view import surge_plan_text, surge_result_text
from dispatch.schemas import SurgePlan, SurgeResult


class SurgeDialog(Dialog):
    """Confirm the surge plan (Enter) or drop it (Escape)."""

    DEFAULT_CSS = """
    SurgeDialog > Vertical { width: 90; }
    SurgeDialog #surge-lines { height: auto; max-height: 20; }
    """

    def __init__(self, plan: SurgePlan) -> None:
        super().__init__(
            t(
                "sup.surge.title",
                units=len(plan.lines),
                incidents=len(plan.incident_ids),
            )
        )
        self.plan = plan

    def body(self) -> ComposeResult:
        """The plan's lines, then the skipped incidents."""
        with VerticalScroll(id="surge-lines"):
            yield Static(surge_plan_text(self.plan), id="surge-table")
        yield Static(_("sup.surge.confirm"), id="surge-question")

    def action_cancel(self) -> None:
        """Nothing is assigned."""
        self.dismiss(False)


class SurgeActions(Screen[None]):
    """The surge key of the supervisor screen: plan, confirm, commit, report."""

    last_surge: SurgeResult | None = None
    """What the last surge did (shown in a notification too)."""

    @property
    def services(self) -> Any:
        """The engine's services (the screen overrides this)."""
        raise NotImplementedError

    def action_reload(self) -> None:
        """Read everything again (the screen overrides this)."""
        raise NotImplementedError

    class SurgePlanned(Message):
        """The engine's plan for the whole queue, to be confirmed."""

        def __init__(self, plan: SurgePlan) -> None:
            super().__init__()
            self.plan = plan

    class SurgeCommitted(Message):
        """The surge was committed; what happened per incident."""

        def __init__(self, result: SurgeResult) -> None:
            super().__init__()
            self.result = result

    # -- surge: every recommendation across the queue at once ---------------

    def action_surge(self) -> None:
        """Ask the engine for the whole queue's plan, then show it to confirm."""
        self._plan_surge()

    @work(
        thread=True,
        exclusive=True,
        group="sup-surge",
        exit_on_error=False,
        description="Plan units for the whole queue",
    )
    def _plan_surge(self) -> None:
        self.post_message(self.SurgePlanned(self.services.surge_plan()))

    @on(SurgePlanned)
    def _surge_planned(self, message: SurgePlanned) -> None:
        plan = message.plan
        if not plan.lines:
            self.notify(t("sup.surge.nothing"), severity="warning")
            return

        def answered(sure: bool | None) -> None:
            if sure:
                self._commit_surge(plan)

        self.app.push_screen(SurgeDialog(plan), answered)

    @work(
        thread=True,
        group="sup-surge-commit",
        exit_on_error=False,
        description="Assign the planned units",
    )
    def _commit_surge(self, plan: SurgePlan) -> None:
        self.post_message(self.SurgeCommitted(self.services.commit_surge(plan)))

    @on(SurgeCommitted)
    def _surge_committed(self, message: SurgeCommitted) -> None:
        result = message.result
        self.last_surge = result
        self.notify(
            surge_result_text(result),
            severity="warning" if result.failed else "information",
            timeout=15,
        )
        self.action_reload()
