"""One queue for the console's keys: each handled in order, where earlier keys left it.

Textual hands a key to whichever widget has focus when the *app* reads it,
then lets that widget's queue handle it later; a Tab or an Enter moves focus
only once it has bubbled back up to the app. Keys that arrive together (over
SSH, from a paste, from a fast typist on a busy machine) were therefore all
handed to the first field before the Tab among them had moved anything.

:class:`TypeAhead` fixes that by design. The app gives it every key and paste
from the terminal; it keeps them in one queue and drains the queue
synchronously, one key at a time:

- a screen that is still being built (start-up, a dialog just opened) gets no
  key: the keys wait in the queue until it is ready (type-ahead is kept);
- a screen that implements :class:`KeyTaker` (the intake, a sign-on screen)
  handles each key to the end, synchronously, before the next one is looked at:
  focus moves only as the result of a key, never in a worker's callback;
- a key whose result needs something not yet known (the candidates for the
  text just typed, the call the engine is still opening) puts itself back at
  the head of the queue and holds it (:meth:`TypeAhead.wait`); whoever brings
  the answer releases the hold and the queue goes on in order;
- any other screen gets Textual's own handling, still in queue order.

:class:`OrderedKeys` gives a screen the usual handling of keys (bindings,
typing into an ``Input``, pastes) done synchronously; the screen adds what its
fields do with Enter, Tab and the like in :meth:`OrderedKeys.field_key`.
"""

from __future__ import annotations

import inspect
import logging
from collections import deque
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from textual import events
from textual.actions import SkipAction
from textual.app import ScreenStackError
from textual.widgets import Input

if TYPE_CHECKING:
    from textual.app import App
    from textual.dom import DOMNode
    from textual.screen import Screen
    from textual.timer import Timer

log = logging.getLogger("siaga.console.keys")

#: What the queue holds: terminal input, or a step queued behind it (F2's new call).
KeyInput = events.Key | events.Paste
Item = KeyInput | Callable[[], object]

#: A hold nobody releases would freeze the keyboard: after this long it is
#: released and its ``on_timeout`` runs (the key then goes on with what is known).
HOLD_TIMEOUT = 5.0


@runtime_checkable
class KeyTaker(Protocol):
    """A screen that handles every key itself, synchronously and in order."""

    @property
    def keys_ready(self) -> bool:
        """True once the screen can take keys (mounted, fields in place)."""
        ...

    def take_key(self, event: KeyInput) -> bool:
        """Handle one key to the end; False leaves it to Textual."""
        ...


class TypeAhead:
    """The app's key queue (one per app)."""

    def __init__(
        self,
        app: App[Any],
        default: Callable[[events.Event], Awaitable[None]],
        *,
        hold_timeout: float = HOLD_TIMEOUT,
        on_error: Callable[[Exception], object] | None = None,
    ) -> None:
        self.app = app
        self._default = default
        #: Where a key's unexpected error goes (the app's one error handler);
        #: None lets it propagate (Textual then stops the app).
        self._on_error = on_error
        self._queue: deque[Item] = deque()
        self._holds: dict[str, Timer | None] = {}
        self._timeouts: dict[str, Callable[[], object] | None] = {}
        self._draining = False
        self._requeue = False
        self._after: list[Item] = []
        self._wake_pending = False
        self.hold_timeout = hold_timeout
        #: Keys handled, by kind: what the app received (tests measure this).
        self.received = 0

    # -- feeding -----------------------------------------------------------------

    def take_from_terminal(self, event: events.Event) -> bool:
        """True when ``event`` is a key or paste from the terminal the queue took.

        An app's ``on_event`` calls it first and returns when it is True.
        """
        if not isinstance(event, events.Key | events.Paste) or event.is_forwarded:
            return False
        if not self.feed(event):
            return False
        self.app.app_focus = True  # as Textual does for a key it handles itself
        return True

    def feed(self, event: KeyInput) -> bool:
        """A key or paste from the terminal: True if the queue took it."""
        self.received += 1
        screen = self.app.screen
        if (
            not self._queue
            and not self._holds
            and not isinstance(screen, KeyTaker)
            and _ready(screen)
        ):
            return False  # nothing waits ahead of it: Textual's own path
        self._queue.append(event)
        self.drain()
        return True

    def next(self, step: Callable[[], object]) -> None:
        """Run ``step`` right after the key being handled, before the keys behind it.

        Outside a key (a callback, the command palette) it queues behind
        whatever waits.
        """
        if self._draining:
            self._after.append(step)
        else:
            self._queue.append(step)
            self.drain()

    @property
    def pending(self) -> int:
        """Keys and steps waiting."""
        return len(self._queue)

    @property
    def held(self) -> bool:
        """True while a key waits for something."""
        return bool(self._holds)

    # -- holding -----------------------------------------------------------------

    def hold(
        self,
        reason: str,
        *,
        timeout: float | None = None,
        on_timeout: Callable[[], object] | None = None,
    ) -> None:
        """Stop draining until :meth:`release` with the same ``reason``."""
        if reason in self._holds:
            return
        delay = self.hold_timeout if timeout is None else timeout
        timer = (
            self.app.set_timer(delay, lambda: self._expire(reason)) if delay else None
        )
        self._holds[reason] = timer
        self._timeouts[reason] = on_timeout

    def wait(
        self,
        reason: str,
        *,
        timeout: float | None = None,
        on_timeout: Callable[[], object] | None = None,
    ) -> bool:
        """Put the key being handled back at the head of the queue and hold.

        False (and nothing held) when no key is being handled: the caller was
        not reached through a key (the command palette, a callback).
        """
        if not self._draining:
            return False
        self._requeue = True
        self.hold(reason, timeout=timeout, on_timeout=on_timeout)
        return True

    def release(self, reason: str) -> None:
        """The answer ``reason`` waited for is here: go on with the queue."""
        if reason not in self._holds:
            return
        timer = self._holds.pop(reason)
        self._timeouts.pop(reason, None)
        if timer is not None:
            timer.stop()
        self.drain()

    def _expire(self, reason: str) -> None:
        if reason not in self._holds:
            return
        log.warning("key queue held for %r too long; going on", reason)
        on_timeout = self._timeouts.get(reason)
        self._holds.pop(reason, None)
        self._timeouts.pop(reason, None)
        if on_timeout is not None:
            on_timeout()
        self.drain()

    def run(self, result: object) -> None:
        """Let an action's coroutine finish before the next key (held meanwhile)."""
        if not inspect.isawaitable(result):
            return
        reason = f"action-{id(result)}"
        self.hold(reason, timeout=0)

        async def finish() -> None:
            try:
                await result
            finally:
                self.release(reason)

        self.app.run_worker(finish(), group="typeahead", exit_on_error=False)

    # -- draining ----------------------------------------------------------------

    def drain(self) -> None:
        """Handle queued keys in order until empty, held, or the screen is not ready."""
        if self._draining:
            return  # a step fed the queue: the running loop takes it
        self._draining = True
        try:
            while self._queue and not self._holds:
                try:
                    screen = self.app.screen
                except ScreenStackError:  # shutting down: no screen takes keys
                    return
                if not _ready(screen):
                    self._wake_when_ready()
                    return
                item = self._queue.popleft()
                self._requeue = False
                try:
                    self._handle(screen, item)
                except Exception as exc:  # handed to the app's error handler
                    if self._on_error is None:
                        raise
                    self._on_error(exc)
                self._queue.extendleft(reversed(self._after))
                self._after.clear()
                if self._requeue:
                    self._queue.appendleft(item)
                    self._requeue = False
        finally:
            self._draining = False

    def _handle(self, screen: Screen[Any], item: Item) -> None:
        if not isinstance(item, events.Key | events.Paste):
            item()
            return
        if isinstance(screen, KeyTaker) and screen.take_key(item):
            return
        self.run(self._default(item))

    def _wake_when_ready(self) -> None:
        if self._wake_pending:
            return
        self._wake_pending = True

        def wake() -> None:
            self._wake_pending = False
            self.drain()

        self.app.call_after_refresh(wake)


def _ready(screen: Screen[Any]) -> bool:
    """Whether ``screen`` can take a key now (a screen being built cannot)."""
    if not screen.is_mounted:
        return False
    if isinstance(screen, KeyTaker):
        return screen.keys_ready
    # A dialog focuses its first field once mounted; until then keys wait.
    return screen.focused is not None or not screen.focus_chain


# -- the usual key handling, synchronously ---------------------------------------------


def run_action_now(app: App[Any], action: str, namespace: DOMNode) -> bool:
    """Run a binding's action now; a coroutine action holds the queue until done.

    Mirrors Textual's ``App.run_action`` (namespaces, ``check_action``,
    ``SkipAction``) without awaiting a plain method.
    """
    target, name, params = app._parse_action(action, namespace)  # Textual's parser
    if not target.check_action(name, params):
        return False
    method = getattr(target, f"_action_{name}", None) or getattr(
        target, f"action_{name}", None
    )
    if not callable(method):
        return False
    try:
        result = method(*params)
    except SkipAction:
        return False
    typeahead = getattr(app, "typeahead", None)
    if isinstance(typeahead, TypeAhead):
        typeahead.run(result)
    elif inspect.isawaitable(result):
        app.call_later(lambda: result)
    return True


def run_binding(screen: Screen[Any], key: str, *, priority: bool) -> bool:
    """Run ``key``'s binding as Textual would (priority: app down; else focus up)."""
    chain = screen._binding_chain  # Textual's chain: keymap applied, Input keys removed
    for namespace, bindings in reversed(chain) if priority else chain:
        for binding in bindings.key_to_bindings.get(key, ()):
            if binding.priority == priority and run_action_now(
                screen.app, binding.action, namespace
            ):
                return True
    return False


def type_into(widget: object, event: KeyInput) -> bool:
    """A printable key or a paste into a text field, as ``Input`` does it."""
    if not isinstance(widget, Input):
        return False
    if isinstance(event, events.Paste):
        text = event.text.splitlines()[0] if event.text else ""
    elif event.is_printable and event.character is not None:
        text = event.character
    else:
        return False
    if text:
        selection = widget.selection
        if selection.is_empty:
            widget.insert_text_at_cursor(text)
        else:
            widget.replace(text, *selection)
    return True


def keep_typed_text_on_focus(screen: Screen[Any]) -> None:
    """Turn off select-all on focus for every text field of ``screen``.

    The queue moves focus at once and types the keys behind it at once; the
    field's Focus event comes later, and select-all would then select what
    was just typed, for the next key to replace.
    """
    for field in screen.query(Input):
        field.select_on_focus = False


class OrderedKeys:
    """Mixin for a :class:`~textual.screen.Screen` fed by :class:`TypeAhead`.

    Order of handling, as in Textual: priority bindings (app first), then the
    field's own meaning of the key (:meth:`field_key`), typing into a text
    field, then the bindings from the focused widget up to the app.
    """

    #: Set by the screen once it can take keys.
    keys_ready: bool = False

    def field_key(self, event: events.Key) -> bool:
        """What the focused field does with ``event``; True if handled."""
        return False

    def take_key(self, event: KeyInput) -> bool:
        """Handle one key or paste to the end, synchronously."""
        screen: Screen[Any] = self  # type: ignore[assignment]
        if isinstance(event, events.Paste):
            type_into(screen.focused, event)
            return True
        if run_binding(screen, event.key, priority=True):
            return True
        if self.field_key(event):
            return True
        if type_into(screen.focused, event):
            return True
        run_binding(screen, event.key, priority=False)
        return True  # a key nothing binds does nothing, as in Textual


class OrderedScreenKeys(OrderedKeys):
    """Mixin for the board, supervisor and map screens: every key in order.

    Without it a key that opens a dialog ("c" close) ran only after the keys
    typed behind it had already reached the board, where letters are
    bindings: the dialog's text could trigger board actions. A focused
    widget that reads keys itself (an open list's type-to-search, a text
    area) still gets Textual's own handling, in queue order.
    """

    keys_ready = True  # the queue also waits until the screen is mounted

    def take_key(self, event: KeyInput) -> bool:
        """Handle one key in order, unless the focused widget reads keys itself."""
        screen: Screen[Any] = self  # type: ignore[assignment]
        if handles_keys_itself(screen.focused):
            return False
        return super().take_key(event)


def handles_keys_itself(widget: object) -> bool:
    """True for a widget with its own key handler (not bindings), Input aside.

    Such a widget (Textual's ``SelectOverlay``, ``TextArea``) must be given
    the key event itself; the ordered handling knows only bindings and typing.
    """
    from textual.widget import Widget

    if widget is None or isinstance(widget, Input):
        return False
    for cls in type(widget).__mro__:
        if cls is Widget:
            return False
        if "_on_key" in vars(cls) or "on_key" in vars(cls):
            return True
    return False
