"""Call intake: the call taker's screen, split by job.

- :mod:`.screen` — :class:`IntakeScreen`: what each key does, the outcome keys
- :mod:`.base` — its state, layout, and the work typing starts (workers)
- :mod:`.form` — the fields in Tab order and the :class:`FormData` snapshot
- :mod:`.outcomes` — what an outcome key asks the engine for
- :mod:`.caller` — the caller's prank/silent history flag
- :mod:`.duplicates` — the possible-duplicates list
- :mod:`.drafts` — unfinished calls offered back in a banner
- :mod:`.messages` — what the workers post back
"""

from console.screens.intake.form import FormData, IntakeForm
from console.screens.intake.screen import IntakeScreen

__all__ = ["FormData", "IntakeForm", "IntakeScreen"]
