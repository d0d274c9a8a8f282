"""An export's rows in standard form: fills, events (funding, liquidation marks) or trades.

:func:`read_rows` applies a preset to a loaded file and returns an :class:`ExportRows`:

* ``fills`` (for :func:`planner.journal.netting.net_fills`): fees in USD where the fee coin
  is a US-dollar coin (one for one) or the traded coin (times the fill price); a fee in any
  other coin (BNB) is kept apart and flagged on the trade;
* ``events``: funding payments (USD, signed as received) and liquidation marks;
* ``trades``: one-row-per-trade exports, as journal fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.journal.formats.cells import Cells, row_kinds
from planner.journal.formats.load import Loaded
from planner.journal.formats.preset import USD_COINS
from planner.journal.netting import FILL_COLUMNS

EVENT_COLUMNS = ("time", "symbol", "kind", "amount_usd", "line")


@dataclass(frozen=True, eq=False)
class ExportRows:
    """What one export file holds, in standard form.

    Attributes:
        loaded: The file as read.
        fills: Fills (:data:`~planner.journal.netting.FILL_COLUMNS`), good rows only.
        events: Funding and liquidation marks (:data:`EVENT_COLUMNS`), good rows only.
        trades: One-row-per-trade records (journal fields), good rows only.
        issues: Every bad cell, naming line and column.
        bad_lines: Lines with a problem (left out).
        ignored: Ledger rows not imported, by the venue's type (``COMMISSION``: 3).
    """

    loaded: Loaded
    fills: pd.DataFrame
    events: pd.DataFrame
    trades: pd.DataFrame
    issues: tuple[CellIssue, ...] = ()
    bad_lines: tuple[int, ...] = ()
    ignored: Mapping[str, int] = field(default_factory=dict)


def _empty(cols: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({k: pd.Series(dtype=object) for k in cols})


def _base_coin(symbol: pd.Series, coin: pd.Series) -> np.ndarray:
    """True where the fee coin is the traded coin (``BTC`` of ``BTCUSDT`` / ``BTC-USD``)."""
    sym = symbol.to_numpy(dtype=str)
    c = coin.to_numpy(dtype=str)
    return np.array([bool(k) and s.startswith(k) for s, k in zip(sym, c, strict=True)], dtype=bool)


def _fees(cells: Cells, price: np.ndarray, symbol: pd.Series) -> pd.DataFrame:
    """Fee of each row: USD part, other-coin part and its coin."""
    value, unit = cells.number("fee")
    coin = unit.where(unit != "", cells.raw("fee_coin").str.upper())
    coin = coin.where(coin != "", cells.preset.quote_fee_coin)
    cost = np.nan_to_num(value) * cells.preset.fee_sign
    usd = coin.isin(list(USD_COINS)).to_numpy()
    base = _base_coin(symbol, coin) & ~usd
    return pd.DataFrame({"fee_usd": np.where(usd, cost, np.where(base, cost * price, 0.0)),
                         "fee_other": np.where(usd | base, 0.0, cost),
                         "fee_coin_other": np.where(usd | base, "", coin)}, index=cells.index)


def _quantity(cells: Cells, rows: pd.Series, face: Mapping[str, float],
              symbol: pd.Series) -> np.ndarray:
    """Quantity in base units: contracts (``cont``) × face value × multiplier."""
    qty = cells.positive("quantity", rows)
    if cells.header("unit") is not None:
        cont = cells.raw("unit").str.lower().str.startswith("cont").to_numpy() & rows.to_numpy()
        fv = symbol.map(lambda s: face.get(s, np.nan)).to_numpy(dtype=float)
        cells.flag(cont & np.isnan(fv), "quantity", "amount in contracts: give the contract's "
                   "face value with --face-value " + symbol + "=VALUE")
        qty = np.where(cont, qty * fv, qty)
    return qty * _face(cells)


def _face(cells: Cells) -> np.ndarray | float:
    """Face value × multiplier from the file's own columns (1 when it has none)."""
    out: np.ndarray | float = 1.0
    for name in ("face_value", "multiplier"):
        if cells.header(name) is not None:
            v, _ = cells.number(name)
            out = out * np.where(np.isnan(v), 1.0, v)
    return out


def _fill_frame(cells: Cells, kinds: pd.Series, face: Mapping[str, float]) -> pd.DataFrame:
    rows = kinds.isin(["trade", "liquidation"]) | kinds.str.startswith("other:")
    symbol = cells.symbols()
    sides = cells.sides(rows)
    price = cells.positive("price", rows)
    pnl, _ = cells.number("pnl")
    frame = pd.DataFrame({
        "time": cells.times("time"), "symbol": symbol, "book": sides["book"],
        "side": sides["side"], "quantity": _quantity(cells, rows, face, symbol),
        "price": price, **_fees(cells, price, symbol),
        "pnl": pnl if cells.header("pnl") else np.nan,
        "liquidation": (kinds == "liquidation").to_numpy(),
        "stop": cells.raw("order_type").str.lower().str.contains("stop").to_numpy(),
        "opens": sides["opens"], "exec_id": cells.raw("exec_id"), "line": cells.index})
    return frame[rows.to_numpy()][list(FILL_COLUMNS)]


def _event_frame(cells: Cells, kinds: pd.Series) -> pd.DataFrame:
    """Funding payments and liquidation marks (ledger, funding file, funding rows of fills)."""
    rows = kinds.isin(["funding", "liquidation"]) if cells.preset.kind != "fills" else \
        kinds == "funding"
    if cells.header("amount") is not None:
        amount, unit = cells.number("amount", required=True, rows=rows)
        amount = amount * cells.preset.funding_sign
        coin = unit.where(unit != "", cells.raw("fee_coin").str.upper())
        odd = rows & (coin != "") & ~coin.isin(list(USD_COINS))
        cells.flag(odd.to_numpy(), "amount", "an amount in " + coin + " cannot be taken as USD")
    else:
        fee, _ = cells.number("fee", required=True, rows=rows)
        amount = -fee * cells.preset.fee_sign
    frame = pd.DataFrame({"time": cells.times("time"), "symbol": cells.symbols(),
                          "kind": kinds, "amount_usd": amount, "line": cells.index})
    return frame[rows.to_numpy()][list(EVENT_COLUMNS)]


def read_rows(loaded: Loaded, *, tz: str | None = None, dayfirst: bool | None = None,
              face_values: Mapping[str, float] | None = None) -> ExportRows:
    """Apply the preset to a loaded export (see the module doc).

    Raises:
        FileRefused: The file cannot be read as asked (ambiguous dates with no order given).
    """
    from planner.journal.formats.trade_rows import trade_frame

    cells = Cells(loaded, tz, dayfirst)
    kind = loaded.preset.kind
    kinds = row_kinds(cells.raw("kind")) if cells.header("kind") else pd.Series(
        "funding" if kind == "funding" else "trade", index=cells.index, dtype=object)
    fills = _fill_frame(cells, kinds, face_values or {}) if kind == "fills" else _empty(
        FILL_COLUMNS)
    events = _event_frame(cells, kinds) if kind != "trades" else _empty(EVENT_COLUMNS)
    trades = trade_frame(cells) if kind == "trades" else pd.DataFrame()
    ignored = kinds[kinds.str.startswith("other:")].str[6:].value_counts() \
        if kind == "ledger" else pd.Series(dtype=int)
    bad = tuple(sorted(cells.problems))
    return ExportRows(loaded, _good(fills, bad), _good(events, bad), _good(trades, bad),
                      tuple(cells.issues()), bad, {str(k): int(v) for k, v in ignored.items()})


def _good(frame: pd.DataFrame, bad: tuple[int, ...]) -> pd.DataFrame:
    if frame.empty or not bad:
        return frame
    lines = frame["line"] if "line" in frame else pd.Series(frame.index, index=frame.index)
    return frame[~lines.isin(bad).to_numpy()]
