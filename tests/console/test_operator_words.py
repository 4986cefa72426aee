"""Operator text names things; stored codes ("ulpim", "trapped=y") never show."""

from __future__ import annotations

from console.followup import channel_choices, sector_choices
from console.i18n import set_language
from dispatch.enums import ReferralChannel, Sector
from dispatch.reports.shiftlog import summarise


def test_referral_log_line_names_the_channel() -> None:
    line = summarise("call.referred", {"agency": "PDAM", "channel": "ulpim"}, None, 7)
    assert "ulpim" not in line
    assert "ULPIM (city complaint service)" in line


def test_channel_and_sector_lists_show_names_and_return_codes() -> None:
    """The refer dialog's lists: the operator reads names, the engine gets codes."""
    set_language("id")
    channels = dict(channel_choices())
    assert channels == {
        "SP4N-LAPOR!": "sp4n-lapor",
        "ULPIM": "ulpim",
        "langsung": "direct",
    }
    assert set(channels.values()) == {c.value for c in ReferralChannel}
    sectors = dict(sector_choices())
    assert set(sectors.values()) == {s.value for s in Sector}
    assert "air minum" in sectors
    assert not any("_" in label for label in sectors)
