"""The package layering of DESIGN.md, checked statically and at run time."""

from __future__ import annotations

import ast
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def imported_modules(package: str) -> dict[Path, set[str]]:
    result: dict[Path, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        result[path] = names
    return result


@pytest.mark.parametrize(
    ("package", "forbidden"),
    [
        ("geodata", ("dispatch", "console", "textual")),
        ("dispatch", ("console", "textual")),
        (
            "console",
            ("sqlalchemy", "dispatch.models", "dispatch.db", "dispatch.journal"),
        ),
    ],
)
def test_imports_point_one_way(package, forbidden):
    offenders = []
    for path, names in imported_modules(package).items():
        if package == "console" and path.parts[-2] == "cli":
            # The CLI runs set-up and verification on the engine's behalf.
            allowed: tuple[str, ...] = ("dispatch.db", "dispatch.journal")
        else:
            allowed = ()
        for name in names:
            for bad in forbidden:
                if (name == bad or name.startswith(bad + ".")) and bad not in allowed:
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_engine_and_geodata_load_without_textual():
    code = (
        "import sys, dispatch.services, dispatch.reports\n"
        "import geodata.geocoder, geodata.travel\n"
        "bad = [m for m in sys.modules if m == 'textual' or m.startswith('textual.')]\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_no_machine_paths_in_tracked_files():
    listed = subprocess.run(
        ["git", "ls-files"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.split()
    needles = ("/work/", "/root/", "/tmp/pytest-of")
    offenders = []
    for name in listed:
        path = ROOT / name
        if (
            not path.is_file()
            or path.suffix in {".svg", ".png", ".pdf", ".gz"}
            or path == Path(__file__).resolve()
        ):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        offenders += [f"{name}: {n}" for n in needles if n in text]
    assert offenders == []


def test_import_linter_contracts_hold():
    tool = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(tool)], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert "0 broken" in result.stdout


def test_packages_and_tests_are_mypy_clean() -> None:
    """The house style is strict mypy for the tests too: one run over both.

    mypy reads pyproject's ``[tool.mypy]``; its ``files`` must name the tests
    so that the documented ``.venv/bin/mypy`` checks them as well. The cache
    is the git-ignored ``.mypy_cache`` of the checkout, so a second run only
    re-checks what changed.
    """
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    files = set(config["tool"]["mypy"]["files"])
    assert {"console", "dispatch", "geodata", "tests"} <= files
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert result.stdout.startswith("Success: no issues found")
