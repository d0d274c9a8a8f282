"""Benchmark plan workbook export and import against pandas on a frame of the same shape.

The plan has 10,000 rows (``bench.synth``); the baseline is the engine's result table for that
plan (the same 10,000 rows × every input and output column) written with
``pandas.DataFrame.to_excel`` and read with ``pandas.read_excel(engine="openpyxl")``, timed in
the same run. Ours: ``save_plan`` (every output a live formula carrying its value, formats,
validation, notes; engine results given) and ``load_plan`` (all safety checks, typing,
validation). Also times the Journal sheet (``save_journal`` / ``load_journal`` of 20,000 typed
trades, next to pandas on the same table) and the refusal of each hostile file of
``tests/hostile``.

Targets (issue 3): export ≤ 1.0× and import ≤ 0.5× pandas' time.

Usage: ``python bench/bench_io.py [--rows 10000] [--repeat 3] [--write]``
(``--write`` updates the workbook section of ``docs/performance.md``).
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

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))



def timed(fn: Callable[[], object], repeat: int) -> float:
    """Median wall time of ``fn`` in seconds."""
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def io_figures(rows: int, repeat: int, folder: Path) -> dict[str, float]:
    """Export and import times of ours and of pandas, in seconds."""
    import pandas as pd

    from bench.synth import loaded_plan
    from planner import compute
    from planner.io import load_plan, save_plan

    plan = loaded_plan(rows)  # the export saves a plan that was opened, as users save it
    results = compute(plan)
    frame = results.rows
    ours, theirs = folder / "plan.xlsx", folder / "pandas.xlsx"
    out = {
        "ours_export": timed(lambda: save_plan(plan, ours, results), repeat),
        "pandas_export": timed(lambda: frame.to_excel(theirs, index=False), repeat),
        "ours_import": timed(lambda: load_plan(ours), repeat),
        "pandas_import": timed(lambda: pd.read_excel(theirs, engine="openpyxl"), repeat),
        "ours_mb": ours.stat().st_size / 2**20,
        "pandas_mb": theirs.stat().st_size / 2**20,
        "columns": float(frame.shape[1]),
    }
    assert load_plan(ours) == plan
    return out


def synthetic_journal(n: int):  # type: ignore[no-untyped-def]
    """``n`` typed closed trades (as the journal store hands them over)."""
    import numpy as np
    import pandas as pd

    from planner.journal.frame import parse_journal

    rng = np.random.default_rng(7)
    closed = pd.date_range("2020-01-01", periods=n, freq="37min", tz="UTC")
    raw = pd.DataFrame({
        "opened_at": (closed - pd.Timedelta("3h")).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "closed_at": closed.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "symbol": rng.choice(["BTCUSDT", "ETHUSDT", "SOLUSDT"], n),
        "side": rng.choice(["long", "short"], n), "venue": "Binance",
        "entry_price": rng.uniform(1, 100, n), "exit_price": rng.uniform(1, 100, n),
        "quantity": rng.uniform(1, 10, n), "leverage": 5.0, "fees_usd": rng.uniform(0, 1, n),
        "planned_risk_usd": rng.uniform(10, 100, n), "planned_vol_pct": rng.uniform(1, 5, n),
        "notes": "", "execution_id": [f"x{i}" for i in range(n)]}, index=range(2, n + 2))
    return parse_journal(raw, sheet="Journal", tz="UTC").frame.reset_index(drop=True)


def journal_figures(rows: int, repeat: int, folder: Path) -> dict[str, float]:
    """Journal sheet export and import (ours) next to pandas on the same table."""
    import pandas as pd

    from planner.io import load_journal, save_journal
    from planner.io.journal import derived_values

    frame = synthetic_journal(rows)
    pnl, r = derived_values(frame)
    table = frame.assign(realized_pnl_usd=pnl, r_multiple=r,
                         opened_at=frame["opened_at"].dt.tz_localize(None),
                         closed_at=frame["closed_at"].dt.tz_localize(None))
    ours, theirs = folder / "journal.xlsx", folder / "journal-pandas.xlsx"
    out = {
        "ours_export": timed(lambda: save_journal(frame, ours), repeat),
        "pandas_export": timed(lambda: table.to_excel(theirs, index=False), repeat),
        "ours_import": timed(lambda: load_journal(ours), repeat),
        "pandas_import": timed(lambda: pd.read_excel(theirs, engine="openpyxl"), repeat),
    }
    assert load_journal(ours).frame.reset_index(drop=True).equals(frame)
    return out


def hostile_figures(folder: Path) -> list[tuple[str, float, str]]:
    """Time to refuse each hostile file, with the first line of its message."""
    from hostile.make_hostile import build_all

    from planner import PlanError
    from planner.io import load_plan

    out = []
    for name, path in build_all(folder / "hostile").items():
        t0 = time.perf_counter()
        try:
            load_plan(path)
            message = "(loaded)"
        except PlanError as exc:
            message = str(exc).splitlines()[0]
        out.append((name, time.perf_counter() - t0, message))
    return out


def render(f: dict[str, float], rows: int, hostile: list[tuple[str, float, str]],
           j: dict[str, float], journal_rows: int) -> str:
    ex, im = f["ours_export"] / f["pandas_export"], f["ours_import"] / f["pandas_import"]
    lines = [
        f"Machine: {platform.machine()}, Python {platform.python_version()}; {rows:,} rows × "
        f"{int(f['columns'])} columns; median of repeated runs.", "",
        "| operation | ours (s) | pandas (s) | ratio | target |", "|---|---:|---:|---:|---:|",
        f"| export | {f['ours_export']:.2f} | {f['pandas_export']:.2f} | {ex:.2f}× | ≤ 1.0× "
        f"{'met' if ex <= 1.0 else 'NOT met'} |",
        f"| import | {f['ours_import']:.2f} | {f['pandas_import']:.2f} | {im:.2f}× | ≤ 0.5× "
        f"{'met' if im <= 0.5 else 'NOT met'} |",
        f"| journal sheet export ({journal_rows:,} trades) | {j['ours_export']:.2f} | "
        f"{j['pandas_export']:.2f} | {j['ours_export'] / j['pandas_export']:.2f}× | — |",
        f"| journal sheet import ({journal_rows:,} trades, typed) | {j['ours_import']:.2f} | "
        f"{j['pandas_import']:.2f} | {j['ours_import'] / j['pandas_import']:.2f}× | — |", "",
        f"File sizes: ours {f['ours_mb']:.1f} MB (formulas, formats, notes), pandas "
        f"{f['pandas_mb']:.1f} MB (values only).", "",
        "| hostile file | refused in (s) | message |", "|---|---:|---|",
    ]
    lines += [f"| {n} | {t:.2f} | {_short(m)} |" for n, t, m in hostile]
    return "\n".join(lines)


def _short(message: str, width: int = 100) -> str:
    text = message.replace("|", "/")
    return text if len(text) <= width else text[:width].rsplit(" ", 1)[0] + " …"


def write_section(table: str) -> None:
    """Replace (or append) the workbook section of docs/performance.md."""
    from bench.docsection import write_section as write

    write("io", "## Workbooks (export and import)", table)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--journal-rows", type=int, default=20_000)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        figures = io_figures(args.rows, args.repeat, Path(tmp))
        journal = journal_figures(args.journal_rows, args.repeat, Path(tmp))
        hostile = hostile_figures(Path(tmp))
    table = render(figures, args.rows, hostile, journal, args.journal_rows)
    print(table)
    if args.write:
        write_section(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
