"""``siaga stress``: many desk processes at once, then the invariants checked.

:func:`run_stress` starts the desks (:mod:`dispatch.stress.desk`), optionally
kills some of them on the way (:mod:`dispatch.stress.driver`), reads what
each was acknowledged (:mod:`dispatch.stress.records`) and checks the
database (:mod:`dispatch.stress.invariants`). See docs/stress.md.
"""

from dispatch.stress.driver import StressConfig, StressResult, run_stress
from dispatch.stress.invariants import Check

__all__ = ["Check", "StressConfig", "StressResult", "run_stress"]
