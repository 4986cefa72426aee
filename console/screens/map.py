"""``MapScreen``: the region map with every unit and open incident.

A thread worker reads the region pack, the unit board and the open incidents
through the services and posts them; the screen reloads when the journal
follower reports events about units or incidents. Keys: ``+``/``-`` zoom,
arrows or ``h j k l`` pan, ``0`` whole region, ``n`` next open incident.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static
from textual.worker import Worker, WorkerState

from console.messages import JournalAdvanced
from console.screens.ops_texts import relabel_bindings, t
from console.typeahead import OrderedScreenKeys
from console.widgets.region_map import RegionMap
from dispatch.errors import DispatchError

if TYPE_CHECKING:
    from dispatch.schemas import IncidentSummary, UnitView
    from geodata.packs import RegionPack


class MapScreen(OrderedScreenKeys, Screen[None]):
    """Kelurahan, stations, units by status and incidents by priority."""

    DEFAULT_CSS = """
    MapScreen #map-status { height: 1; padding: 0 1; background: $panel; }
    MapScreen #map-legend {
        height: auto; max-height: 2; padding: 0 1; color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "n",
            "next_incident",
            t("key.map.next-incident"),
            id="map.next-incident",
            tooltip=t("tip.map.next-incident"),
        ),
        Binding(
            "ctrl+r",
            "reload",
            t("key.map.reload"),
            id="map.reload",
            tooltip=t("tip.map.reload"),
            show=False,
        ),
    ]

    HELP = RegionMap.HELP

    class Loaded(Message):
        """Units and open incidents read by the worker (frozen DTOs)."""

        def __init__(
            self,
            pack: RegionPack | None,
            units: list[UnitView],
            incidents: list[IncidentSummary],
        ) -> None:
            super().__init__()
            self.pack = pack
            self.units = units
            self.incidents = incidents

        def can_replace(self, message: Message) -> bool:
            """A newer load makes an older one moot."""
            return isinstance(message, MapScreen.Loaded)

    def __init__(self, services: Any | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._services = services
        self._pack_loaded = False
        self._incidents: list[IncidentSummary] = []
        self._units: list[UnitView] = []
        self._next_index = 0

    @property
    def services(self) -> Any:
        """The services given, else the app's."""
        return self._services if self._services is not None else self.app.services  # type: ignore[attr-defined]

    def compose(self) -> ComposeResult:
        """The map fills the screen; a status line and the legend below it."""
        yield RegionMap(id="region-map")
        yield Static(t("map.loading"), id="map-status")
        yield Static(t("map.legend"), id="map-legend")
        yield Footer()

    def on_mount(self) -> None:
        """Load everything once; the journal follower keeps it fresh."""
        relabel_bindings(self)
        relabel_bindings(self.query_one(RegionMap))
        self.query_one(RegionMap).focus()
        self._load_map(with_pack=True)

    def relabel(self) -> None:
        """The language changed: re-read the texts."""
        RegionMap.HELP = type(self).HELP = t("help.map")  # the help panel reads them
        relabel_bindings(self)
        relabel_bindings(self.query_one(RegionMap))
        self.refresh_bindings()
        self.query_one("#map-legend", Static).update(t("map.legend"))
        self._show_status()

    # -- loading -----------------------------------------------------------

    @work(
        thread=True,
        exclusive=True,
        group="map-load",
        exit_on_error=False,
        description="Load units and incidents for the map",
    )
    def _load_map(self, with_pack: bool = False) -> None:
        services = self.services
        pack = services.pack if with_pack else None
        self.post_message(
            self.Loaded(pack, services.units(), services.open_incidents())
        )

    def on_journal_advanced(self, message: JournalAdvanced) -> None:
        """Reload when units or incidents changed elsewhere."""
        if any(
            e.unit_id is not None or e.incident_id is not None for e in message.events
        ):
            self._load_map(with_pack=not self._pack_loaded)

    def action_reload(self) -> None:
        """Read units and incidents again now."""
        self._load_map(with_pack=not self._pack_loaded)

    @on(Loaded)
    def _show_loaded(self, message: Loaded) -> None:
        region_map = self.query_one(RegionMap)
        if message.pack is not None:
            region_map.set_pack(message.pack)
            self._pack_loaded = True
        self._units = message.units
        self._incidents = sorted(
            message.incidents, key=lambda i: (i.priority.rank, i.call_received_at)
        )
        region_map.set_units(message.units)
        region_map.set_incidents(message.incidents)
        self._show_status()

    @on(Worker.StateChanged)
    def _load_failed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        text = (
            error.message
            if isinstance(error, DispatchError)
            else t("sup.unexpected", error=error)
        )
        self.log.error(f"{event.worker.description}: {error!r}")
        self.notify(text, severity="error")

    # -- actions -----------------------------------------------------------

    def action_next_incident(self) -> None:
        """Centre on the open incidents in turn, most urgent first."""
        placed = [i for i in self._incidents if i.lat is not None and i.lon is not None]
        if not placed:
            return
        incident = placed[self._next_index % len(placed)]
        self._next_index += 1
        assert incident.lat is not None  # filtered above
        assert incident.lon is not None
        self.query_one(RegionMap).focus(incident.lat, incident.lon)

    @on(RegionMap.ViewChanged)
    def _view_changed(self) -> None:
        self._show_status()

    def _show_status(self) -> None:
        if not self._pack_loaded:
            return
        region_map = self.query_one(RegionMap)
        w, h = region_map.metres_per_cell
        self.query_one("#map-status", Static).update(
            t(
                "map.status",
                zoom=region_map.zoom,
                w=round(w),
                h=round(h),
                units=len([u for u in self._units if u.lat is not None]),
                incidents=len(self._incidents),
            )
        )
