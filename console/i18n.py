"""Indonesian and English texts of the console, and ``_()`` to look them up.

Every string the console shows is a key here (``"intake.title"``), with one
text per language. The language can change while the console runs
(:func:`set_language`); screens re-read their labels when told. Texts take
``str.format`` parameters: ``_("intake.flag", prank=3)``.

Engine errors arrive in English; :func:`engine_message` shows the Indonesian
text for the ones the catalogue knows, else the engine's own words.
"""

from __future__ import annotations

from typing import Any

LANGUAGES = ("id", "en")

_language = "id"


def set_language(lang: str) -> None:
    """Switch the console's language (``"id"`` or ``"en"``)."""
    global _language
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}")
    _language = lang


def current_language() -> str:
    """The language texts are shown in now."""
    return _language


def translate(key: str, lang: str, /, **params: Any) -> str:
    """The text of ``key`` in ``lang``, or the key when missing (a test forbids it)."""
    text = CATALOGUES[lang].get(key)
    if text is None:
        text = CATALOGUES["en"].get(key, key)
    return text.format(**params) if params else text


def _(key: str, /, **params: Any) -> str:
    """The text of ``key`` in the current language."""
    return translate(key, _language, **params)


def has(key: str) -> bool:
    """True when the catalogue knows ``key``."""
    return key in CATALOGUES[_language]


def engine_message(message: str) -> str:
    """An engine error message in the current language (known ones are translated)."""
    if _language == "en":
        return message
    for english, indonesian in ENGINE_MESSAGES:
        if message.startswith(english):
            return indonesian + message[len(english) :]
    return message


from console._texts import CATALOGUES, ENGINE_MESSAGES  # noqa: E402  (data, kept apart)

__all__ = [
    "CATALOGUES",
    "LANGUAGES",
    "_",
    "current_language",
    "engine_message",
    "has",
    "set_language",
    "translate",
]
