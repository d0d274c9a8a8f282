"""Cross margin in the replay: would one wallet have survived the window?

Rows follow the same paths as in :mod:`planner.market.replay`, but under cross margin a row has
no liquidation price of its own: it exits at its stop (filled at the open when a gap jumped it)
or stays open to the end. At each candle of the common time axis (the first path's), the wallet
holds ``capital + realized + unrealized`` where unrealized P&L is marked at each open row's
adverse extreme; the account is liquidated at the first candle where that falls below the summed
maintenance margin ``Σ Q·p·mmr − cum`` of the open rows. Vectorised over rows, in blocks of
candles so memory stays bounded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from planner.market.rowdata import RowArrays, first_touch, take
from planner.market.windows import Window

if TYPE_CHECKING:
    from planner.market.paths import Assignment

_CELLS = 4_000_000


def _on_axis(a: Assignment, axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lows and highs of every path on the common axis (last candle at or before each time)."""
    lows, highs = [], []
    for p in a.paths:
        ix = np.clip(np.searchsorted(p.time, axis, "right") - 1, 0, len(p) - 1)
        lows.append(p.low[ix])
        highs.append(p.high[ix])
    return np.array(lows), np.array(highs)


def cross_margin(a: Assignment, r: RowArrays, ok: np.ndarray, window: Window,
                 capital_usd: float) -> dict[str, Any]:
    """The cross-margin verdict over the window.

    Returns:
        ``survived``, ``at`` (µs or None), ``min_equity_usd``, ``pnl_usd`` (the wallet's P&L
        at the end, or when it was liquidated).
    """
    sel = np.flatnonzero(ok)
    if not len(sel) or not a.paths:
        return {"survived": True, "at": None, "min_equity_usd": capital_usd, "pnl_usd": 0.0}
    axis = a.paths[0].time
    lows, highs = _on_axis(a, axis)
    rr, g, k = take(r, sel), a.group[sel], a.k[sel]
    exit_t, realized = _stops(a, rr, g, k, axis)
    closed = np.cumsum(np.bincount(exit_t, weights=realized, minlength=len(axis) + 1))
    equity, maint = _marks(rr, g, k, lows, highs, exit_t, closed[: len(axis)], capital_usd)
    under = np.flatnonzero(equity < maint)
    if len(under):
        t = int(under[0])
        return {"survived": False, "at": int(axis[t]),
                "min_equity_usd": float(equity[: t + 1].min()),
                "pnl_usd": float(equity[t] - capital_usd)}
    return {"survived": True, "at": None, "min_equity_usd": float(equity.min()),
            "pnl_usd": float(equity[-1] - capital_usd)}


def _stops(a: Assignment, r: RowArrays, g: np.ndarray, k: np.ndarray,
           axis: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row: the axis index at which it exits at its stop (len(axis): never) and its P&L."""
    exit_t = np.full(len(g), len(axis))
    pnl = np.zeros(len(g))
    for gi, path in enumerate(a.paths):
        m = np.flatnonzero(g == gi)
        if not len(m):
            continue
        s, E, stop = r.s[m], r.E[m], r.stop[m]
        idx = first_touch(path, stop / E, k[m], s)
        hit = idx < len(path)
        t = np.minimum(idx, len(path) - 1)
        opened = E * path.open[t] ** k[m]
        fill = np.where(s * (opened - stop) <= 0, opened, stop)
        x = r.Q[m] * fill
        pnl[m] = (s * r.Q[m] * (fill - E) - (r.N[m] + x) * r.slip[m] - r.N[m] * r.fee_e[m]
                  - x * r.fee_x[m] - 2 * r.gas[m])
        at = np.where(hit, path.time[t], np.iinfo(np.int64).max)
        exit_t[m] = np.where(hit, np.searchsorted(axis, at, "left"), len(axis))
    return exit_t, pnl


def _closed_sum(exit_t: np.ndarray, w: np.ndarray, n_t: int) -> np.ndarray:
    """Per candle, the sum of ``w`` over rows that have exited by then."""
    return np.cumsum(np.bincount(exit_t, weights=w, minlength=n_t + 1))[:n_t]


def _marks(r: RowArrays, g: np.ndarray, k: np.ndarray, lows: np.ndarray, highs: np.ndarray,
           exit_t: np.ndarray, closed: np.ndarray, capital: float
           ) -> tuple[np.ndarray, np.ndarray]:
    """Wallet equity and maintenance margin at every candle of the axis.

    With ``open`` the mask of rows still open and ``R`` each row's adverse price ratio,
    unrealized P&L is ``(open·R)ᵀ(s·N) − openᵀ(s·N)`` and maintenance ``(open·R)ᵀ(N·mmr) −
    openᵀ cum``: two matrix–vector products per block of candles, the ``openᵀ`` sums from
    cumulative sums over the exit candles.
    """
    n_t = lows.shape[1]
    sn, nm = r.s * r.N, r.N * r.mmr
    open_sn = sn.sum() - _closed_sum(exit_t, sn, n_t)
    open_cum = r.cum.sum() - _closed_sum(exit_t, r.cum, n_t)
    log_low, log_high = np.log(lows), np.log(highs)
    weighted = np.empty((2, n_t))
    block = max(1, _CELLS // max(len(g), 1))
    long = (r.s > 0)[:, None]
    for a0 in range(0, n_t, block):
        b0 = min(a0 + block, n_t)
        ratio = np.exp(np.where(long, log_low[g, a0:b0], log_high[g, a0:b0]) * k[:, None])
        ratio *= np.arange(a0, b0)[None, :] < exit_t[:, None]
        weighted[:, a0:b0] = np.stack([sn, nm]) @ ratio
    equity = capital + closed + weighted[0] - open_sn
    return equity, weighted[1] - open_cum
