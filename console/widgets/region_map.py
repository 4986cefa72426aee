"""``RegionMap``: a terminal map of the region pack, drawn in braille.

Kelurahan outlines are rasterised once per zoom level into braille cells
(2×4 dots per cell) on a local plane in metres, so panning is a matter of
picking rows out of a cache and zooming builds one level the first time.
Only the visible rows are rendered (Textual's line API). Stations, units
(by status) and open incidents (by priority) are drawn on top as text labels
— ``P1``, a status glyph and the callsign — so nothing relies on colour alone.

Coordinates in the pack are ``(lat, lon)``; the plane has x east and y
*south* (screen rows grow downwards).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, ClassVar, Self

from rich.style import Style
from textual.binding import Binding, BindingType
from textual.events import MouseScrollDown, MouseScrollUp
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widget import Widget

from console.i18n import _
from console.widgets.map_draw import (
    LABEL_STYLE,
    M_PER_DEG_LAT,
    M_PER_DEG_LON_EQ,
    OUTLINE,
    PRIORITY_COLOUR,
    STATION_STYLE,
    STATUS_COLOUR,
    STATUS_GLYPH,
    ZOOM_LEVELS,
    Raster,
    rasterise,
    segments,
)
from console.widgets.map_labels import Label, LabelPlacer
from dispatch.enums import UnitStatus

if TYPE_CHECKING:
    from dispatch.schemas import IncidentSummary, UnitView
    from geodata.packs import RegionPack


class RegionMap(Widget, can_focus=True):
    """The region's kelurahan, stations, units and open incidents."""

    DEFAULT_CSS = """
    RegionMap { width: 1fr; height: 1fr; background: $surface; }
    RegionMap:focus { background: $surface-lighten-1; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "plus,equals_sign",
            "zoom(1)",
            _("key.map.zoom-in"),
            id="map.zoom-in",
            tooltip=_("tip.map.zoom-in"),
        ),
        Binding(
            "minus",
            "zoom(-1)",
            _("key.map.zoom-out"),
            id="map.zoom-out",
            tooltip=_("tip.map.zoom-out"),
        ),
        Binding(
            "left,h",
            "pan(-1, 0)",
            _("key.map.pan-left"),
            id="map.pan-left",
            tooltip=_("tip.map.pan-left"),
            show=False,
        ),
        Binding(
            "right,l",
            "pan(1, 0)",
            _("key.map.pan-right"),
            id="map.pan-right",
            tooltip=_("tip.map.pan-right"),
            show=False,
        ),
        Binding(
            "up,k",
            "pan(0, -1)",
            _("key.map.pan-up"),
            id="map.pan-up",
            tooltip=_("tip.map.pan-up"),
            show=False,
        ),
        Binding(
            "down,j",
            "pan(0, 1)",
            _("key.map.pan-down"),
            id="map.pan-down",
            tooltip=_("tip.map.pan-down"),
            show=False,
        ),
        Binding(
            "0,home",
            "home",
            _("key.map.home"),
            id="map.home",
            tooltip=_("tip.map.home"),
        ),
    ]

    HELP = _("help.map")

    zoom: reactive[int] = reactive(2)
    """Index into :data:`ZOOM_LEVELS`; higher is closer."""
    centre: reactive[tuple[float, float]] = reactive((0.0, 0.0))
    """View centre on the local plane (metres east, metres south of the origin)."""

    class ViewChanged(Message):
        """The viewport moved or zoomed (the screen updates its status line)."""

        def __init__(self, region_map: RegionMap) -> None:
            super().__init__()
            self.region_map = region_map

        def can_replace(self, message: Message) -> bool:
            """Only the newest view matters."""
            return isinstance(message, RegionMap.ViewChanged)

    def __init__(
        self,
        pack: RegionPack | None = None,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._pack: RegionPack | None = None
        self._origin = (0.0, 0.0)
        self._cos = 1.0
        self._outlines: list[list[tuple[float, float]]] = []
        self._rasters: dict[int, Raster] = {}
        self._units: tuple[UnitView, ...] = ()
        self._incidents: tuple[IncidentSummary, ...] = ()
        self._labels: list[Label] | None = None
        self._rows: dict[int, list[Label]] = {}
        self._fitted = False
        if pack is not None:
            self.set_pack(pack)

    # -- data --------------------------------------------------------------

    def set_pack(self, pack: RegionPack) -> None:
        """Use this region pack (projects its outlines; rasters come lazily)."""
        self._pack = pack
        lat0, lon0 = pack.map_center
        self._origin = (lat0, lon0)
        self._cos = math.cos(math.radians(lat0))
        self._outlines = [
            [self.project(lat, lon) for lat, lon in ring]
            for kelurahan in pack.kelurahan
            for ring in kelurahan.polygon
        ]
        self._rasters.clear()
        self._fitted = False
        self._changed()
        if self.is_mounted:
            # Build the finer levels off the UI thread so zooming in never waits.
            self.run_worker(
                self._warm_rasters,
                thread=True,
                group="map-raster",
                exclusive=True,
                exit_on_error=False,
                description="Rasterise kelurahan outlines",
            )
        if self.size.width:
            self.action_home()

    def set_units(self, units: Iterable[UnitView]) -> None:
        """Show these units (those without a position are left off)."""
        self._units = tuple(u for u in units if u.lat is not None and u.lon is not None)
        self._changed()

    def set_incidents(self, incidents: Iterable[IncidentSummary]) -> None:
        """Show these incidents (closed ones and those without a place are left off)."""
        self._incidents = tuple(
            i
            for i in incidents
            if i.lat is not None and i.lon is not None and i.status.is_open
        )
        self._changed()

    # -- geometry ----------------------------------------------------------

    def project(self, lat: float, lon: float) -> tuple[float, float]:
        """``(lat, lon)`` → metres east and metres south of the pack's centre."""
        lat0, lon0 = self._origin
        return (
            (lon - lon0) * M_PER_DEG_LON_EQ * self._cos,
            (lat0 - lat) * M_PER_DEG_LAT,
        )

    def unproject(self, x: float, y: float) -> tuple[float, float]:
        """Metres on the plane → ``(lat, lon)``."""
        lat0, lon0 = self._origin
        return (lat0 - y / M_PER_DEG_LAT, lon0 + x / (M_PER_DEG_LON_EQ * self._cos))

    @property
    def metres_per_cell(self) -> tuple[float, float]:
        """Width and height of one terminal cell on the ground."""
        mpd = ZOOM_LEVELS[self.zoom]
        return 2 * mpd, 4 * mpd

    def _cell_of(self, x: float, y: float) -> tuple[int, int]:
        """World cell (column, row) of a plane point at the current zoom."""
        mpd = ZOOM_LEVELS[self.zoom]
        return math.floor(x / mpd / 2), math.floor(y / mpd / 4)

    def _top_left(self) -> tuple[int, int]:
        cx, cy = self._cell_of(*self.centre)
        return cx - self.size.width // 2, cy - self.size.height // 2

    @property
    def viewport(self) -> tuple[float, float, float, float]:
        """What is visible: ``(min_lat, min_lon, max_lat, max_lon)``."""
        col, row = self._top_left()
        w, h = self.metres_per_cell
        north, west = self.unproject(col * w, row * h)
        south, east = self.unproject(
            (col + self.size.width) * w, (row + self.size.height) * h
        )
        return south, west, north, east

    # -- view changes ------------------------------------------------------

    def focus(  # type: ignore[override]
        self,
        lat: float | None = None,
        lon: float | None = None,
        *,
        zoom: int | None = None,
        scroll_visible: bool = True,
    ) -> Self:
        """Centre the map on ``(lat, lon)`` (and take keyboard focus).

        Without coordinates this is :meth:`Widget.focus`, so Textual's own
        focus handling keeps working.
        """
        if lat is not None and lon is not None:
            if zoom is not None:
                self.zoom = max(0, min(len(ZOOM_LEVELS) - 1, zoom))
            self.centre = self.project(lat, lon)
        return super().focus(scroll_visible)

    def action_zoom(self, step: int) -> None:
        """Zoom in (+1) or out (-1) about the centre."""
        self.zoom = max(0, min(len(ZOOM_LEVELS) - 1, self.zoom + step))

    def action_pan(self, dx: int, dy: int) -> None:
        """Move the view a quarter screen in a direction."""
        w, h = self.metres_per_cell
        x, y = self.centre
        step_x = max(1, self.size.width // 4) * w
        step_y = max(1, self.size.height // 4) * h
        self.centre = (x + dx * step_x, y + dy * step_y)

    def action_home(self) -> None:
        """Fit the whole service area in the view."""
        if self._pack is None:
            return
        box = self._pack.bbox
        x0, y0 = self.project(box.max_lat, box.min_lon)
        x1, y1 = self.project(box.min_lat, box.max_lon)
        width = max(1, self.size.width)
        height = max(1, self.size.height)
        fit = 0
        for level, mpd in enumerate(ZOOM_LEVELS):
            if (x1 - x0) / (2 * mpd) <= width and (y1 - y0) / (4 * mpd) <= height:
                fit = level
        self.zoom = fit
        self.centre = ((x0 + x1) / 2, (y0 + y1) / 2)
        self._fitted = True

    def on_resize(self) -> None:
        """Fit the region the first time the map has a size."""
        if not self._fitted and self._pack is not None:
            self.action_home()
        self._changed()

    def on_mouse_scroll_up(self, event: MouseScrollUp) -> None:
        """Wheel up zooms in."""
        event.stop()
        self.action_zoom(1)

    def on_mouse_scroll_down(self, event: MouseScrollDown) -> None:
        """Wheel down zooms out."""
        event.stop()
        self.action_zoom(-1)

    def watch_zoom(self) -> None:
        self._changed()

    def watch_centre(self) -> None:
        self._changed()

    def _changed(self) -> None:
        self._labels = None
        self.refresh()
        if self.is_mounted:
            self.post_message(self.ViewChanged(self))

    # -- rasters -----------------------------------------------------------

    def _warm_rasters(self) -> None:
        for level in range(len(ZOOM_LEVELS)):
            self.raster(level)

    def raster(self, zoom: int) -> Raster:
        """The outline cells at one zoom level (built on first use, then kept)."""
        cached = self._rasters.get(zoom)
        if cached is None:
            cached = rasterise(self._outlines, ZOOM_LEVELS[zoom])
            self._rasters[zoom] = cached
        return cached

    # -- labels ------------------------------------------------------------

    def labels(self) -> list[Label]:
        """Every label in the current view; no two share a cell.

        Incidents are placed first (by priority), then units, stations and
        kelurahan names; each takes the first free spot near its place (see
        :class:`~console.widgets.map_labels.LabelPlacer`). Incidents and units
        always get at least their short form; a station glyph or a kelurahan
        name that would cover another label is left off.
        """
        if self._labels is not None:
            return self._labels
        col0, row0 = self._top_left()
        placer = LabelPlacer(self.size.width, self.size.height)

        def cell(lat: float, lon: float) -> tuple[int, int]:
            cx, cy = self._cell_of(*self.project(lat, lon))
            return cx - col0, cy - row0

        for incident in sorted(self._incidents, key=lambda i: (i.priority.rank, i.id)):
            assert incident.lat is not None  # set_incidents keeps only placed ones
            assert incident.lon is not None
            col, row = cell(incident.lat, incident.lon)
            full = f"{incident.priority} {incident.type_code}"
            placer.place(
                "incident", incident.number, (full, str(incident.priority)), col, row
            )
        compact = self.zoom < 1
        for unit in sorted(self._units, key=lambda u: u.callsign):
            assert unit.lat is not None  # set_units keeps only placed units
            assert unit.lon is not None
            col, row = cell(unit.lat, unit.lon)
            glyph = STATUS_GLYPH.get(unit.status, "?")
            quiet = compact and not UnitStatus(unit.status).is_committed
            texts = (glyph,) if quiet else (f"{glyph}{unit.callsign}", glyph)
            placer.place("unit", unit.callsign, texts, col, row)
        pack = self._pack
        if pack is not None:
            for station in pack.stations:
                col, row = cell(station.lat, station.lon)
                placer.place("station", station.id, ("⌂",), col, row, required=False)
            if not compact:
                for kel in pack.kelurahan:
                    col, row = cell(kel.centroid_lat, kel.centroid_lon)
                    placer.place(
                        "kelurahan",
                        kel.code,
                        (kel.name,),
                        col - len(kel.name) // 2,
                        row,
                        required=False,
                    )
        rows: dict[int, list[Label]] = {}
        for label in placer.placed:
            rows.setdefault(label.row, []).append(label)
        self._labels, self._rows = placer.placed, rows
        return placer.placed

    def _style_of(self, label: Label) -> Style:
        if label.kind == "incident":
            incident = next((i for i in self._incidents if i.number == label.key), None)
            return Style.parse(
                PRIORITY_COLOUR.get(incident.priority if incident else "", "bold")
            )
        if label.kind == "unit":
            unit = next((u for u in self._units if u.callsign == label.key), None)
            colour = STATUS_COLOUR.get(unit.status if unit else "", "white")
            return Style(color=colour, bold=True)
        if label.kind == "station":
            return STATION_STYLE
        return LABEL_STYLE

    # -- rendering ---------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        """One terminal row of the map: braille outlines, then labels on top."""
        width = self.size.width
        base = self.rich_style
        if self._pack is None or width <= 0:
            return Strip.blank(width, base)
        self.labels()
        col0, row0 = self._top_left()
        chars = [" "] * width
        styles: list[Style | None] = [None] * width
        for cx, mask in self.raster(self.zoom).get(row0 + y, {}).items():
            i = cx - col0
            if 0 <= i < width:
                chars[i] = chr(0x2800 + mask)
                styles[i] = OUTLINE
        for label in self._rows.get(y, ()):
            style = self._style_of(label)
            for offset, char in enumerate(label.text):
                i = label.col + offset
                if 0 <= i < width:
                    chars[i] = char
                    styles[i] = style
        return Strip(segments(chars, styles, base), width)
