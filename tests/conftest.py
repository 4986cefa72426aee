"""Shared fixtures: settings isolation, clocks, and databases on both backends.

Database tests take the ``db_url`` fixture (or ``engine`` / ``services``),
which runs each test once on SQLite and once on PostgreSQL. PostgreSQL is the
server in ``SIAGA_TEST_POSTGRES_URL``, else a throwaway cluster started for the
session (tests/pgcluster.py). Without any PostgreSQL the PostgreSQL runs skip
with the reason — unless ``SIAGA_REQUIRE_POSTGRES`` is set (CI), where a
missing server fails them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import Engine, text

from dispatch.clock import FixedClock
from dispatch.db import make_engine
from dispatch.models import Base
from tests.pgcluster import PostgresUnavailable, ThrowawayCluster, find_server_bin

if TYPE_CHECKING:
    from geodata.geocoder import OfflineGeocoder
    from geodata.packs import RegionPack

#: 2026-11-29 10:00 in Blitar (UTC+7): a fixed, ordinary morning.
START = datetime(2026, 11, 29, 3, 0, tzinfo=UTC)


@pytest.fixture(scope="session", autouse=True)
def _isolated_folders(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The data and config folders of the whole run are temporary ones.

    Module- and session-scoped fixtures (a day of data made once per module)
    are set up before any function-scoped fixture; without this they wrote
    the journal's witness files into the real user's data folder.
    """
    home = tmp_path_factory.mktemp("run-home")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(home / "config"))
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        yield


@pytest.fixture(autouse=True)
def _isolated_settings(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Never read the developer's config or write into their data folder."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    # A named config file must exist, so name none (and undo what --config sets).
    monkeypatch.setenv("SIAGA_CONFIG_FILE", "")
    monkeypatch.delenv("SIAGA_CONFIG_FILE")
    for name in list(os.environ):
        if name.startswith("SIAGA_") and name not in (
            "SIAGA_TEST_POSTGRES_URL",
            "SIAGA_REQUIRE_POSTGRES",
            "SIAGA_BENCH_FULL",
        ):
            monkeypatch.delenv(name)
    # `siaga init` stops without a first administrator; tests that run it get
    # one from the environment, as automation would (the prompt and the
    # missing-admin paths are tested with this variable removed).
    monkeypatch.setenv("SIAGA_ADMIN_PASSWORD", "test admin password")


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


# -- PostgreSQL --------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A PostgreSQL database for the session, or a skip (a failure in CI) saying why."""
    given = os.environ.get("SIAGA_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    required = bool(os.environ.get("SIAGA_REQUIRE_POSTGRES"))
    bin_dir = find_server_bin()
    if bin_dir is None:
        reason = (
            "no PostgreSQL: SIAGA_TEST_POSTGRES_URL is unset and no server binaries "
            "(initdb, pg_ctl) were found"
        )
        if required:
            pytest.fail(reason)
        pytest.skip(reason)
    cluster = ThrowawayCluster(bin_dir)
    try:
        url = cluster.start()
    except PostgresUnavailable as exc:
        cluster.stop()
        if required:
            pytest.fail(f"could not start a throwaway PostgreSQL cluster: {exc}")
        pytest.skip(f"could not start a throwaway PostgreSQL cluster: {exc}")
    try:
        yield url
    finally:
        cluster.stop()


@pytest.fixture(scope="session")
def _postgres_schema(postgres_url: str) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    Base.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _truncate_postgres(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


# -- both backends --------------------------------------------------------------


@pytest.fixture(
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL with the schema created, on each backend in turn."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'siaga.db'}"
        engine = make_engine(url)
        Base.metadata.create_all(engine)
        engine.dispose()
        return url
    engine = request.getfixturevalue("_postgres_schema")
    _truncate_postgres(engine)
    return str(engine.url.render_as_string(hide_password=False))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    yield engine
    engine.dispose()


@pytest.fixture
def open_umask() -> Iterator[None]:
    """Run with umask 000, so only an explicit chmod can make a file private."""
    old = os.umask(0)
    try:
        yield
    finally:
        os.umask(old)


def file_mode(path: Path) -> int:
    """The permission bits of ``path``."""
    return path.stat().st_mode & 0o777


@pytest.fixture(scope="session")
def province_pack(tmp_path_factory: pytest.TempPathFactory) -> RegionPack:
    """The synthetic province (#12), built once per run: 300,000 gazetteer entries."""
    from geodata.packbuild.province import ProvincePlan, build_province
    from geodata.packs import load_pack
    from geodata.packs.loader import resolve_pack_path

    out = tmp_path_factory.mktemp("province") / "pack"
    build_province(resolve_pack_path("blitar"), out, plan=ProvincePlan())
    return load_pack(out)


@pytest.fixture(scope="session")
def province_geocoder(province_pack: RegionPack) -> OfflineGeocoder:
    """The province's geocoder (its index takes seconds to build: once per run)."""
    from geodata.geocoder import OfflineGeocoder

    return OfflineGeocoder(province_pack)
