"""Benchmark market data: importing a year of 1-minute candles, the estimators, the replay.

Everything is generated here into a temporary folder (nothing is committed): a random walk with
two crashes, 525,600 one-minute BTCUSDT candles written as twelve Binance-style monthly zips.
Each timing sits next to a baseline measured in the same run:

* import (read every zip, validate, one SQLite transaction into a fresh market file) vs
  ``pandas.read_csv`` of the same zips;
* all six estimators over the year of candles (already in memory) vs one numpy ``std`` of the
  log returns;
* the replay of a 1,000-row plan through 5 windows of 30 days of 1-minute candles (the 5 worst
  by drawdown), per window, vs one ``np.minimum.accumulate`` over the window's lows per row.

Usage: ``python bench/bench_market.py [--repeat 3] [--write]`` (``--write`` updates the market
section of ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import io
import platform
import statistics
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MINUTE_US = 60_000_000
T0_US = 1_672_531_200_000_000          # 2023-01-01 00:00 UTC
TARGETS = {"import_ratio": 4.0, "import_ms": 10_000.0, "estimators_ms": 100.0,
           "replay_ms": 2_000.0}
SECTION = """## Market data (import, estimators, replay)

`python bench/bench_market.py --write` generates a year of 1-minute candles (525,600 rows, one
Binance-style zip per month, a random walk with two crashes) in a temporary folder and times,
next to a baseline measured in the same run: importing the twelve zips into a fresh market file
(read from the zip, validate every row, one SQLite transaction) against `pandas.read_csv` of the
same zips; all six estimators over the year; and the replay of a 1,000-row plan through the 5
worst 30-day windows of 1-minute candles.

Targets (issue 13): import ≤ 4× `pandas.read_csv` and < 10 s; all six estimators < 100 ms;
replay of 1,000 rows through a 30-day window of 1-minute candles < 2 s.

"""


def year_frame(seed: int = 5) -> Any:
    """525,600 one-minute candles: a random walk with two crashes."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    n = 525_600
    steps = rng.normal(0.0, 0.0007, n)
    steps[100_000:100_300] -= 0.0012        # a 30 % slide over five hours
    steps[400_000] -= 0.15                  # and a one-minute gap
    close = 20_000 * np.exp(np.cumsum(steps))
    open_ = np.r_[20_000.0, close[:-1]]
    wick = np.abs(rng.normal(0.0, 0.0003, (2, n)))
    return pd.DataFrame({"open_time": (T0_US + MINUTE_US * np.arange(n)) // 1000,
                         "open": open_, "high": np.maximum(open_, close) * np.exp(wick[0]),
                         "low": np.minimum(open_, close) * np.exp(-wick[1]), "close": close,
                         "volume": rng.uniform(1, 50, n)})


def write_zips(folder: Path) -> list[Path]:
    """Twelve monthly kline zips (no header row, times in ms)."""
    import pandas as pd

    frame = year_frame()
    month = pd.to_datetime(frame["open_time"], unit="ms").dt.month
    paths = []
    for m, part in frame.groupby(month):
        part = part.assign(close_time=part["open_time"] + 59_999, quote_volume=0.0, count=10,
                           taker_buy_volume=0.0, taker_buy_quote_volume=0.0, ignore=0)
        name = f"BTCUSDT-1m-2023-{int(m):02d}"
        buf = io.StringIO()
        part.to_csv(buf, header=False, index=False, float_format="%.8f")
        path = folder / f"{name}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(f"{name}.csv", buf.getvalue())
        paths.append(path)
    return paths


def best(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs, ms."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_import(folder: Path, repeat: int) -> tuple[dict[str, float], Path]:
    """Import the zips into a fresh market file each run vs ``pandas.read_csv`` of them."""
    import pandas as pd

    from planner.market.importer import read_file, store_files
    from planner.market.store import MarketStore

    paths = write_zips(folder)
    runs = iter(range(1000))
    last: list[Path] = []

    def fresh() -> None:
        target = folder / f"m{next(runs)}.sqlite3"
        with MarketStore(target) as store:
            store_files(store, [read_file(p) for p in paths])
        last.append(target)

    out = {"import_ms": best(fresh, repeat),
           "csv_base_ms": best(lambda: [pd.read_csv(p, header=None) for p in paths], repeat)}
    return out, last[-1]


def bench_estimators(store_path: Path, repeat: int) -> dict[str, float]:
    """All six estimators over the year vs one numpy std of the log returns."""
    import numpy as np

    from planner.market.estimators import all_estimates
    from planner.market.history import load_candles

    c = load_candles(store_path, "BTC")
    assert c is not None
    return {"estimators_ms": best(lambda: all_estimates(c, 365), repeat),
            "std_base_ms": best(lambda: np.std(np.diff(np.log(c.close))), repeat),
            "load_ms": best(lambda: load_candles(store_path, "BTC"), repeat)}


def bench_replay(store_path: Path, repeat: int) -> dict[str, float]:
    """1,000 rows through the 5 worst 30-day windows, per window, vs a running-min baseline."""
    import numpy as np

    from bench.synth import synthetic_plan
    from planner import compute
    from planner.market.replay import replay, replay_frame
    from planner.market.stress import find_worst, load_history

    plan = synthetic_plan(1000)
    results = compute(plan)
    rows = replay_frame(results)
    history = load_history(store_path, plan.trades["symbol"])
    windows = find_worst(history, 5, 30 * 24)
    capital = plan.settings.capital_usd

    def run() -> None:
        for w in windows:
            replay(rows, history.candles, w, capital_usd=capital)

    low = history.candles["BTCUSDT"].window(windows[0].start_us, windows[0].end_us).low

    def baseline() -> None:
        for _ in windows:
            np.minimum.accumulate(low)

    return {"replay_ms": best(run, repeat) / len(windows),
            "replay_base_ms": best(baseline, repeat) / len(windows),
            "window_candles": float(len(low)), "windows": float(len(windows))}


def render(r: dict[str, float]) -> str:
    """The markdown table for docs/performance.md."""
    def row(what: str, ms: float, base: float, target: str) -> str:
        return f"| {what} | {ms:,.1f} | {base:,.2f} | {ms / base:,.1f}× | {target} |"

    ratio = r["import_ms"] / r["csv_base_ms"]
    i_ok = "met" if ratio <= TARGETS["import_ratio"] and r["import_ms"] < TARGETS[
        "import_ms"] else "**not met**"
    e_ok = "met" if r["estimators_ms"] < TARGETS["estimators_ms"] else "**not met**"
    p_ok = "met" if r["replay_ms"] < TARGETS["replay_ms"] else "**not met**"
    return "\n".join([
        f"Machine: {platform.machine()}, Python {platform.python_version()}; 525,600 one-minute "
        f"candles in 12 zips; {int(r['windows'])} windows of {int(r['window_candles']):,} "
        "candles; median of repeated runs.",
        "",
        "| operation | time (ms) | baseline (ms) | ratio | target |",
        "|---|---:|---:|---:|---|",
        row("import a year of 1-minute candles (12 zips)", r["import_ms"], r["csv_base_ms"],
            f"≤ 4× read_csv and < 10 s: {i_ok}"),
        row("all six estimators over the year", r["estimators_ms"], r["std_base_ms"],
            f"< 100 ms: {e_ok}"),
        row("load the year of candles from the store", r["load_ms"], r["csv_base_ms"], ""),
        row("replay 1,000 rows through one 30-day window (mean of 5)", r["replay_ms"],
            r["replay_base_ms"], f"< 2 s: {p_ok}"),
        "",
        "Baselines: import and load vs `pandas.read_csv` of the same zips; estimators vs one "
        "numpy std of the log returns; replay vs one running minimum of the window's lows.",
    ])


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results, store = bench_import(Path(tmp), args.repeat)
        results |= bench_estimators(store, args.repeat) | bench_replay(store, args.repeat)
    table = render(results)
    print(table)
    if args.write:
        from bench.docsection import write_section

        write_section("market", SECTION, table)
    ratio_ok = results["import_ms"] / results["csv_base_ms"] <= TARGETS["import_ratio"]
    ok = ratio_ok and all(results[k] < TARGETS[k] for k in ("import_ms", "estimators_ms",
                                                            "replay_ms"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
