"""Places for the intake form: live suggestions from ``geodata`` and pasted coordinates.

:class:`PlaceFinder` asks the region pack's offline geocoder for candidates
as the caller speaks, and also accepts coordinates, map links and plus codes
pasted into the field (:func:`geodata.coords.parse_coordinates`). Every
candidate carries its kelurahan, kecamatan and nearest landmark so the call
taker can confirm the place with the caller.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from typing import Any

from geodata.coords import parse_coordinates


@dataclass(frozen=True)
class PlaceChoice:
    """A candidate place, ready to become a ``LocationInput``."""

    name: str
    kind: str
    lat: float
    lon: float
    kelurahan: str | None = None
    kecamatan: str | None = None
    kelurahan_code: str | None = None
    relation: str | None = None
    confidence: float | None = None
    landmark: str | None = None
    landmark_m: float | None = None
    rt: int | None = None
    rw: int | None = None

    @property
    def place_name(self) -> str:
        """The name as recorded: with the caller's RT/RW, as addresses are written.

        The incident's place name is what the board, the responder card and
        the EIDO export show, so RT/RW given by the caller travel with it.
        """
        parts = [f"RT {self.rt:02d}" if self.rt is not None else ""]
        parts.append(f"RW {self.rw:02d}" if self.rw is not None else "")
        neighbourhood = "/".join(p for p in parts if p)
        return f"{self.name}, {neighbourhood}" if neighbourhood else self.name

    def location_input(self, text: str) -> dict[str, Any]:
        """The fields ``DispatchService.record_location`` takes."""
        return {
            "text": text,
            "lat": self.lat,
            "lon": self.lon,
            "place_name": self.place_name,
            "kelurahan_code": self.kelurahan_code,
            "kelurahan": self.kelurahan,
            "kecamatan": self.kecamatan,
            "relation": self.relation,
            "confidence": self.confidence,
        }

    def to_dict(self) -> dict[str, Any]:
        """Plain data for the call draft."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PlaceChoice:
        """Back from a call draft."""
        return cls(**{k: data.get(k) for k in cls.__dataclass_fields__})  # type: ignore[arg-type]


class PlaceFinder:
    """Candidate places for free text, from one region pack (loaded lazily)."""

    def __init__(self, pack_loader: Any) -> None:
        self._pack_loader = pack_loader
        self._pack: Any = None
        self._geocoder: Any = None
        self._ready = False
        # The start worker warms the finder while a key may already look a
        # place up on the UI thread: one loads, the other waits for it.
        self._lock = threading.Lock()

    def _load(self) -> None:
        if self._ready:
            return
        with self._lock:
            if not self._ready:
                self._load_now()
                self._ready = True

    def _load_now(self) -> None:
        try:
            self._pack = self._pack_loader()
        except Exception:  # no pack: pasted coordinates still work
            self._pack = None
            return
        try:
            from geodata.geocoder import OfflineGeocoder

            self._geocoder = OfflineGeocoder(self._pack)
        except Exception:  # the geocoder is optional until geodata ships it
            self._geocoder = None

    def warm(self) -> None:
        """Load the pack and geocoder ahead of the first keystroke."""
        self._load()

    def lookup(self, text: str, limit: int = 5) -> list[PlaceChoice]:
        """Candidates for ``text``, best first."""
        self._load()
        text = text.strip()
        if not text:
            return []
        if self._geocoder is None:
            parsed = self._parse(text)
            return [parsed] if parsed is not None else []
        try:
            result = self._geocoder.lookup(text, limit=limit, prefix=True)
        except ValueError:  # GeocoderQueryError: nothing usable typed yet
            return []
        found = ([result.match] if result.match is not None else []) + list(
            result.alternatives
        )
        return [self._with_landmark(self._choice(c)) for c in found[:limit]]

    def _with_landmark(self, choice: PlaceChoice) -> PlaceChoice:
        """Add the nearest landmark (the call taker reads it back to the caller)."""
        if choice.kind == "landmark" or self._geocoder is None:
            return choice
        try:
            near = self._geocoder.reverse_lookup(choice.lat, choice.lon)
        except ValueError:
            return choice
        if near.nearest_landmark is None:
            return choice
        from dataclasses import replace

        return replace(
            choice,
            landmark=near.nearest_landmark.name,
            landmark_m=near.landmark_distance_m,
            kelurahan=choice.kelurahan
            or (near.kelurahan.name if near.kelurahan else None),
            kecamatan=choice.kecamatan
            or (near.kecamatan.name if near.kecamatan else None),
        )

    def _parse(self, text: str) -> PlaceChoice | None:
        try:
            ref = tuple(self._pack.map_center) if self._pack is not None else None
            parsed = parse_coordinates(text, ref)
        except Exception:
            return None
        if parsed is None:
            return None
        return self.at_point(
            parsed.lat, parsed.lon, f"{parsed.lat:.5f}, {parsed.lon:.5f}"
        )

    def at_point(self, lat: float, lon: float, name: str) -> PlaceChoice:
        """A point with its kelurahan, kecamatan and nearest landmark."""
        kel = kec = code = landmark = None
        landmark_m: float | None = None
        pack = self._pack
        if pack is not None:
            # Imported here: geodata.distance pulls in geopy (and aiohttp through
            # geopy.geocoders), which start-up does not need.
            from geodata.distance import distance_m

            try:
                found = pack.kelurahan_at(lat, lon)
                if found is not None:
                    kel, code = found.name, found.code
                    parent = pack.kecamatan_of(found)
                    kec = parent.name if parent else None
                best = min(
                    pack.landmarks,
                    key=lambda lm: distance_m(lat, lon, lm.lat, lm.lon),
                    default=None,
                )
                if best is not None:
                    landmark = best.name
                    landmark_m = distance_m(lat, lon, best.lat, best.lon)
            except Exception:  # partial packs: show what is known
                pass
        return PlaceChoice(
            name,
            "coordinates",
            lat,
            lon,
            kel,
            kec,
            code,
            "at",
            1.0,
            landmark,
            landmark_m,
        )

    @staticmethod
    def _choice(c: Any) -> PlaceChoice:
        def get(name: str) -> Any:
            return c.get(name) if isinstance(c, dict) else getattr(c, name, None)

        landmark = get("landmark") or get("nearest_landmark")
        if landmark is not None and not isinstance(landmark, str):
            landmark = getattr(landmark, "name", str(landmark))
        return PlaceChoice(
            name=str(get("name") or ""),
            kind=str(get("kind") or ""),
            lat=float(get("lat")),
            lon=float(get("lon")),
            kelurahan=get("kelurahan"),
            kecamatan=get("kecamatan"),
            kelurahan_code=get("kelurahan_code"),
            relation=get("relation"),
            confidence=min(1.0, max(0.0, float(get("confidence") or 0.0))),
            landmark=landmark,
            landmark_m=get("landmark_m") or get("landmark_distance_m"),
            rt=get("rt"),
            rw=get("rw"),
        )
