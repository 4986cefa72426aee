"""Idempotency keys for operator actions (docs/durability.md).

Every key press that changes something gets a fresh key, handed to the
engine with each write the action makes. The engine's retry after a lost
connection or a fail-over then replays the action's first result instead of
doing it again (a second call, a second assignment).
"""

from __future__ import annotations

from uuid import uuid4


def new_action_key() -> str:
    """A fresh key for one operator action (a uuid4, 36 characters)."""
    return str(uuid4())


def step_key(action_key: str, step: str) -> str:
    """The key of one write within an action that makes several."""
    return f"{action_key}:{step}"
