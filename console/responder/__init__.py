"""The responder (unit) view: a small app for one unit's terminal or phone.

``siaga unit CALLSIGN`` starts :class:`ResponderApp`; it talks to the engine
only through :class:`dispatch.services.DispatchService`.
"""

from __future__ import annotations

from console.responder.app import ResponderApp

__all__ = ["ResponderApp"]
