"""ReferralDesk: open referrals with their age against the agency's target.

One keyed row per referral (updated in place, never rebuilt): age, agency by
its short name, channel, sector and status in words, the agency's reference,
and ``OVERDUE`` / ``TERLAMBAT`` past the target from the region pack. With
the table focused, ``a`` records the agency's acknowledgement (reference
number required, a note), ``v`` its resolution, ``o`` reopens a resolved one
(the problem is back; a reason) and ``b`` how calling the caller back went
(resolved referrals stay listed until then); all go through
the service facade in a thread worker. The supervisor screen carries it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar, cast

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label

from console.action_key import new_action_key
from console.followup import (
    channel_label,
    fmt_waited,
    referral_status_label,
    sector_label,
)
from console.i18n import _
from console.widgets.row_table import RowTable

if TYPE_CHECKING:
    from console.app import SiagaApp
    from dispatch.schemas import ReferralLine

#: Call-back outcomes offered at the desk, in the order shown.
CALLBACK_OUTCOMES = ("informed", "no_answer", "not_solved")

#: Column keys and their catalogue labels, in display order.
COLUMNS = (
    ("id", "#"),
    ("age", "referrals.col.age"),
    ("agency", "referrals.col.agency"),
    ("channel", "referrals.col.channel"),
    ("sector", "referrals.col.sector"),
    ("reference", "referrals.col.reference"),
    ("status", "referrals.col.status"),
)


def row_cells(line: ReferralLine) -> tuple[str, ...]:
    """The words one referral shows: no raw codes."""
    ref = line.referral
    status = referral_status_label(ref.status)
    if line.overdue:
        status += " " + _("referrals.overdue")
    if ref.callback_due:
        status += " · " + _("referrals.callback-due")
    return (
        str(ref.id),
        f"{fmt_waited(line.age_s)} / {line.target_h} h",
        line.agency_name,
        channel_label(ref.channel),
        sector_label(ref.sector),
        ref.reference_number or "-",
        status,
    )


class ReferralDesk(Vertical):
    """The open referrals and the keys that follow them up."""

    DEFAULT_CSS = """
    ReferralDesk { height: 1fr; }
    ReferralDesk > Label { text-style: bold; }
    ReferralDesk RowTable { height: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "a",
            "acknowledge",
            _("key.referrals.acknowledge"),
            id="referrals.acknowledge",
            tooltip=_("tip.referrals.acknowledge"),
        ),
        Binding(
            "v",
            "resolve",
            _("key.referrals.resolve"),
            id="referrals.resolve",
            tooltip=_("tip.referrals.resolve"),
        ),
        Binding(
            "o",
            "reopen",
            _("key.referrals.reopen"),
            id="referrals.reopen",
            tooltip=_("tip.referrals.reopen"),
        ),
        Binding(
            "b",
            "callback",
            _("key.referrals.callback"),
            id="referrals.callback",
            tooltip=_("tip.referrals.callback"),
        ),
    ]

    class Loaded(Message):
        """Open referrals read in a worker."""

        def __init__(self, lines: list[ReferralLine]) -> None:
            super().__init__()
            self.lines = lines

        def can_replace(self, message: Message) -> bool:
            """A newer list makes an older one moot."""
            return isinstance(message, ReferralDesk.Loaded)

    class Done(Message):
        """A follow-up step was recorded; the text is for the operator."""

        def __init__(self, text: str) -> None:
            super().__init__()
            self.text = text

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lines: dict[int, ReferralLine] = {}

    @property
    def siaga(self) -> SiagaApp:
        """The app, typed."""
        return cast("SiagaApp", self.app)

    def compose(self) -> ComposeResult:
        """Title and table."""
        yield Label(_("referrals.title"), id="referrals-title")
        table = RowTable(id="referrals", cursor_type="row", zebra_stripes=True)
        for key, label in COLUMNS:
            table.add_column(_(label) if "." in label else label, key=key)
        yield table

    def on_mount(self) -> None:
        """Load the list."""
        self.reload()

    def reload(self) -> None:
        """Read the open referrals again (in a thread)."""
        self._load()

    @work(
        thread=True,
        exclusive=True,
        group="referral-desk",
        exit_on_error=False,
        description="open referrals",
    )
    def _load(self) -> None:
        services = self.siaga.services
        self.post_message(self.Loaded(services.open_referrals(with_callbacks=True)))

    def on_referral_desk_loaded(self, message: ReferralDesk.Loaded) -> None:
        """Update rows in place, keyed by referral id."""
        table = self.query_one(RowTable)
        fresh = {line.referral.id: line for line in message.lines}
        for gone in set(self.lines) - set(fresh):
            table.remove_row(str(gone))
        for rid, line in fresh.items():
            cells = row_cells(line)
            if rid in self.lines:
                for (key, _label), value in zip(COLUMNS, cells, strict=True):
                    table.update_cell(str(rid), key, value)
            else:
                table.add_row(*cells, key=str(rid))
        self.lines = fresh
        title = _("referrals.title") + f" ({len(fresh)})"
        self.query_one("#referrals-title", Label).update(
            title if fresh else _("referrals.none")
        )

    def selected(self) -> ReferralLine | None:
        """The referral under the cursor."""
        table = self.query_one(RowTable)
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return self.lines.get(int(key.value)) if key.value else None

    def action_acknowledge(self) -> None:
        """The agency acknowledged: its reference number and a note."""
        line = self.selected()
        if line is None:
            return
        from console.screens.followup_dialogs import ReferralAckDialog

        def answered(result: dict[str, Any] | None) -> None:
            if result is not None:
                self._step("acknowledge", line, result)

        self.app.push_screen(ReferralAckDialog(line), answered)

    def action_resolve(self) -> None:
        """The agency solved the problem: a note."""
        line = self.selected()
        if line is None:
            return
        from console.screens.followup_dialogs import ReferralResolveDialog

        def answered(result: dict[str, Any] | None) -> None:
            if result is not None:
                self._step("resolve", line, result)

        self.app.push_screen(ReferralResolveDialog(line), answered)

    def action_reopen(self) -> None:
        """The problem is back: reopen a resolved referral, saying why."""
        line = self.selected()
        if line is None:
            return
        if line.referral.status != "resolved":
            self.notify(_("referral.reopen.not-resolved"), severity="warning")
            return
        from console.screens.dialogs import ReasonDialog

        def answered(reason: str | None) -> None:
            if reason:
                self._step("reopen", line, {"reason": reason})

        self.app.push_screen(
            ReasonDialog(
                _("referral.reopen.title", id=line.referral.id), _("referral.reason")
            ),
            answered,
        )

    def action_callback(self) -> None:
        """How calling the caller back went (informed, no answer, not solved)."""
        line = self.selected()
        if line is None:
            return
        if not line.referral.callback_due:
            self.notify(_("callback.not-due"), severity="warning")
            return
        from console.screens.dialogs import PickDialog

        outcomes = [(o, _(f"callback.{o}")) for o in CALLBACK_OUTCOMES]

        def picked(outcome: str | None) -> None:
            if outcome:
                self._step("callback", line, {"outcome": outcome})

        self.app.push_screen(
            PickDialog(_("callback.title", id=line.referral.id), outcomes), picked
        )

    @work(
        thread=True,
        group="referral-step",
        exit_on_error=False,
        description="referral follow-up",
    )
    def _step(self, step: str, line: ReferralLine, result: dict[str, Any]) -> None:
        services = self.siaga.services
        rid = line.referral.id
        if step == "acknowledge":
            view = services.acknowledge_referral(
                rid,
                reference_number=result["reference_number"],
                note=result["note"],
                idempotency_key=new_action_key(),
            )
            text = _(
                "referral.done.acknowledged", id=rid, reference=view.reference_number
            )
        elif step == "reopen":
            services.reopen_referral(rid, result["reason"])
            text = _("referral.done.reopened", id=rid)
        elif step == "callback":
            services.record_callback(
                rid, result["outcome"], idempotency_key=new_action_key()
            )
            text = _(
                "callback.done", id=rid, outcome=_(f"callback.{result['outcome']}")
            )
        else:
            services.resolve_referral(
                rid, note=result["note"], idempotency_key=new_action_key()
            )
            text = _("referral.done.resolved", id=rid)
        self.post_message(self.Done(text))

    def on_referral_desk_done(self, message: ReferralDesk.Done) -> None:
        """Tell the operator and reload."""
        self.notify(message.text)
        self.reload()
