"""Incident services: annotate, close and cancel an incident."""

from __future__ import annotations

from dispatch import triage_bridge
from dispatch.enums import AssignmentStatus, IncidentStatus
from dispatch.errors import InvalidInput, NotFound
from dispatch.models import NarrativeEntry
from dispatch.schemas import IncidentDetail, NarrativeView
from dispatch.services.lifecycle import LifecycleSteps, _note
from dispatch.services.views import incident_detail


class IncidentService(LifecycleSteps):
    """Everything that changes an incident after it exists (but its units)."""

    def add_note(
        self, incident_id: int | str, text: str, *, corrects: int | None = None
    ) -> NarrativeView:
        """Append a narrative entry; a correction references the entry it corrects."""
        cleaned = _note(text, field="note")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            if corrects is not None:
                old = session.get(NarrativeEntry, corrects)
                if old is None or old.incident_id != incident.id:
                    raise NotFound(f"There is no note {corrects} on this incident.")
            entry = NarrativeEntry(
                incident_id=incident.id,
                at=self.clock.now(),
                author=self.actor.operator,
                text=cleaned,
                corrects_id=corrects,
            )
            session.add(entry)
            session.flush()
            self._event(
                session,
                "incident.noted",
                incident_id=incident.id,
                entry_id=entry.id,
                corrects=corrects,
                text=cleaned,
            )
            return NarrativeView.model_validate(entry)

    def close_incident(
        self, incident_id: int | str, disposition: str, note: str | None = None
    ) -> IncidentDetail:
        """Close with a catalogue disposition; units still working are cleared."""
        if not triage_bridge.is_disposition(disposition):
            raise InvalidInput(
                f"Unknown disposition {disposition!r}.", field="disposition"
            )
        text = _note(note, field="note") if note else None
        with self._write() as session:
            incident = self._incident(session, incident_id)
            self._require_open(incident)
            self._clear_all(session, incident, AssignmentStatus.CLEARED)
            self._move_incident(incident, IncidentStatus.CLOSED)
            incident.disposition = disposition
            incident.closed_at = self.clock.now()
            if text:
                session.add(
                    NarrativeEntry(
                        incident_id=incident.id,
                        at=incident.closed_at,
                        author=self.actor.operator,
                        text=text,
                    )
                )
            self._event(
                session,
                "incident.closed",
                incident_id=incident.id,
                number=incident.number,
                disposition=disposition,
                note=text,
            )
            session.flush()
            return incident_detail(session, incident)

    def cancel_incident(self, incident_id: int | str, reason: str) -> IncidentDetail:
        """Cancel an incident (a reason is required); its units are released."""
        text = _note(reason, field="reason")
        with self._write() as session:
            incident = self._incident(session, incident_id)
            self._require_open(incident)
            self._clear_all(session, incident, AssignmentStatus.CANCELLED)
            self._move_incident(incident, IncidentStatus.CANCELLED)
            incident.cancel_reason = text
            incident.closed_at = self.clock.now()
            self._event(
                session,
                "incident.cancelled",
                incident_id=incident.id,
                number=incident.number,
                reason=text,
            )
            session.flush()
            return incident_detail(session, incident)
