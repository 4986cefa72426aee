"""Files with callers' data are owner-only (0600, folders 0700) whatever the umask."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import text

from dispatch.db import make_engine
from dispatch.files import (
    make_private,
    open_private,
    private_dir,
    write_private_bytes,
    write_private_text,
)
from dispatch.models import Base
from tests.conftest import file_mode


@pytest.mark.parametrize("mask", [0o000, 0o022, 0o077])
def test_sqlite_database_wal_shm_and_folders_are_owner_only(tmp_path, mask):
    old = os.umask(mask)
    try:
        path = tmp_path / "data" / "siaga112" / "siaga.db"
        engine = make_engine(f"sqlite:///{path}")
        Base.metadata.create_all(engine)
        with engine.connect() as conn:
            conn.execute(text("SELECT count(*) FROM operators"))
            wal = path.with_name("siaga.db-wal")
            shm = path.with_name("siaga.db-shm")
            assert wal.exists()
            assert shm.exists()
            assert file_mode(path) == 0o600
            assert file_mode(wal) == 0o600
            assert file_mode(shm) == 0o600
        engine.dispose()
    finally:
        os.umask(old)
    assert file_mode(tmp_path / "data") == 0o700
    assert file_mode(tmp_path / "data" / "siaga112") == 0o700


def test_an_existing_readable_database_is_tightened(tmp_path, open_umask):
    path = tmp_path / "old.db"
    engine = make_engine(f"sqlite:///{path}")
    Base.metadata.create_all(engine)
    engine.dispose()
    os.chmod(path, 0o644)
    for name in ("old.db-wal", "old.db-shm"):
        side = tmp_path / name
        if side.exists():
            os.chmod(side, 0o644)
    engine = make_engine(f"sqlite:///{path}")
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        assert file_mode(path) == 0o600
        assert file_mode(tmp_path / "old.db-wal") == 0o600
        assert file_mode(tmp_path / "old.db-shm") == 0o600
    engine.dispose()


def test_private_writers_ignore_the_umask(tmp_path, open_umask):
    folder = private_dir(tmp_path / "a" / "b")
    assert file_mode(tmp_path / "a") == 0o700
    assert file_mode(folder) == 0o700
    assert file_mode(write_private_text(folder / "t.txt", "x\r\ny")) == 0o600
    assert (folder / "t.txt").read_bytes() == b"x\r\ny"
    assert file_mode(write_private_bytes(folder / "b.bin", b"\0")) == 0o600
    with open_private(folder / "h.txt") as handle:
        handle.write("line\n")
    assert file_mode(folder / "h.txt") == 0o600


def test_an_existing_shared_folder_keeps_its_mode(tmp_path, open_umask):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o755)
    private_dir(shared)
    assert file_mode(shared) == 0o755


def test_overwriting_a_readable_file_makes_it_private(tmp_path, open_umask):
    target = tmp_path / "report.md"
    target.write_text("old", encoding="utf-8")
    os.chmod(target, 0o644)
    write_private_text(target, "new")
    assert file_mode(target) == 0o600
    assert target.read_text(encoding="utf-8") == "new"


def test_make_private_ignores_a_missing_file(tmp_path: Path) -> None:
    make_private(tmp_path / "absent")
    assert not (tmp_path / "absent").exists()


def test_private_dir_refuses_a_file(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(NotADirectoryError):
        private_dir(tmp_path / "f")
