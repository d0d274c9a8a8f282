"""Render the Stress tab on the bundled sample plan and the generated sample market data.

Usage: ``QT_QPA_PLATFORM=offscreen python scripts/stress_screenshot.py docs/stress.png``.
The market data is generated into a temporary folder (``resources/make_sample_market.py``) and
imported into a temporary market file; nothing of the user's is read or written.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "resources")]


def main(out: str) -> int:
    """Write the screenshot to ``out``; return the exit code."""
    import make_sample_market

    with tempfile.TemporaryDirectory() as tmp:
        os.environ["TRADE_PLANNER_MARKET"] = str(Path(tmp) / "market.sqlite3")
        make_sample_market.main([tmp])
        from planner.cli import run

        run(["market", "import", *map(str, sorted(Path(tmp).glob("*.zip")))])
        return _shoot(out)


def _shoot(out: str) -> int:
    from PySide6.QtWidgets import QApplication

    from planner import sample_plan
    from planner.atomic import atomic_path
    from ui.document import PlanDocument
    from ui.mainwindow import MainWindow
    from ui.prefs import Prefs

    app = QApplication.instance() or QApplication([])
    window = MainWindow(PlanDocument(sample_plan(), name="sample"), prefs=Prefs(None))
    window.resize(1400, 800)
    window.show()
    tab = window.stress_tab
    window.tabs.setCurrentWidget(tab)
    tab.worst_k.setValue(3)
    tab.hours.setValue(72)
    tab.run_worst()
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    for _ in range(5):
        app.processEvents()
    with atomic_path(Path(out), suffix=".png") as target:
        window.grab().save(str(target), "PNG")
    print(f"wrote {out}")
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/stress.png"))
