"""Signed checkpoints of the journal's head, kept outside the database.

A checkpoint says "the journal had reached event N, whose hash is H, at time
T", signed with an Ed25519 key that lives in an owner-only file outside the
database. Checkpoints are appended to a witness file, one JSON line each; every
line carries a sequence number and the SHA-256 of the line before it, so a line
edited, inserted or removed in the middle breaks the file's own chain, and the
newest line's signature covers the whole file through those links. The threat
model (who this stops and who it does not) is in ``docs/journal.md``.

Checkpoints are written by the process that commits (after the commit,
throttled to one every ``checkpoint_interval_seconds`` across all desks), by
``siaga log checkpoint``, and into every handover report.
"""

from __future__ import annotations

import base64
import fcntl
import json
import logging
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import IO, Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dispatch.clock import ensure_utc
from dispatch.config import EngineSettings, default_data_dir
from dispatch.db import canonical_json
from dispatch.errors import DispatchError
from dispatch.files import PRIVATE_FILE, private_dir

#: What a signature covers starts with this, so it can mean nothing else.
_DOMAIN = b"siaga112 journal checkpoint v1\n"
_NO_LINE = "0" * 64
_TAIL_BYTES = 65_536
_log = logging.getLogger(__name__)


class StillHolds(Protocol):
    """Does the database still hold this event with this hash (or archived it)?"""

    def __call__(self, event_id: int, digest: str, /) -> bool: ...


class WitnessError(DispatchError):
    """The signing key or the witness file cannot be used as it is."""

    code = "witness_error"


class Checkpoint(BaseModel):
    """One signed statement of the journal's head (one witness line)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    seq: int
    """1 for the first line of a witness file, then one more per line."""
    event_id: int
    """The newest event the journal held."""
    hash: str
    """That event's hash."""
    at: datetime
    """When the checkpoint was taken (UTC)."""
    prev: str
    """SHA-256 of the witness line before this one (zeros for the first)."""
    key: str
    """Fingerprint of the signing key (:func:`key_fingerprint`): a replaced
    key file shows as a change of fingerprint between lines."""
    signature: str = ""
    """Ed25519 signature (base64) over the fields above."""

    def _fields(self) -> dict[str, object]:
        return {
            "seq": self.seq,
            "event_id": self.event_id,
            "hash": self.hash,
            "at": _time_text(self.at),
            "prev": self.prev,
            "key": self.key,
        }

    def signed_bytes(self) -> bytes:
        """The exact bytes the signature covers."""
        return _DOMAIN + canonical_json(self._fields()).encode("utf-8")

    def line(self) -> str:
        """The witness-file line (without its newline)."""
        return canonical_json({**self._fields(), "signature": self.signature})


def _time_text(value: datetime) -> str:
    return ensure_utc(value).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def key_fingerprint(key: Ed25519PrivateKey) -> str:
    """First 16 hex digits of the SHA-256 of the public key's raw bytes."""
    raw = key.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    return sha256(raw).hexdigest()[:16]


def default_witness_file(database_url: str) -> Path | None:
    """Where a database's witness file goes by default (``None``: in memory).

    A SQLite file gets ``<name>.witness.jsonl`` next to it; a PostgreSQL
    database gets a file named after its host, port and name in the data
    folder. An in-memory database dies with its process: nothing to anchor.
    """
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return None
        path = Path(database).expanduser()
        return path.with_name(path.name + ".witness.jsonl")
    # A multi-host URL (a Patroni cluster) names its hosts in the query: one
    # witness for the cluster, whichever node leads.
    host = url.host or ("cluster" if "host" in url.query else "local")
    name = f"witness-{host}-{url.port or 5432}-{url.database}.jsonl"
    return default_data_dir() / name


def load_key(path: Path, *, create: bool) -> Ed25519PrivateKey:
    """The signing key in ``path``, created owner-only when ``create`` and missing.

    Refuses a key file that anyone but its owner can read or write: a key
    others can read signs nothing worth trusting.
    """
    if not path.exists():
        if not create:
            raise WitnessError(
                f"There is no journal signing key at {path}; checkpoints cannot "
                "be checked."
            )
        _create_key(path)
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        raise WitnessError(
            f"The journal signing key {path} can be read by others "
            f"(mode {mode:o}); make it readable by its owner only (chmod 600)."
        )
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except ValueError as exc:
        raise WitnessError(f"{path} is not a journal signing key.") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise WitnessError(f"{path} is not an Ed25519 key.")
    return key


def _create_key(path: Path) -> None:
    private_dir(path.parent)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE)
    except FileExistsError:
        return  # another desk created it first
    try:
        os.fchmod(fd, PRIVATE_FILE)
        os.write(fd, pem)
        os.fsync(fd)
    finally:
        os.close(fd)


@dataclass(frozen=True)
class WitnessReport:
    """What reading a witness file found."""

    lines: int
    latest: Checkpoint | None
    problem: str | None

    @property
    def ok(self) -> bool:
        """True when every line links to the one before and the newest is signed."""
        return self.problem is None


class Witness:
    """The key and witness file of one database."""

    def __init__(
        self, key_file: Path, witness_file: Path, *, interval: float = 5.0
    ) -> None:
        self.key_file = key_file
        self.witness_file = witness_file
        self.interval = interval
        self._key: Ed25519PrivateKey | None = None
        self._last_try = float("-inf")
        self._last_problem: str | None = None

    @classmethod
    def for_settings(cls, settings: EngineSettings) -> Witness | None:
        """The witness the settings name (``None`` for an in-memory database)."""
        witness_file = settings.journal_witness_file or default_witness_file(
            settings.database_url
        )
        if witness_file is None:
            return None
        key_file = settings.journal_key_file or witness_file.parent / "journal.key"
        return cls(
            key_file.expanduser(),
            witness_file.expanduser(),
            interval=settings.checkpoint_interval_seconds,
        )

    def _signing_key(self) -> Ed25519PrivateKey:
        if self._key is None:
            self._key = load_key(self.key_file, create=True)
        return self._key

    def due(self) -> bool:
        """True when this process has not tried a checkpoint for ``interval`` s."""
        return time.monotonic() - self._last_try >= self.interval

    def after_commit(
        self, head: tuple[int, str] | None, still_holds: StillHolds
    ) -> None:
        """Checkpoint a head just committed, at most once per interval.

        Stamped with the real time of signing, not a service clock (a
        simulation's clock may run anywhere).
        """
        if head is None or not self.due():
            return
        self._last_try = time.monotonic()
        now = datetime.now(UTC)
        try:
            self.checkpoint(head[0], head[1], now, still_holds, min_age=self.interval)
        except (WitnessError, OSError, SQLAlchemyError) as exc:
            # The commit has happened: failing the action now would make the
            # desk retry work that is already saved. Say it loudly instead;
            # `siaga log verify` reports the checkpoint as missing or stale.
            # Said once: the same refusal every interval would bury the log.
            problem = str(exc)
            if problem != self._last_problem:
                _log.error("journal checkpoint not written: %s", problem)
            self._last_problem = problem
        else:
            self._last_problem = None

    def checkpoint(
        self,
        event_id: int,
        digest: str,
        at: datetime,
        still_holds: StillHolds,
        *,
        min_age: float = 0.0,
    ) -> Checkpoint:
        """Append a signed checkpoint of ``event_id``/``digest`` and return it.

        Under an exclusive lock on the witness file, so desks append one at a
        time and every line links to the one before. When the newest line
        already covers this event (or is younger than ``min_age`` seconds and
        not behind), that line is returned instead of a new one.

        ``still_holds(event_id, hash)`` asks the database whether the newest
        checkpoint's event is still there unchanged: a journal rewritten
        below the last checkpoint gets no new one, so a fresh signature can
        never cover up an old rewrite.
        """
        key = self._signing_key()
        private_dir(self.witness_file.parent)
        fd = os.open(
            self.witness_file, os.O_RDWR | os.O_CREAT | os.O_APPEND, PRIVATE_FILE
        )
        with os.fdopen(fd, "r+b") as handle:
            os.fchmod(fd, PRIVATE_FILE)
            fcntl.flock(handle, fcntl.LOCK_EX)
            last_text = _last_line(handle)
            last = _parse(last_text) if last_text else None
            if last is not None and (
                last.event_id > event_id
                or (last.event_id == event_id and last.hash == digest)
                or (min_age > 0 and (at - last.at).total_seconds() < min_age)
            ):
                return last
            if last is not None and not still_holds(last.event_id, last.hash):
                raise WitnessError(
                    f"The journal no longer holds event {last.event_id} as "
                    f"checkpoint {last.seq} signed it: it was rewritten or cut "
                    "short. No checkpoint written; run `siaga log verify`. If "
                    "the database was made anew on purpose under the same "
                    "name, its journal needs a witness file of its own: move "
                    f"{self.witness_file} aside (keep it as evidence)."
                )
            seq = 1 if last is None else last.seq + 1
            prev = _NO_LINE if last_text is None else _line_hash(last_text)
            unsigned = Checkpoint(
                seq=seq,
                event_id=event_id,
                hash=digest,
                at=ensure_utc(at),
                prev=prev,
                key=key_fingerprint(key),
            )
            signature = key.sign(unsigned.signed_bytes())
            made = unsigned.model_copy(
                update={"signature": base64.b64encode(signature).decode("ascii")}
            )
            handle.write((made.line() + "\n").encode("utf-8"))
            handle.flush()
            os.fsync(fd)
            return made

    def read(self) -> WitnessReport:
        """Check the witness file: line links, sequence, newest signature."""
        if not self.witness_file.exists():
            return WitnessReport(0, None, None)
        key = load_key(self.key_file, create=False)
        previous: str | None = None
        latest: Checkpoint | None = None
        count = 0
        with self.witness_file.open("rb") as handle:
            for count, raw in enumerate(handle, start=1):
                text = raw.decode("utf-8", errors="replace").rstrip("\n")
                problem = _link_problem(count, text, previous)
                if problem:
                    return WitnessReport(count - 1, latest, problem)
                line = _parse(text)
                if latest is not None and line.key != latest.key:
                    return WitnessReport(
                        count - 1,
                        latest,
                        f"witness line {count} is signed by another key than line "
                        f"{count - 1} (the key file was replaced)",
                    )
                latest = line
                previous = text
        if latest is not None:
            try:
                if latest.key != key_fingerprint(key):
                    raise InvalidSignature
                key.public_key().verify(
                    base64.b64decode(latest.signature), latest.signed_bytes()
                )
            except (InvalidSignature, ValueError):
                return WitnessReport(
                    count,
                    latest,
                    f"witness line {count} is not signed by the journal key "
                    "(a forged checkpoint)",
                )
        return WitnessReport(count, latest, None)


def _link_problem(number: int, text: str, previous: str | None) -> str | None:
    try:
        checkpoint = _parse(text)
    except WitnessError:
        return f"witness line {number} is not a checkpoint"
    if checkpoint.seq != number:
        return (
            f"witness line {number} says it is checkpoint {checkpoint.seq} "
            "(lines were removed or inserted)"
        )
    expected = _NO_LINE if previous is None else _line_hash(previous)
    if checkpoint.prev != expected:
        return (
            f"witness line {number} does not follow line {number - 1} "
            "(a line was edited, removed or inserted)"
        )
    if text != checkpoint.line():
        return f"witness line {number} is not in canonical form (edited)"
    return None


def _line_hash(text: str) -> str:
    return sha256(text.encode("utf-8")).hexdigest()


def _parse(text: str) -> Checkpoint:
    try:
        return Checkpoint.model_validate(json.loads(text))
    except (ValueError, ValidationError) as exc:
        raise WitnessError(f"not a checkpoint line: {text[:60]!r}") from exc


def _last_line(handle: IO[bytes]) -> str | None:
    """The last complete line of the file, or ``None`` when it is empty."""
    size = handle.seek(0, os.SEEK_END)
    if size == 0:
        return None
    handle.seek(max(0, size - _TAIL_BYTES))
    lines = handle.read().decode("utf-8", errors="replace").splitlines()
    return lines[-1] if lines else None
