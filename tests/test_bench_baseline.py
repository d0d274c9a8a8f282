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
    assert set(plan.trades["venue"]) >= {"Binance", "Bybit", "OKX"}  # tiers, three families
    if risk_scale > 1:
        assert rows["tier_max_leverage"].nunique() >= 5


def test_exact_baseline_rounds_instrument_rows_to_their_lot_and_tick():
    """Rows naming an instrument: quantity on the lot step, liquidation price on the tick."""
    plan = synthetic_plan(5_000, seed=3)
    rows = compute(plan).rows
    notional, margin, liq = baseline_exact(plan)
    on = (rows["instrument"] != "").to_numpy()
    assert 1_000 < on.sum() < 1_500  # about a quarter of the rows, every spelling
    assert set(rows.loc[on, "instrument"]) == {"BTC", "ETH", "SOL", "DOGE"}
    venues = plan.venues
    lot = np.array([venues[v].instrument(s).lot_step for v, s
                    in zip(rows.loc[on, "venue"], rows.loc[on, "symbol"], strict=True)])
    tick = np.array([venues[v].instrument(s).tick_size for v, s
                     in zip(rows.loc[on, "venue"], rows.loc[on, "symbol"], strict=True)])
    steps = rows.loc[on, "quantity"].to_numpy() / lot
    assert (np.abs(steps - np.round(steps)) <= 1e-9 * np.maximum(steps, 1.0)).all()  # whole lots
    shown = np.isfinite(liq) & on & (liq != rows["entry_price"].to_numpy())
    ticks = liq[shown] / tick[shown[on]]
    assert (np.abs(ticks - np.round(ticks)) <= 1e-9 * np.maximum(ticks, 1.0)).all()  # on ticks
    assert shown.sum() > 800
    for values, key in ((notional, "notional_usd"), (margin, "margin_usd"),
                        (liq, "liquidation_price")):
        np.testing.assert_allclose(values[on], rows.loc[on, key].to_numpy(), rtol=1e-12,
                                   equal_nan=True, err_msg=key)
    # the rounding matters: the order is smaller than the unrounded budget on most of these rows
    t = rows[on]
    budget = np.where(t["sizing"] == "margin", t["risk_usd"] * t["leverage"],
                      np.maximum(t["risk_usd"] - 2 * t["gas_usd"], 0) / t["loss_frac"])
    assert (notional[on] <= budget * (1 + 1e-12)).all()
    assert (notional[on] < budget * (1 - 1e-9)).mean() > 0.9
