"""Builders for journal tests: typed journal frames from short tables, generated in code."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.journal.frame import empty_journal


def trades(pnls, *, risk=None, buckets=None, start="2024-01-01", freq="D", **cols) -> pd.DataFrame:
    """A typed journal frame whose realized P&L per trade is ``pnls`` (USD).

    Long trades, entry 100, quantity 1, exit = 100 + pnl, no fees: so s·(exit − entry)·Q = pnl.
    """
    n = len(pnls)
    f = empty_journal(n)
    closes = pd.date_range(start, periods=n, freq=freq, tz="UTC")
    f["closed_at"] = pd.Series(closes).dt.as_unit("us")
    f["symbol"] = "BTCUSDT"
    f["entry_price"] = 100.0
    f["exit_price"] = 100.0 + np.asarray(pnls, dtype=float)
    f["quantity"] = 1.0
    if risk is not None:
        f["planned_risk_usd"] = np.broadcast_to(np.asarray(risk, dtype=float), (n,)).copy()
    if buckets is not None:
        f["bucket"] = list(buckets)
    for k, v in cols.items():
        f[k] = v
    return f
