"""Isolated-margin trade planner: the domain (no Qt).

Stable public API (see the README):

* :func:`load_plan` / :func:`save_plan` — plan workbooks;
* :func:`compute` — every output of a plan, as :class:`Results`;
* :func:`check_plan` — rules that need the computed size (leverage above the tier maximum);
* :func:`liquidation_price` and :func:`touch_probability` — the two core formulas, on scalars
  or arrays;
* the value objects :class:`Plan`, :class:`Settings`, :class:`Scenario`,
  :class:`VenueProfile`, :class:`Instrument`, :class:`Tier`, and :class:`PlanError`.
"""

from planner.engine import Results, check_plan, compute, liquidation_price, touch_probability
from planner.errors import CellIssue, PlanError
from planner.io import load_plan, save_plan
from planner.model import (
    DEFAULT_SCENARIOS,
    Instrument,
    Plan,
    Scenario,
    Settings,
    Tier,
    VenueProfile,
    base_symbol,
)
from planner.sample import sample_plan
from planner.validate import empty_trades, type_trades
from planner.venues import shipped_venues

__all__ = [
    "DEFAULT_SCENARIOS",
    "CellIssue",
    "Instrument",
    "Plan",
    "PlanError",
    "Results",
    "Scenario",
    "Settings",
    "Tier",
    "VenueProfile",
    "base_symbol",
    "check_plan",
    "compute",
    "empty_trades",
    "liquidation_price",
    "load_plan",
    "sample_plan",
    "save_plan",
    "shipped_venues",
    "touch_probability",
    "type_trades",
]
__version__ = "0.1.0"
