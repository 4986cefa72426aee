"""The geocoder's answers: candidates, lookup results and reverse results.

Plain frozen records with JSON-ready ``to_dict`` shapes (the CLI's and the
console's); they know nothing about how an answer was ranked.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from geodata.address import ParsedAddress
from geodata.packs import Kecamatan, Kelurahan, Landmark, Street

__all__ = ["Candidate", "Explained", "GeocodeResult", "ReverseResult", "Status"]

Status = Literal["ok", "no_match", "outside_service_area", "coordinates"]


@dataclass(frozen=True, slots=True)
class Explained:
    """Why one candidate scored what it did: each stage's factor (for --explain)."""

    name: str
    kind: str
    score: float
    stages: tuple[tuple[str, float], ...]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "name": self.name,
            "kind": self.kind,
            "score": round(self.score, 4),
            "stages": {k: round(v, 4) for k, v in self.stages},
        }


@dataclass(frozen=True, slots=True)
class Candidate:
    """One possible answer to a query."""

    name: str
    kind: str  # landmark | street | intersection | kelurahan | kecamatan | coordinates
    lat: float
    lon: float
    kelurahan: str | None
    kecamatan: str | None
    relation: str | None
    confidence: float
    category: str | None = None  # landmark kind: hospital, market…
    landmark_id: str | None = None
    street_id: str | None = None
    kelurahan_code: str | None = None
    kecamatan_code: str | None = None
    rt: int | None = None  # neighbourhood (rukun tetangga) the caller gave
    rw: int | None = None  # hamlet (rukun warga) the caller gave

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        d = asdict(self)
        d["confidence"] = round(self.confidence, 3)
        d["lat"] = round(self.lat, 7)
        d["lon"] = round(self.lon, 7)
        return d

    @property
    def address(self) -> str:
        """A one-line human address (Indonesian)."""
        parts = [f"{self.relation} {self.name}" if self.relation else self.name]
        if self.kelurahan and self.kind != "kelurahan":
            parts.append(f"Kel. {self.kelurahan}")
        if self.kecamatan and self.kind != "kecamatan":
            parts.append(f"Kec. {self.kecamatan}")
        return ", ".join(parts)


@dataclass(frozen=True)
class GeocodeResult:
    """Everything :meth:`OfflineGeocoder.lookup` found for one query."""

    query: str
    parsed: ParsedAddress | None
    status: Status
    match: Candidate | None
    alternatives: tuple[Candidate, ...] = ()
    note: str = ""
    explained: tuple[Explained, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape."""
        p = self.parsed
        return {
            "query": self.query,
            "status": self.status,
            "match": self.match.to_dict() if self.match else None,
            "alternatives": [a.to_dict() for a in self.alternatives],
            "parsed": None
            if p is None
            else {
                "street": p.street,
                "house_number": p.house_number,
                "gang": p.gang,
                "rt": p.rt,
                "rw": p.rw,
                "kelurahan": p.kelurahan.text if p.kelurahan else None,
                "kecamatan": p.kecamatan.text if p.kecamatan else None,
                "city": p.city.text if p.city else None,
                "postcode": p.postcode,
                "relation": p.relation,
                "distance_m": p.distance_m,
                "free_text": p.free_text,
            },
            "note": self.note,
            "explain": [e.to_dict() for e in self.explained],
        }


@dataclass(frozen=True)
class ReverseResult:
    """What lies at a point."""

    lat: float
    lon: float
    in_service_area: bool
    kelurahan: Kelurahan | None
    kecamatan: Kecamatan | None
    nearest_landmark: Landmark | None = None
    landmark_distance_m: float | None = None
    nearest_street: Street | None = None
    street_distance_m: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        """One line in Indonesian, e.g. ``"80 m dari Pasar Legi, Kel. Sukorejo, …"``."""
        parts: list[str] = []
        if self.nearest_landmark is not None and self.landmark_distance_m is not None:
            if self.landmark_distance_m < 30:
                parts.append(self.nearest_landmark.name)
            else:
                parts.append(
                    f"{self.landmark_distance_m:.0f} m dari "
                    f"{self.nearest_landmark.name}"
                )
        if self.nearest_street is not None and (self.street_distance_m or 0) < 300:
            parts.append(f"dekat {self.nearest_street.name}")
        if self.kelurahan is not None:
            parts.append(f"Kel. {self.kelurahan.name}")
        if self.kecamatan is not None:
            parts.append(f"Kec. {self.kecamatan.name}")
        if not self.in_service_area:
            parts.append("di luar wilayah layanan")
        return ", ".join(parts) or f"{self.lat:.6f}, {self.lon:.6f}"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "lat": self.lat,
            "lon": self.lon,
            "in_service_area": self.in_service_area,
            "kelurahan": self.kelurahan.name if self.kelurahan else None,
            "kelurahan_code": self.kelurahan.code if self.kelurahan else None,
            "kecamatan": self.kecamatan.name if self.kecamatan else None,
            "nearest_landmark": self.nearest_landmark.name
            if self.nearest_landmark
            else None,
            "landmark_distance_m": None
            if self.landmark_distance_m is None
            else round(self.landmark_distance_m, 1),
            "nearest_street": self.nearest_street.name if self.nearest_street else None,
            "street_distance_m": None
            if self.street_distance_m is None
            else round(self.street_distance_m, 1),
            "description": self.describe(),
        }
