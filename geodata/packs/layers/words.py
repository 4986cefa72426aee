"""Word and constant layers: lexicon, outside places, travel constants.

The geocoder's lexicon, the places known to lie outside the service area, and
the travel-time constants.
"""

from __future__ import annotations

from pathlib import Path

from geodata.packs.layers.parts import PackParts
from geodata.packs.models import LexiconEntry, OutsidePlace, TravelConstants
from geodata.packs.reading import read_csv, validate_toml

__all__ = ["load_lexicon", "load_outside_places", "load_travel"]


def load_lexicon(path: Path, parts: PackParts) -> None:
    """``lexicon.csv``: synonyms, fillers, relation words, the city's names."""
    parts.lexicon = [e for _, e in read_csv(path, LexiconEntry)]


def load_outside_places(path: Path, parts: PackParts) -> None:
    """``outside_places.csv``: names the geocoder answers with "outside"."""
    parts.outside = [o for _, o in read_csv(path, OutsidePlace)]


def load_travel(path: Path, parts: PackParts) -> None:
    """``travel.toml``: circuity, speeds, turnout times."""
    parts.travel = validate_toml(path, TravelConstants)
