"""Replay a plan through a window of history (SPEC §11), vectorised over rows.

Each row follows a path (:mod:`planner.market.paths`). Within a candle the adverse extreme is
taken first (a long sees the low before the high: conservative). The first candle whose adverse
extreme reaches the row's stop or liquidation price ends the row:

* opens beyond the liquidation price -> ``liquidation`` (a gap jumped the stop);
* opens beyond the stop -> ``stop``, filled at that open (a gap jumped the stop);
* else the stop when it lies before the liquidation price, filled at the stop; a stop at or
  beyond the liquidation price never fills -> ``liquidation``.
A row that is never reached ends at the window's last close (``end``).

P&L (USD): a stop or end pays slippage and the venue's fees on both fills, gas twice, and the
funding actually paid: from the funding history of the row's own symbol when loaded (each
payment ``rate × Q × price`` at its time), else the row's rate per 8 h for the time held. A
liquidation loses the row's margin plus the entry fee and gas (isolated margin caps the loss; the
funding paid before it came out of that margin). Cross margin: one wallet of the plan's capital
backs every row; rows exit at their stops only; the account is liquidated at the first candle
where capital + realized + unrealized P&L (at each row's adverse extreme) falls below the summed
maintenance margin.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.market.candles import Candles
from planner.market.cross import cross_margin
from planner.market.names import match_series
from planner.market.paths import Assignment, Path, assign
from planner.market.rowdata import RowArrays, first_touch, take
from planner.market.windows import Window

OUTCOMES = ("stop", "liquidation", "end", "no data")
ROW_KEYS = ("row", "symbol", "bucket", "side", "path", "outcome", "at", "exit_price", "pnl_usd",
            "funding_usd", "funding_source", "gap")


@dataclass(frozen=True, eq=False)
class ReplayResult:
    """A plan replayed through one window.

    Attributes:
        window: The window.
        rows: One row per plan row (:data:`ROW_KEYS`; ``at`` in µs, NaN for no data).
        buckets: Per bucket: rows, stops, liquidations, ends, gaps, pnl_usd, funding_usd.
        totals: The same over the plan (a dict).
        cross: Cross margin: survived, at (µs or None), min_equity_usd, pnl_usd.
    """

    window: Window
    rows: pd.DataFrame
    buckets: pd.DataFrame
    totals: dict[str, Any]
    cross: dict[str, Any] = field(default_factory=dict)


def replay_frame(results: Any) -> pd.DataFrame:
    """The engine's per-row results with the fee rates the replay needs.

    Adds ``fee_entry_pct`` and ``fee_exit_pct`` from each row's venue (maker entry when
    ``fee_mode`` is ``maker``); the index becomes the Plan sheet's row numbers (header = 1).

    Args:
        results: :class:`planner.engine.core.Results` (``rows`` and ``venues``).
    """
    rows = results.rows.copy()
    rows.index = pd.RangeIndex(2, len(rows) + 2)       # the plan sheet's row numbers
    venues = results.venues
    taker = rows["venue"].map(lambda v: venues[v].taker_fee_pct if v in venues else math.nan)
    maker = rows["venue"].map(lambda v: venues[v].maker_fee_pct if v in venues else math.nan)
    mode = rows["fee_mode"] if "fee_mode" in rows else pd.Series("taker", index=rows.index)
    rows["fee_entry_pct"] = np.where(mode.eq("maker"), maker, taker)
    rows["fee_exit_pct"] = taker.to_numpy(dtype=float)
    return rows


def _events(path: Path, r: RowArrays, k: np.ndarray) -> dict[str, np.ndarray]:
    """Outcome, time, exit price and gap of rows following one path."""
    n = len(path)
    trigger = np.where(r.s > 0, np.fmax(r.stop, r.lp), np.fmin(r.stop, r.lp))
    idx = first_touch(path, trigger / r.E, k, r.s)
    hit = idx < n
    t = np.minimum(idx, n - 1)
    opened = r.E * path.open[t] ** k
    beyond_liq = np.isfinite(r.lp) & (r.s * (opened - r.lp) <= 0)
    beyond_stop = r.s * (opened - r.stop) <= 0
    stop_past_liq = np.isfinite(r.lp) & (r.s * (r.stop - r.lp) <= 0)
    liq = hit & (beyond_liq | (~beyond_stop & stop_past_liq))
    stopped = hit & ~liq
    end_price = r.E * path.close[-1] ** k
    exit_price = np.where(stopped, np.where(beyond_stop, opened, r.stop), end_price)
    exit_price = np.where(liq, np.where(beyond_liq, opened, r.lp), exit_price)
    outcome = np.where(liq, "liquidation", np.where(stopped, "stop", "end"))
    return {"outcome": outcome, "t": t, "hit": hit, "exit_price": exit_price,
            "gap": hit & beyond_stop}


def _funding_history(path: Path, funding: pd.DataFrame, at: np.ndarray,
                     r: RowArrays) -> np.ndarray:
    """Funding paid (USD, > 0 = paid) per row from payments before each row's end."""
    ev = funding["time"].to_numpy(dtype=np.int64)
    ci = np.clip(np.searchsorted(path.time, ev, "right") - 1, 0, len(path) - 1)
    cum = np.r_[0.0, np.cumsum(funding["rate"].to_numpy(dtype=float) * path.open[ci])]
    count = np.searchsorted(ev, at, "left")
    return r.s * r.Q * r.E * cum[count]


def replay(rows: pd.DataFrame, candles: Mapping[str, Candles], window: Window, *,
           capital_usd: float, funding: Mapping[str, pd.DataFrame] | None = None
           ) -> ReplayResult:
    """Replay every row through ``window``.

    Args:
        rows: :func:`replay_frame` of the engine's results (index = the plan's row numbers).
        candles: Stored series -> candles (one interval; any span, cut to the window here).
        window: The window.
        capital_usd: The plan's capital (the cross-margin wallet).
        funding: Stored series -> funding payments (``time`` µs, ``rate`` per interval), for
            rows replaying their own symbol; others use their own rate.

    Returns:
        Per row, per bucket, plan totals and the cross-margin verdict.
    """
    a = assign(rows, candles, window)
    r = RowArrays.of(rows)
    ok = (a.group >= 0) & np.isfinite(r.Q) & (r.Q > 0)
    out = _empty(len(rows))
    for g, path in enumerate(a.paths):
        sel = np.flatnonzero(ok & (a.group == g))
        if len(sel):
            _fill(out, sel, path, take(r, sel), a.k[sel], a.own[sel], window, funding or {})
    frame = _frame(rows, a, out)
    cross = cross_margin(a, r, ok, window, capital_usd)
    return ReplayResult(window, frame, _buckets(frame), _totals(frame), cross)


def _empty(n: int) -> dict[str, np.ndarray]:
    return {"outcome": np.full(n, "no data", dtype=object), "at": np.full(n, np.nan),
            "exit_price": np.full(n, np.nan), "pnl_usd": np.full(n, np.nan),
            "funding_usd": np.full(n, np.nan), "gap": np.zeros(n, dtype=bool),
            "funding_source": np.full(n, "", dtype=object)}


def _fill(out: dict[str, np.ndarray], sel: np.ndarray, path: Path, r: RowArrays, k: np.ndarray,
          own: np.ndarray, window: Window, funding: Mapping[str, pd.DataFrame]) -> None:
    ev = _events(path, r, k)
    at = np.where(ev["hit"], path.time[ev["t"]], window.end_us).astype(np.int64)
    hours = (at - window.start_us) / 3.6e9
    paid = r.s * r.N * r.f * hours / 8.0
    series = match_series(path.series, funding)
    if series is not None and own.any():
        paid = np.where(own, _funding_history(path, funding[series], at, r), paid)
    x = ev["exit_price"]
    trade = (r.s * r.Q * (x - r.E) - (r.N + r.Q * x) * r.slip - r.N * r.fee_e
             - r.Q * x * r.fee_x - 2 * r.gas - paid)
    liq = ev["outcome"] == "liquidation"
    out["outcome"][sel] = ev["outcome"]
    out["at"][sel] = at
    out["exit_price"][sel] = x
    out["pnl_usd"][sel] = np.where(liq, -(r.M + r.N * r.fee_e + r.gas), trade)
    out["funding_usd"][sel] = -paid
    out["gap"][sel] = ev["gap"]
    out["funding_source"][sel] = np.where(own & (series is not None), "history", "row rate")


def _frame(rows: pd.DataFrame, a: Assignment, out: dict[str, np.ndarray]) -> pd.DataFrame:
    frame = pd.DataFrame({"row": rows.index.to_numpy(), "symbol": rows["symbol"].to_numpy(),
                          "bucket": rows["bucket"].to_numpy(), "side": rows["side"].to_numpy(),
                          "path": a.label, **out}, index=rows.index)
    return frame[list(ROW_KEYS)]


def _counts(frame: pd.DataFrame) -> dict[str, Any]:
    o = frame["outcome"]
    return {"rows": int(len(frame)), "stops": int((o == "stop").sum()),
            "liquidations": int((o == "liquidation").sum()), "ends": int((o == "end").sum()),
            "no_data": int((o == "no data").sum()), "gaps": int(frame["gap"].sum()),
            "pnl_usd": float(frame["pnl_usd"].sum()),
            "funding_usd": float(frame["funding_usd"].sum())}


def _buckets(frame: pd.DataFrame) -> pd.DataFrame:
    parts = [{"bucket": b, **_counts(g)} for b, g in frame.groupby("bucket", sort=True)]
    return pd.DataFrame(parts, columns=["bucket", "rows", "stops", "liquidations", "ends",
                                        "no_data", "gaps", "pnl_usd", "funding_usd"])


def _totals(frame: pd.DataFrame) -> dict[str, Any]:
    return _counts(frame)
