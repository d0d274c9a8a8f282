"""``compute(plan) -> Results``: the whole engine, vectorised, in one call."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.engine.blocks import OutputBlocks
from planner.engine.chunks import row_slices, run_chunks
from planner.engine.cross import CrossArrays, cross_sums, cross_table
from planner.engine.history import Resolved, resolved
from planner.engine.inputs import (
    RowArrays,
    VenueArrays,
    input_columns,
    row_arrays,
    venue_arrays,
)
from planner.engine.markets import Markets, markets_of
from planner.engine.portfolio import AGG_KEYS, Partial, bucket_table, complete, plan_totals
from planner.engine.rows import Sized, row_outputs, size_rows
from planner.engine.scenarios import ScenarioCalc, evaluate, scenario_outputs
from planner.errors import CellIssue, PlanError
from planner.model import SCENARIO_NAMES, Plan, Scenario, Settings, SymbolFacts, VenueProfile
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
        arrays: Per-row arrays kept for :func:`update` and the cross view.
        scenarios: The scenarios the numbers were computed with.
        venues: The venue profiles the numbers were computed with.
        cache: What :func:`update` reuses.
        history: The history snapshot the numbers were computed with.
    """

    rows: pd.DataFrame
    buckets: pd.DataFrame
    totals: dict[str, Any]
    cross: pd.DataFrame
    settings: Settings
    arrays: CrossArrays | None = field(default=None, repr=False)
    scenarios: tuple[Scenario, ...] = ()
    venues: dict[str, VenueProfile] = field(default_factory=dict, repr=False)
    cache: _Cache | None = field(default=None, repr=False)
    history: tuple[SymbolFacts, ...] = field(default=(), repr=False)

    @property
    def outputs(self) -> pd.DataFrame:
        """Only the output columns of ``rows``."""
        return self.rows[list(OUTPUT_KEYS)]


@dataclass(frozen=True)
class _Cache:
    """What :func:`update` reuses: the output blocks, the sums and the heat flag."""

    blocks: OutputBlocks
    partial: Partial
    sums: np.ndarray
    heat_over: bool


@dataclass(frozen=True)
class _Prepared:
    a: RowArrays
    v: VenueArrays
    z: Sized
    calcs: list[ScenarioCalc]


def _check_venues(plan: Plan, codes: np.ndarray) -> None:
    """Refuse rows whose venue is not one of the plan's profiles (code −1)."""
    unknown = np.flatnonzero(codes < 0)
    if len(unknown):
        venue = column("venue").header
        raise PlanError([
            CellIssue("Plan", sheet_row_numbers(plan)[i], venue, f"unknown venue profile "
                      f"{plan.trades['venue'].iat[i] or plan.settings.default_venue!r}")
            for i in unknown[:20]])


def _evaluate(plan: Plan, a: RowArrays, markets: Markets) -> _Prepared:
    v = venue_arrays(a.market_code, markets)
    z = size_rows(a, v, plan.settings, markets.tiers)
    scenarios = tuple(plan.scenario(n) for n in SCENARIO_NAMES)
    return _Prepared(a, v, z, evaluate(scenarios, a, v, z))


def sheet_row_numbers(plan: Plan) -> list[int]:
    """Spreadsheet row number of each trade: as read from the file, else ``index + 2``."""
    rows = plan.sheet_rows
    if rows is not None and len(rows) == len(plan.trades):
        return list(rows)
    return list(range(2, len(plan.trades) + 2))


def heat_over_cap(trades: pd.DataFrame, settings: Settings) -> bool:
    """True when the plan's heat (Σ risk % of the complete rows) is above the heat cap.

    A blank risk counts as its default, 1 %.
    """
    risk = trades["risk_pct"].to_numpy(dtype=float, na_value=np.nan)
    ok = complete(trades)
    if not ok.all():
        risk = risk[ok]
    blank = np.isnan(risk)
    return float(np.nansum(risk)) + float(np.count_nonzero(blank)) > settings.heat_cap_pct


ALERTS_FIRST = next(iter(ALERTS))


def output_columns(plan: Plan, p: _Prepared, heat_over: bool) -> dict[str, np.ndarray]:
    """All per-row output arrays (schema keys) of the rows in ``p``, alerts included.

    Args:
        plan: The plan (settings and scenarios).
        p: The evaluated rows (all of the plan's or a chunk of them).
        heat_over: Whether the whole plan's heat is above the cap (see :func:`heat_over_cap`).
    """
    out: dict[str, np.ndarray] = dict(
        row_outputs(p.a, p.v, p.z, plan.settings, plan.scenario("stressed")))
    out.update(scenario_outputs(p.calcs, p.a, p.z, plan.settings, out["stop_price"]))
    ok = complete({"entry_price": p.a.entry, "volatility_pct": p.a.sigma})
    out["alert_heat"] = ok if heat_over else np.zeros(len(ok), dtype=bool)
    if not ok.all():  # drafts get no alerts
        for key in ALERTS:
            out[key] = np.asarray(out[key], dtype=bool) & ok
    out["alert_count"] = alert_count(out)
    return out


def vol_columns(cols: Mapping[str, np.ndarray], res: Resolved, rows: Any,
                a: RowArrays) -> dict[str, np.ndarray]:
    """``coin``, ``vol_used_pct`` (σ as used, %), ``vol_source`` and ``tail_used`` of rows.

    ``rows`` is a slice or an index array of the plan's rows.
    """
    return {"coin": a.coin, "vol_used_pct": cols["volatility_pct"],
            "vol_source": res.source[rows], "tail_used": res.tail_used[rows]}


def alert_count(columns: Any) -> np.ndarray:
    """Number of active alerts per row, from the alert flag columns (mapping or frame)."""
    count = np.zeros(len(columns[ALERTS_FIRST]))
    for key in ALERTS:
        count += np.asarray(columns[key], dtype=bool)
    return count


def compute(plan: Plan) -> Results:
    """Compute every output of the plan (SPEC §4–6).

    Rows are evaluated in chunks (see :mod:`planner.engine.chunks`) straight into the output
    blocks; the aggregates then read the finished columns.

    Args:
        plan: A validated plan (see :func:`planner.load_plan`).

    Returns:
        The per-row results, bucket table, plan totals and isolated-vs-cross table.

    Raises:
        PlanError: A row names a venue profile the plan does not have.
    """
    res = resolved(plan)
    trades = res.trades
    cols = input_columns(trades) | res.extra
    n, markets = len(plan.trades), markets_of(list(plan.venues.values()))
    blocks = OutputBlocks(n)
    cross = CrossArrays.over(blocks, cols["entry_price"])
    venue_codes = np.empty(n, dtype=np.intp)
    sums: dict[int, tuple[Partial, np.ndarray]] = {}  # by first row: merged in row order
    heat_over = heat_over_cap(trades, plan.settings)

    def work(rows: slice) -> None:
        part = {k: v[rows] for k, v in cols.items()}
        a = row_arrays(part, plan.settings, markets, res.tails)
        venue_codes[rows] = a.venue_code
        if (a.venue_code >= 0).all():  # else refused below, once every chunk is done
            p = _evaluate(plan, a, markets)
            out = output_columns(plan, p, heat_over) | vol_columns(part, res, rows, a)
            blocks.write(rows, out)
            cross.fill_own(rows, p.calcs, a, p.z)
            sums[rows.start] = (Partial.of(part | out), cross_sums(cross, rows))

    run_chunks(work, row_slices(n))
    _check_venues(plan, venue_codes)
    ordered = [sums[k] for k in sorted(sums)]
    return _aggregate(plan, cross, _Cache(blocks, Partial.merge([p for p, _ in ordered]),
                                          np.sum([c for _, c in ordered], axis=0), heat_over))


def _aggregate(plan: Plan, arrays: CrossArrays, cache: _Cache) -> Results:
    settings = plan.settings
    return Results(rows=cache.blocks.frame(plan.trades),
                   buckets=bucket_table(cache.partial, settings),
                   totals=plan_totals(cache.partial, settings),
                   cross=cross_table(cache.sums, arrays.names, settings),
                   settings=settings, arrays=arrays, scenarios=plan.scenarios,
                   venues=plan.venues, cache=cache, history=plan.history)


def update(plan: Plan, previous: Results | None, changed_rows: Sequence[int]) -> Results:
    """Recompute after the inputs of some rows changed; everything else is reused.

    Only ``changed_rows`` go through the row formulas; the plan-level heat alert, the bucket
    table, the totals and the cross view are then rebuilt from cached arrays. Falls back to
    :func:`compute` when the row count, settings, scenarios or venue profiles changed, or most
    rows changed.

    Args:
        plan: The plan after the edit.
        previous: The results before the edit (``None`` = compute from scratch).
        changed_rows: Positions of the rows whose inputs changed.

    Returns:
        Results equal to ``compute(plan)``.
    """
    idx = np.unique(np.asarray(list(changed_rows), dtype=np.intp))
    if (previous is None or previous.arrays is None or previous.cache is None
            or previous.settings != plan.settings
            or previous.scenarios != plan.scenarios or previous.venues != plan.venues
            or previous.history != plan.history
            or len(previous.rows) != len(plan.trades) or len(idx) * 4 > len(plan.trades)):
        return compute(plan)
    res = resolved(plan)
    trades = res.trades
    part = plan.with_changes(trades=trades.iloc[idx].reset_index(drop=True))
    markets = markets_of(list(plan.venues.values()))
    part_cols = input_columns(part.trades) | {k: v[idx] for k, v in res.extra.items()}
    a = row_arrays(part_cols, plan.settings, markets, res.tails)
    codes = np.zeros(len(plan.trades), dtype=np.intp)
    codes[idx] = a.venue_code
    _check_venues(plan, codes)
    p = _evaluate(part, a, markets)
    heat_over = heat_over_cap(trades, plan.settings)
    old = previous.cache
    blocks = old.blocks.copy()
    old_rows = _partial_columns(previous.rows, blocks, idx)
    new = output_columns(part, p, heat_over) | vol_columns(part_cols, res, idx, a)
    blocks.write(idx, new)
    ok = complete(trades)
    if heat_over != old.heat_over:
        blocks.column("alert_heat")[:] = ok & heat_over
        blocks.column("alert_count")[:] = alert_count({k: blocks.column(k) for k in ALERTS})
    changed = CrossArrays.build(p.calcs, p.a, p.z)
    arrays = previous.arrays.patched(idx, changed)
    partial = None if heat_over != old.heat_over else old.partial.replaced(
        Partial.of(old_rows), Partial.of(_columns_of(part.trades) | new),
        _worst_tail(blocks.column("pnl_tail_usd"), ok))
    sums = old.sums - cross_sums(previous.arrays.take(idx)) + cross_sums(changed)
    if partial is None:
        partial = Partial.of(blocks.frame(trades))  # σ as resolved, for the drafts rule
    return _aggregate(plan, arrays, _Cache(blocks, partial, sums, heat_over))


#: The input columns :meth:`Partial.of` reads.
_PARTIAL_INPUTS = ("bucket", "entry_price", "volatility_pct", "risk_pct")
_PARTIAL_OUTPUTS = (*AGG_KEYS[1:], "alert_count", "pnl_tail_usd")


def _columns_of(trades: pd.DataFrame) -> dict[str, np.ndarray]:
    return {k: trades[k].to_numpy() for k in _PARTIAL_INPUTS}


def _partial_columns(rows: pd.DataFrame, blocks: OutputBlocks,
                     idx: np.ndarray) -> dict[str, np.ndarray]:
    """The columns :meth:`Partial.of` reads, for rows ``idx`` of a result (before an edit)."""
    out = {k: rows[k].to_numpy()[idx] for k in _PARTIAL_INPUTS}
    out["volatility_pct"] = blocks.column("vol_used_pct")[idx]  # the σ it was computed with
    return out | {k: blocks.column(k)[idx] for k in _PARTIAL_OUTPUTS}


def _worst_tail(pnl_tail: np.ndarray, ok: np.ndarray) -> float:
    values = pnl_tail if ok.all() else pnl_tail[ok]
    return float(np.fmin.reduce(values)) if len(values) else float("nan")


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
        symbol = rows["instrument"].iat[i]
        market = plan.venues[venue].instrument(symbol) if symbol else None
        tiers = (market or plan.venues[venue]).tiers
        notional = rows["notional_usd"].iat[i]
        issues.append(CellIssue(
            "Plan", sheet_rows[i], column("leverage").header,
            f"leverage {lev:g}x is above the {tier:g}x maximum of {venue}"
            f"{' ' + symbol if symbol else ''}'s tier for a "
            f"notional of {notional:,.0f} USD"
            + (" (the notional is beyond the venue's largest tier)"
               if notional > max(t.max_notional_usd for t in tiers) else "")))
    return issues
