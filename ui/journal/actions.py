"""Wiring the journal into the main window (``install``) and the "Close trade…" action."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog

from planner.errors import PlanError
from planner.journal.store import JournalError

CLOSE_TEXT = "&Close trade…"
CLOSE_TIP = "Close the selected planned trade(s): record the exit in the journal and take the " \
            "row(s) out of the plan (one undo step puts them back)"


def install(window: Any) -> None:
    """Add the Journal tab and the "Close trade…" action to ``window``."""
    from planner.journal.location import journal_path
    from ui.journal.session import JournalSession
    from ui.journal.tab import JournalTab

    session = JournalSession(journal_path(), window)
    tab = JournalTab(session, lambda: (window.document.plan.settings.capital_usd,
                                       window.document.plan.scenarios), window,
                     plan_rows=lambda: (window.document.results.rows,
                                        window.document.plan.sheet_rows))
    window.add_tab(tab, "Journal")
    window.document.changed.connect(tab.plan_changed)
    action = QAction(CLOSE_TEXT, window)
    action.setStatusTip(CLOSE_TIP)
    action.setToolTip(CLOSE_TIP)
    action.triggered.connect(lambda: close_selected(window, session))
    window.plan_menu.addSeparator()
    window.plan_menu.addAction(action)
    session.failed.connect(window.show_message)
    window.journal_tab, window.journal_session, window.close_trade_action = tab, session, action


def close_selected(window: Any, session: Any) -> int:
    """Ask how each selected plan row was closed, then close them all as one undo step.

    Returns:
        Trades closed (0 when nothing was selected, the user cancelled or it was refused).
    """
    from ui.journal.close_dialog import CloseTradeDialog
    from ui.journal.closing import close_rows

    rows = window.selected_source_rows()
    doc = window.document
    if not rows:
        window.show_message("Close trade: select the planned trade row(s) in the grid first.")
        return 0
    fills = []
    for row in rows:
        dialog = CloseTradeDialog(doc.plan, doc.results, row, window)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return 0
        fills.append(dialog.fill())
    try:
        close_rows(doc, session, rows, fills)
    except (PlanError, JournalError) as exc:
        window.show_message(f"Close trade: nothing changed — {exc}")
        return 0
    window.show_message(f"Closed {len(rows)} trade(s) into the journal {session.path.name}; "
                        "Undo puts them back in the plan.")
    return len(rows)
