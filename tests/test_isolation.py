"""Nothing the test suite does writes into the real user's folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from dispatch.config import default_config_file, default_data_dir


@pytest.fixture(scope="module")
def folders_seen_by_a_module_fixture() -> tuple[Path, Path]:
    return default_data_dir(), default_config_file()


def test_module_fixtures_see_temporary_folders(
    folders_seen_by_a_module_fixture: tuple[Path, Path],
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    base = tmp_path_factory.getbasetemp()
    for folder in folders_seen_by_a_module_fixture:
        assert folder.is_relative_to(base), folder
