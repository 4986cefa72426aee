"""Time targets the reports measure against, read from the catalogue.

NENA-STA-020.1: 90 % of calls answered within 15 s. NFPA 1225: alarm
processing (answer to dispatch) within 60 s for the highest priority, 90 s
where questioning is needed. Travel and on-scene targets per priority are the
region's choice. The values live in the catalogue (``targets.toml``), which
validates them when it loads.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from dispatch.enums import Priority

#: Share of calls that must be answered within the answer target (NENA).
ANSWER_TARGET_SHARE = 0.90


@dataclass(frozen=True)
class PriorityTarget:
    """Targets (seconds) of one priority."""

    dispatch_s: int
    on_scene_s: int


@dataclass(frozen=True)
class Targets:
    """All targets a report compares against."""

    answer_s: int
    by_priority: dict[str, PriorityTarget]
    source: str

    def for_priority(self, priority: str) -> PriorityTarget | None:
        """Targets of ``priority`` (``None`` for an unknown priority)."""
        return self.by_priority.get(priority)


@cache
def load_targets() -> Targets:
    """The catalogue's targets (``targets.toml``)."""
    from dispatch.catalogue import get_catalogue

    catalogue = get_catalogue()
    return Targets(
        answer_s=int(catalogue.answer_target_s),
        by_priority={
            p.value: PriorityTarget(
                catalogue.targets(p).dispatch_target_s,
                catalogue.targets(p).on_scene_target_s,
            )
            for p in Priority
        },
        source="catalogue",
    )
