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


def test_update_that_moves_rows_between_buckets_or_makes_a_draft_equals_compute(sample):
    """The incremental sums take the edited rows out and put them back: a bucket that loses its
    last row disappears, a new one appears, a draft row leaves the totals."""
    before = compute(sample)
    only = sample.trades.index[sample.trades["bucket"] == "hedging"]
    for row, key, value in [(0, "bucket", "scalps"), (int(only[0]), "bucket", "directional"),
                            (2, "entry_price", float("nan")), (4, "risk_pct", float("nan"))]:
        trades = sample.trades.copy()
        trades.loc[row, key] = value
        plan = sample.with_changes(trades=trades)
        after = update(plan, before, [row])
        assert_same(after, compute(plan))
        assert list(after.buckets["bucket"]) == list(compute(plan).buckets["bucket"])


def test_a_chain_of_updates_equals_compute(sample):
    """Each update starts from the previous one's sums: no drift over many edits."""
    results, plan = compute(sample), sample
    rng = np.random.default_rng(3)
    for _ in range(40):
        row = int(rng.integers(0, len(plan.trades)))
        trades = plan.trades.copy()
        trades.loc[row, "entry_price"] *= float(rng.uniform(0.9, 1.1))
        plan = plan.with_changes(trades=trades)
        results = update(plan, results, [row])
    assert_same(results, compute(plan))


def test_a_bucket_whose_last_row_leaves_disappears(sample):
    trades = sample.trades.copy()
    trades.loc[0, "bucket"] = "scalps"
    with_scalps = sample.with_changes(trades=trades)
    first = update(with_scalps, compute(sample), [0])
    assert "scalps" in set(first.buckets["bucket"])
    second = update(sample, first, [0])
    assert "scalps" not in set(second.buckets["bucket"])
    assert_same(second, compute(sample))
