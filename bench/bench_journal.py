"""Benchmark the journal: statistics + equity curve, CSV import, loading from the store.

Everything is generated here into a temporary folder (nothing is committed). Each timing sits
next to a baseline measured in the same run on the same data:

* statistics (``review``: derive, summary, bucket intervals, bands, equity curve) vs a plain
  numpy equity curve and drawdown over the same P&L array;
* import of a journal CSV (read, validate, content keys, one SQLite transaction) vs a plain
  ``pandas.read_csv`` of the same file; re-import (everything skipped) and a mapped exchange
  export of the same size are shown too;
* loading every trade from the store vs the same plain ``read_csv``.

Usage: ``python bench/bench_journal.py [--rows 100000] [--repeat 5] [--write]``
(``--write`` updates the journal table in ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGETS = {"stats": 200.0, "import": 5000.0}
SECTION = """## Journal (statistics and import)

`python bench/bench_journal.py --write` generates 100,000 closed trades in a temporary folder
(nothing is committed) and times, next to a baseline measured in the same run on the same data:
the statistics the Journal tab and `journal stats` show (`planner.journal.review.review`:
derived columns, §7 summary, per-bucket t-intervals, scenario bands, equity curve and
drawdowns); importing the journal CSV into a fresh journal (read, validate, content keys, one
SQLite transaction); re-importing it (every row skipped by its content key); importing an
exchange-style export through a column mapping; and loading every trade back from the store.

Targets (issue 6): statistics and equity curve over 100,000 trades < 200 ms; importing a
100,000-row CSV < 5 s.

"""


def synthetic_frame(n: int, seed: int = 7) -> Any:
    """A typed journal frame of ``n`` trades over about four years, three buckets."""
    import numpy as np
    import pandas as pd

    from planner.journal.frame import empty_journal

    rng = np.random.default_rng(seed)
    f = empty_journal(n)
    closes = pd.Timestamp("2021-01-01", tz="UTC") + pd.to_timedelta(
        np.sort(rng.integers(0, 4 * 365 * 86_400, n)), unit="s")
    f["closed_at"] = pd.Series(closes).dt.as_unit("us")
    f["opened_at"] = (f["closed_at"] - pd.to_timedelta(rng.integers(60, 86_400, n), unit="s"))
    f["symbol"] = rng.choice(["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"], n)
    f["bucket"] = rng.choice(["directional", "hedging", "market-making"], n)
    f["side"] = rng.choice(["long", "short"], n)
    f["venue"] = rng.choice(["Binance", "Bybit", "dYdX"], n)
    vol = rng.uniform(1.0, 6.0, n)
    entry = rng.uniform(10, 70_000, n)
    f["entry_price"], f["planned_vol_pct"] = entry, vol
    f["exit_price"] = entry * (1 + rng.standard_t(4, n) * vol / 100)
    f["quantity"] = 1000 / entry
    f["leverage"] = rng.choice([2.0, 3.0, 5.0, 10.0], n)
    f["fees_usd"] = 0.8
    f["funding_usd"] = rng.normal(0, 0.5, n)
    f["planned_risk_usd"] = 1000 * 2 * vol / 100
    f["planned_stop_price"] = entry * (1 - np.where(f["side"] == "long", 1, -1) * 2 * vol / 100)
    f["notes"] = ""
    return f


def write_inputs(folder: Path, n: int) -> tuple[Path, Path]:
    """Write a journal CSV and an exchange-style export of ``n`` trades."""
    from planner.journal.csvio import write_journal_csv
    from planner.journal.derive import derive

    d = derive(synthetic_frame(n))
    journal_csv = folder / "journal.csv"
    write_journal_csv(d, journal_csv)
    export = d[["closed_at", "symbol", "side", "exit_price", "quantity", "fees_usd",
                "realized_pnl_usd"]].copy()
    export["closed_at"] = export["closed_at"].dt.strftime("%Y-%m-%d %H:%M:%S")
    export.columns = ["Date(UTC)", "Symbol", "Side", "Price", "Quantity", "Fee", "Realized"]
    export_csv = folder / "export.csv"
    export.to_csv(export_csv, index=False)
    return journal_csv, export_csv


def best(fn: Callable[[], Any], repeat: int) -> float:
    """Median wall time of ``fn`` over ``repeat`` runs, ms."""
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1e3)
    return statistics.median(times)


def bench_stats(n: int, repeat: int) -> dict[str, float]:
    """``review`` over ``n`` trades vs a numpy equity curve + drawdown."""
    import numpy as np

    from planner.journal.derive import realized_pnl
    from planner.journal.review import review

    frame = synthetic_frame(n)
    pnl = realized_pnl(frame)

    def baseline() -> float:
        equity = 100_000 + np.cumsum(pnl)
        return float((np.maximum.accumulate(equity) - equity).max())

    review(frame)  # warm-up (scipy import)
    return {"stats_ms": best(lambda: review(frame), repeat),
            "stats_base_ms": best(baseline, repeat)}


def bench_import(n: int, repeat: int, folder: Path) -> dict[str, float]:
    """Import timings (fresh journal each run) vs ``pandas.read_csv``."""
    import pandas as pd

    from planner.journal.importer import read_source, store_parsed
    from planner.journal.mapping import ColumnMapping
    from planner.journal.store import JournalStore

    journal_csv, export_csv = write_inputs(folder, n)
    mapping = ColumnMapping(columns={"closed_at": "Date(UTC)", "symbol": "Symbol",
                                     "side": "Side", "exit_price": "Price",
                                     "quantity": "Quantity", "fees_usd": "Fee",
                                     "reported_pnl_usd": "Realized"})
    runs = iter(range(10_000))

    def fresh(path: Path, m: ColumnMapping | None = None) -> JournalStore:
        store = JournalStore(folder / f"j{next(runs)}.sqlite3")
        store_parsed(store, read_source(path, mapping=m))
        return store

    store = fresh(journal_csv)
    out = {"import_ms": best(lambda: fresh(journal_csv).close(), repeat),
           "mapped_ms": best(lambda: fresh(export_csv, mapping).close(), repeat),
           "reimport_ms": best(lambda: store_parsed(store, read_source(journal_csv)), repeat),
           "load_ms": best(store.trades, repeat),
           "csv_base_ms": best(lambda: pd.read_csv(journal_csv), repeat),
           "csv_mb": journal_csv.stat().st_size / 2**20}
    store.close()
    return out


def render(n: int, r: dict[str, float]) -> str:
    """The markdown table for docs/performance.md."""
    def row(what: str, ms: float, base: float, target: str) -> str:
        return f"| {what} | {ms:,.1f} | {base:,.1f} | {ms / base:,.1f}× | {target} |"

    s_ok = "met" if r["stats_ms"] < TARGETS["stats"] else "**not met**"
    i_ok = "met" if r["import_ms"] < TARGETS["import"] else "**not met**"
    return "\n".join([
        f"Machine: {platform.machine()}, Python {platform.python_version()}; {n:,} trades, "
        f"journal CSV {r['csv_mb']:.1f} MB; median of repeated runs.",
        "",
        "| operation | time (ms) | baseline (ms) | ratio | target |",
        "|---|---:|---:|---:|---|",
        row("statistics + equity curve (`review`)", r["stats_ms"], r["stats_base_ms"],
            f"< 200 ms: {s_ok}"),
        row("import journal CSV into a new journal", r["import_ms"], r["csv_base_ms"],
            f"< 5 s: {i_ok}"),
        row("re-import the same CSV (all skipped)", r["reimport_ms"], r["csv_base_ms"], ""),
        row("import a mapped exchange export", r["mapped_ms"], r["csv_base_ms"], ""),
        row("load every trade from the store", r["load_ms"], r["csv_base_ms"], ""),
        "",
        "Baselines: statistics vs a numpy equity curve and drawdown over the same P&L array; "
        "import and load vs `pandas.read_csv` of the same journal CSV.",
    ])


def write_doc(table: str) -> None:
    """Replace (or append) the journal table in docs/performance.md."""
    from bench.docsection import write_section

    write_section("journal", SECTION, table)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=5)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        results = {**bench_stats(args.rows, args.repeat),
                   **bench_import(args.rows, max(1, args.repeat // 2), Path(tmp))}
    table = render(args.rows, results)
    print(table)
    if args.write:
        write_doc(table)
    ok = results["stats_ms"] < TARGETS["stats"] and results["import_ms"] < TARGETS["import"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
