"""The Market extension: *Plan → Market data…* and the Stress tab.

``install(window)`` (listed in :data:`ui.extensions.EXTENSIONS`) uses only the window's public
API (``document``, ``add_tab()``, ``plan_menu``). The market file is
``$TRADE_PLANNER_MARKET``, else ``market.sqlite3`` beside the journal. The document reads
σ for blank Vol cells from it (on open, after an import or delete, when the estimator changes).
"""

from __future__ import annotations

from typing import Any


def install(window: Any) -> None:
    """Add the Market data action and the Stress tab to ``window``."""
    from planner.market.location import market_path
    from ui.market.stress_tab import StressTab

    path = market_path()
    window.document.set_market(path)          # blank Vol cells take σ from this file
    tab = StressTab(window.document, path, window)
    window.add_tab(tab, "Stress")
    window.plan_menu.addSeparator()
    action = window.plan_menu.addAction("Market &data…", lambda: open_dialog(window, path))
    action.setStatusTip("Import kline and funding files, see what is loaded, delete a series")
    window.stress_tab, window.market_action = tab, action


def open_dialog(window: Any, path: Any) -> Any:
    """Show the Market data dialog (modal)."""
    from ui.market.dialog import MarketDialog

    dialog = MarketDialog(path, window)
    dialog.stored.connect(window.document.refresh_history)
    dialog.exec()
    return dialog
