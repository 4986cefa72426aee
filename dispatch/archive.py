"""Archive old shifts of the journal to files, check them, bring them back.

An archive file holds one shift's events (a contiguous run of ids) as gzip'd
JSON Lines: a header line, then one line per event with exactly the fields
the hash covers plus ``prev_hash``/``hash``. Next to it a ``.sha256`` file
holds the SHA-256 of the compressed bytes, so one altered byte is caught even
where gzip would not notice. The online chain then starts at
``journal_head.base_id``/``base_hash`` (the last archived event).

Nothing is deleted unless the file was written, flushed to disk, read back
and checked event by event against the rows it replaces; the delete and the
move of the base happen in one transaction under the journal lock.
Verifying the archives together with the online chain is
:mod:`dispatch.archive_verify`.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, delete, insert, select
from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.clock import ensure_utc
from dispatch.config import EngineSettings, default_data_dir
from dispatch.db import read_session, write_session
from dispatch.errors import DispatchError
from dispatch.files import open_private, private_dir, write_private_text
from dispatch.journal import EVENT_FIELDS, canonical_time, verify_rows
from dispatch.models import Event, JournalHead
from dispatch.reports.window import ShiftWindow, shift_window

FORMAT = "siaga-journal-archive"
VERSION = 1
_NAME = re.compile(r"^journal-(\d{12})-(\d{12})(?:-[0-9-]+)?\.jsonl\.gz$")


class ArchiveError(DispatchError, ValueError):
    """An archive could not be written, read, verified or imported."""

    code = "archive_error"


def default_archive_dir() -> Path:
    """``archive/`` in the user data folder (``SIAGA_ARCHIVE_DIR`` overrides)."""
    override = os.environ.get("SIAGA_ARCHIVE_DIR")
    return Path(override) if override else default_data_dir() / "archive"


@dataclass(frozen=True)
class ArchiveHeader:
    """The first line of an archive file."""

    first_id: int
    last_id: int
    count: int
    start_hash: str
    end_hash: str
    shift_start: str
    shift_end: str
    created_at: str

    def to_json(self) -> str:
        """The header line (without newline)."""
        body = {"format": FORMAT, "version": VERSION, **self.__dict__}
        return json.dumps(body, sort_keys=True)

    @classmethod
    def from_json(cls, line: str) -> ArchiveHeader:
        """Parse a header line; :class:`ArchiveError` if it is not one."""
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise ArchiveError("the header line is not JSON") from exc
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ArchiveError("not a Siaga journal archive")
        if data.get("version") != VERSION:
            raise ArchiveError(f"unsupported archive version {data.get('version')}")
        try:
            return cls(**{k: data[k] for k in cls.__dataclass_fields__})
        except KeyError as exc:
            raise ArchiveError(f"the header lacks {exc.args[0]}") from exc


def _row_json(row: tuple[Any, ...]) -> str:
    record = dict(zip(EVENT_FIELDS, row, strict=True))
    record["at"] = canonical_time(record["at"])
    return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _row_from_json(line: str) -> tuple[Any, ...]:
    data = json.loads(line)
    at = datetime.strptime(data["at"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    data["at"] = at
    return tuple(data[name] for name in EVENT_FIELDS)


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _checksum_path(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


# -- reading ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveCheck:
    """The outcome of checking one archive file."""

    path: Path
    header: ArchiveHeader | None
    checked: int
    problem: str | None
    position: int | None = None

    @property
    def ok(self) -> bool:
        """True when the file, its checksum and its chain are all sound."""
        return self.problem is None


def read_archive(path: Path) -> tuple[ArchiveHeader, list[tuple[Any, ...]]]:
    """Header and event rows of an archive (:class:`ArchiveError` if unreadable)."""
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            header = ArchiveHeader.from_json(handle.readline())
            rows = []
            for number, line in enumerate(handle, start=2):
                try:
                    rows.append(_row_from_json(line))
                except (ValueError, KeyError, TypeError) as exc:
                    raise ArchiveError(f"line {number} is not a valid event") from exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise ArchiveError(f"the file cannot be read ({exc})") from exc
    return header, rows


def check_archive(path: Path) -> ArchiveCheck:
    """Verify an archive's checksum, header and hash chain."""
    problem: str | None = None
    sidecar = _checksum_path(path)
    if not sidecar.exists():
        problem = f"no checksum file {sidecar.name}"
    else:
        expected = sidecar.read_text(encoding="utf-8").split()[0]
        if expected != file_sha256(path):
            problem = "checksum mismatch: the file was altered"
    try:
        header, rows = read_archive(path)
    except ArchiveError as exc:
        return ArchiveCheck(path, None, 0, problem or str(exc))
    report = verify_rows(
        rows, start_id=header.first_id - 1, start_hash=header.start_hash
    )
    if not report.ok:
        assert report.problem is not None
        return ArchiveCheck(
            path,
            header,
            report.checked,
            report.problem.message + (f"; {problem}" if problem else ""),
            report.problem.position,
        )
    if problem is None:
        if report.checked != header.count or report.last_id != header.last_id:
            problem = (
                f"the header promises events {header.first_id}..{header.last_id} "
                f"({header.count}) but the file holds {report.checked}"
            )
            position = (report.last_id or header.first_id - 1) + 1
            return ArchiveCheck(path, header, report.checked, problem, position)
        if rows and rows[-1][-1] != header.end_hash:
            problem = "the last event does not match the header's end hash"
    return ArchiveCheck(path, header, report.checked, problem)


def archive_files(folder: Path) -> list[Path]:
    """Archive files in ``folder``, ordered by their first event id."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=lambda p: int(_NAME.match(p.name).group(1)))  # type: ignore[union-attr]


# -- writing ----------------------------------------------------------------------


@dataclass(frozen=True)
class ArchiveResult:
    """One shift moved out of the database."""

    path: Path
    first_id: int
    last_id: int
    count: int


def _write_file(
    folder: Path,
    rows: list[tuple[Any, ...]],
    start_hash: str,
    window: Any,
    now: datetime,
) -> Path:
    first, last = rows[0][0], rows[-1][0]
    header = ArchiveHeader(
        first_id=first,
        last_id=last,
        count=len(rows),
        start_hash=start_hash,
        end_hash=rows[-1][-1],
        shift_start=canonical_time(window.start),
        shift_end=canonical_time(window.end),
        created_at=canonical_time(now),
    )
    name = f"journal-{first:012d}-{last:012d}-{window.local_start:%Y-%m-%d}.jsonl.gz"
    path = folder / name
    if path.exists():
        raise ArchiveError(f"{name} already exists; refusing to overwrite it")
    partial = path.with_name(name + ".partial")
    with open_private(partial, "wb") as raw:
        with gzip.GzipFile(fileobj=raw, mode="wb", mtime=0, filename="") as gz:
            gz.write((header.to_json() + "\n").encode("utf-8"))
            for row in rows:
                gz.write((_row_json(row) + "\n").encode("utf-8"))
        raw.flush()
        os.fsync(raw.fileno())
    os.replace(partial, path)
    write_private_text(_checksum_path(path), f"{file_sha256(path)}  {name}\n")
    return path


def _confirm(path: Path, rows: list[tuple[Any, ...]]) -> None:
    check = check_archive(path)
    if not check.ok:
        raise ArchiveError(f"{path.name} did not verify after writing: {check.problem}")
    _, back = read_archive(path)
    if [r[-1] for r in back] != [r[-1] for r in rows]:
        raise ArchiveError(f"{path.name} does not hold the events it should")


def archive_cutoff(settings: EngineSettings, now: datetime, keep_days: int) -> datetime:
    """Events before this instant may be archived.

    The current shift and the previous one always stay online; ``keep_days``
    more days are kept on top.
    """
    current = shift_window(now, settings)
    return current.previous().start - timedelta(days=max(0, keep_days))


def _rows_from(session: Session, after_id: int) -> Iterator[tuple[Any, ...]]:
    batch = 5000
    while True:
        rows = session.execute(
            select(*journal._COLUMNS)
            .where(Event.id > after_id)
            .order_by(Event.id)
            .limit(batch)
        ).all()
        if not rows:
            return
        for row in rows:
            yield tuple(row)
        after_id = rows[-1][0]


def archive_old_shifts(
    engine: Engine,
    settings: EngineSettings,
    folder: Path,
    *,
    now: datetime,
    keep_days: int | None = None,
    dry_run: bool = False,
) -> list[ArchiveResult]:
    """Move every whole shift older than the cutoff into archive files."""
    cutoff = archive_cutoff(
        settings, now, settings.retention_days if keep_days is None else keep_days
    )
    with read_session(engine) as session:
        _refuse_broken(journal.verify_chain(session))
    private_dir(folder)
    results: list[ArchiveResult] = []
    planned: tuple[int, str] | None = None
    while True:
        with write_session(engine) as session:
            journal.lock_journal(session)
            head = session.get(JournalHead, 1)
            if head is None:
                return results
            base_id, base_hash = planned or (head.base_id, head.base_hash)
            rows, window = _oldest_shift(session, base_id, settings, cutoff)
            if not rows or window is None:
                return results
            _refuse_broken(verify_rows(rows, start_id=base_id, start_hash=base_hash))
            first, last = rows[0][0], rows[-1][0]
            if dry_run:
                results.append(ArchiveResult(folder, first, last, len(rows)))
                planned = (last, rows[-1][-1])
                session.rollback()
                continue
            path = _write_file(folder, rows, base_hash, window, now)
            _confirm(path, rows)
            session.execute(delete(Event).where(Event.id >= first, Event.id <= last))
            head.base_id = last
            head.base_hash = rows[-1][-1]
            results.append(ArchiveResult(path, first, last, len(rows)))


def _refuse_broken(report: journal.VerifyReport) -> None:
    """Archive nothing from a journal whose chain does not verify."""
    if not report.ok:
        assert report.problem is not None
        raise ArchiveError(
            f"the journal is broken at event {report.problem.position} "
            f"({report.problem.message}); nothing archived"
        )


def _oldest_shift(
    session: Session, base_id: int, settings: EngineSettings, cutoff: datetime
) -> tuple[list[tuple[Any, ...]], ShiftWindow | None]:
    """The online rows of the oldest shift after ``base_id``, if it ended by ``cutoff``.

    Empty rows when that shift is not over by the cutoff (or nothing is left).
    """
    rows: list[tuple[Any, ...]] = []
    window = None
    for row in _rows_from(session, base_id):
        if window is None:
            window = shift_window(row[1], settings)
            if window.end > cutoff:
                break
        if ensure_utc(row[1]) >= window.end:
            break
        rows.append(row)
    return rows, window


# -- importing --------------------------------------------------------------------


def import_archive(engine: Engine, path: Path) -> ArchiveResult:
    """Bring an archived shift back online (it must end where the online chain starts).

    Raises :class:`ArchiveError` when the file does not verify or does not fit.
    """
    check = check_archive(path)
    if not check.ok or check.header is None:
        where = f" at event {check.position}" if check.position else ""
        raise ArchiveError(f"{path.name} does not verify{where}: {check.problem}")
    header, rows = read_archive(path)
    with write_session(engine) as session:
        journal.lock_journal(session)
        head = session.get(JournalHead, 1)
        if head is None:
            raise ArchiveError("the database has no journal")
        if header.last_id != head.base_id or header.end_hash != head.base_hash:
            raise ArchiveError(
                f"{path.name} holds events {header.first_id}..{header.last_id}, but "
                f"the online journal starts after event {head.base_id}: import the "
                "archives newest first"
            )
        for start in range(0, len(rows), 5000):
            session.execute(
                insert(Event),
                [
                    dict(zip(EVENT_FIELDS, r, strict=True))
                    for r in rows[start : start + 5000]
                ],
            )
        head.base_id = header.first_id - 1
        head.base_hash = header.start_hash
    return ArchiveResult(path, header.first_id, header.last_id, header.count)
