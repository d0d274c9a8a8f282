"""Netting fills into trades (planner.journal.netting.net_fills), on its own."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from planner.journal.netting import net_fills


def _fills(rows: list[tuple[str, float, float]], *, symbol: str = "BTC", book: str = "",
           start: int = 0, **extra: object) -> pd.DataFrame:
    n = len(rows)
    frame = pd.DataFrame({
        "time": pd.date_range("2026-01-01", periods=n, freq="min", tz="UTC")
        + pd.Timedelta(minutes=start),
        "symbol": symbol, "book": book, "side": [r[0] for r in rows],
        "quantity": [r[1] for r in rows], "price": [r[2] for r in rows], "fee_usd": 0.1,
        "fee_other": 0.0, "fee_coin_other": "", "pnl": np.nan, "liquidation": False,
        "stop": False, "opens": None, "exec_id": [f"x{i}" for i in range(n)],
        "line": range(start + 2, start + n + 2)})
    return frame.assign(**extra)


def test_partial_closes_stay_in_one_trade_with_weighted_prices() -> None:
    closed, open_ = net_fills(_fills([("buy", 1, 100), ("buy", 3, 120), ("sell", 2, 130),
                                      ("sell", 2, 140)]))
    assert len(closed) == 1 and open_.empty
    t = closed.iloc[0]
    assert t["entry_price"] == pytest.approx(115) and t["exit_price"] == pytest.approx(135)
    assert t["quantity"] == 4 and t["fees_usd"] == pytest.approx(0.4) and t["fills"] == 4


def test_flip_closes_one_trade_and_opens_the_next_with_the_fee_split() -> None:
    closed, open_ = net_fills(_fills([("sell", 1, 100), ("buy", 4, 90), ("sell", 3, 95)]))
    assert closed["side"].tolist() == ["short", "long"]
    assert closed["quantity"].tolist() == [1, 3]
    assert closed["fees_usd"].tolist() == pytest.approx([0.1 + 0.025, 0.075 + 0.1])
    assert closed["entry_price"].tolist() == [100, 90] and closed["exit_price"].tolist() == [90, 95]


def test_a_position_left_open_is_not_a_trade() -> None:
    closed, open_ = net_fills(_fills([("buy", 1, 100), ("sell", 1, 110), ("buy", 2, 105)]))
    assert len(closed) == 1 and len(open_) == 1 and open_["quantity"].iloc[0] == 0


def test_symbols_and_hedge_books_net_apart_even_interleaved() -> None:
    a = _fills([("buy", 1, 10), ("sell", 1, 12)], symbol="ETH")
    b = _fills([("sell", 2, 11), ("buy", 2, 9)], symbol="ETH", book="short", start=0)
    c = _fills([("buy", 1, 10), ("sell", 1, 11)], symbol="ETH", book="long", start=1)
    closed, _ = net_fills(pd.concat([a, b, c], ignore_index=True))
    assert sorted(zip(closed["book"], closed["side"], strict=True)) == [
        ("", "long"), ("long", "long"), ("short", "short")]


def test_float_dust_counts_as_flat() -> None:
    closed, open_ = net_fills(_fills([("buy", 0.1, 10), ("buy", 0.2, 10), ("sell", 0.3, 11)]))
    assert len(closed) == 1 and open_.empty


def test_position_opened_before_the_file_is_left_out() -> None:
    fills = _fills([("sell", 1, 100), ("buy", 1, 90), ("sell", 1, 95)],
                   pnl=[5.0, 0.0, 0.0], opens=[None, None, None])
    closed, open_ = net_fills(fills)
    assert closed.empty          # the first "trade" is the tail of an older one
    assert len(open_) == 2


def test_liquidation_and_stop_come_from_closing_fills_only() -> None:
    closed, _ = net_fills(_fills([("buy", 1, 10), ("sell", 1, 8)],
                                 liquidation=[True, False], stop=[False, True]))
    assert not closed["liquidation"].iloc[0] and closed["stop"].iloc[0]


def test_venue_pnl_is_summed_over_the_trade_and_nan_when_absent() -> None:
    with_pnl, _ = net_fills(_fills([("buy", 1, 10), ("sell", 1, 12)], pnl=[0.0, 2.0]))
    without, _ = net_fills(_fills([("buy", 1, 10), ("sell", 1, 12)]))
    assert with_pnl["venue_pnl_usd"].iloc[0] == 2.0 and np.isnan(without["venue_pnl_usd"].iloc[0])


def test_same_time_fills_keep_file_order() -> None:
    f = _fills([("buy", 1, 10), ("sell", 1, 11), ("sell", 1, 12), ("buy", 1, 9)])
    f["time"] = f["time"].iloc[0]
    closed, _ = net_fills(f)
    assert closed["side"].tolist() == ["long", "short"]


def test_empty_fills_give_no_trades() -> None:
    closed, open_ = net_fills(_fills([]))
    assert closed.empty and open_.empty
