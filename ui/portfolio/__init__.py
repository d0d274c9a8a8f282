"""The Portfolio tab (buckets, isolated vs cross, charts).

Contract used by the main window:

* ``PortfolioTab(parent=None)`` — a ``QWidget``;
* ``set_results(plan, results)`` — show a newly computed plan (called after every recompute);
* signal ``bucket_selected(str)`` — the user picked a bucket ("" = all buckets); the main window
  filters the grid by it.
"""

from ui.portfolio.tab import PortfolioTab

__all__ = ["PortfolioTab"]
