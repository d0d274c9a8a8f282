"""A plan through history, end to end: load the series, pick windows, replay, report as JSON.

Used by ``main.py replay``/``stress``, the Stress tab and the report. Candles are loaded once per
stored series the plan's symbols match (plus the BTC reference); every series uses one interval
(``interval``, else the shortest one the reference has).
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from planner.market.candles import Candles
from planner.market.names import match_series
from planner.market.paths import REFERENCE
from planner.market.replay import ReplayResult, replay, replay_frame
from planner.market.store import MarketError, MarketStore
from planner.market.windows import Window, worst_windows


@dataclass(frozen=True, eq=False)
class History:
    """The stored series a plan replays through.

    Attributes:
        candles: Stored series -> its candles (one interval).
        funding: Stored series -> its funding payments.
        interval: The interval used.
    """

    candles: dict[str, Candles] = field(default_factory=dict)
    funding: dict[str, pd.DataFrame] = field(default_factory=dict)
    interval: str = ""

    @property
    def reference(self) -> Candles | None:
        """BTC's candles when loaded, else the first series'."""
        name = match_series(REFERENCE, self.candles) or next(iter(sorted(self.candles)), None)
        return self.candles[name] if name else None


def load_history(store_path: str | os.PathLike[str], symbols: Iterable[str],
                 interval: str | None = None) -> History:
    """Load the candles and funding the plan's symbols match (and BTC's) from the market file.

    Raises:
        MarketError: No market file, or no candles for any of the symbols (nor BTC).
    """
    if not os.path.exists(store_path):
        raise MarketError(f"{store_path}: no market data file here (import files first: "
                          "main.py market import FILE…)")
    with MarketStore(store_path, read_only=True) as store:
        wanted = [*dict.fromkeys(symbols), REFERENCE]
        stored = store.symbols(interval)
        names = sorted({m for s in wanted if (m := match_series(s, stored))})
        if not names:
            raise MarketError(f"{store_path}: no candles for {', '.join(wanted)}"
                              + (f" at {interval}" if interval else ""))
        ref = match_series(REFERENCE, names) or names[0]
        iv = interval or store.intervals(ref)[0]
        candles = {n: store.candles(n, iv) for n in names}
        funded = store.funding_symbols()
        funding = {n: store.funding(n) for n in names if n in funded}
    return History({n: c for n, c in candles.items() if len(c)}, funding, iv)


def stress(results: Any, history: History, windows: Sequence[Window]) -> list[ReplayResult]:
    """Replay the engine's results through each window."""
    rows = replay_frame(results)
    capital = float(results.settings.capital_usd)
    return [replay(rows, history.candles, w, capital_usd=capital, funding=history.funding)
            for w in windows]


def find_worst(history: History, k: int, hours: float, direction: str = "down") -> list[Window]:
    """The ``k`` worst windows of ``hours`` in the reference series (BTC when loaded).

    Raises:
        ValueError: No reference series, or too short.
    """
    ref = history.reference
    if ref is None:
        raise ValueError("no candles loaded to find windows in")
    return worst_windows(ref, hours, k, direction)


def _iso(us: Any) -> str | None:
    if us is None or (isinstance(us, float) and not np.isfinite(us)):
        return None
    return str(np.datetime64(int(us), "us").astype("datetime64[s]")) + "Z"


def result_json(r: ReplayResult) -> dict[str, Any]:
    """One window as JSON.

    Keys: ``from``, ``to``, ``move_pct``, ``rows``, ``buckets``, ``totals``, ``cross``.
    """
    from planner.jsonout import clean, records

    rows = r.rows.assign(at=[_iso(v) for v in r.rows["at"]])
    cross = {**r.cross, "at": _iso(r.cross.get("at"))}
    return {"from": _iso(r.window.start_us), "to": _iso(r.window.end_us),
            "move_pct": clean(r.window.move_pct), "rows": records(rows),
            "buckets": records(r.buckets), "totals": clean(r.totals), "cross": clean(cross)}
