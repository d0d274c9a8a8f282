"""Volatility estimators over a window of candles, as daily σ in % (SPEC §11).

Pure functions over the arrays of a :class:`~planner.market.candles.Candles`. The window is the
last ``days × candles_per_day`` candles (all of them when fewer are stored); each per-candle
estimate is scaled to a day by ``sqrt(candles_per_day)``. With ``n`` candles in the window:

* close-to-close: sample standard deviation (ddof 1) of the ``n − 1`` log returns between
  consecutive closes.
* Parkinson: ``sqrt(mean(ln(H/L)²) / (4 ln 2))``.
* Garman–Klass: ``sqrt(mean(½·ln(H/L)² − (2 ln 2 − 1)·ln(C/O)²))``.
* Yang–Zhang, over the ``N = n − 1`` candles that have a previous close:
  ``σ² = σ_o² + k·σ_c² + (1 − k)·σ_rs²`` with ``o = ln(O/C_prev)``, ``c = ln(C/O)`` (sample
  variances, ddof 1), ``σ_rs²`` the mean of ``ln(H/C)·ln(H/O) + ln(L/C)·ln(L/O)`` (Rogers–
  Satchell) and ``k = 0.34 / (1.34 + (N + 1)/(N − 1))``.
* EWMA: on daily log returns (last close of each UTC day, days of the window), zero mean,
  ``σ² = Σ_i w_i·r²_{m−1−i}`` with ``w_i = (1 − λ)·λ^i / (1 − λ^m)`` (the RiskMetrics weights,
  newest first, normalised over the ``m`` returns), ``λ = 0.94``.
* ATR %: Wilder's average true range over 14 daily bars built from the window's candles (seed:
  the mean of the first 14 true ranges, then ``ATR_t = (13·ATR_{t−1} + TR_t) / 14``), ÷ the
  last close, in %. It is a daily range, not a σ; shown beside them as traders read it.

An estimate that needs more data than the window holds is NaN.
"""

from __future__ import annotations

import math

import numpy as np

from planner.market.candles import Candles
from planner.market.names import US_PER_DAY
from planner.model import VOL_ESTIMATORS

ESTIMATORS = VOL_ESTIMATORS
DEFAULT_ESTIMATOR = "yang-zhang"
DEFAULT_WINDOW_DAYS = 30
EWMA_LAMBDA = 0.94
ATR_PERIODS = 14
_LN2 = math.log(2.0)


def window(c: Candles, days: float) -> Candles:
    """The last ``days × candles_per_day`` candles of ``c``."""
    return c.last(max(int(round(days * c.per_day)), 1))


def _daily(sigma_per_candle: float, c: Candles) -> float:
    return float(sigma_per_candle * math.sqrt(c.per_day) * 100.0)


def close_to_close(c: Candles) -> float:
    """Close-to-close daily σ, % (``c`` is the window)."""
    if len(c) < 3:
        return math.nan
    return _daily(float(np.std(np.diff(np.log(c.close)), ddof=1)), c)


def parkinson(c: Candles) -> float:
    """Parkinson's high–low daily σ, %."""
    if len(c) < 1:
        return math.nan
    hl = np.log(c.high / c.low)
    return _daily(math.sqrt(float(np.mean(hl * hl)) / (4.0 * _LN2)), c)


def garman_klass(c: Candles) -> float:
    """Garman–Klass daily σ, %."""
    if len(c) < 1:
        return math.nan
    hl, co = np.log(c.high / c.low), np.log(c.close / c.open)
    var = float(np.mean(0.5 * hl * hl - (2.0 * _LN2 - 1.0) * co * co))
    return _daily(math.sqrt(max(var, 0.0)), c)


def yang_zhang(c: Candles) -> float:
    """Yang–Zhang daily σ, % (drift-free; opening jumps, open-to-close and range)."""
    n = len(c) - 1
    if n < 3:
        return math.nan
    o, h, lo, cl = c.open[1:], c.high[1:], c.low[1:], c.close[1:]
    over = np.log(o / c.close[:-1])
    oc = np.log(cl / o)
    rs = np.log(h / cl) * np.log(h / o) + np.log(lo / cl) * np.log(lo / o)
    k = 0.34 / (1.34 + (n + 1) / (n - 1))
    var = np.var(over, ddof=1) + k * np.var(oc, ddof=1) + (1.0 - k) * float(np.mean(rs))
    return _daily(math.sqrt(max(float(var), 0.0)), c)


def daily_bars(c: Candles) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(open, high, low, close)`` per UTC day of the candles (days without candles skipped)."""
    if len(c) == 0:
        empty = np.empty(0)
        return empty, empty, empty, empty
    day = c.time // US_PER_DAY
    starts = np.flatnonzero(np.r_[True, day[1:] != day[:-1]])
    ends = np.r_[starts[1:], len(c)] - 1
    return (c.open[starts], np.maximum.reduceat(c.high, starts),
            np.minimum.reduceat(c.low, starts), c.close[ends])


def ewma(c: Candles, lam: float = EWMA_LAMBDA) -> float:
    """EWMA (RiskMetrics) daily σ on daily log returns, %."""
    close = daily_bars(c)[3]
    r = np.diff(np.log(close))
    m = len(r)
    if m < 2:
        return math.nan
    w = (1.0 - lam) * lam ** np.arange(m) / (1.0 - lam ** m)
    return float(math.sqrt(float(np.dot(w, r[::-1] ** 2))) * 100.0)


def atr_pct(c: Candles, periods: int = ATR_PERIODS) -> float:
    """Wilder's ATR over daily bars, ÷ the last close, %."""
    _, h, lo, cl = daily_bars(c)
    if len(cl) < periods:
        return math.nan
    prev = np.r_[cl[0], cl[:-1]]
    tr = np.maximum(h - lo, np.maximum(np.abs(h - prev), np.abs(lo - prev)))
    tr[0] = h[0] - lo[0]
    a = (periods - 1) / periods
    rest = tr[periods:]
    decay = a ** np.arange(len(rest), 0, -1)    # weight of the seed and of each later TR
    value = float(np.mean(tr[:periods])) * a ** len(rest) + float(
        np.dot(decay / a, rest)) / periods
    return value / float(cl[-1]) * 100.0


_FUNCS = {"close-to-close": close_to_close, "parkinson": parkinson,
          "garman-klass": garman_klass, "yang-zhang": yang_zhang, "ewma": ewma,
          "atr": atr_pct}


def estimate(c: Candles, name: str, days: float) -> float:
    """One estimator over the last ``days`` of ``c``, daily σ in %.

    Raises:
        ValueError: Unknown estimator name.
    """
    if name not in _FUNCS:
        raise ValueError(f"unknown estimator {name!r} (use one of {', '.join(ESTIMATORS)})")
    return _FUNCS[name](window(c, days))


def all_estimates(c: Candles, days: float) -> dict[str, float]:
    """Every estimator over the last ``days`` of ``c``: name -> daily σ in % (NaN if too few)."""
    w = window(c, days)
    return {name: f(w) for name, f in _FUNCS.items()}
