"""Incremental recompute (``planner.engine.update``) equals a full ``compute``."""

from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner import compute
from planner.engine import update
from planner.engine.probability import Barrier, first_passage
from tests.engine_helpers import assert_same

edits = st.lists(st.tuples(st.integers(0, 11), st.sampled_from(
    [("entry_price", 1.3), ("leverage", 2.0), ("risk_pct", 3.0), ("volatility_pct", 0.5)])),
    min_size=1, max_size=3)


@settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow,
                                                   HealthCheck.function_scoped_fixture])
@given(edits)
def test_update_after_cell_edits_equals_full_compute(sample, changes):
    before = compute(sample)
    trades = sample.trades.copy()
    for row, (key, factor) in changes:
        trades.loc[row, key] = trades.loc[row, key] * factor
    plan = sample.with_changes(trades=trades)
    assert_same(update(plan, before, [r for r, _ in changes]), compute(plan))


def test_update_crossing_the_heat_cap_flags_every_row(sample):
    before = compute(sample)
    trades = sample.trades.copy()
    trades.loc[3, "risk_pct"] = 3.0
    plan = sample.with_changes(trades=trades)
    after = update(plan, before, [3])
    assert after.rows["alert_heat"].all()
    assert_same(after, compute(plan))


def test_zero_drift_barrier_equals_general_formula():
    rng = np.random.default_rng(3)
    spot = rng.uniform(1, 100, 500)
    bar = spot * rng.uniform(0.5, 1.5, 500)
    sig = rng.uniform(0.005, 0.2, 500)
    np.testing.assert_allclose(Barrier(spot, bar).touch(sig, 1.5),
                               first_passage(spot, bar, sig, 1.5), rtol=1e-9, atol=1e-15)
