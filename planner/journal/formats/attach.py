"""Attach funding payments and liquidation marks to the trades open at that time (vectorised).

A payment at time ``t`` on a symbol belongs to the trade of that symbol with
``opened_at ≤ t ≤ closed_at`` (the latest opened one, when hedge-mode books overlap). A
liquidation mark (Binance's ``INSURANCE_CLEAR``) may be stamped a little after the closing fill:
it belongs to the trade that closed within :data:`LIQUIDATION_SLACK` before it. Funding outside
every trade is returned apart, to be kept as its own journal entry.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

LIQUIDATION_SLACK = pd.Timedelta(minutes=1)
_NO_SLACK = pd.Timedelta(0)


def match_events(trades: pd.DataFrame, events: pd.DataFrame,
                 slack: pd.Timedelta = _NO_SLACK) -> np.ndarray:
    """Position in ``trades`` of the trade each event falls in (-1 when none).

    Args:
        trades: Columns ``symbol``, ``opened_at``, ``closed_at`` (UTC; a blank open time
            counts as the close time).
        events: Columns ``symbol``, ``time``.
        slack: How long after the close an event still belongs to the trade.
    """
    out = np.full(len(events), -1)
    if trades.empty or events.empty:
        return out
    t = pd.DataFrame({"symbol": trades["symbol"].to_numpy(dtype=str),
                      "start": trades["opened_at"].fillna(trades["closed_at"]).to_numpy(),
                      "end": trades["closed_at"].to_numpy(), "pos": np.arange(len(trades))})
    e = pd.DataFrame({"symbol": events["symbol"].to_numpy(dtype=str),
                      "time": events["time"].to_numpy(), "at": np.arange(len(events))})
    m = pd.merge_asof(e.sort_values("time"), t.sort_values("start"), left_on="time",
                      right_on="start", by="symbol", direction="backward")
    ok = m["pos"].notna() & (m["time"] <= m["end"] + slack)
    out[m.loc[ok, "at"].to_numpy(dtype=int)] = m.loc[ok, "pos"].to_numpy(dtype=int)
    return out


def attach(trades: pd.DataFrame, events: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Add funding to ``funding_usd`` and liquidation marks to ``exit_kind`` / ``fees_usd``.

    Returns:
        ``(trades, loose)``: the trades with what belongs to them, and the events that fall in
        no trade.
    """
    trades = trades.copy()
    funding = events[events["kind"] == "funding"]
    at = match_events(trades, funding)
    add = np.bincount(at[at >= 0], weights=funding["amount_usd"].to_numpy(dtype=float)[at >= 0],
                      minlength=len(trades))
    trades["funding_usd"] = trades["funding_usd"].to_numpy(dtype=float) + add
    marks = events[events["kind"] == "liquidation"]
    hit = match_events(trades, marks, LIQUIDATION_SLACK)
    cost = -np.nan_to_num(marks["amount_usd"].to_numpy(dtype=float))
    kinds = trades["exit_kind"].to_numpy(dtype=object, copy=True)
    kinds[hit[hit >= 0]] = "liquidation"
    trades["exit_kind"] = kinds
    trades["fees_usd"] = trades["fees_usd"].to_numpy(dtype=float) + np.bincount(
        hit[hit >= 0], weights=cost[hit >= 0], minlength=len(trades))
    loose = pd.concat([funding[at < 0], marks[hit < 0]])
    return trades, loose
