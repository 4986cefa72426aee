"""The desk's share of the background duties, and the alarm they raise.

While a desk is open it runs the engine's duties (hand-off escalation,
overdue referrals) every ``duty_interval_seconds`` in a thread worker, as
the watcher; the database makes each step happen once however many desks
and ``siaga watch`` processes run them. The alarm does not come from the
worker but from the journal: every desk that sees a ``handoff.escalated``
event — whoever took the step — rings the bell, shows a notification and
lets its screens refresh their alarm strips.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.timer import Timer

from console.followup import fmt_waited
from console.i18n import _
from console.messages import DatabaseTrouble
from dispatch.errors import DatabaseUnavailable
from dispatch.schemas import EventView

if TYPE_CHECKING:
    from console.app import SiagaApp


class DeskDuties:
    """Runs the duties on a timer for one app; start it once the app is mounted."""

    def __init__(self, app: SiagaApp, interval: float) -> None:
        self.app = app
        self.interval = interval
        self.runs = 0
        self._timer: Timer | None = None

    def start(self) -> None:
        """Run the duties every ``interval`` seconds from now on (once per app)."""
        if self._timer is not None:  # started again at a later sign-on
            return
        self._timer = self.app.set_interval(
            self.interval, self.tick, name="desk-duties"
        )

    def stop(self) -> None:
        """Stop running the duties (tests, shutdown)."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def tick(self) -> None:
        """One run in a thread (a run still going is replaced, not doubled)."""
        _run_duties(self.app, self)


@work(
    thread=True,
    exclusive=True,
    group="duties",
    exit_on_error=False,
    description="background duties",
)
def _run_duties(app: SiagaApp, duties: DeskDuties) -> None:
    if app.principal is None:  # the desk is locked: nobody to run them for
        return
    try:
        app.services.run_duties()
    except DatabaseUnavailable as exc:
        app.post_message(DatabaseTrouble(exc.message))
        return
    duties.runs += 1


def escalation_alarms(app: SiagaApp, events: list[EventView]) -> list[str]:
    """Ring and notify for every escalation among ``events``; return the texts."""
    names = app.agency_names()
    texts = []
    for event in events:
        if event.kind != "handoff.escalated":
            continue
        payload = event.payload
        agency = names.get(str(payload.get("agency")), str(payload.get("agency")))
        key = (
            "alarm.notify.supervisor"
            if payload.get("to") == "supervisor"
            else "alarm.notify.desk"
        )
        text = _(key, number=payload.get("number", "?"), agency=agency)
        waited = payload.get("waited_seconds")
        if isinstance(waited, int | float):
            text += f" ({fmt_waited(waited)})"
        texts.append(text)
    if texts:
        app.bell()
        for text in texts:
            app.notify(text, severity="error", timeout=30)
    return texts
