"""Record services: reports, exports, archives and the shift log.

What a center is accountable for, read through the same door as everything
else: shift figures, the handover and period reports, the filtered shift log,
journal and archive verification, EIDO and shift exports (masked unless the
caller of :meth:`RecordService.export_eido` asks for the full data — the
facade lets only a supervisor do so and journals it), and archiving.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

from sqlalchemy.orm import Session

from dispatch import journal
from dispatch.errors import InvalidInput, NotFound
from dispatch.services.base import ServiceBase

if TYPE_CHECKING:
    from dispatch.archive import ArchiveCheck, ArchiveResult
    from dispatch.archive_verify import FullVerify
    from dispatch.reports.figures import ShiftFigures
    from dispatch.reports.followup import FollowUpTargets
    from dispatch.reports.handover import HandoverReport
    from dispatch.reports.period import PeriodReport
    from dispatch.reports.shiftlog import LogEntry, LogFilter
    from dispatch.reports.window import ShiftWindow

T = TypeVar("T")


class RecordService(ServiceBase):
    """Reports, exports and archives read the database through here."""

    def run_read(self, work: Callable[[Session], T]) -> T:
        """Run ``work`` in a read session (inside dispatch only: reports, tests)."""
        with self._read() as session:
            return work(session)

    def _as_of(self, window: ShiftWindow, as_of: datetime | None) -> datetime:
        return as_of or min(self.clock.now(), window.end)

    # -- reports -------------------------------------------------------------------

    def shift_figures(
        self, window: ShiftWindow, *, as_of: datetime | None = None
    ) -> ShiftFigures:
        """The figures of ``window`` (``as_of`` defaults to now, capped at its end)."""
        from dispatch.reports.figures import shift_figures

        when = self._as_of(window, as_of)
        overdue_s = self.settings.handoff_escalation_seconds
        return self.run_read(
            lambda s: shift_figures(s, window, as_of=when, handoff_overdue_s=overdue_s)
        )

    def handover(
        self, window: ShiftWindow, *, as_of: datetime | None = None
    ) -> HandoverReport:
        """The handover report of ``window``.

        Hand-offs count as overdue past ``handoff_escalation_seconds``;
        referrals past their agency's target in the region pack.
        """
        from dispatch.reports.handover import build_handover

        when = self._as_of(window, as_of)
        overdue_s = self.settings.handoff_escalation_seconds
        follow = self._followup_targets()
        return self.run_read(
            lambda s: build_handover(
                s,
                window,
                as_of=when,
                handoff_overdue_s=overdue_s,
                followup_targets=follow,
            )
        )

    def period_report(self, first: date, last: date) -> PeriodReport:
        """The period (monthly) report from ``first`` to ``last``."""
        from dispatch.reports.period import build_period

        follow = self._followup_targets()
        return self.run_read(
            lambda s: build_period(
                s, first, last, settings=self.settings, followup_targets=follow
            )
        )

    def _followup_targets(self) -> FollowUpTargets:
        from dispatch.reports.followup import FollowUpTargets

        return FollowUpTargets.of(self.pack, self.settings)

    def shift_log(
        self,
        window: ShiftWindow | None,
        flt: LogFilter | None = None,
        *,
        after_id: int = 0,
        limit: int | None = None,
    ) -> list[LogEntry]:
        """The journal through ``window``, filtered."""
        from dispatch.reports.shiftlog import log_entries

        return self.run_read(
            lambda s: log_entries(s, window, flt, after_id=after_id, limit=limit)
        )

    # -- verification --------------------------------------------------------------

    def verify_journal(self) -> journal.VerifyReport:
        """Check the online hash chain."""
        return self.run_read(journal.verify_chain)

    def verify_everything(self, folder: Path) -> FullVerify:
        """Check the archives in ``folder``, their links and the online chain."""
        from dispatch.archive_verify import verify_all

        return self.run_read(lambda s: verify_all(s, folder))

    @staticmethod
    def check_archives(folder: Path) -> list[tuple[Path, ArchiveCheck]]:
        """Every archive file in ``folder`` with its own check."""
        from dispatch.archive import archive_files, check_archive

        return [(path, check_archive(path)) for path in archive_files(folder)]

    # -- exports -------------------------------------------------------------------

    def export_eido(
        self, incident: int | str, *, domain: str, full: bool, validate: bool
    ) -> dict[str, Any]:
        """The EIDO of one incident; callers masked unless ``full``.

        With ``validate`` an EIDO that fails the JSON Schema is refused.
        """
        from dispatch.exports.eido import incident_eido
        from dispatch.exports.eido_check import validate_eido

        eido = self.run_read(
            lambda s: incident_eido(
                s,
                incident,
                domain=domain,
                zone=self.settings.zone,
                full=full,
                services={a.code: a.service for a in self.pack.agencies},
            )
        )
        problems = validate_eido(eido) if validate else []
        if problems:
            raise InvalidInput(
                f"EIDO of {incident} does not validate: " + "; ".join(problems[:5])
            )
        return eido

    def export_shift(self, window: ShiftWindow, out: IO[str], *, full: bool) -> int:
        """Write the shift as JSON Lines to ``out``; callers masked unless ``full``."""
        from dispatch.exports.shift import write_shift_jsonl

        return self.run_read(lambda s: write_shift_jsonl(s, window, out, full=full))

    def export_referrals(
        self,
        referral_ids: tuple[int, ...],
        window: ShiftWindow | None,
        *,
        fmt: str,
        full: bool,
    ) -> tuple[int, str]:
        """Referral form records (JSON or CSV): the named ones, then the window's."""
        from dispatch.exports.referral_form import (
            forms_between,
            forms_csv,
            forms_json,
            referral_form,
        )

        zone = self.settings.zone

        def gather(session: Session) -> list[Any]:
            forms = [
                referral_form(session, rid, zone=zone, allow_contact=full)
                for rid in referral_ids
            ]
            if window is not None:
                forms += forms_between(
                    session, window.start, window.end, zone=zone, allow_contact=full
                )
            return forms

        try:
            forms = self.run_read(gather)
        except LookupError as exc:
            raise NotFound(str(exc)) from exc
        return len(forms), forms_json(forms) if fmt == "json" else forms_csv(forms)

    def journal_full_export(self, what: str, subject: str) -> None:
        """Record, in its own transaction, that unmasked data is leaving."""
        with self._write() as session:
            self._event(session, "export.unmasked", export=what, subject=subject)

    # -- archives ------------------------------------------------------------------

    def archive_old_shifts(
        self,
        folder: Path,
        *,
        now: datetime | None = None,
        keep_days: int | None = None,
        dry_run: bool = False,
    ) -> list[ArchiveResult]:
        """Move whole shifts older than the retention window into archive files."""
        from dispatch.archive import archive_old_shifts

        return archive_old_shifts(
            self.engine,
            self.settings,
            folder,
            now=now or self.clock.now(),
            keep_days=keep_days,
            dry_run=dry_run,
        )

    def import_archive(self, path: Path) -> ArchiveResult:
        """Bring an archived shift back into the database."""
        from dispatch.archive import import_archive

        return import_archive(self.engine, path)
