"""The format presets: one per exchange export layout (``journal formats`` lists them).

Layouts follow the table of the project's issue 14 (headers as the venues write them, collected
from traders' files). The venues publish their API fields, not these CSV layouts: a search of
public material on 2026-12-05 found no venue page giving the CSV headers, so each layout is
marked unconfirmed in its ``source``. A new layout is a new entry here, not new code.
"""

from __future__ import annotations

from planner.journal.formats.preset import Preset

_SOURCE = ("issue 14 table (traders' exports); CSV layout not confirmed in the venue's public "
           "documentation (searched 2026-12-05)")


def _p(**kw: object) -> Preset:
    return Preset(source=_SOURCE, **kw)  # type: ignore[arg-type]


PRESETS: tuple[Preset, ...] = (
    _p(name="binance-trades", venue="Binance USD-M", export="Trade History", kind="fills",
       signature=("Uid", "Time", "Symbol", "Side", "Price", "Quantity", "Fee",
                  "Realized Profit", "Trade ID"),
       columns={"time": ("Time",), "symbol": ("Symbol",), "side": ("Side",),
                "price": ("Price",), "quantity": ("Quantity",), "fee": ("Fee",),
                "pnl": ("Realized Profit",), "exec_id": ("Trade ID",),
                "order_id": ("Order ID",)},
       time_zone_in_name=True,
       notes="Fee carries its coin (0.0368USDT, BNB); times in the UTC offset the file name "
             "names (…(UTC+8).csv), else UTC; the file may be zipped. No liquidation mark: "
             "import the Transaction History with it to mark liquidations."),
    _p(name="binance-trades-old", venue="Binance USD-M", export="Trade History (older)",
       kind="fills",
       signature=("Date(UTC)", "Symbol", "Side", "Price", "Quantity", "Fee", "Realized Profit"),
       columns={"time": ("Date(UTC)",), "symbol": ("Symbol",), "side": ("Side",),
                "price": ("Price",), "quantity": ("Quantity",), "fee": ("Fee",),
                "fee_coin": ("Fee Coin",), "pnl": ("Realized Profit",)},
       notes="Times UTC (two-digit years read as yy-mm-dd); variants add Fee Coin and Quote "
             "Asset."),
    _p(name="binance-positions", venue="Binance USD-M", export="Position History",
       kind="trades",
       signature=("Symbol", "Position Side", "Entry Price", "Avg. Close Price", "Closed Vol.",
                  "Closing PNL", "Opened", "Closed"),
       columns={"symbol": ("Symbol",), "side": ("Position Side",),
                "entry_price": ("Entry Price",), "exit_price": ("Avg. Close Price",),
                "quantity": ("Closed Vol.",), "pnl": ("Closing PNL",),
                "opened_at": ("Opened",), "closed_at": ("Closed",), "exit_type": ("Status",)},
       side="position",
       notes="One row per closed position; Closing PNL is the price P&L; a Status that says "
             "liquidated marks a liquidation."),
    _p(name="binance-transactions", venue="Binance USD-M", export="Transaction History",
       kind="ledger",
       signature=("Date(UTC)", "type", "Amount", "Asset", "Symbol", "Transaction ID"),
       columns={"time": ("Date(UTC)",), "kind": ("type",), "amount": ("Amount",),
                "fee_coin": ("Asset",), "symbol": ("Symbol",), "exec_id": ("Transaction ID",)},
       notes="FUNDING_FEE rows are funding (attached to the trade open then); INSURANCE_CLEAR "
             "rows mark a liquidation; COMMISSION and REALIZED_PNL rows repeat what the Trade "
             "History holds and are counted, not added."),
    _p(name="bybit-trades", venue="Bybit", export="Derivatives trade history", kind="fills",
       signature=("Market", "Filled Type", "Filled Quantity", "Filled Price", "Trading Fee",
                  "Direction"),
       columns={"time": ("Transaction Time(UTC+0)", "Transaction Time"),
                "symbol": ("Market",), "kind": ("Filled Type",),
                "quantity": ("Filled Quantity",), "price": ("Filled Price",),
                "fee": ("Trading Fee",), "fee_coin": ("feeCoin",), "side": ("Direction",),
                "order_type": ("Order Type",),
                "exec_id": ("Trasaction ID", "Transaction ID"), "order_id": ("Order No.",)},
       side="dir", hedge_words=True,
       notes="Filled Type is Trade, Funding or Liquidation: funding and liquidations sit among "
             "the fills (a Funding row's Trading Fee is the funding paid). 'Trasaction ID' is "
             "Bybit's own spelling. Times like 10:00 2026-01-10, UTC."),
    _p(name="bybit-closed-pnl-old", venue="Bybit", export="Closed P&L (older)", kind="trades",
       signature=("Contracts", "Closing Direction", "Qty", "Entry Price", "Exit Price",
                  "Closed P&L"),
       columns={"symbol": ("Contracts",), "side": ("Closing Direction",), "quantity": ("Qty",),
                "entry_price": ("Entry Price",), "exit_price": ("Exit Price",),
                "pnl": ("Closed P&L",), "exit_type": ("Exit Type",),
                "closed_at": ("Trade Time(UTC+0)", "Trade Time")},
       side="closing", pnl_after_fee=True,
       notes="One row per closed position; Closed P&L is after fees and funding, so the "
             "costs are taken as price P&L minus Closed P&L (not itemised)."),
    _p(name="bybit-closed-pnl", venue="Bybit", export="Closed P&L", kind="trades",
       signature=("Market", "Order Quantity", "Entry Price", "Exit Price", "Opening Fee",
                  "Closing Fee", "Realized P&L"),
       columns={"symbol": ("Market",), "quantity": ("Order Quantity",),
                "entry_price": ("Entry Price",), "exit_price": ("Exit Price",),
                "open_fee": ("Opening Fee",), "close_fee": ("Closing Fee",),
                "funding": ("Funding Fee",), "exit_type": ("Trade Type",),
                "pnl": ("Realized P&L",), "closed_at": ("Trade time", "Trade Time(UTC+0)"),
                "side": ("Direction", "Closing Direction", "Side")},
       side="closing", funding_sign=-1, pnl_after_fee=True,
       notes="One row per closed position; Funding Fee is written as paid; without a side "
             "column the side follows from the prices and Realized P&L."),
    _p(name="okx-positions", venue="OKX", export="Position history", kind="trades",
       signature=("Position Create Time", "Position Update Time", "Instrument Name",
                  "Direction", "Total Close Quantity", "Average Open Price",
                  "Average Close Price", "Pnl"),
       columns={"opened_at": ("Position Create Time",), "closed_at": ("Position Update Time",),
                "symbol": ("Instrument Name",), "side": ("Direction",),
                "leverage": ("Leverage",), "quantity": ("Total Close Quantity",),
                "entry_price": ("Average Open Price",), "exit_price": ("Average Close Price",),
                "pnl": ("Pnl",), "fee": ("Fee",), "funding": ("Funding Fee",),
                "extra_fee": ("Liquidation Clearance Fee",), "exit_type": ("Type",),
                "face_value": ("Contract Face Value",),
                "multiplier": ("Contract Multiplier",)},
       side="position", fee_sign=-1, utc=False,
       notes="Quantities are contracts × face value × multiplier; fees are written negative; "
             "a preamble line (UID:…,Time Zone:UTC+8) and a BOM come first; a Type that says "
             "liquidation marks one. The best source for leverage."),
    _p(name="okx-trades", venue="OKX", export="Trading history", kind="fills",
       signature=("id", "Order id", "Time", "Trade Type", "Symbol", "Action", "Amount",
                  "Trading Unit", "Filled Price"),
       columns={"exec_id": ("id",), "order_id": ("Order id",), "time": ("Time",),
                "kind": ("Trade Type",), "symbol": ("Symbol",), "side": ("Action",),
                "quantity": ("Amount",), "unit": ("Trading Unit",),
                "price": ("Filled Price",), "pnl": ("PnL",), "fee": ("Fee",),
                "fee_coin": ("Fee Unit",), "amount": ("Balance Change",)},
       side="dir", hedge_words=True, fee_sign=-1, utc=False,
       notes="Amounts in contracts (Trading Unit cont) are multiplied by the face value "
             "(--face-value SYMBOL=VALUE); a funding row's amount is its Balance Change; "
             "fees are written negative."),
    _p(name="hyperliquid-trades", venue="Hyperliquid", export="Trade history", kind="fills",
       signature=("time", "coin", "dir", "px", "sz", "ntl", "fee", "closedPnl"),
       columns={"time": ("time",), "symbol": ("coin",), "side": ("dir",), "price": ("px",),
                "quantity": ("sz",), "fee": ("fee",), "pnl": ("closedPnl",)},
       side="dir", pnl_after_fee=True, quote_fee_coin="USDC",
       notes="dir is Open Long / Close Long / Open Short / Close Short, Buy / Sell or "
             "Long > Short; closedPnl is after the closing fee; no order id; times like "
             "18/09/2025 - 14:03:11 follow the browser's locale (day/month order asked)."),
    _p(name="hyperliquid-funding", venue="Hyperliquid", export="Funding history",
       kind="funding", signature=("time", "coin", "sz", "side", "payment", "rate"),
       columns={"time": ("time",), "symbol": ("coin",), "amount": ("payment",)},
       quote_fee_coin="USDC", notes="payment is signed as received (negative = paid)."),
    _p(name="dydx-fills", venue="dYdX v4", export="fills (indexer CSV)", kind="fills",
       signature=("createdAt", "market", "side", "size", "price", "fee", "liquidity", "type"),
       columns={"time": ("createdAt",), "symbol": ("market",), "side": ("side",),
                "quantity": ("size",), "price": ("price",), "fee": ("fee",),
                "kind": ("type",)},
       quote_fee_coin="USDC",
       notes="type LIQUIDATED / LIQUIDATION marks a liquidation; no realized P&L column."),
)
BY_NAME = {p.name: p for p in PRESETS}
