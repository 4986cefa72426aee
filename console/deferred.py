"""A stand-in for the engine's services that builds them on first use.

Importing SQLAlchemy, the models and the engine's numerical code takes most of
a second. The console's first screen needs none of it, so ``siaga`` hands the
app this object: the app's start worker touches it first (off the UI thread),
which builds the real :class:`~dispatch.services.DispatchService` while the
operator already sees the intake screen. Every attribute is the real one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class DeferredServices:
    """Proxy that calls ``factory`` once, on the first attribute access."""

    def __init__(self, factory: Callable[[], Any]) -> None:
        self._factory = factory
        self._target: Any = None
        self._lock = threading.Lock()

    def resolve(self) -> Any:
        """The real services (built now if not yet)."""
        if self._target is None:
            with self._lock:
                if self._target is None:
                    self._target = self._factory()
        return self._target

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolve(), name)
