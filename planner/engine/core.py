"""``compute(plan) -> Results``: the whole engine, vectorised, in one call."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.cross import CrossArrays, cross_table
from planner.engine.inputs import RowArrays, VenueArrays, row_arrays, venue_arrays
from planner.engine.portfolio import bucket_table, complete, plan_totals
from planner.engine.rows import Sized, row_outputs, size_rows
from planner.engine.scenarios import ScenarioCalc, evaluate, scenario_outputs
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
    arrays: CrossArrays | None = field(default=None, repr=False)

    @property
    def outputs(self) -> pd.DataFrame:
        """Only the output columns of ``rows``."""
        return self.rows[list(OUTPUT_KEYS)]


@dataclass(frozen=True)
class _Prepared:
    a: RowArrays
    v: VenueArrays
    z: Sized
    calcs: list[ScenarioCalc]


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
    z = size_rows(a, v, plan.settings, venues)
    return _Prepared(a, v, z, evaluate(plan.scenarios, a, v, z))


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
    out.update(scenario_outputs(p.calcs, p.a, p.z, plan.settings, out["stop_price"]))
    ok = complete({"entry_price": p.a.entry, "volatility_pct": p.a.sigma})
    out["alert_heat"] = ok & (float(np.nansum(p.a.risk_pct[ok])) > plan.settings.heat_cap_pct)
    for key in ALERTS:
        out[key] = np.asarray(out[key], dtype=bool) & ok
    out["alert_count"] = alert_count(out)
    return {k: out[k] for k in OUTPUT_KEYS}


def alert_count(columns: Any) -> np.ndarray:
    """Number of active alerts per row, from the alert flag columns (mapping or frame)."""
    flags = [np.asarray(columns[k], dtype=float) for k in ALERTS]
    return np.sum(flags, axis=0) if len(flags[0]) else np.zeros(0)


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
    rows = _frame(plan.trades, output_columns(plan, p))
    return _aggregate(rows, plan.settings, CrossArrays.build(p.calcs, p.a, p.z))


def _frame(trades: pd.DataFrame, columns: dict[str, Any]) -> pd.DataFrame:
    """Build the rows frame in one go, keeping the trades' column dtypes."""
    frame = pd.DataFrame({k: v for k, v in columns.items() if k not in trades.columns},
                         index=pd.RangeIndex(len(trades)))
    return pd.concat([trades.reset_index(drop=True), frame], axis=1)


def _aggregate(rows: pd.DataFrame, settings: Settings, arrays: CrossArrays) -> Results:
    return Results(rows=rows, buckets=bucket_table(rows, settings),
                   totals=plan_totals(rows, settings), cross=cross_table(arrays, settings),
                   settings=settings, arrays=arrays)


def update(plan: Plan, previous: Results | None, changed_rows: Sequence[int]) -> Results:
    """Recompute after the inputs of some rows changed; everything else is reused.

    Only ``changed_rows`` go through the row formulas; the plan-level heat alert, the bucket
    table, the totals and the cross view are then rebuilt from cached arrays. Falls back to
    :func:`compute` when the row count, settings or scenarios changed, or most rows changed.

    Args:
        plan: The plan after the edit.
        previous: The results before the edit (``None`` = compute from scratch).
        changed_rows: Positions of the rows whose inputs changed.

    Returns:
        Results equal to ``compute(plan)``.
    """
    idx = np.unique(np.asarray(list(changed_rows), dtype=np.intp))
    if (previous is None or previous.arrays is None or previous.settings != plan.settings
            or len(previous.rows) != len(plan.trades) or len(idx) * 4 > len(plan.trades)
            or previous.arrays.names != tuple(s.name for s in plan.scenarios)):
        return compute(plan)
    part = plan.with_changes(trades=plan.trades.iloc[idx].reset_index(drop=True))
    p = _prepare(part)
    outputs = output_columns(part, p)
    columns: dict[str, Any] = {k: plan.trades[k].to_numpy() for k in plan.trades.columns}
    for key, values in outputs.items():
        col = previous.rows[key].to_numpy(copy=True)
        col[idx] = values
        columns[key] = col
    ok = complete(columns)
    heat = float(np.nansum(np.asarray(columns["risk_pct"], dtype=float)[ok]))
    columns["alert_heat"] = ok & (heat > plan.settings.heat_cap_pct)
    columns["alert_count"] = alert_count(columns)
    rows = _frame(plan.trades, columns)
    arrays = previous.arrays.patched(idx, CrossArrays.build(p.calcs, p.a, p.z))
    return _aggregate(rows, plan.settings, arrays)


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
