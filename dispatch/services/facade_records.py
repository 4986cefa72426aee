"""Journal integrity, reports, the shift log, exports and archives.

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from dispatch.access import Action
from dispatch.errors import InvalidInput

if TYPE_CHECKING:
    from dispatch.archive import ArchiveCheck, ArchiveResult
    from dispatch.archive_verify import FullVerify
    from dispatch.integrity import Finding
    from dispatch.journal import VerifyReport
    from dispatch.reports.figures import ShiftFigures
    from dispatch.reports.handover import HandoverReport
    from dispatch.reports.period import PeriodReport
    from dispatch.reports.shiftlog import LogEntry, LogFilter
    from dispatch.reports.window import ShiftWindow
    from dispatch.witness import Checkpoint

from dispatch.services.guard import FacadeCore, guarded


class RecordActions(FacadeCore):
    """Journal integrity, reports, the shift log, exports and archives."""

    # -- journal integrity (docs/journal.md) ----------------------------------------

    @guarded(Action.LOG_VERIFY)
    def verify_anchor(self) -> Finding:
        """The online journal against the newest signed checkpoint."""
        return self._integrity.verify_anchor()

    @guarded(Action.LOG_VERIFY)
    def verify_state(self) -> list[Finding]:
        """Replay the journal against incidents, calls and assignments."""
        return self._integrity.verify_state()

    @guarded(Action.LOG_VERIFY)
    def checkpoint_journal(self, *, verify: bool = True) -> Checkpoint:
        """Sign the journal's head now (after walking the chain when ``verify``)."""
        return self._integrity.checkpoint(verify=verify)

    @guarded(Action.JOURNAL_REPAIR)
    def repair_journal_head(self) -> str:
        """Put a missing or damaged ``journal_head`` back, journaled."""
        return self._integrity.repair_head()

    # -- reports, the shift log, verification -------------------------------------

    @guarded(Action.REPORT_READ)
    def shift_figures(
        self, window: ShiftWindow, *, as_of: datetime | None = None
    ) -> ShiftFigures:
        """The figures of ``window`` (``as_of`` defaults to now, capped at its end)."""
        return self._records.shift_figures(window, as_of=as_of)

    @guarded(Action.REPORT_READ)
    def handover(
        self, window: ShiftWindow, *, as_of: datetime | None = None
    ) -> HandoverReport:
        """The handover report of ``window``.

        When ``window`` is a stored shift that was handed over, this is the
        report stored at the close (not a new one); for a stored shift still
        running the report names the shift.
        """
        shift = self._shifts.shift_starting_at(window.start)
        if shift is not None and shift.ends_at == window.end and as_of is None:
            stored = (
                self._shifts.stored_handover(window.start) if shift.is_closed else None
            )
            if stored is not None:
                return stored
        report = self._records.handover(window, as_of=as_of)
        # Every report carries the journal's head, signed now (docs/journal.md).
        update: dict[str, object] = {
            "checkpoint": self._integrity.checkpoint_for_report()
        }
        if shift is not None and shift.ends_at == window.end:
            update["shift_id"] = shift.id
        return report.model_copy(update=update)

    @guarded(Action.REPORT_READ)
    def period_report(self, first: date, last: date) -> PeriodReport:
        """The period (monthly) report from ``first`` to ``last``."""
        return self._records.period_report(first, last)

    @guarded(Action.LOG_QUERY)
    def shift_log(
        self,
        window: ShiftWindow | None,
        flt: LogFilter | None = None,
        *,
        after_id: int = 0,
        limit: int | None = None,
    ) -> list[LogEntry]:
        """The shift log through ``window``, filtered (masked for the role)."""
        return self._records.shift_log(window, flt, after_id=after_id, limit=limit)

    @guarded(Action.LOG_VERIFY)
    def verify_journal(self) -> VerifyReport:
        """Check the online hash chain."""
        return self._records.verify_journal()

    @guarded(Action.LOG_VERIFY)
    def verify_everything(self, folder: Path) -> FullVerify:
        """Check the archives in ``folder``, their links and the online chain."""
        return self._records.verify_everything(folder)

    # -- exports and archives ------------------------------------------------------

    @guarded(Action.EXPORT_MASKED)
    def export_eido(
        self,
        incident: int | str,
        *,
        domain: str | None = None,
        full: bool = False,
        validate: bool = True,
    ) -> dict[str, Any]:
        """The EIDO of one incident; callers masked unless a supervisor asks ``full``.

        A full export is checked as its own action and journaled
        (``export.unmasked``) before any data leaves; with ``validate`` (the
        default) an EIDO that fails the JSON Schema is refused.
        """
        center = domain or f"{self.settings.region_pack}.siaga112.invalid"
        if full:
            self._door.enter(Action.EXPORT_FULL)
            self._records.journal_full_export("eido", str(incident))
        return self._records.export_eido(
            incident, domain=center, full=full, validate=validate
        )

    @guarded(Action.EXPORT_MASKED)
    def export_shift(
        self, window: ShiftWindow, out: IO[str], *, full: bool = False
    ) -> int:
        """Write the shift as JSON Lines; callers masked unless a supervisor asks.

        A full export (the only one whose chain verifies) is checked as its own
        action and journaled (``export.unmasked``) before any data leaves.
        """
        if full:
            self._door.enter(Action.EXPORT_FULL)
            self._records.journal_full_export("shift", window.start.isoformat())
        return self._records.export_shift(window, out, full=full)

    @guarded(Action.EXPORT_MASKED)
    def export_referrals(
        self,
        referral_ids: tuple[int, ...] = (),
        *,
        window: ShiftWindow | None = None,
        fmt: str = "json",
        full: bool = False,
    ) -> tuple[int, str]:
        """Referrals as SP4N-LAPOR!/ULPIM form records: ``(count, JSON or CSV)``.

        The caller's number and name are masked unless a supervisor asks
        ``full`` (the caller allowed it), checked and journaled as for EIDO.
        """
        if fmt not in ("json", "csv"):
            raise InvalidInput(f"Unknown format {fmt!r}; use json or csv.", field="fmt")
        if full:
            self._door.enter(Action.EXPORT_FULL)
            subject = ",".join(map(str, referral_ids)) or (
                window.start.isoformat() if window else ""
            )
            self._records.journal_full_export("referral", subject)
        return self._records.export_referrals(referral_ids, window, fmt=fmt, full=full)

    @guarded(Action.ARCHIVE_WRITE)
    def archive_old_shifts(
        self,
        folder: Path,
        *,
        now: datetime | None = None,
        keep_days: int | None = None,
        dry_run: bool = False,
    ) -> list[ArchiveResult]:
        """Move whole shifts older than the retention window into archive files.

        Archives keep the journal's exact fields: their hashes cover them.
        """
        return self._records.archive_old_shifts(
            folder, now=now, keep_days=keep_days, dry_run=dry_run
        )

    @guarded(Action.ARCHIVE_IMPORT)
    def import_archive(self, path: Path) -> ArchiveResult:
        """Bring an archived shift back into the database."""
        return self._records.import_archive(path)

    @guarded(Action.ARCHIVE_VERIFY)
    def check_archives(self, folder: Path) -> list[tuple[Path, ArchiveCheck]]:
        """Every archive file in ``folder`` with its own check."""
        return self._records.check_archives(folder)
