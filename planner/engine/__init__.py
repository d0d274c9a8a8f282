"""The vectorised engine: sizing, margin, liquidation, scenarios, portfolio, cross margin."""

from planner.engine.core import Results, check_plan, compute, update
from planner.engine.margin import liquidation_price
from planner.engine.probability import touch_probability

__all__ = ["Results", "check_plan", "compute", "liquidation_price", "touch_probability", "update"]
