"""Every exchange export preset: a file in exactly that layout, netted into the right trades.

Each test writes the story of ``formats_helpers`` (two long trades with a partial close and a
flip into a short, funding while the short is open, the short liquidated) in one venue's layout
and checks the trades, their P&L against the venue's own figure (to the cent), fees, funding
and ``exit_kind``.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from planner.journal.derive import derive
from planner.journal.formats import PRESETS, read_exports
from planner.journal.formats.load import load_export
from tests.formats_helpers import (
    EXPECTED,
    FILLS,
    FUNDING_HOUR,
    FUNDING_USD,
    START,
    csv_text,
    fees_of,
    venue_pnl,
)


def _trades(paths: list[Path], **kw: object) -> tuple[pd.DataFrame, tuple[str, ...]]:
    got = read_exports(paths, **kw)  # type: ignore[arg-type]
    for p in got.parsed:
        assert not p.issues, p.issues
    frame = pd.concat([p.frame for p in got.parsed if len(p.frame)])
    return derive(frame.sort_values("closed_at")).reset_index(drop=True), got.notes


def _check(trades: pd.DataFrame, scale: float, fees: list[float], funding: list[float],
           kinds: tuple[str, ...] = ("stop", "close", "liquidation")) -> None:
    """The three trades of the story, with their fees, funding and P&L."""
    trades = trades[trades["exit_kind"] != "funding"].reset_index(drop=True)
    assert len(trades) == 3
    for i, (side, entry, exit_, qty, gross, _) in enumerate(EXPECTED):
        t = trades.iloc[i]
        assert t["side"] == side
        assert t["entry_price"] == pytest.approx(entry * scale)
        assert t["exit_price"] == pytest.approx(exit_ * scale)
        assert t["quantity"] == pytest.approx(qty)
        assert t["fees_usd"] == pytest.approx(fees[i], abs=1e-6)
        assert t["funding_usd"] == pytest.approx(funding[i], abs=1e-9)
        assert t["exit_kind"] == kinds[i]
        pnl = gross * scale - fees[i] + funding[i]
        assert round(t["realized_pnl_usd"], 2) == round(pnl, 2)


def _iso(t: dt.datetime, fmt: str = "%Y-%m-%d %H:%M:%S", offset_h: int = 0) -> str:
    return (t + dt.timedelta(hours=offset_h)).strftime(fmt)


# -- Binance ---------------------------------------------------------------------------------
BINANCE = ["Uid", "Time", "Symbol", "Side", "Price", "Quantity", "Amount", "Fee",
           "Realized Profit", "Buyer", "Maker", "Trade ID", "Order ID"]
LEDGER = ["Date(UTC)", "type", "Amount", "Asset", "Symbol", "Transaction ID"]


def _binance_rows(scale: float) -> list[list[object]]:
    pnl = venue_pnl(scale=scale)
    rows = []
    for i, f in enumerate(FILLS):
        px = f.price * scale
        fee = f"{f.fee * scale:.8f}USDT"
        if i == 0:
            fee = "0.00012BNB"
        elif i == 1:
            fee = f"{f.fee * scale / px:.10f}BTC"     # the traded coin: × the fill price
        rows.append([7, _iso(f.time, offset_h=8), "BTCUSDT", f.side.upper(), px, f.qty,
                     px * f.qty, fee, pnl[i], f.side == "buy", False, 1000 + i, 500 + i])
    return rows


def _ledger(tmp: Path) -> Path:
    liq = START + dt.timedelta(hours=7, seconds=20)
    rows = [[_iso(START + dt.timedelta(hours=FUNDING_HOUR)), "FUNDING_FEE", FUNDING_USD, "USDT",
             "BTCUSDT", 9001],
            [_iso(START), "COMMISSION", -0.06, "USDT", "BTCUSDT", 9002],
            [_iso(liq), "INSURANCE_CLEAR", -0.5, "USDT", "BTCUSDT", 9003]]
    path = tmp / "transactions.csv"
    path.write_text(csv_text(LEDGER, rows), encoding="utf-8")
    return path


def _binance_fees(scale: float) -> list[float]:
    return [fees_of(0, scale) - FILLS[0].fee * scale, fees_of(1, scale), fees_of(2, scale) + 0.5]


def test_binance_trade_history_with_offset_in_name_and_transactions(tmp_path: Path) -> None:
    path = tmp_path / "Export Trade History(UTC+8).csv"
    path.write_text(csv_text(BINANCE, _binance_rows(600)), encoding="utf-8")
    trades, notes = _trades([path, _ledger(tmp_path)])
    _check(trades, 600, _binance_fees(600), [0, 0, FUNDING_USD],
           kinds=("close", "close", "liquidation"))
    assert trades["opened_at"].iloc[0] == pd.Timestamp(START)      # UTC+8 in the name
    assert "0.00012 BNB (not converted to USD)" in trades["notes"].iloc[0]
    gross = [g * 600 for *_, g, _ in EXPECTED]
    venue = np.round(trades["reported_pnl_usd"].to_numpy(), 2)
    assert venue.tolist() == np.round(gross, 2).tolist()
    assert any("COMMISSION 1" in n for n in notes)


def test_binance_zipped_export(tmp_path: Path) -> None:
    path = tmp_path / "trades(UTC+8).zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("Export Trade History.csv", csv_text(BINANCE, _binance_rows(600)))
    loaded = load_export(path)
    assert loaded.preset.name == "binance-trades" and loaded.offset == "+08:00"
    trades, _ = _trades([path, _ledger(tmp_path)])
    assert trades["opened_at"].iloc[0] == pd.Timestamp(START)
    assert len(trades) == 3


def test_binance_older_trade_history_two_digit_years(tmp_path: Path) -> None:
    header = ["Date(UTC)", "Symbol", "Side", "Price", "Quantity", "Amount", "Fee", "Fee Coin",
              "Realized Profit", "Quote Asset"]
    pnl = venue_pnl(scale=600)
    rows = [[_iso(f.time, "%y-%m-%d %H:%M:%S"), "BTCUSDT", f.side.upper(), f.price * 600, f.qty,
             f.price * 600 * f.qty, f.fee * 600, "USDT", pnl[i], "USDT"]
            for i, f in enumerate(FILLS)]
    path = tmp_path / "old.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    trades, _ = _trades([path, _ledger(tmp_path)])
    fees = [fees_of(0, 600), fees_of(1, 600), fees_of(2, 600) + 0.5]
    _check(trades, 600, fees, [0, 0, FUNDING_USD], kinds=("close", "close", "liquidation"))
    assert trades["closed_at"].iloc[0] == pd.Timestamp(FILLS[3].time)


def test_binance_position_history(tmp_path: Path) -> None:
    header = ["Symbol", "Margin Mode", "Position Side", "Entry Price", "Avg. Close Price",
              "Max Open Interest", "Closed Vol.", "Closing PNL", "Opened", "Closed", "Status"]
    spans = [(0, 3), (4, 5), (5, 6)]
    rows = [["BTCUSDT", "Isolated", side.title(), entry * 600, exit_ * 600, qty, qty,
             gross * 600, _iso(FILLS[a].time), _iso(FILLS[b].time),
             "Liquidated" if kind == "liquidation" else "Closed"]
            for (side, entry, exit_, qty, gross, kind), (a, b) in zip(EXPECTED, spans,
                                                                      strict=True)]
    path = tmp_path / "positions.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    trades, _ = _trades([path, _ledger(tmp_path)])
    _check(trades, 600, [0, 0, 0.5], [0, 0, FUNDING_USD], kinds=("close", "close", "liquidation"))
    # the same file again, without the transactions beside it, is recognised as already stored
    from planner.journal.importer import read_exports as items_of
    from planner.journal.importer import store_all
    from planner.journal.store import JournalStore

    with JournalStore(tmp_path / "j.sqlite3") as store:
        assert store_all(store, items_of([path, _ledger(tmp_path)])[0])[0].added == 3
        assert store_all(store, items_of([path])[0])[0].skipped == 3


# -- Bybit -----------------------------------------------------------------------------------
BYBIT = ["Market", "Filled Type", "Filled Quantity", "Filled Price", "Order Price", "Fee Rate",
         "Trading Fee", "feeCoin", "ExecFeeV2", "Direction", "Order Type", "Trasaction ID",
         "Order No.", "Transaction Time(UTC+0)"]


def test_bybit_trade_history_with_funding_and_liquidation_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = []
    for i, f in enumerate(FILLS):
        kind = "Liquidation" if f.liquidation else "Trade"
        rows.append(["ETHUSDT", kind, f.qty, f.price * 20, f.price * 20, 0.001, f.fee * 20,
                     "USDT", "", f.side.title(), "StopLoss" if f.stop else "Market",
                     f"t{i}", f"o{i}", _iso(f.time, "%H:%M %Y-%m-%d")])
    fund_at = START + dt.timedelta(hours=FUNDING_HOUR)
    rows.insert(6, ["ETHUSDT", "Funding", 2, 2600, "", 0.0001, -FUNDING_USD, "USDT", "", "Sell",
                    "", "f1", "", _iso(fund_at, "%H:%M %Y-%m-%d")])
    path = tmp_path / "bybit.csv"
    path.write_text(csv_text(BYBIT, rows), encoding="utf-8")
    trades, _ = _trades([path])
    _check(trades, 20, [fees_of(i, 20) for i in range(3)], [0, 0, FUNDING_USD])


def test_bybit_closed_pnl_older_layout(tmp_path: Path) -> None:
    header = ["Contracts", "Closing Direction", "Qty", "Entry Price", "Exit Price", "Closed P&L",
              "Exit Type", "Trade Time(UTC+0)"]
    exit_types = {"stop": "StopLoss", "close": "Trade", "liquidation": "Liquidation"}
    fees = [fees_of(i, 20) for i in range(3)]
    funding = [0.0, 0.0, FUNDING_USD]
    rows = [["ETHUSDT", "Sell" if side == "long" else "Buy", qty, entry * 20, exit_ * 20,
             round(gross * 20 - fees[i] + funding[i], 4), exit_types[kind],
             _iso(FILLS[(3, 5, 6)[i]].time)]
            for i, (side, entry, exit_, qty, gross, kind) in enumerate(EXPECTED)]
    path = tmp_path / "closed.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    trades, _ = _trades([path])
    # costs are not itemised: fees are price P&L − Closed P&L (funding included)
    implied = [fees[i] - funding[i] for i in range(3)]
    _check(trades, 20, implied, [0, 0, 0])


def test_bybit_closed_pnl_newer_layout_without_side(tmp_path: Path) -> None:
    header = ["Market", "Order Quantity", "Entry Price", "Exit Price", "Opening Fee",
              "Closing Fee", "Funding Fee", "Trade Type", "Realized P&L", "Trade time"]
    types = {"stop": "StopLoss", "close": "Trade", "liquidation": "Liquidation"}
    rows = []
    for i, (_, entry, exit_, qty, gross, kind) in enumerate(EXPECTED):
        fee, paid = fees_of(i, 20), -(0.0, 0.0, FUNDING_USD)[i]
        rows.append(["ETHUSDT", qty, entry * 20, exit_ * 20, round(fee / 2, 6),
                     round(fee / 2, 6), paid, types[kind], round(gross * 20 - fee - paid, 6),
                     _iso(FILLS[(3, 5, 6)[i]].time)])
    path = tmp_path / "closed-new.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    trades, _ = _trades([path])
    _check(trades, 20, [round(fees_of(i, 20) / 2, 6) * 2 for i in range(3)],
           [0, 0, FUNDING_USD])


# -- OKX -------------------------------------------------------------------------------------
OKX_POS = ["Position Create Time", "Position Update Time", "Business Line", "Index",
           "Instrument Name", "Margin Mode", "Direction", "Leverage", "Max Position Quantity",
           "Total Close Quantity", "Average Open Price", "Average Close Price",
           "Margin Currency", "Pnl", "Pnl Ratio", "Fee", "Funding Fee",
           "Liquidation Clearance Fee", "Type", "Contract Face Value", "Contract Multiplier"]


def test_okx_position_history_preamble_bom_contracts(tmp_path: Path) -> None:
    fees = [fees_of(i, 20) for i in range(3)]
    types = {"stop": "Close position", "close": "Close position", "liquidation": "Liquidation"}
    rows = []
    for i, (side, entry, exit_, qty, gross, kind) in enumerate(EXPECTED):
        a, b = ((0, 3), (4, 5), (5, 6))[i]
        rows.append([_iso(FILLS[a].time, offset_h=8), _iso(FILLS[b].time, offset_h=8),
                     "Perpetual", "ETH-USDT", "ETH-USDT-SWAP", "Isolated", side, 10, qty * 10,
                     qty * 10, entry * 20, exit_ * 20, "USDT", gross * 20, "", -fees[i],
                     (0, 0, FUNDING_USD)[i], -0.5 if kind == "liquidation" else 0,
                     types[kind], 0.1, 1])
    text = "UID:12345,Time Zone:UTC+8\r\n" + csv_text(OKX_POS, rows)
    path = tmp_path / "okx-positions.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    trades, _ = _trades([path])
    _check(trades, 20, [fees[0], fees[1], fees[2] + 0.5], [0, 0, FUNDING_USD],
           kinds=("close", "close", "liquidation"))
    assert trades["leverage"].tolist() == [10, 10, 10]
    assert trades["opened_at"].iloc[0] == pd.Timestamp(START)


OKX_TRADES = ["id", "Order id", "Time", "Trade Type", "Symbol", "Action", "Amount",
              "Trading Unit", "Filled Price", "PnL", "Fee", "Fee Unit", "Position Change",
              "Position Balance", "Balance Change", "Balance", "Balance Unit"]


def test_okx_trading_history_contracts_and_funding(tmp_path: Path) -> None:
    pnl = venue_pnl(scale=20)
    rows: list[list[object]] = []
    for i, f in enumerate(FILLS):
        kind = "Liquidation" if f.liquidation else "Trade"
        rows.append([i, 100 + i, _iso(f.time, offset_h=8), kind, "ETH-USDT-SWAP", f.side.title(),
                     f.qty * 10, "cont", f.price * 20, pnl[i], -f.fee * 20, "USDT", "", "", "",
                     "", "USDT"])
    rows.insert(6, [50, "", _iso(START + dt.timedelta(hours=FUNDING_HOUR), offset_h=8),
                    "Funding fee", "ETH-USDT-SWAP", "", "", "", "", "", "", "USDT", "", "",
                    FUNDING_USD, "", "USDT"])
    text = "UID:12345,Time Zone:UTC+8\r\n" + csv_text(OKX_TRADES, rows)
    path = tmp_path / "okx-trades.csv"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    trades, _ = _trades([path], face_values={"ETH-USDT-SWAP": 0.1})
    _check(trades, 20, [fees_of(i, 20) for i in range(3)], [0, 0, FUNDING_USD],
           kinds=("close", "close", "liquidation"))


def test_okx_contracts_without_face_value_are_refused_by_line(tmp_path: Path) -> None:
    rows = [[1, 1, "2026-03-17 10:00:00", "Trade", "ETH-USDT-SWAP", "Buy", 10, "cont", 2000, 0,
             -0.1, "USDT", "", "", "", "", "USDT"]]
    path = tmp_path / "okx.csv"
    path.write_text("UID:1,Time Zone:UTC+8\n" + csv_text(OKX_TRADES, rows), encoding="utf-8")
    got = read_exports([path])
    issue = got.parsed[0].issues[0]
    assert issue.row == 3 and "--face-value ETH-USDT-SWAP=VALUE" in issue.message


# -- Hyperliquid -----------------------------------------------------------------------------
HL = ["time", "coin", "dir", "px", "sz", "ntl", "fee", "closedPnl"]


def _hyperliquid(tmp: Path, fmt: str) -> list[Path]:
    pnl = venue_pnl(scale=20)
    rows = [[_iso(f.time, fmt), "ETH", f.opens, f.price * 20, f.qty, f.price * 20 * f.qty,
             f.fee * 20, round(pnl[i] - (f.fee * 20 if pnl[i] else 0), 8)]
            for i, f in enumerate(FILLS)]
    trades = tmp / "trade_history.csv"
    trades.write_text(csv_text(HL, rows), encoding="utf-8")
    funding = tmp / "funding_history.csv"
    funding.write_text(csv_text(["time", "coin", "sz", "side", "payment", "rate"], [
        [_iso(START + dt.timedelta(hours=FUNDING_HOUR), fmt), "ETH", 2, "Short", FUNDING_USD,
         0.0001],
        [_iso(START + dt.timedelta(hours=30), fmt), "ETH", 0, "", 0.25, 0.0001]]),
        encoding="utf-8")
    return [trades, funding]


def test_hyperliquid_trade_and_funding_history(tmp_path: Path) -> None:
    paths = _hyperliquid(tmp_path, "%d/%m/%Y - %H:%M:%S")
    trades, _ = _trades(paths, dayfirst=True)
    fees = [fees_of(i, 20) for i in range(3)]
    _check(trades, 20, fees, [0, 0, FUNDING_USD], kinds=("close", "close", "close"))
    # closedPnl is after the closing fee: Σ closedPnl = price P&L − closing fees, to the cent
    closing = [FILLS[2].fee + FILLS[3].fee, None, FILLS[6].fee]
    for i in (0, 2):
        venue = EXPECTED[i][4] * 20 - closing[i] * 20      # type: ignore[operator]
        assert round(trades["reported_pnl_usd"].iloc[i], 2) == round(venue, 2)
    loose = trades[trades["exit_kind"] == "funding"]
    assert loose["realized_pnl_usd"].tolist() == [0.25]     # funding outside any trade


def test_hyperliquid_ambiguous_dates_are_refused_naming_dayfirst(tmp_path: Path) -> None:
    from planner.errors import FileRefused

    paths = _hyperliquid(tmp_path, "%m/%d/%Y - %H:%M:%S")     # 03/17: settled by the file
    assert len(_trades(paths)[0]) == 4
    early = _hyperliquid(tmp_path, "%d/%m/%Y - %H:%M:%S")
    text = early[0].read_text().replace("17/03/2026", "01/03/2026")
    early[0].write_text(text)
    with pytest.raises(FileRefused, match="--dayfirst"):
        read_exports([early[0]])


# -- dYdX ------------------------------------------------------------------------------------
def test_dydx_fills_with_liquidation_type(tmp_path: Path) -> None:
    header = ["createdAt", "market", "side", "size", "price", "fee", "liquidity", "type"]
    rows = [[f.time.strftime("%Y-%m-%dT%H:%M:%S.000Z"), "ETH-USD", f.side.upper(), f.qty,
             f.price * 20, f.fee * 20, "TAKER", "LIQUIDATED" if f.liquidation else "MARKET"]
            for f in FILLS]
    path = tmp_path / "dydx.csv"
    path.write_text(csv_text(header, rows), encoding="utf-8")
    trades, _ = _trades([path])
    _check(trades, 20, [fees_of(i, 20) for i in range(3)], [0, 0, 0],
           kinds=("close", "close", "liquidation"))


def test_every_preset_has_a_layout_test() -> None:
    tested = {"binance-trades", "binance-trades-old", "binance-positions",
              "binance-transactions", "bybit-trades", "bybit-closed-pnl-old",
              "bybit-closed-pnl", "okx-positions", "okx-trades", "hyperliquid-trades",
              "hyperliquid-funding", "dydx-fills"}
    assert {p.name for p in PRESETS} == tested


def test_bybit_hedge_mode_nets_long_and_short_books_apart(tmp_path: Path) -> None:
    times = [START + dt.timedelta(minutes=m) for m in (0, 1, 2, 3, 4)]
    fills = [("Open Long", 1, 2000), ("Open Short", 2, 2010), ("Close Long", 1, 2050),
             ("Close Short", 1, 1990), ("Close Short", 1, 1980)]
    rows = [["ETHUSDT", "Trade", q, px, px, 0.001, round(q * px * 0.001, 6), "USDT", "", d,
             "Market", f"h{i}", f"o{i}", _iso(t, "%H:%M %Y-%m-%d")]
            for i, ((d, q, px), t) in enumerate(zip(fills, times, strict=True))]
    path = tmp_path / "hedge.csv"
    path.write_text(csv_text(BYBIT, rows), encoding="utf-8")
    trades, _ = _trades([path])
    assert trades["side"].tolist() == ["long", "short"]      # in close order
    assert trades["quantity"].tolist() == [1, 2]
    assert trades["exit_price"].tolist() == [2050, 1985]
    gross = [50.0, 2 * (2010 - 1985)]
    fees = [2.0 + 2.05, 4.02 + 1.99 + 1.98]
    assert np.round(trades["realized_pnl_usd"], 2).tolist() == \
        np.round(np.array(gross) - fees, 2).tolist()
