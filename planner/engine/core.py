"""``compute(plan) -> Results``: the whole engine, vectorised, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.cross import cross_table
from planner.engine.inputs import RowArrays, VenueArrays, row_arrays, venue_arrays
from planner.engine.portfolio import bucket_table, plan_totals
from planner.engine.rows import Sized, row_outputs, size_rows
from planner.engine.scenarios import scenario_outputs
from planner.errors import CellIssue, PlanError
from planner.model import Plan, Settings
from planner.schema import ALERTS, OUTPUT_KEYS, column


@dataclass(frozen=True, eq=False)
class Results:
    """What the engine computed for a plan.

    Attributes:
        rows: One row per trade: the input columns followed by every output column of the
            schema (same order and index as ``plan.trades``).
        buckets: One row per bucket (see ``planner.engine.portfolio.BUCKET_KEYS``).
        totals: Plan totals as a flat dict of plain numbers.
        cross: Isolated vs cross, one row per scenario and direction.
        settings: The settings the numbers were computed with.
    """

    rows: pd.DataFrame
    buckets: pd.DataFrame
    totals: dict[str, Any]
    cross: pd.DataFrame
    settings: Settings

    @property
    def outputs(self) -> pd.DataFrame:
        """Only the output columns of ``rows``."""
        return self.rows[list(OUTPUT_KEYS)]


@dataclass(frozen=True)
class _Prepared:
    a: RowArrays
    v: VenueArrays
    z: Sized


def _prepare(plan: Plan) -> _Prepared:
    names = list(plan.venues)
    a = row_arrays(plan.trades, plan.settings, names)
    unknown = np.flatnonzero(a.venue_code < 0)
    if len(unknown):
        venue = column("venue").header
        raise PlanError([
            CellIssue("Plan", sheet_row_numbers(plan)[i], venue, f"unknown venue profile "
                      f"{plan.trades['venue'].iat[i] or plan.settings.default_venue!r}")
            for i in unknown[:20]])
    venues = list(plan.venues.values())
    v = venue_arrays(a.venue_code, venues)
    return _Prepared(a, v, size_rows(a, v, plan.settings, venues))


def sheet_row_numbers(plan: Plan) -> list[int]:
    """Spreadsheet row number of each trade: as read from the file, else ``index + 2``."""
    rows = plan.trades.attrs.get("sheet_rows")
    if rows is not None and len(rows) == len(plan.trades):
        return [int(r) for r in rows]
    return list(range(2, len(plan.trades) + 2))


def output_columns(plan: Plan, p: _Prepared | None = None) -> dict[str, np.ndarray]:
    """All per-row output arrays (schema keys), heat alert and alert count included."""
    p = p or _prepare(plan)
    out: dict[str, np.ndarray] = dict(
        row_outputs(p.a, p.v, p.z, plan.settings, plan.scenario("stressed")))
    out.update(scenario_outputs(plan.scenarios, p.a, p.v, p.z, plan.settings,
                                out["stop_price"]))
    heat = float(np.nansum(p.a.risk_pct))
    out["alert_heat"] = np.full(len(p.a.entry), heat > plan.settings.heat_cap_pct)
    out["alert_count"] = np.sum([out[k] for k in ALERTS], axis=0, dtype=float) \
        if len(p.a.entry) else np.zeros(0)
    return {k: out[k] for k in OUTPUT_KEYS}


def compute(plan: Plan) -> Results:
    """Compute every output of the plan (SPEC §4–6).

    Args:
        plan: A validated plan (see :func:`planner.load_plan`).

    Returns:
        The per-row results, bucket table, plan totals and isolated-vs-cross table.

    Raises:
        PlanError: A row names a venue profile the plan does not have.
    """
    p = _prepare(plan)
    outputs = output_columns(plan, p)
    rows = pd.concat([plan.trades.reset_index(drop=True),
                      pd.DataFrame(outputs, index=pd.RangeIndex(len(plan.trades)))], axis=1)
    return Results(
        rows=rows,
        buckets=bucket_table(rows, plan.settings),
        totals=plan_totals(rows, plan.settings),
        cross=cross_table(plan.scenarios, p.a, p.v, p.z, plan.settings),
        settings=plan.settings,
    )


def check_plan(plan: Plan, results: Results | None = None) -> list[CellIssue]:
    """Rules that need the computed size: leverage above the tier's maximum.

    The grid shows these as alerts while the trader edits; the headless commands refuse a plan
    that has any.

    Returns:
        One issue per offending row (sheet ``Plan``, spreadsheet row, column ``Leverage``).
    """
    r = results or compute(plan)
    rows = r.rows
    sheet_rows = sheet_row_numbers(plan)
    bad = np.flatnonzero(rows["alert_leverage_tier"].to_numpy(dtype=bool))
    issues = []
    for i in bad:
        lev, tier = rows["leverage"].iat[i], rows["tier_max_leverage"].iat[i]
        venue = rows["venue"].iat[i] or plan.settings.default_venue
        notional = rows["notional_usd"].iat[i]
        issues.append(CellIssue(
            "Plan", sheet_rows[i], column("leverage").header,
            f"leverage {lev:g}x is above the {tier:g}x maximum of {venue}'s tier for a "
            f"notional of {notional:,.0f} USD"
            + (" (the notional is beyond the venue's largest tier)"
               if notional > max(t.max_notional_usd for t in plan.venues[venue].tiers) else "")))
    return issues
