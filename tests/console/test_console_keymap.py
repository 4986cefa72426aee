"""Bindings, texts and docs stay in step: unique ids, full catalogues, README table."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from console._texts import CATALOGUES
from console.bindings import KEYS, keymap_markdown
from console.i18n import LANGUAGES
from tests.console.conftest import settle

ROOT = Path(__file__).resolve().parents[2]


def test_binding_ids_are_unique() -> None:
    ids = [spec.id for spec in KEYS]
    assert len(ids) == len(set(ids))


def test_every_binding_has_a_label_and_a_tip_in_both_languages() -> None:
    for spec in KEYS:
        for lang in LANGUAGES:
            assert f"key.{spec.id}" in CATALOGUES[lang], (lang, spec.id)
            assert f"tip.{spec.id}" in CATALOGUES[lang], (lang, spec.id)


def test_catalogues_have_the_same_keys() -> None:
    assert set(CATALOGUES["id"]) == set(CATALOGUES["en"])
    for key, text in CATALOGUES["id"].items():
        assert text.strip(), key
        assert set(re.findall(r"{(\w+)}", text)) == set(
            re.findall(r"{(\w+)}", CATALOGUES["en"][key])
        ), key


#: Lookup functions and the catalogue prefix of their keys: ``_`` (i18n),
#: ``t`` (supervisor and map), ``text`` (responder: ``responder.*``).
PREFIXES = {"_": "", "t": "", "text": "responder."}


def test_every_literal_text_key_used_by_the_console_exists() -> None:
    used: set[str] = set()
    for path in (ROOT / "console").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in PREFIXES
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                used.add(PREFIXES[node.func.id] + node.args[0].value)
    missing = sorted(k for k in used if k not in CATALOGUES["en"])
    assert missing == []


def _section(text: str) -> str:
    start = text.index("<!-- keymap:start -->") + len("<!-- keymap:start -->")
    end = text.index("<!-- keymap:end -->")
    return text[start:end].strip()


def test_readme_keymap_matches_the_code() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert _section(readme) == keymap_markdown().strip()


def test_console_docs_keymap_matches_the_code() -> None:
    docs = (ROOT / "docs" / "console.md").read_text(encoding="utf-8")
    assert _section(docs) == keymap_markdown().strip()


def test_console_never_imports_sqlalchemy_or_models() -> None:
    for path in (ROOT / "console").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                assert not name.startswith("sqlalchemy"), path
                assert not name.startswith("dispatch.models"), path


async def test_an_unknown_theme_falls_back_with_a_warning(make_app: Any) -> None:
    app = make_app(theme="no-such-theme")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        assert app.theme == "siaga-dark"
        messages = [n.message for n in app._notifications]
        assert any("no-such-theme" in m for m in messages)


async def test_the_configured_theme_is_used_from_the_first_screen(
    make_app: Any,
) -> None:
    app = make_app(theme="siaga-light")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert app.theme == "siaga-light"
