"""Engine settings: database, region pack, time zone, shift change-over.

Read, in order of precedence, from explicit arguments (the CLI's ``--db``),
``SIAGA_*`` environment variables, a TOML file (``SIAGA_CONFIG_FILE`` or
``siaga.toml`` in the user config folder) and the defaults below. The
defaults are the embedded set-up: one SQLite file in the user data folder and
the Kota Blitar region pack.
"""

from __future__ import annotations

import os
import socket
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    TomlConfigSettingsSource,
)

APP_NAME = "siaga112"


def default_data_dir() -> Path:
    """The folder for the embedded database and call drafts."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_config_file() -> Path:
    """Where ``siaga.toml`` is read from, unless ``SIAGA_CONFIG_FILE`` names a file."""
    override = os.environ.get("SIAGA_CONFIG_FILE")
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "siaga.toml"


def default_database_url() -> str:
    """SQLite in the user data folder: the embedded default."""
    return f"sqlite:///{default_data_dir() / 'siaga.db'}"


class EngineSettings(BaseSettings):
    """Settings the dispatch engine needs; the console adds its own on top."""

    model_config = SettingsConfigDict(
        env_prefix="SIAGA_",
        env_nested_delimiter="__",
        extra="ignore",
        validate_default=True,
    )

    database_url: str = Field(default_factory=default_database_url)
    """SQLAlchemy URL: ``sqlite:///path`` (default) or ``postgresql+psycopg://…``."""

    region_pack: str = "blitar"
    """Name of a pack shipped in ``geodata/packs`` or a path to a pack folder."""

    timezone: str = "Asia/Jakarta"
    """The center's time zone: times are stored in UTC and shown in this zone."""

    shift_changeover: time = time(7, 0)
    """Local time at which one 24-hour shift hands over to the next."""

    language: Literal["id", "en"] = "id"
    """User-interface language; Indonesian is the default for the Blitar pack."""

    terminal: str = Field(default_factory=socket.gethostname)
    """Name of this terminal, written into every event it causes."""

    operator: str = "operator"
    """Username of the operator at this terminal."""

    handoff_escalation_seconds: int = Field(default=120, ge=10, le=3600)
    """An agency hand-off not acknowledged within this time escalates."""

    retention_days: int = Field(default=90, ge=1)
    """Days of shifts kept online before ``siaga archive`` may move them out."""

    @field_validator("timezone")
    @classmethod
    def _known_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown time zone {value!r}") from exc
        return value

    @field_validator("database_url")
    @classmethod
    def _supported_url(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql")):
            raise ValueError(
                "the database URL must start with sqlite:// or postgresql://"
            )
        return value

    @property
    def zone(self) -> ZoneInfo:
        """The center's time zone as a ``ZoneInfo``."""
        return ZoneInfo(self.timezone)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        """Arguments beat environment, which beats the TOML file."""
        return (
            init_settings,
            env_settings,
            TomlConfigSettingsSource(settings_cls, toml_file=default_config_file()),
        )


def load_settings(**overrides: Any) -> EngineSettings:
    """Build settings, dropping ``None`` overrides (unset CLI options)."""
    return EngineSettings(**{k: v for k, v in overrides.items() if v is not None})
