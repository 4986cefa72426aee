"""Region packs: everything place-specific, as data in one folder per city.

``load_pack("blitar")`` reads ``geodata/packs/blitar/`` (the pack that ships);
``load_pack(path)`` reads any folder in the same format (``docs/geodata.md``).
Packs are validated once and cached per folder.
"""

from geodata.packs.city import CityData, load_city
from geodata.packs.loader import (
    PACKS_DIR,
    Manifest,
    PackError,
    clear_cache,
    load_pack,
    resolve_pack_path,
)
from geodata.packs.models import (
    CAPABILITIES,
    UNIT_TYPES,
    Agency,
    Capability,
    Kecamatan,
    Kelurahan,
    Landmark,
    LexiconEntry,
    OutsidePlace,
    RegionPack,
    RoadGraph,
    SectorTarget,
    Station,
    Street,
    TravelConstants,
    Unit,
    UnitType,
)

__all__ = [
    "CAPABILITIES",
    "PACKS_DIR",
    "UNIT_TYPES",
    "Agency",
    "Capability",
    "CityData",
    "Kecamatan",
    "Kelurahan",
    "Landmark",
    "LexiconEntry",
    "Manifest",
    "OutsidePlace",
    "PackError",
    "RegionPack",
    "RoadGraph",
    "SectorTarget",
    "Station",
    "Street",
    "TravelConstants",
    "Unit",
    "UnitType",
    "clear_cache",
    "load_city",
    "load_pack",
    "resolve_pack_path",
]
