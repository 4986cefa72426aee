"""City layers that geodata carries but does not interpret.

A pack is a whole city, so it also holds local incident-catalogue additions
and overrides (``catalogue`` layer, TOML) and a simulation workload profile
(``simulation`` layer, TOML), and the words its callers use for incidents
(``speech`` layer, TOML, the catalogue's ``speech.toml`` format). geodata
knows nothing of incidents: it checks that the files are readable TOML and
hands them on as plain data; the dispatch engine validates their content
against its catalogue, naming file and key.
"""

from __future__ import annotations

from pathlib import Path

from geodata.packs.layers.parts import PackParts
from geodata.packs.reading import PackError, read_toml

__all__ = ["load_catalogue_overlay", "load_simulation", "load_speech"]


def load_catalogue_overlay(path: Path, parts: PackParts) -> None:
    """One catalogue overlay file (syntax checked here, content by dispatch)."""
    parts.catalogue.append((str(path), read_toml(path)))


def load_speech(path: Path, parts: PackParts) -> None:
    """A caller-speech vocabulary (syntax checked here, content by dispatch)."""
    read_toml(path)
    parts.speech.append(path)


def load_simulation(path: Path, parts: PackParts) -> None:
    """The workload profile (syntax checked here, content by the simulator)."""
    read_toml(path)
    try:
        parts.simulation = (path.name, path.read_text(encoding="utf-8"))
    except OSError as exc:  # pragma: no cover - read_toml read it a moment ago
        raise PackError(f"{path}: cannot read: {exc.strerror}") from exc
