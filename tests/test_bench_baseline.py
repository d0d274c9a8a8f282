"""The engine benchmark's exact baseline computes the engine's own three numbers.

The ratio in docs/performance.md only means something if the baseline does the same work for
those columns; this keeps it honest.
"""

from __future__ import annotations

import numpy as np
import pytest

from bench.bench_engine import baseline_exact
from bench.synth import synthetic_plan
from planner import compute


@pytest.mark.parametrize(("seed", "risk_scale"), [(1, 1.0), (2, 300.0)])
def test_exact_baseline_gives_the_engines_notional_margin_and_liquidation(seed, risk_scale):
    plan = synthetic_plan(5_000, seed=seed)
    trades = plan.trades.copy()
    trades["risk_pct"] *= risk_scale  # × 300: notionals up to millions, through many tiers
    plan = plan.with_changes(trades=trades)
    rows = compute(plan).rows
    notional, margin, liq = baseline_exact(plan)
    for values, key in ((notional, "notional_usd"), (margin, "margin_usd"),
                        (liq, "liquidation_price")):
        np.testing.assert_allclose(values, rows[key].to_numpy(), rtol=1e-12, equal_nan=True,
                                   err_msg=key)
    assert np.isnan(liq).any() and np.isfinite(liq).sum() > 4_000  # both cases exercised
    assert set(plan.trades["venue"]) >= {"Binance", "Bybit"}  # tiers and both families
    if risk_scale > 1:
        assert rows["tier_max_leverage"].nunique() >= 5
