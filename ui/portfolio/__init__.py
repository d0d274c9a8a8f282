"""The Portfolio tab (buckets, isolated vs cross, charts).

Contract used by the main window:

* ``PortfolioTab(parent=None)`` — a ``QWidget``;
* ``set_results(plan, results)`` — show a newly computed plan (called after every recompute);
* ``set_selected_row(index)`` — optional: show the price ladder of the trade at position
  ``index`` of ``results.rows`` (0-based, the plan's own order, not a sorted or filtered view
  row); without it the ladder shows the first trade;
* signal ``bucket_selected(str)`` — the user picked a bucket ("" = all buckets); the main window
  filters the grid by it.

Importing this package does not import matplotlib: the charts are built when the tab is first
shown.
"""

from ui.portfolio.tab import PortfolioTab

__all__ = ["PortfolioTab"]
