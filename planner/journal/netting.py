"""Netting fills into round-trip trades: one pure function, vectorised.

:func:`net_fills` takes executions (one row per fill) and returns the closed trades:

* fills are netted per **book** — symbol, and position side in hedge mode (``long`` /
  ``short``; "" in one-way mode) — in time order (ties in file order);
* a trade **opens** when the book's position leaves zero and **closes** when it returns to
  zero; a fill that takes the position **through** zero is split: its first part closes the
  trade, the rest opens the next one (its fee split by quantity, its realized P&L on the close);
* partial closes stay inside the trade: entry and exit are the quantity-weighted averages of the
  opening and the closing fills; the quantity is the quantity closed;
* the trade's fees are the sum of its fills' (USD), plus fees in another coin, kept apart;
* the venue's realized P&L of the fills is summed (``venue_pnl_usd``, NaN when not given);
* a trade is a liquidation when a closing fill is one, a stop when a closing fill was a stop
  order;
* a position still open at the end, or one that began before the first fill (its first fill
  closes, by the venue's words or P&L), is not a closed trade: it is returned apart.

Quantities are compared to zero with a tolerance of 1e-9 of the book's largest fill.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Columns of the fills frame :func:`net_fills` reads.
FILL_COLUMNS = ("time", "symbol", "book", "side", "quantity", "price", "fee_usd", "fee_other",
                "fee_coin_other", "pnl", "liquidation", "stop", "opens", "exec_id", "line")
#: Columns of the trades it returns.
TRADE_COLUMNS = ("symbol", "book", "side", "opened_at", "closed_at", "entry_price",
                 "exit_price", "quantity", "fees_usd", "fee_other", "fee_coin_other",
                 "venue_pnl_usd", "liquidation", "stop", "fills", "first_id", "last_id",
                 "line")
_REL_TOL = 1e-9


def _ordered(fills: pd.DataFrame) -> pd.DataFrame:
    order = np.lexsort((fills["line"].to_numpy(), fills["time"].to_numpy(),
                        fills["book"].to_numpy(dtype=str), fills["symbol"].to_numpy(dtype=str)))
    return fills.iloc[order].reset_index(drop=True)


def _positions(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Signed size ``d``, position after each fill, and the book code of each fill."""
    d = np.where(f["side"].to_numpy() == "buy", 1.0, -1.0) * f["quantity"].to_numpy(dtype=float)
    book = pd.factorize(f["symbol"].astype(str) + "\x1f" + f["book"].astype(str))[0]
    pos = pd.Series(d).groupby(book).cumsum().to_numpy(copy=True)
    scale = pd.Series(np.abs(d)).groupby(book).transform("max").to_numpy()
    pos[np.abs(pos) <= _REL_TOL * scale] = 0.0
    return d, pos, book


def _split_flips(f: pd.DataFrame) -> pd.DataFrame:
    """Split each fill that crosses zero into a closing and an opening part."""
    d, pos, book = _positions(f)
    prev = pos - d
    prev[np.abs(prev) <= _REL_TOL * np.abs(d)] = 0.0
    flip = (prev != 0) & (pos != 0) & (np.sign(prev) != np.sign(pos))
    reps = np.where(flip, 2, 1)
    out = f.loc[f.index.repeat(reps)].reset_index(drop=True)
    part = np.concatenate([np.arange(r) for r in reps]) if flip.any() else np.zeros(len(f), int)
    flip_r, d_r, prev_r = np.repeat(flip, reps), np.repeat(d, reps), np.repeat(prev, reps)
    pos_r = np.repeat(pos, reps)
    size = np.where(flip_r, np.where(part == 0, -prev_r, pos_r), d_r)
    share = np.where(flip_r, np.abs(size) / np.abs(d_r), 1.0)
    out["d"] = size
    out["prev"] = np.where(flip_r & (part == 1), 0.0, prev_r)
    out["book_code"] = np.repeat(book, reps)
    for k in ("fee_usd", "fee_other"):
        out[k] = out[k].to_numpy(dtype=float) * share
    pnl = out["pnl"].to_numpy(dtype=float)
    out["pnl"] = np.where(flip_r & (part == 1), pnl * 0.0, pnl)   # NaN stays NaN
    out["quantity"] = np.abs(size)
    return out


def _label(f: pd.DataFrame) -> pd.DataFrame:
    """Number the trades; mark opening fills and whether each trade came back to zero."""
    start = f["prev"].to_numpy() == 0
    trade = np.cumsum(start)
    direction = np.sign(f["d"].to_numpy())[start][trade - 1]
    f = f.assign(trade=trade, dir=direction)
    f["opening"] = np.sign(f["d"].to_numpy()) == direction
    after = f["prev"].to_numpy() + f["d"].to_numpy()
    f["flat"] = np.abs(after) <= _REL_TOL * np.abs(f["d"].to_numpy()).clip(min=1e-300)
    return f


def _aggregate(f: pd.DataFrame) -> pd.DataFrame:
    q, px = f["quantity"].to_numpy(dtype=float), f["price"].to_numpy(dtype=float)
    o = f["opening"].to_numpy()
    closing = ~o
    pnl = f["pnl"].to_numpy(dtype=float)
    opens_word = f["opens"].to_numpy(dtype=object)
    early = o & ((opens_word == False) | (np.nan_to_num(pnl) != 0))  # noqa: E712
    parts = pd.DataFrame({
        "trade": f["trade"], "oq": np.where(o, q, 0.0), "on": np.where(o, q * px, 0.0),
        "cq": np.where(closing, q, 0.0), "cn": np.where(closing, q * px, 0.0),
        "fee": f["fee_usd"].to_numpy(dtype=float),
        "other": np.nan_to_num(f["fee_other"].to_numpy(dtype=float)), "pnl": pnl,
        "liq": closing & f["liquidation"].to_numpy(dtype=bool),
        "stop": closing & f["stop"].to_numpy(dtype=bool), "early": early,
        "flat": f["flat"].to_numpy(dtype=bool)})
    g = parts.groupby("trade", sort=True)
    sums = g[["oq", "on", "cq", "cn", "fee", "other", "liq", "stop", "early"]].sum()
    sums["pnl"] = g["pnl"].sum(min_count=1)
    sums["closed"] = g["flat"].last()
    first, last = f.groupby("trade").head(1), f.groupby("trade").tail(1)
    paid = parts["other"].to_numpy() != 0
    coins = pd.Series(f["fee_coin_other"].to_numpy(dtype=str)[paid],
                      index=f["trade"].to_numpy()[paid])
    sums["coin"] = coins[~coins.index.duplicated()].reindex(sums.index).fillna("")
    return _trades(sums, first.set_index("trade"), last.set_index("trade"), g.size())


def _trades(s: pd.DataFrame, first: pd.DataFrame, last: pd.DataFrame,
            count: pd.Series) -> pd.DataFrame:
    with np.errstate(invalid="ignore", divide="ignore"):
        entry, exit_ = s["on"] / s["oq"], s["cn"] / s["cq"]
    return pd.DataFrame({
        "symbol": first["symbol"], "book": first["book"],
        "side": np.where(first["dir"] > 0, "long", "short"),
        "opened_at": first["time"], "closed_at": last["time"],
        "entry_price": entry, "exit_price": exit_, "quantity": s["cq"],
        "fees_usd": s["fee"], "fee_other": s["other"], "fee_coin_other": s["coin"],
        "venue_pnl_usd": s["pnl"], "liquidation": s["liq"] > 0, "stop": s["stop"] > 0,
        "fills": count, "first_id": first["exec_id"], "last_id": last["exec_id"],
        "line": last["line"], "_closed": s["closed"], "_early": s["early"] > 0})


def net_fills(fills: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Net fills into closed round-trip trades (see the module doc).

    Args:
        fills: One row per fill, columns :data:`FILL_COLUMNS`: ``time`` (UTC), ``symbol``,
            ``book`` ("" one-way, ``long``/``short`` hedge), ``side`` (``buy``/``sell``),
            ``quantity`` (> 0, base units), ``price`` (quote), ``fee_usd`` (cost, USD),
            ``fee_other`` (a cost in another coin, named by ``fee_coin_other``), ``pnl`` (the
            venue's realized P&L of the fill, NaN when not given), ``liquidation`` and ``stop``
            (bool), ``opens`` (True/False when the venue's words say, else None), ``exec_id``
            and ``line`` (where the fill was read).

    Returns:
        ``(closed, unfinished)``: trades with :data:`TRADE_COLUMNS` (``side`` long/short,
        ``venue_pnl_usd`` = Σ venue P&L, ``line`` = line of the closing fill), closed ones in
        close order, and the books left open or begun before the file (same columns).
    """
    if fills.empty:
        empty = pd.DataFrame({k: pd.Series(dtype=object) for k in TRADE_COLUMNS})
        return empty, empty.copy()
    trades = _aggregate(_label(_split_flips(_ordered(fills))))
    done = trades["_closed"].to_numpy(dtype=bool) & ~trades["_early"].to_numpy(dtype=bool)
    cols = list(TRADE_COLUMNS)
    closed = trades.loc[done, cols].sort_values(["closed_at", "line"], kind="stable")
    return closed.reset_index(drop=True), trades.loc[~done, cols].reset_index(drop=True)
