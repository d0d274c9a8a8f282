"""The one function the engine calls: what the stored history says about a plan's symbols.

:func:`history_for` opens the market file read-only, matches each plan symbol to a stored
series (rule in :mod:`planner.market.names`), and returns per symbol a
:class:`SymbolHistory`: σ by the chosen estimator over the window with its source label
(``BTCUSDT 1h 30d yang-zhang``), every estimator's value, funding percentiles, and the empirical
touch probability of SPEC §9. The engine never reaches into the store.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from planner.market.candles import Candles
from planner.market.estimators import (
    DEFAULT_ESTIMATOR,
    DEFAULT_WINDOW_DAYS,
    ESTIMATORS,
    all_estimates,
    window,
)
from planner.market.funding import FundingStats, funding_stats
from planner.market.names import US_PER_DAY, match_series
from planner.market.store import MarketStore
from planner.market.tails import EmpiricalTails
from planner.model import TAIL_TABLE_SIZE, Plan, SymbolFacts, base_symbol


@dataclass(frozen=True, eq=False)
class SymbolHistory:
    """What the history says about one plan symbol.

    Attributes:
        symbol: The symbol as the plan wrote it.
        series: The stored series it matched ("" when none: no history).
        interval: Candle interval used ("" when none).
        window_days: Window of the σ and funding estimates, days.
        estimator: The estimator whose value is ``sigma_pct``.
        candles: Candles in the σ window.
        sigma_pct: Daily σ, % (NaN when there is no history or too little).
        estimates: Every estimator's daily σ, % (name -> value).
        funding: Funding percentiles over the window, % per 8 h (``None``: no funding history).
        tails: The empirical tails of the series (``None``: no candles).
    """

    symbol: str
    series: str = ""
    interval: str = ""
    window_days: float = DEFAULT_WINDOW_DAYS
    estimator: str = DEFAULT_ESTIMATOR
    candles: int = 0
    sigma_pct: float = math.nan
    estimates: dict[str, float] = field(default_factory=dict)
    funding: FundingStats | None = None
    tails: EmpiricalTails | None = field(default=None, repr=False)

    @property
    def has_sigma(self) -> bool:
        """True when σ came out of the history (a finite, positive number)."""
        return math.isfinite(self.sigma_pct) and self.sigma_pct > 0

    @property
    def source(self) -> str:
        """The ``vol_source`` label (``BTCUSDT 1h 30d yang-zhang``), "" without σ."""
        if not self.has_sigma:
            return ""
        return f"{self.series} {self.interval} {self.window_days:g}d {self.estimator}"

    def empirical_ok(self, horizon_days: float) -> bool:
        """True when the history holds enough windows of ``horizon_days`` for §9's tails."""
        return self.tails is not None and self.tails.enough(horizon_days)

    def touch_probability(self, b: np.ndarray, sigma_pct: np.ndarray,
                          horizon_days: float) -> np.ndarray:
        """Empirical touch probability per row (see :mod:`planner.market.tails`).

        Args:
            b: ``ln(barrier / entry)`` per row (NaN: no barrier).
            sigma_pct: The rows' daily σ, %.
            horizon_days: ``T``, days.

        Returns:
            Probabilities in [0, 1]; NaN for every row when there are no candles.
        """
        if self.tails is None:
            return np.full(np.shape(b), math.nan)
        return self.tails.touch_probability(b, sigma_pct, horizon_days)


def history_for(store_path: str | os.PathLike[str], symbols: Iterable[str],
                interval: str | None = None, estimator: str = DEFAULT_ESTIMATOR,
                window_days: float = DEFAULT_WINDOW_DAYS) -> dict[str, SymbolHistory]:
    """History facts for the plan's symbols.

    Args:
        store_path: The market file (:func:`planner.market.location.market_path`). A missing
            file means no history: every symbol gets an empty :class:`SymbolHistory`.
        symbols: The plan's symbols as written (``BTC``, ``BTC-PERP``, ``BTC/USDC:USDC`` …).
        interval: Candle interval to use; ``None`` = the shortest one stored for the series.
        estimator: One of :data:`planner.market.estimators.ESTIMATORS`.
        window_days: Days of the σ and funding window (ending at the last stored candle or
            payment).

    Returns:
        Symbol as given -> its facts (every symbol present, with or without history).

    Raises:
        ValueError: Unknown estimator or a window that is not positive.
        MarketError: The market file exists but cannot be read.
    """
    if estimator not in ESTIMATORS:
        raise ValueError(f"unknown estimator {estimator!r} (use one of {', '.join(ESTIMATORS)})")
    if not window_days > 0:
        raise ValueError(f"window_days must be > 0, got {window_days!r}")
    wanted = list(dict.fromkeys(symbols))
    if not os.path.exists(store_path):
        return {s: SymbolHistory(s, window_days=window_days, estimator=estimator)
                for s in wanted}
    with MarketStore(store_path, read_only=True) as store:
        return _facts(store, wanted, interval, estimator, window_days)


def _facts(store: MarketStore, wanted: list[str], interval: str | None, estimator: str,
           days: float) -> dict[str, SymbolHistory]:
    stored, funded = store.symbols(interval), store.funding_symbols()
    cache: dict[str, SymbolHistory] = {}
    out = {}
    for sym in wanted:
        series = match_series(sym, stored) or ""
        key = series or f"?{sym}"
        if key not in cache:
            cache[key] = _one(store, sym, series, interval, estimator, days,
                              match_series(sym, funded))
        out[sym] = _renamed(cache[key], sym)
    return out


def _one(store: MarketStore, sym: str, series: str, interval: str | None, estimator: str,
         days: float, funded: str | None) -> SymbolHistory:
    funding = _funding(store, funded, days) if funded else None
    if not series:
        return SymbolHistory(sym, window_days=days, estimator=estimator, funding=funding)
    iv = interval or store.intervals(series)[0]
    c = store.candles(series, iv)
    est = all_estimates(c, days)
    return SymbolHistory(sym, series, iv, days, estimator, len(window(c, days)),
                         est[estimator], est, funding, EmpiricalTails(c))


def _funding(store: MarketStore, symbol: str, days: float) -> FundingStats:
    frame = store.funding(symbol)
    recent = frame[frame["time"] > frame["time"].max() - days * US_PER_DAY]
    return funding_stats(symbol, recent["rate"].to_numpy(), recent["interval_hours"].to_numpy())


def _renamed(h: SymbolHistory, symbol: str) -> SymbolHistory:
    if h.symbol == symbol:
        return h
    return SymbolHistory(symbol, h.series, h.interval, h.window_days, h.estimator, h.candles,
                         h.sigma_pct, h.estimates, h.funding, h.tails)


def load_candles(store_path: str | os.PathLike[str], symbol: str,
                 interval: str | None = None) -> Candles | None:
    """The whole stored candle series a symbol matches, or ``None`` (for the replay)."""
    if not os.path.exists(store_path):
        return None
    with MarketStore(store_path, read_only=True) as store:
        series = match_series(symbol, store.symbols(interval))
        if not series:
            return None
        return store.candles(series, interval or store.intervals(series)[0])


#: Significant digits of the numbers a snapshot keeps (σ, funding, tail tables).
DIGITS = 12


def plan_coins(plan: Plan) -> set[str]:
    """The base coins of the plan's symbols (``BTCUSDT``, ``btc-perp`` → ``BTC``)."""
    symbols = plan.trades["symbol"].to_numpy(dtype=object)
    return {base_symbol(s) for s in set(symbols.tolist())} - {""}


def plan_history(plan: Plan, store_path: str | os.PathLike[str],
                 interval: str | None = None,
                 coins: Iterable[str] | None = None) -> tuple[SymbolFacts, ...]:
    """The plan's history snapshot, refreshed from the market file (SPEC §11).

    One :class:`~planner.model.SymbolFacts` per base coin of the plan's symbols, by the plan's
    ``vol_estimator`` and ``vol_window_days``; with ``tail_model = empirical`` also the coin's
    empirical tail table for the plan's horizon (SPEC §9), when the history is long enough.
    Facts the plan already carries (read from its workbook's ``History`` sheet) are kept for the
    coins the market file has no series for, so a plan opened on another machine computes as it
    did; the file's numbers win where it has them.

    Args:
        plan: The plan (its symbols, settings and current snapshot).
        store_path: The market file; a missing file leaves the snapshot as it is.
        interval: Candle interval to use (``None``: the shortest stored per series).
        coins: Look up only these base coins (the rest of the snapshot stays as it is);
            ``None``: every coin of the plan.

    Returns:
        The snapshot, sorted by symbol.

    Raises:
        MarketError: The market file exists but cannot be read.
    """
    kept = {f.symbol: f for f in plan.history}
    if not os.path.exists(store_path):
        return plan.history
    bases = sorted(plan_coins(plan) if coins is None else set(coins))
    if not bases:
        return plan.history
    s = plan.settings
    found = history_for(store_path, bases, interval, s.vol_estimator, s.vol_window_days)
    horizon = s.horizon_hours / 24.0 if s.tail_model == "empirical" else None
    for base, h in found.items():
        facts = _facts_of(base, h, horizon)
        if facts is not None:
            kept[base] = facts
    return tuple(kept[k] for k in sorted(kept))


def with_history(plan: Plan, store_path: str | os.PathLike[str],
                 interval: str | None = None, coins: Iterable[str] | None = None) -> Plan:
    """``plan`` with its history snapshot refreshed from the market file (see above)."""
    facts = plan_history(plan, store_path, interval, coins)
    return plan if facts == plan.history else plan.with_changes(history=facts)


def _facts_of(base: str, h: SymbolHistory, horizon_days: float | None) -> SymbolFacts | None:
    f = h.funding
    if not h.has_sigma and f is None:
        return None
    nan = math.nan
    tails = _tail_table(h, horizon_days) if horizon_days else ("", (), ())
    p95, p99, p05, p01 = ((_digits(getattr(f, k)) if f else nan)
                          for k in ("p95", "p99", "p05", "p01"))
    return SymbolFacts(base, h.series or (f.symbol if f else ""),
                       _digits(h.sigma_pct) if h.has_sigma else nan, h.source,
                       p95, p99, p05, p01, tails[0], tails[1], tails[2])


def _digits(x: float) -> float:
    """``x`` to :data:`DIGITS` significant digits.

    Every spreadsheet program then stores it exactly (LibreOffice keeps 15 of a double's 17),
    so a snapshot saved by any of them reads back equal.
    """
    return float(f"{x:.{DIGITS}g}")


def _tail_table(h: SymbolHistory, horizon_days: float
                ) -> tuple[str, tuple[float, ...], tuple[float, ...]]:
    """The empirical tail table of SPEC §9 for the horizon, or none without enough history."""
    if h.tails is None or not h.empirical_ok(horizon_days):
        return "", (), ()
    down, up = h.tails.excursions(horizon_days)
    label = (f"{h.series} {h.interval}, {h.tails.windows(horizon_days):,.0f} windows of "
             f"{horizon_days * 24:g} h")
    return label, quantile_table(down), quantile_table(up)


def quantile_table(sorted_values: np.ndarray, size: int = TAIL_TABLE_SIZE) -> tuple[float, ...]:
    """At most ``size`` values standing for a sorted sample: all of them, or its quantiles.

    Value ``i`` is the sample's element at ``⌊(i + ½)·n / size⌋``, so the share of the table at
    or above a threshold is the sample's share to within ``1 / size``; values keep
    :data:`DIGITS` significant digits.
    """
    n = len(sorted_values)
    at = np.arange(n) if n <= size else np.floor((np.arange(size) + 0.5) * n / size).astype(
        np.intp)
    return tuple(_digits(v) for v in sorted_values[at])
