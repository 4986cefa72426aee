"""Verify the whole journal: every archive file, their links, the online chain.

``siaga log verify`` walks the archived shifts in order (each file checked
against its ``.sha256`` and its own chain, then linked to the one before),
checks that the last archive ends where the online journal begins
(``journal_head.base_id``), then walks the online chain. The first problem
is reported with the event where it is; reading and writing archives is
:mod:`dispatch.archive`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.archive import archive_files, check_archive
from dispatch.journal import GENESIS_HASH
from dispatch.models import Event, JournalHead


@dataclass
class FullVerify:
    """Archives + online chain: human lines and the first problem."""

    lines: list[str] = field(default_factory=list)
    problem: str | None = None
    position: int | None = None
    events: int = 0

    @property
    def ok(self) -> bool:
        """True when everything verified."""
        return self.problem is None

    def fail(self, text: str, position: int | None) -> FullVerify:
        """Record the first problem."""
        if self.problem is None:
            self.problem, self.position = text, position
            self.lines.append(text)
        return self


def verify_all(session: Session, folder: Path) -> FullVerify:
    """Verify every archive in ``folder``, their links, and the online chain."""
    result = FullVerify()
    head = session.get(JournalHead, 1)
    base_id = head.base_id if head else 0
    base_hash = head.base_hash if head else GENESIS_HASH
    expected: tuple[int, str] = (0, GENESIS_HASH)
    for path in archive_files(folder):
        expected = _verify_archive(session, path, base_id, expected, result)
        if not result.ok:
            return result
    if base_id and expected != (base_id, base_hash):
        return _boundary_failure(result, folder, base_id, expected[0])
    report = journal.verify_chain(session)
    if not report.ok:
        assert report.problem is not None
        return result.fail(
            f"journal BROKEN at event {report.problem.position}: "
            f"{report.problem.message} ({report.checked} events verified before it)",
            report.problem.position,
        )
    result.events += report.checked
    span = f" ({report.first_id}..{report.last_id})" if report.checked else ""
    result.lines.append(f"journal OK: {report.checked} events verified{span}")
    if base_id:
        result.lines.append(
            f"chain OK across the archive boundary at event {base_id}: "
            f"{result.events} events in all"
        )
    return result


def _verify_archive(
    session: Session,
    path: Path,
    base_id: int,
    expected: tuple[int, str],
    result: FullVerify,
) -> tuple[int, str]:
    """Check one archive and its link to the one before; record it in ``result``.

    ``expected`` is the (id, hash) the archive must start after; returns the
    (id, hash) the next one must start after. A failure is recorded in
    ``result`` (check ``result.ok``).
    """
    check = check_archive(path)
    if not check.ok or check.header is None:
        where = f" at event {check.position}" if check.position else ""
        result.fail(
            f"archive {path.name} BROKEN{where}: {check.problem}", check.position
        )
        return expected
    h = check.header
    if h.first_id > base_id:
        # A shift that was imported back: it must equal the online rows.
        online = session.get(Event, h.last_id)
        if online is None or online.hash != h.end_hash:
            result.fail(
                f"archive {path.name} BROKEN at event {h.last_id}: "
                "differs from the online journal",
                h.last_id,
            )
        else:
            result.lines.append(f"archive {path.name} OK (also online)")
        return expected
    expected_id, expected_hash = expected
    if h.first_id - 1 != expected_id or h.start_hash != expected_hash:
        if h.first_id - 1 > expected_id:
            text = (
                f"archive chain BROKEN at event {expected_id + 1}: events "
                f"{expected_id + 1}..{h.first_id - 1} are in no archive"
            )
            result.fail(text, expected_id + 1)
        else:
            result.fail(
                f"archive chain BROKEN at event {h.first_id}: {path.name} does not "
                f"link to event {h.first_id - 1}",
                h.first_id,
            )
        return expected
    result.events += h.count
    result.lines.append(
        f"archive {path.name} OK: {h.count} events ({h.first_id}..{h.last_id})"
    )
    return h.last_id, h.end_hash


def _boundary_failure(
    result: FullVerify, folder: Path, base_id: int, expected_id: int
) -> FullVerify:
    """The archives do not end where the online journal starts: say which side."""
    if expected_id < base_id:
        return result.fail(
            f"archive chain BROKEN at event {expected_id + 1}: events "
            f"{expected_id + 1}..{base_id} are archived but no archive file in "
            f"{folder} holds them",
            expected_id + 1,
        )
    return result.fail(
        f"journal BROKEN at event {base_id + 1}: the online journal does not "
        "link to the last archive",
        base_id + 1,
    )
