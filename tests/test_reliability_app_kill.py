"""Fault test: the app process killed while editing; the next start restores the edits.

A child process runs the real main window offscreen, makes edits through the document API,
waits for the autosave snapshot, makes one more edit (not yet snapshotted) and is killed with
SIGKILL. The recovery snapshot must hold every edit made before the last autosave.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from planner.recovery import pending, restore
from tests.conftest import ROOT

CHILD = textwrap.dedent("""
    import os, signal, sys
    sys.path.insert(0, {root!r})
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication
    from planner import edits
    from ui.mainwindow import MainWindow
    app = QApplication([])
    window = MainWindow()
    window.autosave._timer.setInterval(100)
    doc = window.document
    doc.apply(edits.SetCells((0, 1), ("entry_price", "leverage"), (61000.0, 4.0)), "edit 1")
    doc.apply(edits.SetCells((2,), ("notes",), ("before the crash",)), "edit 2")
    written = []
    window.autosave.snapshot_written.connect(lambda: written.append(1))
    while not written:
        app.processEvents()
    doc.apply(edits.SetCells((3,), ("risk_pct",), (0.9,)), "edit 3 (after the autosave)")
    app.processEvents()
    os.kill(os.getpid(), signal.SIGKILL)
""")


def test_killed_app_leaves_a_snapshot_with_the_edits(tmp_path, monkeypatch):
    monkeypatch.setenv("TRADE_PLANNER_DATA_DIR", str(tmp_path))
    env = {**os.environ, "TRADE_PLANNER_DATA_DIR": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", CHILD.format(root=str(ROOT))], env=env,
                          timeout=120, capture_output=True, text=True)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    found = pending()
    assert len(found) == 1
    plan = restore(found[0])
    trades = plan.trades
    assert trades.loc[0, "entry_price"] == 61000.0
    assert trades.loc[1, "leverage"] == 4.0
    assert trades.loc[2, "notes"] == "before the crash"
