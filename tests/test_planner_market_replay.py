"""Replay on constructed paths: through the stop, opening beyond liquidation, the window ends."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from market_helpers import HOUR_US, T0_US, candles

from planner import compute
from planner.market.candles import Candles
from planner.market.replay import replay, replay_frame
from planner.market.windows import Window, parse_window, worst_windows


def _candles(bars, symbol="BTCUSDT") -> Candles:
    arr = np.array(bars, dtype=float)
    return Candles(symbol, "1h", T0_US + HOUR_US * np.arange(len(arr), dtype=np.int64),
                   arr[:, 0], arr[:, 1], arr[:, 2], arr[:, 3], np.ones(len(arr)))


def _row(**kw) -> dict:
    base = {"symbol": "BTCUSDT", "bucket": "directional", "side": "long", "entry_price": 100.0,
            "quantity": 1.0, "notional_usd": 100.0, "margin_usd": 10.0, "stop_price": 95.0,
            "liquidation_price": 91.0, "slippage_bps": 0.0, "funding_pct": 0.0,
            "volatility_pct": 2.0, "gas_usd": 0.0, "fee_entry_pct": 0.0, "fee_exit_pct": 0.0,
            "mmr_pct": 0.5, "maintenance_amount_usd": 0.0}
    return {**base, **kw}


def _frame(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), index=range(2, len(rows) + 2))


WIN = Window(T0_US, T0_US + 3 * HOUR_US)


def _one(bars, **kw):
    got = replay(_frame(_row(**kw)), {"BTCUSDT": _candles(bars)}, WIN, capital_usd=1e6)
    return got.rows.iloc[0]


def test_a_candle_that_passes_through_the_stop():
    r = _one([[100, 101, 99, 100], [100, 100, 94, 96], [96, 97, 80, 85]])
    assert (r["outcome"], r["exit_price"], r["gap"]) == ("stop", 95.0, False)
    assert r["at"] == T0_US + HOUR_US and r["pnl_usd"] == pytest.approx(-5.0)


def test_a_candle_that_opens_beyond_the_liquidation_price():
    r = _one([[100, 101, 99, 100], [90, 92, 89, 91], [91, 95, 90, 94]])
    assert (r["outcome"], r["gap"], r["at"]) == ("liquidation", True, T0_US + HOUR_US)
    assert r["pnl_usd"] == pytest.approx(-10.0)            # the isolated margin, no more


def test_a_gap_through_the_stop_fills_at_the_open():
    r = _one([[100, 101, 99, 100], [93, 94, 92, 93.5], [93, 95, 90, 94]])
    assert (r["outcome"], r["exit_price"], r["gap"]) == ("stop", 93.0, True)
    assert r["pnl_usd"] == pytest.approx(-7.0)


def test_a_window_that_ends_first():
    r = _one([[100, 101, 99, 100], [100, 103, 96, 102], [102, 104, 101, 103.5]])
    assert (r["outcome"], r["gap"], r["at"]) == ("end", False, WIN.end_us)
    assert r["exit_price"] == pytest.approx(103.5) and r["pnl_usd"] == pytest.approx(3.5)


def test_a_stop_beyond_liquidation_never_fills():
    r = _one([[100, 101, 99, 100], [99, 99, 91.5, 93], [93, 94, 92, 93]],
             stop_price=90.0, liquidation_price=92.0)
    assert (r["outcome"], r["gap"], r["exit_price"]) == ("liquidation", False, 92.0)


def test_short_rows_mirror_and_costs_are_paid():
    r = _one([[100, 101, 99, 100], [100, 106, 99, 104], [104, 105, 103, 104]],
             side="short", stop_price=105.0, liquidation_price=109.0, slippage_bps=10.0,
             fee_entry_pct=0.02, fee_exit_pct=0.05, gas_usd=1.0)
    assert (r["outcome"], r["exit_price"]) == ("stop", 105.0)
    want = -(105 - 100) - (100 + 105) * 0.001 - 100 * 0.0002 - 105 * 0.0005 - 2
    assert r["pnl_usd"] == pytest.approx(want)


def test_other_symbols_follow_btc_scaled_by_sigma():
    btc = _candles([[100, 101, 99, 100], [100, 100, 97, 98], [98, 99, 96, 97], [97, 98, 96, 97]])
    rows = _frame(_row(symbol="SOL", entry_price=50.0, stop_price=40.0, liquidation_price=30.0,
                       volatility_pct=1.0))
    got = replay(rows, {"BTCUSDT": btc}, Window(T0_US, T0_US + 4 * HOUR_US), capital_usd=1e6)
    sigma_btc = np.std(np.diff(np.log(btc.close)), ddof=1) * np.sqrt(24) * 100
    k = 1.0 / sigma_btc
    r = got.rows.iloc[0]
    assert r["path"] == f"BTCUSDT ×{k:.2f}" and r["outcome"] == "end"
    assert r["exit_price"] == pytest.approx(50.0 * 0.97 ** k)


def test_funding_actually_paid_from_history_else_the_rows_rate():
    bars = [[100, 101, 99, 100], [110, 111, 109, 110], [110, 111, 109, 110]]
    funding = pd.DataFrame({"time": [T0_US, T0_US + HOUR_US, T0_US + 5 * HOUR_US],
                            "rate": [0.001, -0.002, 0.5], "interval_hours": [8.0] * 3})
    rows = _frame(_row(), _row(symbol="BTC", side="short", stop_price=200.0,
                               liquidation_price=np.nan), _row(symbol="ETHUSDT"))
    got = replay(rows, {"BTCUSDT": _candles(bars)}, WIN, capital_usd=1e6,
                 funding={"BTCUSDT": funding}).rows
    paid_long = 0.001 * 1 * 100 + (-0.002) * 1 * 110          # the 5-hour one is after the end
    assert got["funding_usd"].iat[0] == pytest.approx(-paid_long)
    assert got["funding_usd"].iat[1] == pytest.approx(paid_long)
    assert got["funding_source"].tolist() == ["history", "history", "row rate"]
    assert got["pnl_usd"].iat[0] == pytest.approx(10.0 - paid_long)
    rate = replay(_frame(_row(funding_pct=0.01)), {"BTCUSDT": _candles(bars)}, WIN,
                  capital_usd=1e6).rows.iloc[0]
    assert rate["funding_usd"] == pytest.approx(-100 * 0.0001 * 3 / 8)


def test_rows_without_a_path_say_no_data_and_totals_add_up():
    bars = [[100, 101, 99, 100], [100, 100, 94, 96], [96, 97, 95.5, 96]]
    rows = _frame(_row(), _row(bucket="hedging", side="short", stop_price=110.0,
                               liquidation_price=120.0),
                  _row(symbol="ETHUSDT", bucket="hedging"))
    got = replay(rows, {"ETHUSDC": _candles(bars, "ETHUSDC")}, WIN, capital_usd=1e6)
    assert got.rows["outcome"].tolist() == ["no data"] * 2 + ["stop"]
    rows = rows.assign(symbol="BTCUSDT")
    got = replay(rows, {"BTCUSDT": _candles(bars)}, WIN, capital_usd=1e6)
    assert got.rows["outcome"].tolist() == ["stop", "end", "stop"]
    assert got.totals["pnl_usd"] == pytest.approx(-5 + 4 - 5)
    hedging = got.buckets.set_index("bucket").loc["hedging"]
    assert (hedging["rows"], hedging["stops"], hedging["ends"]) == (2, 1, 1)


def test_cross_margin_survives_or_not_with_the_wallet():
    bars = [[100, 101, 99, 100], [100, 100, 80, 82], [82, 83, 81, 82]]
    rows = _frame(_row(quantity=10.0, notional_usd=1000.0, stop_price=50.0,
                       liquidation_price=85.0))
    rich = replay(rows, {"BTCUSDT": _candles(bars)}, WIN, capital_usd=1e6).cross
    assert rich["survived"] and rich["min_equity_usd"] == pytest.approx(1e6 - 200)
    poor = replay(rows, {"BTCUSDT": _candles(bars)}, WIN, capital_usd=150.0).cross
    assert not poor["survived"] and poor["at"] == T0_US + HOUR_US
    assert poor["pnl_usd"] == pytest.approx(-200.0)


def test_worst_windows_by_drawdown_do_not_overlap():
    frame = candles(24 * 40, seed=21, sigma=0.002)
    for at, drop in ((100, 0.7), (110, 0.8), (600, 0.85)):      # crashes at hours 100/110/600
        for key in ("open", "high", "low", "close"):
            frame.loc[at:, key] *= drop
    c = Candles.from_frame("BTCUSDT", "1h", frame)
    got = worst_windows(c, 48, 2)
    assert len(got) == 2 and got[0].move_pct < got[1].move_pct < -10
    starts = [(w.start_us - T0_US) // HOUR_US for w in got]
    assert 60 < starts[0] <= 100 and 560 < starts[1] <= 600
    assert all(w.end_us - w.start_us == 48 * HOUR_US for w in got)
    with pytest.raises(ValueError, match="fewer than one window"):
        worst_windows(c.last(10), 48, 1)


def test_typed_windows():
    w = parse_window("2024-01-01", "2024-01-02T12:00+00:00")
    assert (w.start_us, w.end_us) == (T0_US, T0_US + 36 * HOUR_US)
    assert w.label == "2024-01-01 00:00 → 2024-01-02 12:00"
    with pytest.raises(ValueError, match="before it starts"):
        parse_window("2024-02-01", "2024-01-01")
    with pytest.raises(ValueError, match="not a date"):
        parse_window("soon", "later")


def test_the_engines_results_replay(sample):
    results = compute(sample)
    rows = replay_frame(results)
    assert (rows["fee_exit_pct"] > 0).all()
    c = Candles.from_frame("BTCUSDT", "1h", candles(24 * 10, seed=3, price=60000.0))
    got = replay(rows, {"BTCUSDT": c}, Window(int(c.time[0]), int(c.time[-1])),
                 capital_usd=sample.settings.capital_usd)
    assert len(got.rows) == len(sample.trades)
    assert set(got.rows["outcome"]) <= {"stop", "liquidation", "end"}
    assert np.isfinite(got.rows["pnl_usd"]).all()
