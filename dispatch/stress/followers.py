"""Desks that follow the journal, and how far behind its head they trail.

A desk follows the journal the way the console does: it waits on its
:class:`~dispatch.livefeed.JournalSignal` (NOTIFY on PostgreSQL, a poll on
SQLite), then asks ``events_after`` for what it has not seen. Here many such
desks run in threads of one process, reading (never writing), while
something else writes: the desk-to-desk benchmark, or a province day in the
simulator (``siaga follow`` beside ``siaga simulate``).

A probe looks at the journal's head every ``probe_seconds`` and times how
long until every desk has read that event: the trail an operator sees
between a change at another desk and its appearance at theirs (the probe
sees the head a little after its commit, so the figure is, if anything,
slightly short of the true delay; at dozens of events a second, by a few
milliseconds).
"""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

from dispatch.services import DispatchService

#: Longest a notified desk goes without asking (as the console's follower).
QUIET_SECONDS = 5.0
#: How often a waiting desk looks whether it was told to stop.
STOP_CHECK_SECONDS = 1.0
#: Events a desk reads per question (as the console's follower).
BATCH = 500


class FollowingDesks:
    """Desks in threads, each following the journal; tells when all read an id."""

    def __init__(
        self, services: DispatchService, count: int, poll_seconds: float = 1.0
    ) -> None:
        """Open one journal signal per desk (a listening connection on PostgreSQL)."""
        self.services = services
        self.poll_seconds = poll_seconds
        self.seen = [0] * count
        self.read = [0] * count
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._threads = [
            threading.Thread(target=self._follow, args=(n,), daemon=True)
            for n in range(count)
        ]
        self.signals = [
            services.journal_signal(poll_seconds=poll_seconds) for _ in range(count)
        ]

    @property
    def live(self) -> bool:
        """Whether the desks wake on notifications (PostgreSQL), not a poll."""
        return self.signals[0].live

    def start(self, after: int) -> None:
        """Start following after event ``after``."""
        self.seen = [after] * len(self.seen)
        for thread in self._threads:
            thread.start()

    def stop(self) -> None:
        """Stop the desks and close their listening connections."""
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def wait_all_past(self, event_id: int, timeout: float = 30.0) -> bool:
        """Block until every desk has read an event newer than ``event_id``."""
        return self.wait_all_reached(event_id + 1, timeout)

    def wait_all_reached(self, event_id: int, timeout: float = 30.0) -> bool:
        """Block until every desk has read event ``event_id`` (or a later one)."""
        with self._changed:
            return self._changed.wait_for(
                lambda: min(self.seen) >= event_id, timeout=timeout
            )

    def _follow(self, number: int) -> None:
        signal = self.signals[number]
        # Desks start at different moments: their polls spread over the interval.
        time.sleep(number * self.poll_seconds / len(self.seen))
        quiet = 0.0
        try:
            while not self._stop.is_set():
                # short waits, so that stop() ends the desks within a second
                if not signal.wait(STOP_CHECK_SECONDS):
                    quiet += STOP_CHECK_SECONDS
                    if quiet < QUIET_SECONDS:
                        continue
                quiet = 0.0
                self._catch_up(number)
        finally:
            signal.close()

    def _catch_up(self, number: int) -> None:
        while not self._stop.is_set():
            events = self.services.events_after(self.seen[number], limit=BATCH)
            if not events:
                return
            with self._changed:
                self.seen[number] = events[-1].id
                self.read[number] += len(events)
                self._changed.notify_all()
            if len(events) < BATCH:
                return


@dataclass
class FollowReport:
    """What the probe measured while the desks followed."""

    desks: int
    wakes_on: str
    seconds: float
    delays_s: list[float] = field(default_factory=list)
    missed: int = 0  # probes the desks did not reach within the timeout
    events_read: int = 0

    def as_dict(self) -> dict[str, object]:
        """The figures as plain data (``siaga follow --json``)."""
        ordered = sorted(self.delays_s)

        def pct(q: float) -> float | None:
            return ordered[int(q * (len(ordered) - 1))] if ordered else None

        return {
            "desks": self.desks,
            "wakes_on": self.wakes_on,
            "seconds": round(self.seconds, 1),
            "probes": len(ordered),
            "missed": self.missed,
            "events_read_per_desk": self.events_read // max(1, self.desks),
            "delay_s": {
                "p50": statistics.median(ordered) if ordered else None,
                "p95": pct(0.95),
                "p99": pct(0.99),
                "max": ordered[-1] if ordered else None,
            },
        }


def follow_and_probe(
    reader: DispatchService,
    probe: DispatchService,
    *,
    desks: int,
    seconds: float,
    probe_seconds: float = 0.5,
    poll_seconds: float = 1.0,
    timeout: float = 30.0,
    stop: threading.Event | None = None,
) -> FollowReport:
    """Run ``desks`` following desks for ``seconds`` and probe their trail.

    ``reader`` is the desks' door to the database, ``probe`` a separate one
    (its own connection) that reads the journal head. Setting ``stop`` (a
    signal handler does) ends the run early, with its figures.
    """
    stop = stop or threading.Event()
    followers = FollowingDesks(reader, desks, poll_seconds)
    report = FollowReport(
        desks, "NOTIFY" if followers.live else f"poll every {poll_seconds:g} s", 0.0
    )
    started = time.monotonic()
    last_probed = probe.last_event_id()
    followers.start(last_probed)
    try:
        while time.monotonic() - started < seconds:
            if stop.wait(probe_seconds):
                break
            head = probe.last_event_id()
            if head == last_probed:
                continue  # nothing new was written: nothing to time
            last_probed = head
            seen_at = time.monotonic()
            if followers.wait_all_reached(head, timeout):
                report.delays_s.append(time.monotonic() - seen_at)
            else:
                report.missed += 1
    finally:
        report.seconds = time.monotonic() - started
        followers.stop()
    report.events_read = sum(followers.read)
    return report
