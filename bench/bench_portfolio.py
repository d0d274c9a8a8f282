"""Benchmark the Portfolio tab: one cell edit in a 10,000-row plan, tab and charts redrawn.

For each edit (a Risk % cell of a random row) it times, in the same run:

* ``update`` — the engine's incremental recompute the grid calls after an edit (the baseline);
* ``compute`` — a full recompute of the plan, for scale;
* ``tab`` — ``PortfolioTab.set_results`` plus the event processing until every chart shows
  the edit (tables, heat gauge, chart artists, then a blit or a full ``draw_idle`` → Agg
  draw → paint), offscreen, for three kinds of edit: a Risk % cell of another trade, of the
  trade on the price ladder, and a Bucket cell that adds or removes a bucket;
* ``ladder`` — ``set_selected_row`` until the price ladder is redrawn.

Usage: ``QT_QPA_PLATFORM=offscreen python bench/bench_portfolio.py [--rows 10000]
[--edits 40] [--write]`` (``--write`` updates the portfolio table in ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

TARGET_MS = 100.0


def guard_singleton_refcounts() -> None:
    """Keep a long offscreen run alive on PySide6 6.12.0 with CPython 3.11.

    That combination drops one reference to ``None`` on every Python override of a Qt virtual
    (``paintEvent`` …) and to ``True`` on every ``Signal.emit()``; after a few thousand paints
    the process aborts with ``none_dealloc``. CPython ≥ 3.12 makes these singletons immortal;
    this emulates it for the benchmark only (nothing else is affected, timings are not).
    """
    import ctypes

    import PySide6

    if sys.version_info >= (3, 12) or not PySide6.__version__.startswith("6.12"):
        return
    for obj in (None, True, False):
        ctypes.c_ssize_t.from_address(id(obj)).value += 1 << 40


def drawn(app, widgets, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    """Process events until no chart has an update waiting (then flush the paint)."""
    end = time.perf_counter() + timeout
    app.processEvents()
    while any(w.pending for w in widgets):
        app.processEvents()
        if time.perf_counter() > end:
            raise RuntimeError("charts did not redraw")
    app.processEvents()


def timed(fn: Callable[[], object]) -> tuple[float, object]:
    t0 = time.perf_counter()
    out = fn()
    return (time.perf_counter() - t0) * 1e3, out


def _setup(rows: int):  # type: ignore[no-untyped-def]
    from PySide6.QtWidgets import QApplication

    from bench.synth import loaded_plan
    from planner import compute
    from ui.portfolio import PortfolioTab

    guard_singleton_refcounts()
    app = QApplication.instance() or QApplication([])
    plan = loaded_plan(rows)
    results = compute(plan)
    tab = PortfolioTab()
    tab.resize(1400, 900)
    tab.set_results(plan, results)
    tab.set_selected_row(0)
    tab.show()
    drawn(app, tab.charts.charts())
    return app, tab, plan, results


def run(rows: int, edits: int) -> dict[str, list[float]]:
    """Time each kind of edit ``edits`` times; the first round only warms caches."""
    import numpy as np

    from planner import compute
    from planner.edits import SetCells, apply
    from planner.engine.core import update

    app, tab, plan, results = _setup(rows)
    charts = tab.charts.charts()
    rng = np.random.default_rng(7)
    out: dict[str, list[float]] = {k: [] for k in NAMES}
    for k in range(edits + 1):
        for kind in ("tab", "tab_selected", "tab_buckets"):
            row = 0 if kind == "tab_selected" else int(rng.integers(1, rows))
            edit = SetCells((row,), ("bucket",), ("swing" if k % 2 == 0 else "hedging",)) \
                if kind == "tab_buckets" else \
                SetCells((row,), ("risk_pct",), (float(rng.uniform(0.01, 0.1)),))
            plan = apply(plan, edit)[0]
            ms, results = timed(lambda p=plan, r=row, prev=results: update(p, prev, [r]))
            if kind == "tab":
                out["update"].append(ms)
                out["compute"].append(timed(lambda p=plan: compute(p))[0])
            out[kind].append(timed(lambda p=plan, r=results: (
                tab.set_results(p, r), drawn(app, charts)))[0])
        other = int(rng.integers(1, rows))
        out["ladder"].append(timed(lambda r=other: (tab.set_selected_row(r),
                                                    drawn(app, charts)))[0])
        tab.set_selected_row(0)
        drawn(app, charts)
        if k == 0:
            for v in out.values():
                v.clear()
    tab.close()
    return out


NAMES = {"update": "engine `update` after a Risk % edit (baseline)",
         "compute": "engine full `compute` (for scale)",
         "tab": "tab + charts after a Risk % edit of another trade",
         "tab_selected": "… of the trade on the price ladder (ladder redrawn too)",
         "tab_buckets": "… of a Bucket cell that adds or removes a bucket (full redraws)",
         "ladder": "price ladder for another selected trade"}


def render(rows: int, out: dict[str, list[float]]) -> str:
    med = {k: statistics.median(v) for k, v in out.items()}
    p90 = {k: sorted(v)[int(0.9 * (len(v) - 1))] for k, v in out.items()}
    lines = [f"Machine: {platform.processor() or platform.machine()}, Python "
             f"{platform.python_version()}; {rows:,} rows, {len(out['tab'])} edits of each "
             "kind, offscreen, tab 1400×900; times include the event processing until every "
             "chart shows the edit.", "",
             "| step | median (ms) | p90 (ms) | × baseline | target < 100 ms |",
             "|---|---:|---:|---:|---|"]
    for k, name in NAMES.items():
        target = ("met" if med[k] < TARGET_MS else "NOT met") if k.startswith("tab") else ""
        lines.append(f"| {name} | {med[k]:.1f} | {p90[k]:.1f} | {med[k] / med['update']:.1f}× "
                     f"| {target} |")
    return "\n".join(lines)


def write_section(table: str) -> None:
    """Replace (or append) the portfolio section of docs/performance.md."""
    from bench.docsection import write_section as write

    write("portfolio", "## Portfolio tab and charts", table)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--edits", type=int, default=40)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    args = p.parse_args()
    table = render(args.rows, run(args.rows, args.edits))
    print(table)
    if args.write:
        write_section(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
