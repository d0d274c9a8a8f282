"""The open plan as a document: plan + results, undo stack, file name and modified state.

Public API (used by the grid, the panels and the Journal extension):

* ``document.plan`` / ``document.results`` — the current :class:`~planner.Plan` and its
  :class:`~planner.Results`;
* ``document.apply(edit, text)`` — apply a :mod:`planner.edits` edit as one undo step named
  ``text``; raises :class:`~planner.PlanError` (nothing changes) when the edit is refused;
* signal ``changed()`` — emitted after every change: an edit, an undo or redo, a newly loaded
  plan. Read ``document.plan`` and ``document.results`` in the slot;
* signal ``rows_changed(Change)`` — emitted just before ``changed`` for an edit, undo or redo
  (the grid model uses it to signal exactly what moved); ``reset()`` — a whole new plan.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from planner import edits
from planner.errors import CellIssue, PlanError
from planner.parse import missing_cells
from ui.undo import EditCommand

if TYPE_CHECKING:
    from planner import Plan, Results


@dataclass(frozen=True)
class Change:
    """What one edit (or its undo) did to the rows.

    Attributes:
        steps: Row insertions and deletions in order, ``("insert" | "delete", rows)``; empty
            when every row stayed where it was.
        edit: The edit that was applied.
    """

    steps: tuple[tuple[str, tuple[int, ...]], ...]
    edit: edits.Edit


class PlanDocument(QObject):
    """The plan being edited, with undo and its workbook file."""

    changed = Signal()
    rows_changed = Signal(object)
    reset = Signal()
    file_changed = Signal()

    def __init__(self, plan: Plan, path: str | Path | None = None, name: str = "",
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.undo_stack = QUndoStack(self)
        #: The market file blank Vol cells take σ from (set by the Market extension); ``None``:
        #: the plan keeps the history snapshot its workbook carries.
        self.market: Path | None = None
        self._unknown_coins: set[str] = set()   # coins the market file had nothing for
        self.plan = plan
        self.results = self._compute_all(plan)
        self.path: Path | None = Path(path) if path else None
        self._name = name

    # -- file ------------------------------------------------------------------------------
    @property
    def name(self) -> str:
        """What the title bar shows: the file name, or the name given to an unsaved plan."""
        return self.path.name if self.path else (self._name or "Untitled")

    @property
    def is_modified(self) -> bool:
        """True when there are changes since the last load or save."""
        return not self.undo_stack.isClean()

    def load(self, plan: Plan, path: str | Path | None = None, name: str = "",
             modified: bool = False) -> None:
        """Show a whole new plan (computed first: a plan that fails to compute is refused).

        Args:
            plan: The plan.
            path: Its workbook, or ``None`` for an unsaved plan.
            name: Title of an unsaved plan.
            modified: Start with unsaved changes (e.g. a plan restored after a crash).

        Raises:
            PlanError: The plan cannot be computed; the current plan stays.
        """
        plan = self._with_history(plan, None)
        results = self._compute_all(plan)
        self.plan, self.results = plan, results
        self.path, self._name = (Path(path) if path else None), name
        self.undo_stack.clear()
        if modified:
            self.undo_stack.resetClean()
        self.reset.emit()
        self.file_changed.emit()
        self.changed.emit()

    def save(self, path: str | Path | None = None) -> Path:
        """Save the plan to ``path`` (default: its own file), atomically, and mark it clean.

        Raises:
            PlanError: Required cells are blank (each one named); nothing is written.
            OSError: The file cannot be written; the old file is untouched.
        """
        from planner import save_plan

        target = Path(path) if path else self.path
        if target is None:
            raise PlanError(CellIssue("Plan", None, None, "choose a file name first"))
        issues = missing_cells(self.plan)
        if issues:
            raise PlanError(issues)
        # The user's own sheets come from the workbook the plan was opened from (save as too).
        source = self.path if self.path is not None and self.path.is_file() else None
        save_plan(self.plan, target, keep_from=source)
        self.path = target
        self.undo_stack.setClean()
        self.file_changed.emit()
        return target

    # -- edits -----------------------------------------------------------------------------
    def apply(self, edit: edits.Edit, text: str) -> None:
        """Apply ``edit`` as one undo step called ``text``.

        Raises:
            PlanError: The edit does not fit the plan or the plan cannot be computed after it;
                the plan is unchanged and nothing is pushed on the undo stack.
        """
        try:
            plan, inverse = edits.apply(self.plan, edit)
        except (ValueError, TypeError) as exc:
            raise exc if isinstance(exc, PlanError) else PlanError(str(exc)) from None
        plan = self._with_history(plan, edit)
        results = self._compute(plan, edit)
        self.undo_stack.push(EditCommand(self, text, (plan, results, edit, inverse)))

    def swap(self, edit: edits.Edit) -> edits.Edit:
        """Apply an edit the undo stack holds; return its inverse (used by the command)."""
        plan, inverse = edits.apply(self.plan, edit)
        plan = self._with_history(plan, edit)
        self.install(plan, self._compute(plan, edit), edit)
        return inverse

    def install(self, plan: Plan, results: Results, edit: edits.Edit) -> None:
        """Make ``plan`` / ``results`` current and tell the views what changed."""
        self.plan, self.results = plan, results
        self.rows_changed.emit(Change(tuple(edits.structure(edit)), edit))
        self.changed.emit()

    # -- price history (SPEC §11) ----------------------------------------------------------
    def set_market(self, path: str | Path | None) -> None:
        """Use the market file at ``path`` for blank Vol cells, and refresh from it now."""
        self.market = Path(path) if path else None
        self.refresh_history()

    def refresh_history(self) -> bool:
        """Re-read the plan's history snapshot from the market file.

        Called after an import or a delete. Not an undo step: the snapshot follows the file,
        as a recalculation follows the inputs.

        Returns:
            True when the snapshot changed (the views were told).
        """
        self._unknown_coins = set()
        plan = self._with_history(self.plan, None)
        if plan is self.plan:
            return False
        self.install(plan, self._compute_all(plan), edits.SetSettings(plan.settings))
        return True

    def _with_history(self, plan: Plan, edit: edits.Edit | None) -> Plan:
        """``plan`` with the history its rows need.

        Every coin on load, on a refresh and when the estimator, window, tail model or (under
        ``empirical``, whose tables are per horizon) the horizon changed; after other edits only
        the coins new to the snapshot (and not already known to be missing).
        """
        if self.market is None:
            return plan
        from planner.market.history import plan_coins, with_history
        from planner.market.store import MarketError

        whole = edit is None or _estimate(plan) != _estimate(self.plan)
        if not whole and not _adds_symbols(edit):
            return plan
        coins = None
        if whole:
            self._unknown_coins = set()
        else:
            known = {f.symbol for f in plan.history} | self._unknown_coins
            coins = plan_coins(plan) - known
            if not coins:
                return plan
        try:
            new = with_history(plan, self.market, coins=coins)
        except MarketError as exc:
            log_error(f"market file {self.market}", exc)
            return plan
        looked = plan_coins(plan) if coins is None else coins
        self._unknown_coins |= looked - {f.symbol for f in new.history}
        return new

    # -- engine ----------------------------------------------------------------------------
    def _compute(self, plan: Plan, edit: edits.Edit) -> Results:
        from planner.engine import update

        if isinstance(edit, edits.SetCells):
            return update(plan, self.results, sorted(set(edit.rows)))
        return self._compute_all(plan)

    @staticmethod
    def _compute_all(plan: Plan) -> Results:
        from planner import compute

        return compute(plan)


def _estimate(plan: Plan) -> tuple[str, float, str, float | None]:
    """What the history snapshot depends on in the settings (σ, and the tail tables)."""
    s = plan.settings
    horizon = s.horizon_hours if s.tail_model == "empirical" else None
    return s.vol_estimator, s.vol_window_days, s.tail_model, horizon


def _adds_symbols(edit: edits.Edit | None) -> bool:
    """True when ``edit`` may bring a symbol the plan did not have (typed, pasted, inserted)."""
    if isinstance(edit, edits.SetCells):
        return "symbol" in edit.keys
    if isinstance(edit, edits.InsertRows):
        return True
    if isinstance(edit, edits.Batch):
        return any(_adds_symbols(e) for e in edit.edits)
    return False


def log_error(where: str, exc: BaseException) -> None:
    """Report an unexpected error on stderr (never a dialog, never a crash)."""
    sys.stderr.write(f"trade planner: {where}: {exc.__class__.__name__}: {exc}\n")
