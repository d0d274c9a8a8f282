"""Chart series by bucket and by scenario: scenario P&L, isolated vs cross, allocation.

Plain data (tuples of names, numpy arrays of numbers) that ``ui/charts`` draws as bars. Money in
USD, ``*_pct`` in percent of capital.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from planner.charts.tables import TOTAL_LABEL
from planner.engine.core import Results
from planner.model import SCENARIO_NAMES

F64 = NDArray[np.float64]
#: A reference line (capital) is drawn only when a loss reaches this share of capital.
CAPITAL_LINE_SHARE = 0.5


@dataclass(frozen=True)
class BucketPnl:
    """Scenario P&L by bucket, for grouped bars (the last group is the plan total).

    Attributes:
        groups: Bucket names, then :data:`TOTAL_LABEL`.
        scenarios: Scenario names (bars within a group).
        pnl_usd: P&L, shape ``(groups, scenarios)``, USD.
        liquidations: Rows liquidated, same shape.
        risk_usd: Planned risk (Σ 1R) per group, USD (positive).
        heat_cap_usd: The heat cap as a loss budget, USD (positive).
        capital_usd: Capital C, USD.
        show_capital: Draw the −capital line (a loss reaches :data:`CAPITAL_LINE_SHARE` of C).
    """

    groups: tuple[str, ...]
    scenarios: tuple[str, ...]
    pnl_usd: F64
    liquidations: NDArray[np.int64]
    risk_usd: F64
    heat_cap_usd: float
    capital_usd: float
    show_capital: bool


def _bucket_matrix(results: Results, fmt: str) -> np.ndarray:
    b, t = results.buckets, results.totals
    keys = [fmt.format(n) for n in SCENARIO_NAMES]
    body = b[keys].to_numpy(dtype=float) if len(b) else np.zeros((0, len(keys)))
    return np.vstack([body, [[t[k] for k in keys]]])


def bucket_pnl(results: Results) -> BucketPnl:
    """Scenario P&L per bucket and for the plan (grouped bars)."""
    c = results.settings.capital_usd
    pnl = _bucket_matrix(results, "pnl_{}_usd")
    risk = np.append(results.buckets["risk_usd"].to_numpy(dtype=float),
                     results.totals["risk_usd"])
    return BucketPnl(
        groups=(*map(str, results.buckets["bucket"]), TOTAL_LABEL), scenarios=SCENARIO_NAMES,
        pnl_usd=pnl, liquidations=_bucket_matrix(results, "liquidations_{}").astype(np.int64),
        risk_usd=risk, heat_cap_usd=results.settings.heat_cap_pct / 100.0 * c, capital_usd=c,
        show_capital=bool(pnl.size and pnl.min() <= -CAPITAL_LINE_SHARE * c))


@dataclass(frozen=True)
class CrossPnl:
    """Isolated vs cross P&L per scenario and market direction (bar pairs).

    Attributes:
        scenarios: Scenario name per pair.
        directions: ``down`` or ``up`` per pair.
        isolated_pnl_usd: Σ P&L under isolated margin, USD.
        cross_pnl_usd: Σ P&L under cross margin, USD (−C when the account is liquidated).
        difference_usd: Cross minus isolated, USD (positive = cross keeps more).
        isolated_liquidated: Rows liquidated under isolated margin.
        account_liquidated: True where the cross account is liquidated.
        green_force_closed: Positions in profit force-closed with the cross account.
        capital_usd: Capital C, USD.
        show_capital: Draw the −capital line.
    """

    scenarios: tuple[str, ...]
    directions: tuple[str, ...]
    isolated_pnl_usd: F64
    cross_pnl_usd: F64
    difference_usd: F64
    isolated_liquidated: NDArray[np.int64]
    account_liquidated: NDArray[np.bool_]
    green_force_closed: NDArray[np.int64]
    capital_usd: float
    show_capital: bool


def cross_pnl(results: Results) -> CrossPnl:
    """Isolated and cross P&L for each scenario and direction."""
    x, c = results.cross, results.settings.capital_usd
    iso, cro = (x[k].to_numpy(dtype=float) for k in ("isolated_pnl_usd", "cross_pnl_usd"))
    low = min(iso.min(initial=0.0), cro.min(initial=0.0))
    return CrossPnl(
        scenarios=tuple(map(str, x["scenario"])), directions=tuple(map(str, x["direction"])),
        isolated_pnl_usd=iso, cross_pnl_usd=cro,
        difference_usd=x["difference_usd"].to_numpy(dtype=float),
        isolated_liquidated=x["isolated_liquidated"].to_numpy(dtype=np.int64),
        account_liquidated=x["cross_account_liquidated"].to_numpy(dtype=bool),
        green_force_closed=x["cross_green_force_closed"].to_numpy(dtype=np.int64),
        capital_usd=c, show_capital=bool(low <= -CAPITAL_LINE_SHARE * c))


@dataclass(frozen=True)
class Allocation:
    """Margin and risk by bucket, in % of capital (stacked bars).

    Attributes:
        buckets: Bucket names.
        margin_pct: Isolated margin per bucket, % of capital.
        heat_pct: Risk at the stops per bucket, % of capital.
        heat_cap_pct: The plan's heat cap, % of capital.
        capital_usd: Capital C, USD.
    """

    buckets: tuple[str, ...]
    margin_pct: F64
    heat_pct: F64
    heat_cap_pct: float
    capital_usd: float


def allocation(results: Results) -> Allocation:
    """Margin use and heat per bucket."""
    b = results.buckets
    return Allocation(tuple(map(str, b["bucket"])), b["margin_use_pct"].to_numpy(dtype=float),
                      b["heat_pct"].to_numpy(dtype=float), results.settings.heat_cap_pct,
                      results.settings.capital_usd)
