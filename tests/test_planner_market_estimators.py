"""Volatility estimators and funding percentiles against values computed by hand (loops, math)."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from market_helpers import HOUR_US, candles

from planner.market.candles import Candles
from planner.market.estimators import (
    all_estimates,
    atr_pct,
    daily_bars,
    estimate,
    ewma,
    window,
)
from planner.market.funding import funding_stats

DAY_US = 24 * HOUR_US


def _series(frame, interval="1h") -> Candles:
    return Candles.from_frame("BTCUSDT", interval, frame)


def _rows(c: Candles):
    return list(zip(c.open, c.high, c.low, c.close, strict=True))


def test_close_to_close_parkinson_garman_klass_by_hand():
    c = _series(candles(24 * 10, seed=3))
    w = window(c, 2)                                  # the last 48 hourly candles
    assert len(w) == 48 and w.time[0] == c.time[-48]
    rows = _rows(w)
    rets = [math.log(rows[i][3] / rows[i - 1][3]) for i in range(1, 48)]
    c2c = statistics.stdev(rets) * math.sqrt(24) * 100
    park = math.sqrt(sum(math.log(h / lo) ** 2 for _, h, lo, _ in rows) / 48
                     / (4 * math.log(2))) * math.sqrt(24) * 100
    gk = math.sqrt(sum(0.5 * math.log(h / lo) ** 2 - (2 * math.log(2) - 1)
                       * math.log(cl / o) ** 2 for o, h, lo, cl in rows) / 48) \
        * math.sqrt(24) * 100
    got = all_estimates(c, 2)
    assert got["close-to-close"] == pytest.approx(c2c, rel=1e-12)
    assert got["parkinson"] == pytest.approx(park, rel=1e-12)
    assert got["garman-klass"] == pytest.approx(gk, rel=1e-12)


def test_yang_zhang_by_hand():
    c = window(_series(candles(100, seed=4)), 50 / 24)
    rows = _rows(c)
    n = len(rows) - 1
    over = [math.log(rows[i][0] / rows[i - 1][3]) for i in range(1, n + 1)]
    oc = [math.log(rows[i][3] / rows[i][0]) for i in range(1, n + 1)]
    rs = [math.log(h / cl) * math.log(h / o) + math.log(lo / cl) * math.log(lo / o)
          for o, h, lo, cl in rows[1:]]
    k = 0.34 / (1.34 + (n + 1) / (n - 1))
    var = statistics.variance(over) + k * statistics.variance(oc) + (1 - k) * sum(rs) / n
    assert estimate(c, "yang-zhang", 50 / 24) == pytest.approx(
        math.sqrt(var) * math.sqrt(24) * 100, rel=1e-12)


def test_yang_zhang_sees_opening_jumps_that_garman_klass_ignores():
    frame = candles(24 * 30, seed=5, sigma=0.002)
    jump = np.exp(np.random.default_rng(9).normal(0, 0.02, len(frame)))
    for k in ("open", "high", "low", "close"):
        frame[k] = frame[k] * np.cumprod(jump)       # every candle opens off the last close
    c = _series(frame)
    est = all_estimates(c, 30)
    assert est["yang-zhang"] > 3 * est["garman-klass"]
    assert est["yang-zhang"] == pytest.approx(est["close-to-close"], rel=0.2)


def test_daily_bars_ewma_and_atr_by_hand():
    frame = candles(24 * 20, seed=6)
    c = _series(frame)
    o, h, lo, cl = daily_bars(c)
    assert len(cl) == 20
    assert h[3] == frame["high"].iloc[72:96].max() and cl[3] == frame["close"].iat[95]
    assert o[3] == frame["open"].iat[72] and lo[3] == frame["low"].iloc[72:96].min()
    r = [math.log(cl[i] / cl[i - 1]) for i in range(1, 20)]
    var, norm = 0.0, 0.0
    for age, ret in enumerate(reversed(r)):
        var += 0.06 * 0.94 ** age * ret * ret
        norm += 0.06 * 0.94 ** age
    assert ewma(c) == pytest.approx(math.sqrt(var / norm) * 100, rel=1e-12)
    tr = [h[0] - lo[0]] + [max(h[i] - lo[i], abs(h[i] - cl[i - 1]), abs(lo[i] - cl[i - 1]))
                           for i in range(1, 20)]
    atr = sum(tr[:14]) / 14
    for t in tr[14:]:
        atr = (atr * 13 + t) / 14
    assert atr_pct(c) == pytest.approx(atr / cl[-1] * 100, rel=1e-12)


def test_estimators_recover_a_known_sigma_on_a_long_random_walk():
    c = _series(candles(24 * 400, seed=7, sigma=0.005))   # hourly σ 0.5 % → daily 2.449 %
    est = all_estimates(c, 365)
    assert est["close-to-close"] == pytest.approx(0.5 * math.sqrt(24), rel=0.03)
    assert est["yang-zhang"] == pytest.approx(est["close-to-close"], rel=0.1)


def test_too_few_candles_give_nan_not_a_number_made_up():
    c = _series(candles(3))
    est = all_estimates(c, 30)
    assert math.isnan(est["yang-zhang"]) and math.isnan(est["ewma"]) and math.isnan(est["atr"])
    with pytest.raises(ValueError, match="unknown estimator"):
        estimate(c, "vibes", 30)


def test_funding_percentiles_normalise_each_rate_to_8_hours():
    rates = np.array([0.0001] * 90 + [0.0005] * 9 + [0.003])
    hours = np.array([8.0] * 99 + [4.0])                   # the spike was on a 4-hour interval
    got = funding_stats("BTCUSDT", rates, hours)
    x = sorted([0.01] * 90 + [0.05] * 9 + [0.6])
    assert got.mean == pytest.approx(sum(x) / 100)
    assert got.p99 == pytest.approx(x[98] + 0.01 * (x[99] - x[98]))   # linear, rank 98.01
    assert got.p95 == pytest.approx(0.05) and got.count == 100
    empty = funding_stats("X", np.array([]), np.array([]))
    assert empty.count == 0 and empty.as_json()["p95"] is None
