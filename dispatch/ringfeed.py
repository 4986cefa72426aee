"""The ring feed: JSON lines from a phone-system adapter, checked and applied.

A phone-system adapter writes one JSON object per line to the standard input
of ``siaga feed`` (the format is documented in ``docs/ring-feed.md``)::

    {"event": "ring", "at": "2026-12-01T03:00:00Z", "line": "201", "number": "0812..."}
    {"event": "answered", "at": "2026-12-01T03:00:09Z", "line": "201"}
    {"event": "ended", "at": "2026-12-01T03:02:40Z", "line": "201"}

Each line is validated with pydantic. A bad line gets one line on the error
stream naming the line number and what is wrong (never the whole input,
never a traceback) and is skipped; the feed goes on with the next line. A
good line goes through the service layer as the ring-feed principal.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, BinaryIO, Literal, Protocol, TextIO

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
)

from dispatch.errors import DispatchError
from dispatch.principal import Principal, SystemRole

#: Longest line the feed reads (a ring line is about 120 bytes).
MAX_LINE_BYTES = 1024

#: A line or extension name: what the phone system calls it.
LINE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:@/+-]*$"


class _FeedLine(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    at: AwareDatetime
    """When the phone system saw it happen (ISO 8601 with a zone, e.g. ``Z``)."""
    line: str = Field(min_length=1, max_length=32, pattern=LINE_PATTERN)
    """The line or extension (mapped to a terminal by ``ring_lines``)."""


class RingLine(_FeedLine):
    """A call is ringing on ``line``."""

    event: Literal["ring"]
    number: str | None = Field(default=None, max_length=40)
    """The caller's number as the phone system gives it (absent: withheld)."""


class AnsweredLine(_FeedLine):
    """The handset on ``line`` was picked up."""

    event: Literal["answered"]


class EndedLine(_FeedLine):
    """The call on ``line`` ended (hung up, answered or not)."""

    event: Literal["ended"]


FeedEvent = Annotated[RingLine | AnsweredLine | EndedLine, Field(discriminator="event")]
_FEED_EVENT: TypeAdapter[RingLine | AnsweredLine | EndedLine] = TypeAdapter(FeedEvent)


class FeedLineError(ValueError):
    """One feed line could not be used; the message is one line for the adapter."""


def parse_line(raw: bytes | str) -> RingLine | AnsweredLine | EndedLine:
    """Validate one JSON line; raise :class:`FeedLineError` saying what is wrong."""
    try:
        return _FEED_EVENT.validate_json(raw)
    except ValidationError as exc:
        raise FeedLineError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    first = exc.errors(include_url=False, include_input=False)[0]
    where = ".".join(str(part) for part in first["loc"] if part not in _TAGS)
    if first["type"] == "json_invalid":
        return "not a JSON object on one line"
    if first["type"] == "union_tag_not_found":
        return "missing 'event' (one of ring, answered, ended)"
    if first["type"] == "union_tag_invalid":
        return "'event' must be one of ring, answered, ended"
    message = " ".join(str(first["msg"]).split())[:160]
    return f"{where}: {message}" if where else message


_TAGS = frozenset({"ring", "answered", "ended"})


class RingServices(Protocol):
    """What the feed needs from the service layer."""

    def ring_started(
        self, line: str, number: str | None, at: datetime
    ) -> object: ...  # pragma: no cover - protocol

    def ring_answered(self, line: str, at: datetime) -> object: ...  # pragma: no cover

    def ring_ended(self, line: str, at: datetime) -> object: ...  # pragma: no cover


def ring_feed_principal(terminal: str) -> Principal:
    """The system principal the feed acts as (its own row in the role table)."""
    return Principal(operator="ring-feed", role=SystemRole.RING_FEED, terminal=terminal)


@dataclass
class FeedSummary:
    """How many lines the feed applied and skipped."""

    applied: int = 0
    skipped: int = 0
    by_event: dict[str, int] = field(default_factory=dict)


def read_lines(stream: BinaryIO, limit: int = MAX_LINE_BYTES) -> Iterator[bytes | None]:
    """The stream's lines, each at most ``limit`` bytes; ``None`` for a longer one.

    A longer line is read past in pieces (never held whole), so a hostile
    adapter cannot make the feed swallow gigabytes in one line.
    """
    while True:
        chunk = stream.readline(limit + 1)
        if not chunk:
            return
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):
                chunk = stream.readline(limit + 1)
            yield None
            continue
        yield chunk


def apply_event(
    services: RingServices, event: RingLine | AnsweredLine | EndedLine
) -> None:
    """Hand one validated line to the service layer."""
    if isinstance(event, RingLine):
        services.ring_started(event.line, event.number, event.at)
    elif isinstance(event, AnsweredLine):
        services.ring_answered(event.line, event.at)
    else:
        services.ring_ended(event.line, event.at)


def run_feed(
    services: RingServices,
    stream: BinaryIO,
    errors: TextIO,
    *,
    mapped: Mapping[str, str] | None = None,
) -> FeedSummary:
    """Apply every good line of ``stream``; report each bad one on ``errors``.

    With ``mapped`` (the ``ring_lines`` setting), a ring on a line no terminal
    is mapped to is applied and noted: no desk can take it with F2.
    """
    summary = FeedSummary()
    for number, raw in enumerate(read_lines(stream), start=1):
        if raw is None:
            _skip(summary, errors, number, f"longer than {MAX_LINE_BYTES} bytes")
            continue
        if not raw.strip():
            continue
        try:
            event = parse_line(raw)
            apply_event(services, event)
        except FeedLineError as exc:
            _skip(summary, errors, number, str(exc))
            continue
        except DispatchError as exc:
            _skip(summary, errors, number, " ".join(exc.message.split())[:200])
            continue
        summary.applied += 1
        summary.by_event[event.event] = summary.by_event.get(event.event, 0) + 1
        if mapped is not None and event.event == "ring" and event.line not in mapped:
            errors.write(
                f"siaga feed: line {number}: note: line {event.line} is mapped to no "
                "terminal (ring_lines), so no desk can take it with F2\n"
            )
    return summary


def _skip(summary: FeedSummary, errors: TextIO, number: int, reason: str) -> None:
    summary.skipped += 1
    errors.write(f"siaga feed: line {number} skipped: {reason}\n")
    errors.flush()
