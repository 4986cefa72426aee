"""The command palette's Siaga provider: every action of the current screen, by name.

Context-aware (posting): on the intake screen it offers the call outcomes,
on the board the dispatcher's actions, everywhere the global keys. Each hit
shows its key so the palette also teaches the keymap.
"""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from console.bindings import KEYS, KeySpec
from console.i18n import _


class SiagaCommands(Provider):
    """Actions of the current screen plus the global ones."""

    def _specs(self) -> list[KeySpec]:
        screen_id = self.screen.id or ""
        return [
            spec
            for spec in KEYS
            if (spec.scope == "app" and spec.id != "app.palette")
            or spec.scope == screen_id
        ]

    def _title(self, spec: KeySpec) -> str:
        keys = (
            self.app.keys_for(spec.id) if hasattr(self.app, "keys_for") else spec.keys
        )
        return f"{_('key.' + spec.id)} ({keys})"

    async def _run(self, spec: KeySpec) -> None:
        target = self.app if spec.scope == "app" else self.screen
        await target.run_action(spec.action)

    async def discover(self) -> Hits:
        """Every command, before anything is typed."""
        for spec in self._specs():
            yield DiscoveryHit(
                self._title(spec), partial(self._run, spec), help=_("tip." + spec.id)
            )

    async def search(self, query: str) -> Hits:
        """Commands whose name matches what was typed."""
        matcher = self.matcher(query)
        for spec in self._specs():
            title = self._title(spec)
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(title),
                    partial(self._run, spec),
                    help=_("tip." + spec.id),
                )
