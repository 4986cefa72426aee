"""The pack loader and builder stay readable: no function above complexity 15.

Issue 15 split ``_Loader.load`` (cyclomatic complexity 69) into one loader per
layer; this keeps it that way (radon's measure, as ``radon cc -s``).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 15


@pytest.mark.parametrize("package", ["geodata/packs", "geodata/packbuild"])
def test_no_function_above_the_limit(package: str) -> None:
    files = sorted((ROOT / package).rglob("*.py"))
    assert files
    too_complex = [
        f"{path.relative_to(ROOT)}:{block.lineno} {block.name} ({block.complexity})"
        for path in files
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if block.complexity > LIMIT
    ]
    assert too_complex == []
