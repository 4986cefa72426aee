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
import tomllib
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

from dispatch.dburl import normalize_url

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


#: Length of the ``operator``/``actor`` and ``terminal`` columns (String(64)).
NAME_LENGTH = 64
#: Length of the ``ring_line``/``line`` columns (String(32)).
LINE_LENGTH = 32


class ConfigFileError(ValueError):
    """The configuration file cannot be used: named but missing, unreadable, not TOML.

    ``str(exc)`` is one line naming the file and what is wrong with it.
    """


def read_config_file(path: Path | None = None) -> dict[str, Any]:
    """The TOML table in ``path`` (default :func:`default_config_file`).

    The default ``siaga.toml`` may be absent (then ``{}``); a file named by
    ``SIAGA_CONFIG_FILE`` or ``--config`` must exist.
    """
    named = path is not None or bool(os.environ.get("SIAGA_CONFIG_FILE"))
    path = path or default_config_file()
    if not path.exists():
        if named:
            raise ConfigFileError(f"configuration file {path} does not exist")
        return {}
    try:
        return tomllib.loads(path.read_bytes().decode("utf-8"))
    except IsADirectoryError as exc:
        raise ConfigFileError(f"configuration file {path} is a folder") from exc
    except OSError as exc:
        raise ConfigFileError(
            f"configuration file {path} cannot be read: {exc.strerror}"
        ) from exc
    except UnicodeDecodeError as exc:
        raise ConfigFileError(
            f"configuration file {path} is not UTF-8 text (byte {exc.start})"
        ) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(
            f"configuration file {path} is not valid TOML: {exc}"
        ) from exc


class _CheckedTomlSource(TomlConfigSettingsSource):
    """The TOML source, reading through :func:`read_config_file`."""

    def _read_file(self, file_path: Any) -> dict[str, Any]:
        return read_config_file(Path(file_path))


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

    terminal: str = Field(
        default_factory=socket.gethostname, min_length=1, max_length=NAME_LENGTH
    )
    """Name of this terminal, written into every event it causes."""

    operator: str = Field(default="operator", min_length=1, max_length=NAME_LENGTH)
    """Username of the operator at this terminal."""

    handoff_escalation_seconds: int = Field(default=120, ge=10, le=3600)
    """An agency hand-off not acknowledged within this time escalates (and again,
    to the supervisor, after twice the time); the default for agencies whose
    region-pack row names no ``handoff_ack_target_s``."""

    referral_target_hours: int = Field(default=72, ge=1, le=24 * 60)
    """A referral not resolved within this time is flagged overdue; the default
    for referrals whose sector has no target in the region pack's
    ``referral_targets.csv`` and whose agency row names no ``referral_target_h``."""

    duty_interval_seconds: int = Field(default=5, ge=1, le=300)
    """How often a running desk or ``siaga watch`` runs the background duties
    (hand-off escalation, overdue referrals)."""

    retention_days: int = Field(default=90, ge=1, le=36500)
    """Days of shifts kept online before ``siaga archive`` may move them out."""

    ring_lines: dict[str, str] = Field(default_factory=dict)
    """Phone line or extension → the terminal whose F2 takes its rings.

    Read by ``siaga feed`` when a ring arrives (see ``docs/ring-feed.md``);
    in TOML a ``[ring_lines]`` table such as ``"201" = "desk-1"``.
    """

    ring_take_seconds: int = Field(default=300, ge=10, le=3600)
    """F2 takes a ring only this recent: an older ring is stale, not a caller."""

    journal_key_file: Path | None = None
    """Ed25519 key that signs journal checkpoints (default ``journal.key`` in
    the witness file's folder: the data folder). Keep it owner-only and out of
    database backups: whoever can read it can forge checkpoints. Created on
    first use."""

    journal_witness_file: Path | None = None
    """Append-only file of signed journal checkpoints (default: next to a
    SQLite database, or in the data folder for PostgreSQL)."""

    checkpoint_interval_seconds: float = Field(default=5.0, ge=0.0, le=3600.0)
    """Writers add a checkpoint after a commit at most this often (all desks
    together); ``siaga log checkpoint`` and handover reports add one any time."""

    sqlite_synchronous: Literal["FULL", "NORMAL"] = "FULL"
    """SQLite's ``synchronous`` pragma in WAL mode. ``FULL`` (the default) syncs
    the log at every commit, so an acknowledged call survives a power cut;
    ``NORMAL`` is faster but may lose the last commits on power loss (never
    corrupts). See docs/durability.md for the measured cost."""

    sqlite_busy_timeout_ms: int = Field(default=2000, ge=50, le=60_000)
    """How long one SQLite write attempt waits for another writer before the
    service retries (``write_attempts``) and then reports the database busy."""

    pg_lock_timeout_ms: int = Field(default=2000, ge=50, le=60_000)
    """PostgreSQL ``lock_timeout`` of every write transaction: how long one
    attempt waits for a lock held by another desk before it is retried."""

    pg_statement_timeout_ms: int = Field(default=10_000, ge=100, le=600_000)
    """PostgreSQL ``statement_timeout`` of every write transaction: no write
    statement runs longer than this (reads such as ``log verify`` are not
    bounded by it)."""

    write_attempts: int = Field(default=5, ge=1, le=20)
    """A write that hit a transient database error (busy, lock or statement
    timeout, serialization failure, deadlock, lost connection) is tried this
    many times in all before the service raises ``DatabaseUnavailable``."""

    write_retry_backoff_ms: int = Field(default=20, ge=1, le=5000)
    """Base of the jittered, doubling pause between two write attempts."""

    idempotency_retention_hours: int = Field(default=48, ge=1, le=24 * 90)
    """Idempotency keys (and the results they remember) are kept this long;
    the background duties remove older ones."""

    @field_validator("sqlite_synchronous", mode="before")
    @classmethod
    def _synchronous_any_case(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) else value

    @field_validator("ring_lines")
    @classmethod
    def _ring_names_fit(cls, value: dict[str, str]) -> dict[str, str]:
        for line, terminal in value.items():
            if not 1 <= len(line) <= LINE_LENGTH:
                raise ValueError(f"line {line[:40]!r} must be 1-{LINE_LENGTH} long")
            if not 1 <= len(terminal) <= NAME_LENGTH:
                raise ValueError(
                    f"terminal for line {line!r} must be 1-{NAME_LENGTH} long"
                )
        return value

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
        return normalize_url(value)

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
        path = default_config_file()
        if os.environ.get("SIAGA_CONFIG_FILE"):
            read_config_file(path)  # a named file must exist
        return (
            init_settings,
            env_settings,
            _CheckedTomlSource(settings_cls, toml_file=path),
        )


def load_settings(**overrides: Any) -> EngineSettings:
    """Build settings, dropping ``None`` overrides (unset CLI options)."""
    return EngineSettings(**{k: v for k, v in overrides.items() if v is not None})
