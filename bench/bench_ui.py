"""Benchmark the desktop grid on a 10,000-row plan (offscreen), next to same-run baselines.

Measures:

* **edit → dataChanged**: ``setData`` on an input cell (entry price of a random row, through the
  model, with the view attached) until the model has emitted ``dataChanged`` for the recomputed
  outputs. Baselines: ``planner.engine.update`` alone (the incremental recompute the grid calls,
  i.e. the floor) and a full ``planner.compute`` (what a naive grid would call).
* **paint**: painting one full screen of the grid (1600×900 window, default columns). Baseline:
  the same view over a trivial model that returns a constant string for every cell (Qt's own
  painting cost for the same number of cells).
* **start-up**: process launch until the main window is shown with the sample plan
  (``run_app``, a fresh process each time), and which heavy modules were imported by then.
  Baseline: a process that only imports PySide6 and shows an empty ``QMainWindow``.

Usage: ``python bench/bench_ui.py [--rows 10000] [--repeat 50] [--write]`` (``--write`` updates
the UI section of ``docs/performance.md``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

STARTUP_CHILD = """
import sys, time
sys.path.insert(0, {root!r})
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
app = QApplication(sys.argv[:1])
def shown():
    w = next(w for w in app.topLevelWidgets() if w.isVisible() and w.windowTitle())
    w.grab()
    heavy = [m for m in ("pandas", "openpyxl", "matplotlib") if m in sys.modules]
    print("SHOWN", time.time(), ",".join(heavy), flush=True)
    app.quit()
QTimer.singleShot(0, shown)
from ui.app import run_app
run_app(None)
"""

BASELINE_CHILD = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
w = QMainWindow(); w.setWindowTitle("x"); w.resize(1600, 900); w.show()
def shown():
    w.grab(); print("SHOWN", time.time(), "", flush=True); app.quit()
QTimer.singleShot(0, shown)
app.exec()
"""


def _median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


def bench_edit(n: int, repeat: int) -> dict[str, float]:
    """Median ms from setData to the last dataChanged, and the two engine baselines."""
    import numpy as np
    from PySide6.QtWidgets import QApplication

    from bench.synth import loaded_plan
    from planner import compute
    from planner.edits import SetCells, apply
    from planner.engine import update
    from ui.document import PlanDocument
    from ui.grid.columns import INDEX
    from ui.grid.model import PlanTableModel
    from ui.grid.view import PlanGridView

    QApplication.instance() or QApplication([])
    doc = PlanDocument(loaded_plan(n))
    model = PlanTableModel(doc)
    view = PlanGridView()
    view.setModel(model)
    view.resize(1600, 900)
    view.show()
    last = [0.0]
    model.dataChanged.connect(lambda *_: last.__setitem__(0, time.perf_counter()))
    rng = np.random.default_rng(7)
    rows = rng.integers(0, n, repeat)
    col = INDEX["entry_price"]
    edit_ms, update_ms, compute_ms = [], [], []
    for i, r in enumerate(rows):
        price = float(doc.plan.trades["entry_price"].iat[r]) * (1.01 if i % 2 else 0.99)
        t0 = time.perf_counter()
        model.setData(model.index(int(r), col), f"{price:.10g}")
        edit_ms.append(last[0] - t0)
        plan, _ = apply(doc.plan, SetCells((int(r),), ("entry_price",), (price * 1.001,)))
        t0 = time.perf_counter()
        update(plan, doc.results, [int(r)])
        update_ms.append(time.perf_counter() - t0)
        if i < 10:
            t0 = time.perf_counter()
            compute(plan)
            compute_ms.append(time.perf_counter() - t0)
    view.close()
    return {"edit_ms": _median_ms(edit_ms), "edit_p90_ms": float(np.percentile(edit_ms, 90)) * 1e3,
            "update_ms": _median_ms(update_ms), "compute_ms": _median_ms(compute_ms)}


def bench_paint(n: int, repeat: int) -> dict[str, float]:
    """Median ms to paint one full screen of the grid, and of a trivial model's grid."""
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QApplication, QTableView

    from bench.synth import loaded_plan
    from ui.document import PlanDocument
    from ui.plan_tab import PlanTab
    from ui.prefs import Prefs

    app = QApplication.instance() or QApplication([])
    tab = PlanTab(PlanDocument(loaded_plan(n)), Prefs())
    tab.resize(1600, 900)
    tab.show()
    app.processEvents()
    viewport = tab.view.viewport()
    cells = _visible_cells(tab.view)

    class Trivial(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):  # noqa: B008
            return n

        def columnCount(self, parent=QModelIndex()):  # noqa: B008
            return tab.model.columnCount()

        def data(self, index, role=0):
            return "1,234.56" if role == 0 else None

    base_view = QTableView()
    base_view.setModel(Trivial())
    for c in range(tab.model.columnCount()):
        base_view.setColumnHidden(c, tab.view.isColumnHidden(c))
        base_view.setColumnWidth(c, tab.view.columnWidth(c))
    base_view.verticalHeader().setDefaultSectionSize(22)
    base_view.resize(viewport.size())
    base_view.show()
    app.processEvents()
    ours, base = [], []
    for _ in range(repeat):
        t0 = time.perf_counter()
        viewport.grab()
        ours.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        base_view.viewport().grab()
        base.append(time.perf_counter() - t0)
    tab.close()
    base_view.close()
    _ = Qt
    return {"paint_ms": _median_ms(ours), "paint_base_ms": _median_ms(base), "cells": cells,
            "viewport": f"{viewport.width()}×{viewport.height()}"}


def _visible_cells(view) -> int:  # type: ignore[no-untyped-def]
    rows = view.rowAt(view.viewport().height() - 1) - view.rowAt(0) + 1
    cols = sum(1 for c in range(view.model().columnCount())
               if not view.isColumnHidden(c) and view.columnViewportPosition(c) >= 0
               and view.columnViewportPosition(c) < view.viewport().width())
    return int(rows * cols)


def _launch(code: str) -> tuple[float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.time()
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    line = next(ln for ln in out.splitlines() if ln.startswith("SHOWN"))
    parts = line.split(" ")
    return float(parts[1]) - t0, parts[2] if len(parts) > 2 else ""


def bench_startup(repeat: int) -> dict[str, object]:
    """Median seconds from launch to the window shown, ours and a bare Qt window."""
    ours, base, heavy = [], [], ""
    for _ in range(repeat):
        secs, heavy = _launch(STARTUP_CHILD.format(root=str(ROOT)))
        ours.append(secs)
        base.append(_launch(BASELINE_CHILD)[0])
    return {"startup_s": statistics.median(ours), "startup_base_s": statistics.median(base),
            "imported": heavy}


def render(r: dict[str, object], n: int) -> str:
    """The markdown table for docs/performance.md."""
    def ok(value: float, target: float) -> str:
        return "met" if value < target else "**not met**"
    edit, paint, start = float(r["edit_ms"]), float(r["paint_ms"]), float(r["startup_s"])
    upd, full = float(r["update_ms"]), float(r["compute_ms"])
    return "\n".join([
        f"Machine: {platform.processor() or platform.machine()}, Python "
        f"{platform.python_version()}, Qt offscreen; {n:,}-row plan opened from a workbook "
        "(saved and read back, as the app opens it); median of repeated runs.",
        "",
        "| measure | ours | baseline (same run) | target |",
        "|---|---:|---:|---|",
        f"| edit → `dataChanged` (entry price, one row) | {edit:.1f} ms (p90 "
        f"{float(r['edit_p90_ms']):.1f}) | `update()` alone {float(r['update_ms']):.1f} ms; full "
        f"`compute()` {float(r['compute_ms']):.1f} ms | < 16 ms: {ok(edit, 16)} |",
        f"| paint one full screen ({r['viewport']} px, {r['cells']} cells) | {paint:.1f} ms | "
        f"trivial model, same cells: {float(r['paint_base_ms']):.1f} ms | < 16 ms: "
        f"{ok(paint, 16)} |",
        f"| start-up to window shown (sample plan) | {start:.2f} s | bare Qt window: "
        f"{float(r['startup_base_s']):.2f} s | < 1.5 s: {ok(start, 1.5)} |",
        f"| `update()` after a one-row edit | {upd:.1f} ms = {upd / full:.2f}× a full "
        f"`compute()` | full `compute()` {full:.1f} ms | ≤ 0.5×: {ok(upd / full, 0.5001)} |",
        "",
        f"Heavy modules imported when the window is first shown: {r['imported'] or 'none'} "
        "(matplotlib and openpyxl are not).",
    ])


def write_section(table: str) -> None:
    """Replace (or append) the UI section of docs/performance.md."""
    from bench.docsection import write_section as write

    write("ui", "## Desktop grid\n\n`python bench/bench_ui.py --write`", table)


def main() -> int:
    """Run every measure, print the table, optionally write it to the docs."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--repeat", type=int, default=50)
    p.add_argument("--startups", type=int, default=5)
    p.add_argument("--write", action="store_true", help="update docs/performance.md")
    p.add_argument("--json", action="store_true", help="print the raw figures as JSON")
    args = p.parse_args()
    results: dict[str, object] = {}
    results.update(bench_edit(args.rows, args.repeat))
    results.update(bench_paint(args.rows, max(args.repeat // 2, 5)))
    results.update(bench_startup(args.startups))
    table = render(results, args.rows)
    print(json.dumps(results, indent=1) if args.json else table)
    if args.write:
        write_section(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
