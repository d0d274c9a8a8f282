"""The Journal extension: the Journal tab and the "Close trade…" action of the Plan menu.

``install(window)`` (listed in :data:`ui.extensions.EXTENSIONS`) uses only the window's public
API: ``document``, ``selected_source_rows()``, ``add_tab()``, ``plan_menu`` and
``show_message()``. The journal file is ``$TRADE_PLANNER_JOURNAL`` or ``journal.sqlite3`` in the
user data folder; it is opened the first time the tab is shown or a trade is closed.
"""

from __future__ import annotations

from typing import Any

from ui.journal.actions import close_selected, install

__all__ = ["close_selected", "install"]


def __getattr__(name: str) -> Any:
    if name == "JournalTab":
        from ui.journal.tab import JournalTab

        return JournalTab
    raise AttributeError(name)
