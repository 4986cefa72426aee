"""The refer dialog picks the agency's preferred channel (region-pack data)."""

from __future__ import annotations

from textual.app import App
from textual.widgets import Select

from console.screens.dialogs import ReferDialog

AGENCIES = {"PDAM": "PDAM", "PLN": "PLN", "DINSOS": "Dinsos"}
CHANNELS = {"PDAM": ("ulpim", "sp4n-lapor"), "PLN": ("sp4n-lapor",), "DINSOS": ()}


async def test_picking_an_agency_picks_its_preferred_channel() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        dialog = ReferDialog(None, AGENCIES, CHANNELS)
        await app.push_screen(dialog)
        await pilot.pause()
        channel = dialog.query_one("#channel", Select)
        assert channel.value == "sp4n-lapor"  # nothing chosen yet
        dialog.query_one("#agency", Select).value = "PDAM"
        await pilot.pause()
        assert channel.value == "ulpim"
        dialog.query_one("#agency", Select).value = "PLN"
        await pilot.pause()
        assert channel.value == "sp4n-lapor"
        channel.value = "direct"  # the call taker's own choice ...
        dialog.query_one("#agency", Select).value = "DINSOS"  # ... no preference
        await pilot.pause()
        assert channel.value == "direct"


async def test_the_types_proposal_is_kept() -> None:
    app: App[None] = App()
    async with app.run_test() as pilot:
        dialog = ReferDialog(("PDAM", "direct", "drinking_water"), AGENCIES, CHANNELS)
        await app.push_screen(dialog)
        await pilot.pause()
        channel = dialog.query_one("#channel", Select)
        assert channel.value == "direct"
        dialog.query_one("#agency", Select).value = "PLN"
        await pilot.pause()
        assert channel.value == "direct"
