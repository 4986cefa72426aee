"""Incidents, units and recommendations: the board's actions.

A mixin of :class:`~dispatch.services.facade.DispatchService`: each method
is guarded by its action (:func:`~dispatch.services.guard.guarded`) and
hands the work to the service of its noun.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dispatch.access import Action
from dispatch.enums import (
    UnitStatus,
)
from dispatch.schemas import (
    AssignmentView,
    IncidentDetail,
    NarrativeView,
    RecommendationView,
    SurgePlan,
    SurgeResult,
    UnitView,
)

if TYPE_CHECKING:
    pass

from dispatch.services.guard import FacadeCore, guarded


class DispatchingActions(FacadeCore):
    """Incidents, units and recommendations: the board's actions."""

    # -- incidents ---------------------------------------------------------------

    @guarded(Action.INCIDENT_NOTE)
    def add_note(
        self,
        incident_id: int | str,
        text: str,
        *,
        corrects: int | None = None,
        idempotency_key: str | None = None,
    ) -> NarrativeView:
        """Append a narrative entry; a correction references the entry it corrects."""
        return self._uow.run(
            idempotency_key,
            Action.INCIDENT_NOTE.value,
            NarrativeView,
            lambda: self._incidents.add_note(incident_id, text, corrects=corrects),
        )

    @guarded(Action.INCIDENT_CLOSE)
    def close_incident(
        self,
        incident_id: int | str,
        disposition: str,
        note: str | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> IncidentDetail:
        """Close with a catalogue disposition; units still working are cleared."""
        return self._uow.run(
            idempotency_key,
            Action.INCIDENT_CLOSE.value,
            IncidentDetail,
            lambda: self._incidents.close_incident(incident_id, disposition, note),
        )

    @guarded(Action.INCIDENT_CANCEL)
    def cancel_incident(
        self, incident_id: int | str, reason: str, *, idempotency_key: str | None = None
    ) -> IncidentDetail:
        """Cancel an incident (a reason is required); its units are released."""
        return self._uow.run(
            idempotency_key,
            Action.INCIDENT_CANCEL.value,
            IncidentDetail,
            lambda: self._incidents.cancel_incident(incident_id, reason),
        )

    # -- units -------------------------------------------------------------------

    @guarded(Action.UNIT_ASSIGN)
    def assign_unit(
        self,
        incident_id: int | str,
        callsign: str,
        *,
        eta_seconds: float | None = None,
        preempt: bool = False,
        reason: str | None = None,
        idempotency_key: str | None = None,
    ) -> AssignmentView:
        """Send a unit to an incident, atomically; pre-empt only when asked."""
        return self._uow.run(
            idempotency_key,
            Action.UNIT_ASSIGN.value,
            AssignmentView,
            lambda: self._units.assign_unit(
                incident_id,
                callsign,
                eta_seconds=eta_seconds,
                preempt=preempt,
                reason=reason,
            ),
        )

    @guarded(Action.UNIT_RELEASE)
    def release_unit(
        self,
        incident_id: int | str,
        callsign: str,
        reason: str,
        *,
        idempotency_key: str | None = None,
    ) -> AssignmentView:
        """Recall a unit from an incident before it finished (it becomes available)."""
        return self._uow.run(
            idempotency_key,
            Action.UNIT_RELEASE.value,
            AssignmentView,
            lambda: self._units.release_unit(incident_id, callsign, reason),
        )

    @guarded(Action.ASSIGNMENT_ACKNOWLEDGE)
    def acknowledge_assignment(
        self, callsign: str, *, idempotency_key: str | None = None
    ) -> AssignmentView:
        """The unit confirms it received its assignment."""
        return self._uow.run(
            idempotency_key,
            Action.ASSIGNMENT_ACKNOWLEDGE.value,
            AssignmentView,
            lambda: self._units.acknowledge_assignment(callsign),
        )

    @guarded(Action.UNIT_REPORT_STATUS)
    def report_status(
        self,
        callsign: str,
        status: UnitStatus | str,
        *,
        lat: float | None = None,
        lon: float | None = None,
        idempotency_key: str | None = None,
    ) -> UnitView:
        """A unit reports a new status; its assignment and incident follow."""
        return self._uow.run(
            idempotency_key,
            Action.UNIT_REPORT_STATUS.value,
            UnitView,
            lambda: self._units.report_status(callsign, status, lat=lat, lon=lon),
        )

    @guarded(Action.UNIT_REPORT_POSITION)
    def report_position(
        self,
        callsign: str,
        lat: float,
        lon: float,
        *,
        idempotency_key: str | None = None,
    ) -> UnitView:
        """Automatic vehicle location: the unit's last known position."""
        return self._uow.run(
            idempotency_key,
            Action.UNIT_REPORT_POSITION.value,
            UnitView,
            lambda: self._units.report_position(callsign, lat, lon),
        )

    # -- recommendations ---------------------------------------------------------

    @guarded(Action.INCIDENT_RECOMMEND)
    def recommend(self, incident_id: int | str) -> RecommendationView:
        """The units the engine recommends for an incident, each with ETA and reason."""
        return self._recommendations.recommend(incident_id)

    @guarded(Action.INCIDENT_ACCEPT_RECOMMENDATION)
    def accept_recommendation(
        self,
        incident_id: int | str,
        callsigns: list[str] | None = None,
        *,
        idempotency_key: str | None = None,
    ) -> list[AssignmentView]:
        """Assign the recommended units (or the chosen subset) in one transaction."""
        return self._uow.run(
            idempotency_key,
            Action.INCIDENT_ACCEPT_RECOMMENDATION.value,
            list[AssignmentView],
            lambda: self._recommendations.accept_recommendation(incident_id, callsigns),
        )

    @guarded(Action.INCIDENT_RECOMMEND)
    def unit_etas(self, incident_id: int | str) -> dict[str, float]:
        """Every placed unit's estimated arrival at the incident (the manual pick)."""
        return self._recommendations.unit_etas(incident_id)

    @guarded(Action.INCIDENT_RECOMMEND)
    def surge_plan(self) -> SurgePlan:
        """What accepting every recommendation across the queue would assign."""
        return self._surge.surge_plan()

    @guarded(Action.QUEUE_SURGE)
    def commit_surge(self, plan: SurgePlan) -> SurgeResult:
        """Assign a surge plan, one transaction per incident (all or none of it)."""
        return self._surge.commit_surge(plan)
