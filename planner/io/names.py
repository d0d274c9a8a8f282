"""Defined names of the exported workbook (one rule per sheet, derived from the keys).

* Settings: ``capital_usd`` -> ``Capital``, ``horizon_hours`` -> ``HorizonHours`` (a trailing
  ``_usd`` is dropped);
* Scenarios: ``NormalSigmaMove``, ``StressedMinMovePct``, ``TailGap`` …;
* Venues (one range per column of the tier table): ``VenueName``, ``VenueMmrPct`` …;
* History (one range per column): ``HistorySymbol``, ``HistorySigmaPct`` …;
* Tails: ``TailsHead`` (the header row: ``BTC down``, ``BTC up`` …) and ``TailsData`` (the
  tables under it);
* Plan (one range per column): ``PlanNotionalUsd``, ``PlanPnlTailUsd`` …
"""

from __future__ import annotations


def camel(key: str) -> str:
    """``"funding_interval_hours"`` -> ``"FundingIntervalHours"``."""
    return "".join(part[:1].upper() + part[1:] for part in key.split("_") if part)


def setting_name(key: str) -> str:
    """Defined name of a setting's value cell."""
    return camel(key.removesuffix("_usd"))


def scenario_name(scenario: str, field: str) -> str:
    """Defined name of one scenario parameter, e.g. ``("tail", "gap")`` -> ``TailGap``."""
    return camel(scenario) + camel(field)


def venue_name(key: str) -> str:
    """Defined name of one column of the Venues tier table."""
    return "Venue" + camel(key)


def history_name(key: str) -> str:
    """Defined name of one column of the History sheet (``HistorySigmaPct`` …)."""
    return "History" + camel(key)


def plan_name(key: str) -> str:
    """Defined name of one column of the Plan sheet's rows."""
    return "Plan" + camel(key)


#: The Tails sheet's header row and its tables (SPEC §9, ``tail_model = empirical``).
TAILS_HEAD = "TailsHead"
TAILS_DATA = "TailsData"
#: Cell holding the plan's heat (Σ risk %), used by the heat alert.
TOTAL_HEAT = "TotalHeatPct"
#: Distinct venue profile names, the source of the Venue drop-down.
VENUE_LIST = "VenueList"
