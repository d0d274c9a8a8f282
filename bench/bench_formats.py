"""Benchmark importing an exchange's own fill export: 100,000 Binance fills -> about 30,000 trades.

The file is generated here into a temporary folder (nothing is committed), in the Binance USD-M
"Trade History" layout (fees with their coin, times in the UTC offset of the file name). The
import is what ``journal import FILE`` does: detect the layout, read and validate every cell,
net the fills into trades, attach funding, content keys, and one SQLite transaction into a fresh
journal. The baseline, measured in the same run on the same file, is a plain
``pandas.read_csv`` of it.

Usage: ``python bench/bench_formats.py [--fills 100000] [--repeat 3] [--write]``
(``--write`` updates the exchange-import table in ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import platform
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 5000.0
SECTION = """## Exchange exports (fills netted into trades)

`python bench/bench_formats.py --write` generates a Binance USD-M "Trade History" export of
100,000 fills (four symbols, two to five fills a trade, partial closes included; fees written
with their coin, times in the file name's UTC offset) in a temporary folder and times
`journal import` on it: layout detection, reading and validating every cell, netting the fills
into round-trip trades, content keys and one SQLite transaction into a fresh journal. The
baseline is a plain `pandas.read_csv` of the same file, in the same run.

Target (issue 14): 100,000 fills (about 30,000 trades) imported in < 5 s.

"""


def fills_frame(n: int, seed: int = 11) -> Any:
    """About ``n`` fills in the Binance Trade History layout (rows, not yet text)."""
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(seed)
    k = rng.choice([2, 3, 4, 5], size=n // 3, p=[0.35, 0.25, 0.2, 0.2])
    k = k[: np.searchsorted(np.cumsum(k), n, side="right")]
    m = (k + 1) // 2                                  # opening fills; the rest close
    trade = np.repeat(np.arange(len(k)), k)
    at = np.arange(len(trade)) - np.repeat(np.cumsum(k) - k, k)
    opening = at < np.repeat(m, k)
    unit = np.repeat(rng.integers(1, 10, len(k)), k)
    qty = np.where(opening, unit * np.repeat(k - m, k), unit * np.repeat(m, k)) / 1000
    long_ = np.repeat(rng.random(len(k)) < 0.5, k)
    buy = opening == long_
    price = np.round(60_000 * np.exp(np.cumsum(rng.normal(0, 4e-4, len(trade)))), 1)
    times = pd.Timestamp("2025-01-01") + pd.to_timedelta(np.arange(len(trade)) * 7, unit="s")
    return pd.DataFrame({
        "Uid": 1, "Time": times.strftime("%Y-%m-%d %H:%M:%S"),
        "Symbol": np.array(["BTCUSDT", "ETHUSDT", "SOLUSDT", "XRPUSDT"])[trade % 4],
        "Side": np.where(buy, "BUY", "SELL"), "Price": price, "Quantity": qty,
        "Amount": np.round(price * qty, 4),
        "Fee": pd.Series(np.round(price * qty * 4e-4, 8)).map("{:.8f}USDT".format),
        "Realized Profit": 0, "Buyer": buy, "Maker": False,
        "Trade ID": np.arange(len(trade)) + 1, "Order ID": trade + 1}), len(k)


def bench(n: int, repeat: int) -> dict[str, float]:
    """Time the import and the baseline; return figures (ms, counts)."""
    import pandas as pd

    from bench.bench_journal import best
    from planner.journal.importer import read_exports, store_all
    from planner.journal.store import JournalStore

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        frame, trades = fills_frame(n)
        path = folder / "Export Trade History(UTC+8).csv"
        frame.to_csv(path, index=False)
        runs: list[int] = []

        def do_import() -> None:
            with JournalStore(folder / f"j{len(runs)}.sqlite3") as store:
                items, _ = read_exports([path])
                runs.append(store_all(store, items)[0].added)

        ms = best(do_import, repeat)
        base = best(lambda: pd.read_csv(path, dtype=str), repeat)
    return {"fills": float(len(frame)), "trades": float(runs[-1]), "expected": float(trades),
            "import_ms": ms, "baseline_ms": base}


def table(r: dict[str, float]) -> str:
    """The Markdown table of one run."""
    ok = "met" if r["import_ms"] < TARGET_MS else "NOT met"
    return "\n".join([
        "| what | fills | trades | time | baseline (`read_csv`) | ratio | target |",
        "|---|---:|---:|---:|---:|---:|---|",
        f"| `journal import` of a Binance Trade History | {r['fills']:,.0f} | "
        f"{r['trades']:,.0f} | {r['import_ms']:,.0f} ms | {r['baseline_ms']:,.0f} ms | "
        f"{r['import_ms'] / r['baseline_ms']:.1f}× | < {TARGET_MS:,.0f} ms: {ok} |",
        "", f"Machine: {platform.machine()}, Python {platform.python_version()}, "
            f"{platform.system()}; median of the runs."])


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print the table (and write it with ``--write``)."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--fills", type=int, default=100_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--write", action="store_true")
    args = p.parse_args(argv)
    r = bench(args.fills, args.repeat)
    if r["trades"] != r["expected"]:
        print(f"netting gave {r['trades']:.0f} trades, expected {r['expected']:.0f}")
        return 1
    text = table(r)
    print(text)
    if args.write:
        from bench.docsection import write_section

        write_section("formats", SECTION, text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
