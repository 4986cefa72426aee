"""Labels and checks for hand-off acknowledgement and referral follow-up.

Operators never see raw codes: channels, sectors, acknowledgement means and
referral statuses come from the catalogue (:mod:`console.i18n`), agencies by
their short name from the region pack. The helpers here are plain functions
so dialogs, widgets and screens share them and tests can call them directly.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any

from console.i18n import _
from dispatch.enums import AckMeans, ReferralChannel, Sector


def channel_label(channel: str) -> str:
    """``SP4N-LAPOR!``, ``ULPIM``, ``langsung`` / ``direct``."""
    return _(f"channel.{channel}")


def sector_label(sector: str | None) -> str:
    """The sector in the current language (``other`` when none was recorded)."""
    return _(f"sector.{sector or Sector.OTHER.value}")


def means_label(means: str | None) -> str:
    """Radio, phone (telepon) or WhatsApp; a dash when not recorded."""
    return _(f"means.{means}") if means else "-"


def referral_status_label(status: str) -> str:
    """Sent, acknowledged, resolved in the current language."""
    return _(f"referral-status.{status}")


def channel_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for a channel ``Select``."""
    return [(channel_label(c.value), c.value) for c in ReferralChannel]


def sector_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for a sector ``Select``."""
    return [(sector_label(s.value), s.value) for s in Sector]


def means_choices() -> list[tuple[str, str]]:
    """(label, value) pairs for the acknowledgement means."""
    return [(means_label(m.value), m.value) for m in AckMeans]


def agency_names(pack: Any) -> dict[str, str]:
    """Agency code -> short name from the region pack (empty without a pack)."""
    if pack is None:
        return {}
    return {a.code: a.short_name for a in pack.agencies}


def referral_detail(view: Any, agencies: dict[str, str]) -> str:
    """``PDAM · ULPIM · air minum · ULP-42`` for the outcome line."""
    parts = [
        agencies.get(view.agency_code, view.agency_code),
        channel_label(view.channel),
        sector_label(view.sector),
    ]
    if view.reference_number:
        parts.append(view.reference_number)
    return " · ".join(parts)


def fmt_waited(seconds: float) -> str:
    """``3 m 05 s`` / ``1 j 02 m`` style: short enough for an alarm line."""
    total = max(0, int(seconds))
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    if hours:
        return f"{hours} h {minutes:02d} m"
    return f"{minutes} m {secs:02d} s"


def parse_local_time(text: str, *, today: datetime) -> datetime | None:
    """``HH:MM`` on the day of ``today`` (an aware local time), or ``None`` if empty.

    Raises:
        ValueError: the text is not a time of day.
    """
    value = text.strip()
    if not value:
        return None
    parsed = time.fromisoformat(value.replace(".", ":"))
    return today.replace(
        hour=parsed.hour, minute=parsed.minute, second=0, microsecond=0
    )
