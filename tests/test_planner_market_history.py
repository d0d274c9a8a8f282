"""history_for (σ, source label, funding, matching) and the empirical tails of SPEC §9."""

from __future__ import annotations

import math
import statistics

import numpy as np
import pytest
from market_helpers import candles, write_funding, write_kline
from scipy.stats import norm

from planner.market.candles import Candles
from planner.market.estimators import all_estimates
from planner.market.history import history_for, load_candles
from planner.market.importer import read_file, store_files
from planner.market.store import MarketStore
from planner.market.tails import EmpiricalTails


@pytest.fixture
def market(tmp_path):
    path = tmp_path / "market.sqlite3"
    t = [1_704_067_200_000 + i * 28_800_000 for i in range(100)]
    rates = [0.0001] * 94 + [0.001] * 6
    with MarketStore(path) as s:
        store_files(s, [read_file(write_kline(tmp_path, candles(24 * 60, seed=11))),
                        read_file(write_funding(tmp_path, t, rates))])
    return path


def test_sigma_source_label_and_symbol_matching(market):
    got = history_for(market, ["BTC", "BTC-PERP", "btc/usdc:usdc", "SOL"], window_days=30)
    btc = got["BTC-PERP"]
    assert btc.series == "BTCUSDT" and btc.interval == "1h" and btc.candles == 720
    assert btc.source == "BTCUSDT 1h 30d yang-zhang"
    c = load_candles(market, "BTC")
    assert c is not None
    assert btc.sigma_pct == pytest.approx(all_estimates(c, 30)["yang-zhang"])
    assert got["BTC"].sigma_pct == btc.sigma_pct and got["btc/usdc:usdc"].series == "BTCUSDT"
    assert got["SOL"].series == "" and not got["SOL"].has_sigma and got["SOL"].source == ""
    assert np.isnan(got["SOL"].touch_probability(np.array([-0.1]), np.array([2.0]), 1)).all()


def test_other_estimator_and_window_change_the_label(market):
    got = history_for(market, ["BTCUSDT"], estimator="parkinson", window_days=7)["BTCUSDT"]
    assert got.source == "BTCUSDT 1h 7d parkinson" and got.candles == 168
    assert got.sigma_pct == got.estimates["parkinson"]
    with pytest.raises(ValueError, match="unknown estimator"):
        history_for(market, ["BTC"], estimator="magic")


def test_funding_percentiles_over_the_window(market):
    f = history_for(market, ["BTC"], window_days=100)["BTC"].funding
    assert f is not None and f.count == 100 and f.p99 == pytest.approx(0.1)
    assert f.mean == pytest.approx((94 * 0.01 + 6 * 0.1) / 100)
    short = history_for(market, ["BTC"], window_days=1)["BTC"].funding
    assert short is not None and short.count == 3


def test_missing_market_file_means_no_history(tmp_path):
    got = history_for(tmp_path / "none.sqlite3", ["BTC"])
    assert got["BTC"].series == "" and got["BTC"].funding is None
    assert not (tmp_path / "none.sqlite3").exists()


def _by_hand(c: Candles, m: int, trail: int) -> tuple[list[float], list[float]]:
    down, up = [], []
    rets = [math.log(c.close[j] / c.close[j - 1]) for j in range(1, len(c))]
    for i in range(trail, len(c) - m + 1):
        sig = statistics.stdev(rets[i - trail:i - 1]) * math.sqrt(c.per_day)  # closes i-trail..i-1
        down.append(-math.log(min(c.low[i:i + m]) / c.open[i]) / sig)
        up.append(math.log(max(c.high[i:i + m]) / c.open[i]) / sig)
    return sorted(max(d, 0.0) for d in down), sorted(max(u, 0.0) for u in up)


def test_empirical_excursions_match_the_definition_by_hand():
    c = Candles.from_frame("BTCUSDT", "1h", candles(24 * 5, seed=12))
    tails = EmpiricalTails(c, trailing_days=2)
    down, up = tails.excursions(0.25)           # 6-hour windows, 48-hour trailing σ
    want_down, want_up = _by_hand(c, 6, 48)
    np.testing.assert_allclose(down, want_down, rtol=1e-9)
    np.testing.assert_allclose(up, want_up, rtol=1e-9)
    mid = len(want_down) // 2
    thr = (want_down[mid] + want_down[mid + 1]) / 2   # between two excursions, in σ
    p = tails.touch_probability(np.array([-thr * 0.02, thr * 0.02, np.nan, 0.0]),
                                np.array([2.0, 2.0, 2.0, 2.0]), 0.25)
    assert p[0] == pytest.approx(sum(d >= thr for d in want_down) / len(want_down))
    assert p[1] == pytest.approx(sum(u >= thr for u in want_up) / len(want_up))
    assert (p[2], p[3]) == (0.0, 1.0)


def test_empirical_tails_near_reflection_principle_on_a_random_walk():
    c = Candles.from_frame("X", "1h", candles(24 * 720, seed=13, sigma=0.004))
    tails = EmpiricalTails(c)
    assert tails.enough(1.0) and not EmpiricalTails(c.last(24 * 40)).enough(1.0)
    k = np.array([1.0, 2.0, 3.0])                  # barriers k daily σ below
    sigma = 0.4 * math.sqrt(24)
    p = tails.touch_probability(-k * sigma / 100, np.full(3, sigma), 1.0)
    gauss = 2 * norm.cdf(-k)
    assert np.all(np.diff(p) < 0)
    np.testing.assert_allclose(p, gauss, atol=0.05)
