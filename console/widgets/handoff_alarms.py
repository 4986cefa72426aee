"""HandoffAlarms: the strip of hand-offs still waiting for their agency.

Board and supervisor screens carry one. It loads the waiting hand-offs in a
thread worker (on mount, when the journal advances, and every few seconds so
the waiting times move) and shows one line each — ``SUPERVISOR:``,
``ESCALATED:`` or ``waiting for`` — always as words, coloured by level, never
by colour alone. :meth:`HandoffAlarms.acknowledge` is the one-key flow that
records the agency's acknowledgement (who, by which means, when).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from textual import work
from textual.message import Message
from textual.widgets import Static

from console.action_key import new_action_key
from console.followup import fmt_waited, means_label
from console.i18n import _

if TYPE_CHECKING:
    from console.app import SiagaApp
    from dispatch.schemas import WaitingHandoffView

#: Seconds between reloads when the journal is quiet (waiting times move).
RELOAD_SECONDS = 5.0


class HandoffAlarms(Static):
    """Waiting and escalated hand-offs, most escalated first; hidden when none."""

    DEFAULT_CSS = """
    HandoffAlarms {
        height: auto;
        max-height: 6;
        padding: 0 1;
        display: none;
        background: $warning 20%;
    }
    HandoffAlarms.-shown { display: block; }
    HandoffAlarms.-escalated { background: $error 40%; text-style: bold; }
    """

    class Loaded(Message):
        """The waiting hand-offs, read in a worker."""

        def __init__(self, waiting: list[WaitingHandoffView]) -> None:
            super().__init__()
            self.waiting = waiting

    class Acknowledged(Message):
        """An acknowledgement was recorded; the text is for the operator."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("", **kwargs)
        self.waiting: list[WaitingHandoffView] = []

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return cast("SiagaApp", self.app)

    def on_mount(self) -> None:
        """Load now and keep the waiting times moving."""
        self.reload()
        self.set_interval(RELOAD_SECONDS, self.reload, name="handoff-alarms")

    def reload(self) -> None:
        """Read the waiting hand-offs again (in a thread)."""
        self._load()

    @work(
        thread=True,
        exclusive=True,
        group="handoff-alarms",
        exit_on_error=False,
        description="waiting hand-offs",
    )
    def _load(self) -> None:
        self.post_message(self.Loaded(self.siaga.services.waiting_handoffs()))

    def on_handoff_alarms_loaded(self, message: HandoffAlarms.Loaded) -> None:
        """Show the lines, most escalated first."""
        self.waiting = sorted(
            message.waiting,
            key=lambda w: (-w.handoff.escalation_level, -w.waited_s),
        )
        self.update("\n".join(alarm_line(w) for w in self.waiting))
        self.set_class(bool(self.waiting), "-shown")
        self.set_class(
            any(w.handoff.escalation_level > 0 for w in self.waiting), "-escalated"
        )

    def target_for(self, incident_id: int | None) -> WaitingHandoffView | None:
        """The hand-off a key press means: the selected incident's, else the top one."""
        if incident_id is not None:
            for waiting in self.waiting:
                if waiting.handoff.incident_id == incident_id:
                    return waiting
        return self.waiting[0] if self.waiting else None

    def acknowledge(self, incident_id: int | None) -> None:
        """Ask who acknowledged, how and when; then record it through the facade."""
        waiting = self.target_for(incident_id)
        if waiting is None:
            self.notify(_("handoff-ack.none"), severity="warning")
            return
        from console.screens.followup_dialogs import HandoffAckDialog

        services = self.siaga.services
        zone = self.siaga.settings.zone
        now_local = services.clock.now().astimezone(zone)

        def answered(result: dict[str, Any] | None) -> None:
            if result is not None:
                self._record(waiting, result)

        self.app.push_screen(HandoffAckDialog(waiting, now_local=now_local), answered)

    @work(
        thread=True,
        group="handoff-ack",
        exit_on_error=False,
        description="acknowledge hand-off",
    )
    def _record(self, waiting: WaitingHandoffView, result: dict[str, Any]) -> None:
        services = self.siaga.services
        view = services.acknowledge_handoff(
            waiting.handoff.id,
            by=result["by"],
            via=result["via"],
            at=result["at"],
            idempotency_key=new_action_key(),
        )
        self.post_message(
            self.Acknowledged(
                _(
                    "handoff-ack.done",
                    agency=waiting.agency_name,
                    via=means_label(view.acknowledged_via),
                )
            )
        )

    def on_handoff_alarms_acknowledged(
        self, message: HandoffAlarms.Acknowledged
    ) -> None:
        """Tell the operator and reload."""
        self.notify(message.text)
        self.reload()


def alarm_line(waiting: WaitingHandoffView) -> str:
    """One line of the strip, in words (level, incident, agency, time waited)."""
    level = waiting.handoff.escalation_level
    key = (
        "alarm.supervisor"
        if level >= 2
        else "alarm.escalated"
        if level == 1
        else "alarm.waiting"
    )
    return _(
        key,
        number=waiting.incident_number,
        agency=waiting.agency_name,
        waited=fmt_waited(waiting.waited_s),
    )
