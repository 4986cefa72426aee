"""What the screens need to know from the region pack and the catalogue.

Agencies (codes, names, referral channels) and close codes, asked by dialogs
and screens through the app. Kept apart from :class:`~console.app.SiagaApp`,
whose job is start-up, screens and the keyboard; the data comes from the
engine's services, loaded on first use.
"""

from __future__ import annotations

from typing import Any

from console.i18n import current_language


class PackFacts:
    """Mixin of the app: lookups in the pack and catalogue (``self.services``)."""

    services: Any

    def agency_codes(self) -> list[str]:
        """Agency codes of the region pack (its errors are the pack's to report)."""
        return [a.code for a in self.services.pack.agencies]

    def agency_names(self) -> dict[str, str]:
        """Agency code -> short name from the region pack (labels, never codes)."""
        from console.followup import agency_names

        return agency_names(self.services.pack)

    def agency_channels(self) -> dict[str, tuple[str, ...]]:
        """Agency code -> its referral channels, preferred first (region pack)."""
        return {a.code: a.channels for a in self.services.pack.agencies}

    def agency_choices(self) -> list[tuple[str, str]]:
        """Agencies of the region pack as (code, "short name — full name")."""
        return [
            (a.code, f"{a.short_name} — {a.name}") for a in self.services.pack.agencies
        ]

    def dispositions(self) -> list[tuple[str, str]]:
        """Close codes with their names in the current language.

        The catalogue ships inside the package and the engine needs it for
        every classification: if it cannot load, that error is the one to see.
        """
        from dispatch.catalogue import get_catalogue

        return [
            (code, d.name.get(current_language()))
            for code, d in get_catalogue().dispositions.items()
        ]
