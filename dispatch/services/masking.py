"""Lenses: a principal's view of the frozen views the services return.

A :class:`Lens` walks a result (a view, a tuple or list of views, nested
views, journal payloads) and masks the caller's number and name wherever its
``reveals`` test says no. The full lens returns the result untouched, so the
desk pays nothing for privacy it does not need.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel

from dispatch.access import (
    PERSONAL_NAME_FIELDS,
    PERSONAL_NUMBER_FIELDS,
    initials,
    mask_number,
    mask_payload,
)
from dispatch.schemas import EventView

T = TypeVar("T")

#: Decides, per view, whether its personal fields are shown in full.
Reveals = Callable[[BaseModel], bool]


def _never(_view: BaseModel) -> bool:
    return False


class Lens:
    """Masks what one principal may not see; ``None`` tests mean "show all"."""

    def __init__(
        self,
        reveals: Reveals | None,
        *,
        keeps_event: Callable[[EventView], bool] | None = None,
    ) -> None:
        self._reveals = reveals
        self._keeps_event = keeps_event

    @property
    def is_full(self) -> bool:
        """True when this lens shows everything."""
        return self._reveals is None and self._keeps_event is None

    def apply(self, value: T) -> T:
        """``value`` with everything this lens hides masked (a new object)."""
        if self.is_full:
            return value
        return self._walk(value)  # type: ignore[no-any-return]

    def _walk(self, value: Any) -> Any:
        if isinstance(value, BaseModel):
            return self._model(value)
        if isinstance(value, tuple | list):
            walked = [self._walk(item) for item in value]
            if all(a is b for a, b in zip(walked, value, strict=True)):
                return value
            return type(value)(walked)
        return value

    def _model(self, view: BaseModel) -> BaseModel:
        keeps = self._keeps_event
        if isinstance(view, EventView) and keeps is not None and not keeps(view):
            # Not about this principal's unit: the feed position, no content.
            return view.model_copy(update={"payload": {}, "call_id": None})
        shown = (self._reveals or _never)(view)
        updates: dict[str, Any] = {}
        for name in type(view).model_fields:
            current = getattr(view, name)
            if isinstance(current, BaseModel | tuple | list):
                walked = self._walk(current)
                if walked is not current:
                    updates[name] = walked
            elif not shown:
                _mask_field(view, name, current, updates)
        return view.model_copy(update=updates) if updates else view


def _mask_field(
    view: BaseModel, name: str, current: Any, updates: dict[str, Any]
) -> None:
    """Put the masked value of one personal field of ``view`` in ``updates``."""
    if isinstance(current, str):
        if name in PERSONAL_NUMBER_FIELDS:
            updates[name] = mask_number(current)
        elif name in PERSONAL_NAME_FIELDS:
            updates[name] = initials(current)
    elif isinstance(current, dict):
        if name == "details":
            # A referral's number for photos is the caller's, as a rule.
            if isinstance(current.get("photos_to"), str):
                updates[name] = {
                    **current,
                    "photos_to": mask_number(current["photos_to"]),
                }
        elif name == "payload":
            masked = mask_payload(current)
            if masked is not current:
                updates[name] = masked
                summary = getattr(view, "summary", None)
                if isinstance(summary, str):  # a shift-log line quotes the payload
                    updates["summary"] = _retold(summary, current, masked)


def _retold(text: str, before: dict[str, Any], after: dict[str, Any]) -> str:
    for key, value in before.items():
        if isinstance(value, str) and value and after.get(key) != value:
            text = text.replace(value, str(after.get(key)))
    return text


FULL = Lens(None)
MASKED = Lens(_never)
