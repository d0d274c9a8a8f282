"""Workbook reading and writing. The only place that imports XlsxWriter or parses xlsx.

* :func:`save_plan` / :func:`load_plan` (and :func:`load_plan_with_warnings`): plan workbooks;
* :func:`save_journal` / :func:`load_journal` / :func:`read_journal_raw`: the Journal sheet, for
  the journal store;
* every file is checked by :mod:`planner.io.safety` before it is parsed.
"""

from planner.io.journal import load_journal, read_journal_raw, save_journal
from planner.io.reader import load_plan, load_plan_with_warnings
from planner.io.writer import save_plan

__all__ = ["load_journal", "load_plan", "load_plan_with_warnings", "read_journal_raw",
           "save_journal", "save_plan"]
