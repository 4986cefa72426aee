"""``ShiftPanel``: the stored shift and who is signed on at which terminal.

Also :func:`carry_over_text`, the confirmation a supervisor reads before
closing the shift: which incidents and referrals the next shift inherits.
Data comes in as frozen views (:class:`~dispatch.schemas.ShiftView`,
:class:`~dispatch.schemas.CarryOverView`); the panel only draws them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.box import SIMPLE_HEAD
from rich.console import Group, RenderableType
from rich.markup import escape
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from console.i18n import _
from dispatch.schemas import CarryOverView, ShiftView

#: At most this many incidents (and referrals) are listed in the confirmation.
CONFIRM_LIMIT = 12


def _at(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).strftime("%d/%m %H:%M")


def shift_renderable(shift: ShiftView | None, zone: ZoneInfo) -> RenderableType:
    """The shift line, its state, and the table of sign-ons by terminal."""
    if shift is None:
        return Text(_("sup.no-shift"), style="dim")
    head = Text(
        _(
            "sup.shift-record",
            id=shift.id,
            start=_at(shift.starts_at, zone),
            end=_at(shift.ends_at, zone),
            opened=_at(shift.opened_at, zone),
            by=shift.opened_by,
        ),
        style="bold",
    )
    if shift.closed_at is not None:
        state = _(
            "sup.shift-closed",
            at=_at(shift.closed_at, zone),
            by=shift.closed_by or "?",
            digest=(shift.report_sha256 or "")[:16],
        )
    else:
        state = _("sup.shift-open")
    if not shift.sign_ons:
        return Group(head, Text(state), Text(_("sup.nobody-signed-on"), style="dim"))
    table = Table(title=_("sup.signed-on"), box=SIMPLE_HEAD, title_justify="left")
    for key in (
        "sup.col.terminal",
        "sup.col.operator",
        "sup.col.role",
        "sup.col.since",
        "sup.col.shift",
    ):
        table.add_column(_(key))
    for sign_on in shift.sign_ons:
        table.add_row(
            Text(sign_on.terminal),
            Text(sign_on.operator),
            Text(sign_on.role),
            _at(sign_on.signed_on_at, zone),
            str(sign_on.shift_id),
        )
    return Group(head, Text(state), table)


def carry_over_text(preview: CarryOverView, zone: ZoneInfo) -> str:
    """What closing the shift passes on, for the confirmation dialog."""
    shift = preview.shift
    lines = [
        _(
            "sup.close-intro",
            start=_at(shift.starts_at, zone),
            end=_at(shift.ends_at, zone),
        )
    ]
    if preview.incidents:
        lines.append(_("sup.carried-incidents", count=len(preview.incidents)))
        lines += [
            f"  {i.priority} {i.number} {i.type_code} {i.status}"
            for i in preview.incidents[:CONFIRM_LIMIT]
        ]
        if len(preview.incidents) > CONFIRM_LIMIT:
            more = len(preview.incidents) - CONFIRM_LIMIT
            lines.append("  " + _("sup.carried-more", count=more))
    if preview.referrals:
        lines.append(_("sup.carried-referrals", count=len(preview.referrals)))
        lines += [
            f"  #{r.referral_id} {r.agency_code} {r.channel} "
            f"{r.reference_number or '-'} {r.status}"
            for r in preview.referrals[:CONFIRM_LIMIT]
        ]
        if len(preview.referrals) > CONFIRM_LIMIT:
            more = len(preview.referrals) - CONFIRM_LIMIT
            lines.append("  " + _("sup.carried-more", count=more))
    if not preview.incidents and not preview.referrals:
        lines.append(_("sup.nothing-carried"))
    return escape("\n".join(lines))  # reference numbers are free text


class ShiftPanel(Static):
    """The stored shift and its sign-ons (updated by the supervisor screen)."""

    DEFAULT_CSS = """
    ShiftPanel { height: auto; padding: 0 1; }
    """

    def show(self, shift: ShiftView | None, zone: ZoneInfo) -> None:
        """Draw ``shift`` (``None``: not stored yet)."""
        self.update(shift_renderable(shift, zone))
