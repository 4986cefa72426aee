"""No function in console/, dispatch/ or geodata/ is harder to change than
radon's cyclomatic complexity 15 (the house style's limit).

Methods and closures count one by one, as radon measures them; a class is not
a function. A failure lists every offender as ``path:line name = complexity``.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from radon.complexity import cc_visit
from radon.visitors import Function

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("console", "dispatch", "geodata")
MAX_COMPLEXITY = 15
#: files left out, relative to the repository root (none: every one is checked)
EXCLUDED: frozenset[str] = frozenset()


def _functions(source: str) -> list[Function]:
    """Functions and methods (radon lists a class's methods on the class)."""
    out: list[Function] = []
    for block in cc_visit(source):
        found = [block] if isinstance(block, Function) else list(block.methods)
        for fn in found:
            out.append(fn)
            out.extend(f for f in fn.closures if isinstance(f, Function))
    return out


@pytest.mark.parametrize("package", PACKAGES)
def test_no_function_is_too_complex(package: str) -> None:
    too_complex = []
    checked = 0
    for path in sorted((ROOT / package).rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in EXCLUDED:
            continue
        for fn in _functions(path.read_text(encoding="utf-8")):
            checked += 1
            if fn.complexity > MAX_COMPLEXITY:
                too_complex.append(f"{rel}:{fn.lineno} {fn.fullname} = {fn.complexity}")
    # Guards against a wrong root silently checking nothing.
    assert checked > 100
    assert not too_complex, "\n".join(too_complex)


def test_the_check_sees_a_complex_function() -> None:
    branches = "\n".join(f"    if x == {i}:\n        return {i}" for i in range(20))
    source = f"def f(x):\n{branches}\n    return -1\n"
    (fn,) = _functions(source)
    assert fn.complexity > MAX_COMPLEXITY


def test_the_check_sees_a_complex_method_and_closure() -> None:
    branches = "\n".join(
        f"            if x == {i}:\n                return {i}" for i in range(20)
    )
    source = (
        "class C:\n    def m(self, x):\n        def inner(x):\n"
        f"{branches}\n            return -1\n        return inner(x)\n"
    )
    names = {fn.fullname: fn.complexity for fn in _functions(source)}
    assert names["C.m"] <= MAX_COMPLEXITY
    assert any(c > MAX_COMPLEXITY for n, c in names.items() if n != "C.m")
