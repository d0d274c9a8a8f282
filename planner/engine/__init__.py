"""The vectorised engine: sizing, margin, liquidation, scenarios, portfolio, cross margin.

Importing it tunes glibc's allocator for large arrays (:mod:`planner.engine.memory`).
"""

from planner.engine.core import Results, check_plan, compute, update
from planner.engine.margin import liquidation_price
from planner.engine.memory import tune_allocator
from planner.engine.probability import touch_probability

tune_allocator()

__all__ = ["Results", "check_plan", "compute", "liquidation_price", "touch_probability", "update"]
