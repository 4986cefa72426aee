"""Journal integrity services: verify against checkpoints, checkpoint, repair."""

from __future__ import annotations

from dispatch import integrity, journal, replay
from dispatch.db import write_session
from dispatch.errors import JournalCorrupt
from dispatch.services.base import ServiceBase
from dispatch.witness import Checkpoint, Witness, WitnessError


class IntegrityService(ServiceBase):
    """What ``siaga log verify``/``checkpoint``/``repair-head`` and reports call."""

    def _witness(self) -> Witness:
        witness = self.ctx.witness
        if witness is None:
            raise WitnessError(
                "An in-memory database has no witness file: nothing to checkpoint."
            )
        return witness

    def verify_anchor(self) -> integrity.Finding:
        """The online journal against the newest signed checkpoint."""
        with self._read() as session:
            return integrity.check_anchor(session, self.ctx.witness)

    def verify_state(self) -> list[integrity.Finding]:
        """Replay the journal against incidents, calls and assignments."""
        with self._read() as session:
            problems = replay.state_problems(session)
        if not problems:
            return [
                integrity.Finding(
                    True,
                    "state: incidents, calls and assignments agree with the journal",
                )
            ]
        return [
            integrity.Finding(False, f"state: {p}") for p in replay.summarise(problems)
        ]

    def checkpoint(self, *, verify: bool = True) -> Checkpoint:
        """Sign the journal's head now and append it to the witness file.

        With ``verify`` the whole online chain is walked first, so a damaged
        journal is never signed; handover reports skip the walk and rely on
        the check that the previous checkpoint still holds.
        """
        witness = self._witness()
        with self._read() as session:
            if verify:
                report = journal.verify_chain(session)
                if report.problem is not None:
                    raise JournalCorrupt(
                        f"Not signing a broken journal: {report.problem.message}.",
                        position=report.problem.position,
                    )
            return integrity.take_checkpoint(session, witness)

    def checkpoint_for_report(self) -> Checkpoint | None:
        """A checkpoint to print in a report (``None``: in-memory, no witness).

        The newest one when it is younger than the checkpoint interval, else a
        new one: the supervisor screen rebuilds the report as it refreshes.
        """
        witness = self.ctx.witness
        if witness is None:
            return None
        with self._read() as session:
            return integrity.take_checkpoint(session, witness, min_age=witness.interval)

    def repair_head(self) -> str:
        """Recreate or move ``journal_head`` to the verified end (journaled)."""
        with write_session(self.engine) as session:
            return integrity.repair_head(
                session,
                self.ctx.witness,
                at=self.clock.now(),
                actor=self.actor.operator,
                terminal=self.actor.terminal,
            )
