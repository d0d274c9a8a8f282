"""One-row-per-trade exports (position history, closed P&L) as journal fields.

* quantity = the closed quantity (× face value × multiplier where the file gives them);
* fees = the fee column (or opening + closing fee) as a cost, plus any liquidation fee;
  a venue P&L after costs with no itemised fee (Bybit's older Closed P&L) gives the costs as
  price P&L − venue P&L;
* funding as received; ``exit_kind`` from the venue's exit type (stop, liquidation, else close);
* without a side column the side follows from the prices and the P&L before costs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.journal.formats.cells import Cells


def exit_kinds(text: pd.Series) -> np.ndarray:
    """``liquidation`` / ``stop`` / ``close`` from a venue's exit type or status words."""
    low = text.str.lower()
    liq = low.str.contains("liquidat|bust", regex=True).to_numpy()
    stop = low.str.contains("stop", regex=False).to_numpy()
    return np.where(liq, "liquidation", np.where(stop, "stop", "close")).astype(object)


def _costs(cells: Cells) -> tuple[np.ndarray, np.ndarray]:
    """Fees (cost, USD) and funding (received, USD) of each row; NaN fee when not given."""
    sign = cells.preset.fee_sign
    fee = np.full(len(cells.index), np.nan)
    for name in ("fee", "open_fee", "close_fee", "extra_fee"):
        if cells.header(name) is not None:
            v, _ = cells.number(name)
            fee = np.where(np.isnan(fee), 0.0, fee) + np.nan_to_num(v) * sign
    funding = np.zeros(len(cells.index))
    if cells.header("funding") is not None:
        v, _ = cells.number("funding")
        funding = np.nan_to_num(v) * cells.preset.funding_sign
    return fee, funding


def _sides(cells: Cells, entry: np.ndarray, exit_: np.ndarray, gross: np.ndarray) -> np.ndarray:
    if cells.header("side") is not None:
        return np.where(cells.sides(books=True)["book"].to_numpy() == "short", "short", "long")
    move = np.sign(exit_ - entry) * np.sign(gross)
    cells.flag(move == 0, "side", "no side column, and the prices and P&L do not say it")
    return np.where(move < 0, "short", "long")


def trade_frame(cells: Cells) -> pd.DataFrame:
    """The journal fields of each row (index = line), bad cells recorded in ``cells``."""
    from planner.journal.formats.rows import _face

    entry = cells.positive("entry_price")
    exit_ = cells.positive("exit_price")
    qty = cells.positive("quantity") * _face(cells)
    pnl, _ = cells.number("pnl")
    fee, funding = _costs(cells)
    side = _sides(cells, entry, exit_, pnl + np.nan_to_num(fee) - funding)
    gross = np.where(side == "short", -1.0, 1.0) * (exit_ - entry) * qty
    if cells.preset.pnl_after_fee and cells.header("fee") is None and np.isnan(fee).all():
        fee = gross - pnl + funding          # costs implied by the venue's net P&L
    lev = cells.number("leverage")[0] if cells.header("leverage") else np.nan
    opened = cells.times("opened_at", required=False) if cells.header("opened_at") else \
        pd.Series(pd.NaT, index=cells.index, dtype="datetime64[us, UTC]")
    return pd.DataFrame({
        "opened_at": opened, "closed_at": cells.times("closed_at"),
        "symbol": cells.symbols(), "side": side, "entry_price": entry, "exit_price": exit_,
        "quantity": qty, "fees_usd": np.nan_to_num(fee), "funding_usd": funding,
        "leverage": lev, "reported_pnl_usd": pnl, "exit_kind": exit_kinds(cells.raw("exit_type")),
        "line": cells.index}, index=cells.index)
