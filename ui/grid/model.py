"""``PlanTableModel``: the thin Qt adapter between the grid and the open plan.

One column per schema column (inputs, then outputs). The model reads numpy arrays taken from
``document.results.rows`` once per change; ``data()`` indexes those arrays and formats one value
(O(1) per cell, no pandas). Rows are shown through a view ``order`` (sort and filter, see
:mod:`ui.grid.order`) while edits address plan rows.

After an edit the model compares the old and new arrays and emits ``dataChanged`` only over the
rectangles that changed (plus ``rowsInserted`` / ``rowsRemoved`` for row operations);
``beginResetModel`` is used only when a whole new plan is loaded.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal

from planner.errors import PlanError
from planner.parse import incomplete_rows, typed_cells
from planner.schema import BY_KEY
from ui.document import Change, PlanDocument
from ui.grid import roles as R
from ui.grid.columns import GRID_COLUMNS, KEYS, header_lines, header_tooltip
from ui.grid.diff import changed_rectangles, survivors
from ui.grid.order import Filters, Sort, positions, runs, view_order

_Index = QModelIndex | QPersistentModelIndex
_VOL = KEYS.index("volatility_pct")
_VOL_HEADER = BY_KEY["volatility_pct"].header
_VOL_HELP = (_VOL_HEADER + " is blank and there is no price history for {coin}: type a daily σ "
             "or import its candles (Plan → Market data…)")
_NOT_EDITABLE = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
_EDITABLE = _NOT_EDITABLE | Qt.ItemFlag.ItemIsEditable


class PlanTableModel(QAbstractTableModel):
    """Table model over ``document.plan`` / ``document.results``.

    Signals:
        edit_refused(str): A typed value was refused; the message names row, column and why.
    """

    edit_refused = Signal(str)

    def __init__(self, document: PlanDocument, parent: Any = None) -> None:
        super().__init__(parent)
        self._doc = document
        self._sort, self._filters = Sort(), Filters()
        self._refused: dict[tuple[int, int], str] = {}
        self._flags = [_EDITABLE if g.editable else _NOT_EDITABLE for g in GRID_COLUMNS]
        self._tips = [header_tooltip(g.col) for g in GRID_COLUMNS]
        self._headers = [header_lines(g.col.header) for g in GRID_COLUMNS]
        self._handlers = {R.DISPLAY: self._display, R.EDIT: self._raw, R.BACKGROUND:
                          self._background, R.FOREGROUND: self._foreground, R.ALIGNMENT:
                          self._alignment, R.TOOLTIP: self._tooltip, int(R.Role.RAW): self._raw,
                          int(R.Role.KEY): self._key, int(R.Role.PLAN_ROW): self._plan_row,
                          int(R.Role.ALERTS): self._alerts}
        self._read(document)
        self._set_order_raw(np.arange(self._n, dtype=np.intp))
        self._pos = positions(self._order, self._n)
        document.reset.connect(self._on_reset)
        document.rows_changed.connect(self._on_rows_changed)

    # -- arrays ----------------------------------------------------------------------------
    def _read(self, doc: PlanDocument) -> None:
        rows = doc.results.rows
        self._cols: list[np.ndarray] = [rows[k].to_numpy() for k in KEYS]
        self._n = len(rows)
        # σ from history (SPEC §11): the Vol cell stays blank; the grid shows the history σ
        self._vol_used = rows["vol_used_pct"].to_numpy(dtype=float)
        self._vol_source = rows["vol_source"].to_numpy(dtype=object)
        self._no_sigma = self._vol_source == ""
        self._filled = np.isnan(self._cols[_VOL].astype(float)) & ~self._no_sigma
        self._coins = rows["coin"].to_numpy(dtype=object)
        self._incomplete = incomplete_rows(doc.plan.trades) | self._no_sigma

    def _set_order_raw(self, order: np.ndarray) -> None:
        self._order = order
        self._order_list: list[int] = order.tolist()

    def column_arrays(self) -> dict[str, np.ndarray]:
        """The current arrays by schema key (plan row order)."""
        return dict(zip(KEYS, self._cols, strict=True))

    # -- Qt model API ----------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """Rows shown (after filters)."""
        return 0 if parent.isValid() else len(self._order_list)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        """One column per schema column."""
        return 0 if parent.isValid() else len(GRID_COLUMNS)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        """Inputs are editable; computed columns are not."""
        return self._flags[index.column()] if index.isValid() else Qt.ItemFlag.NoItemFlags

    def data(self, index: _Index, role: int = R.DISPLAY) -> Any:
        """Value for one role of one cell: O(1), from the cached arrays."""
        handler = self._handlers.get(role)
        if handler is None or not index.isValid():
            return None
        return handler(self._order_list[index.row()], index.column())

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = R.DISPLAY) -> Any:
        """Column headers (with tooltips) and plan row numbers."""
        if orientation == Qt.Orientation.Vertical:
            if role == R.DISPLAY and 0 <= section < len(self._order_list):
                return str(self._order_list[section] + 1)
            return None
        if not 0 <= section < len(GRID_COLUMNS):
            return None
        if role == R.DISPLAY:
            return self._headers[section]
        if role == R.TOOLTIP:
            return self._tips[section]
        if role == R.FOREGROUND and not GRID_COLUMNS[section].editable:
            return R.OUTPUT_HEADER_FG
        if role == int(R.Role.KEY):
            return KEYS[section]
        return None

    def setData(self, index: _Index, value: Any, role: int = R.EDIT) -> bool:
        """Type a value into an input cell: parsed, validated, applied as one undo step.

        Returns:
            False (old value kept, reason in the tooltip and ``edit_refused``) when the value
            does not parse or breaks the column's rule.
        """
        if role != R.EDIT or not index.isValid() or not GRID_COLUMNS[index.column()].editable:
            return False
        r, c = self._order_list[index.row()], index.column()
        try:
            edit = typed_cells(self._doc.plan, [(r, KEYS[c], value)])
        except PlanError as exc:
            self._refuse(r, c, index, str(exc))
            return False
        if _same(edit.values[0], self._cols[c][r]):
            return True
        self._refused.pop((r, c), None)
        self._doc.apply(edit, f"Edit {GRID_COLUMNS[c].col.header} in row {r + 1}")
        return True

    def _refuse(self, r: int, c: int, index: _Index, message: str) -> None:
        self._refused[(r, c)] = message
        self.dataChanged.emit(index, index, [R.TOOLTIP, R.BACKGROUND])
        self.edit_refused.emit(message)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the view by a column (−1 = plan order); the plan itself keeps its order."""
        key = KEYS[column] if 0 <= column < len(KEYS) else ""
        self._sort = Sort(key, order == Qt.SortOrder.DescendingOrder)
        self._relayout()

    def paint_data(self, view_row: int, column: int) -> tuple[str, Any, Any, Any]:
        """Text, background, text colour and alignment of a cell in one call (for painting).

        The same values as the Display, Background, Foreground and TextAlignment roles.
        """
        r = self._order_list[view_row]
        g = GRID_COLUMNS[column]
        alerted = self._alerted(r, column) if g.alerts else False
        bg: Any
        if alerted or (r, column) in self._refused:
            bg = R.ALERT_BG
        elif self._missing(r, column):
            bg = R.MISSING_BG
        elif column == _VOL and self._filled[r]:
            bg = R.HISTORY_BG
        else:
            bg = None if g.editable else R.OUTPUT_BG
        fg: Any = R.ALERT_FG if alerted else R.HISTORY_FG if column == _VOL and \
            self._filled[r] else None
        if fg is None and g.loss_red and self._cols[column][r] < 0:
            fg = R.LOSS_FG
        return self._display(r, column), bg, fg, g.align

    # -- role handlers ---------------------------------------------------------------------
    def _display(self, r: int, c: int) -> str:
        g = GRID_COLUMNS[c]
        if not g.editable and self._incomplete[r]:
            return ""
        if c == _VOL and self._filled[r]:
            return g.fmt(self._vol_used[r])
        return g.fmt(self._cols[c][r])

    def _raw(self, r: int, c: int) -> Any:
        v = self._cols[c][r]
        v = v.item() if isinstance(v, np.generic) else v
        return None if isinstance(v, float) and math.isnan(v) else v

    def _key(self, r: int, c: int) -> str:
        return KEYS[c]

    def _plan_row(self, r: int, c: int) -> int:
        return r

    def _alerts(self, r: int, c: int) -> list[str]:
        if self._incomplete[r]:
            return []
        return [why for flag, why in GRID_COLUMNS[c].alerts if self._cols[flag][r]]

    def _alerted(self, r: int, c: int) -> bool:
        if self._incomplete[r]:
            return False
        return any(self._cols[flag][r] for flag, _ in GRID_COLUMNS[c].alerts)

    def _missing(self, r: int, c: int) -> bool:
        if not self._incomplete[r]:
            return False
        if c == _VOL:  # blank Vol is fine when the coin has history, and said once per coin
            return bool(self._no_sigma[r]) and self._coins[r] != ""
        return GRID_COLUMNS[c].col.required and self._raw(r, c) in (None, "")

    def _background(self, r: int, c: int) -> Any:
        if (r, c) in self._refused or self._alerted(r, c):
            return R.ALERT_BG
        if self._missing(r, c):
            return R.MISSING_BG
        if c == _VOL and self._filled[r]:
            return R.HISTORY_BG
        return None if GRID_COLUMNS[c].editable else R.OUTPUT_BG

    def _foreground(self, r: int, c: int) -> Any:
        g = GRID_COLUMNS[c]
        if c == _VOL and self._filled[r]:
            return R.HISTORY_FG
        if g.alerts and self._alerted(r, c):
            return R.ALERT_FG
        if g.loss_red and self._cols[c][r] < 0:
            return R.LOSS_FG
        return None

    def _alignment(self, r: int, c: int) -> Any:
        return GRID_COLUMNS[c].align

    def _tooltip(self, r: int, c: int) -> str | None:
        lines = [f"⚠ {why}" for why in self._alerts(r, c)]
        if (r, c) in self._refused:
            lines.insert(0, f"Refused: {self._refused[(r, c)]}")
        if self._missing(r, c):
            lines.append(_VOL_HELP.format(coin=self._coins[r]) if c == _VOL else
                         f"{GRID_COLUMNS[c].col.header} is required: type a value")
        elif c == _VOL and self._filled[r]:
            lines.append(f"σ from price history: {self._vol_source[r]}\n"
                         "Type a value to override it; clear the cell to go back to history.")
        return "\n".join(lines) or None

    # -- view order ------------------------------------------------------------------------
    @property
    def filters(self) -> Filters:
        """The row filters in force."""
        return self._filters

    def set_filters(self, filters: Filters) -> None:
        """Show only the rows that pass ``filters`` (re-applies the sort too)."""
        if filters == self._filters:
            return
        self._filters = filters
        self._relayout()

    def plan_row(self, view_row: int) -> int:
        """The plan row shown at ``view_row``."""
        return self._order_list[view_row]

    def incomplete_mask(self) -> np.ndarray:
        """Mask of plan rows that lack a required input."""
        return self._incomplete

    def is_incomplete(self, plan_row: int) -> bool:
        """True when the plan row lacks a required input (its outputs are not shown)."""
        return bool(self._incomplete[plan_row])

    def view_row(self, plan_row: int) -> int:
        """The view row of ``plan_row``, or −1 when it is filtered out."""
        return int(self._pos[plan_row]) if 0 <= plan_row < self._n else -1

    def _relayout(self) -> None:
        order = view_order(self.column_arrays(), self._n, self._sort, self._filters,
                           self._doc.plan.settings.default_venue)
        self.layoutAboutToBeChanged.emit()
        old_order, old_persistent = self._order, self.persistentIndexList()
        self._set_order_raw(order)
        self._pos = positions(order, self._n)
        new = []
        for p in old_persistent:
            row = int(self._pos[old_order[p.row()]]) if 0 <= p.row() < len(old_order) else -1
            new.append(self.index(row, p.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(old_persistent, new)
        self.layoutChanged.emit()

    # -- document signals ------------------------------------------------------------------
    def _on_reset(self) -> None:
        self.beginResetModel()
        self._read(self._doc)
        self._sort, self._filters, self._refused = Sort(), Filters(), {}
        self._set_order_raw(np.arange(self._n, dtype=np.intp))
        self._pos = positions(self._order, self._n)
        self.endResetModel()

    def _on_rows_changed(self, change: Change) -> None:
        old_cols, old_incomplete, old_n = self._cols, self._incomplete, self._n
        old_vol = self._vol_state()
        if len(change.steps) > 1:
            self._on_reset()
            return
        kind, rows = change.steps[0] if change.steps else ("", ())
        if kind == "delete":
            self._remove(np.asarray(rows, dtype=np.intp))
        self._read(self._doc)
        if kind == "insert":
            self._insert(np.asarray(rows, dtype=np.intp), old_n)
        if kind == "delete":
            self._renumber_after_delete(np.asarray(rows, dtype=np.intp), old_n)
        if kind:
            self._refused = {}
            self.headerDataChanged.emit(Qt.Orientation.Vertical, 0, max(self.rowCount() - 1, 0))
        old_idx, new_idx = survivors(kind, rows, old_n, self._n)
        skip = _untouched_inputs(change)
        for top, bottom, c0, c1 in changed_rectangles(
                old_cols, self._cols, old_idx, new_idx, self._pos, skip,
                old_incomplete, self._incomplete):
            self.dataChanged.emit(self.index(top, c0), self.index(bottom, c1))
        new_vol = self._vol_state()
        if old_idx is not None and new_idx is not None:
            old_vol, new_vol = old_vol[old_idx], new_vol[new_idx]
        if self.rowCount() and not np.array_equal(old_vol, new_vol, equal_nan=True):
            # history σ shown in blank Vol cells changed (a refresh, a new symbol …)
            self.dataChanged.emit(self.index(0, _VOL), self.index(self.rowCount() - 1, _VOL))

    def _vol_state(self) -> np.ndarray:
        """Per plan row what a blank Vol cell shows: the history σ, −1 (none: a draft), NaN."""
        return np.where(self._filled, self._vol_used, np.where(self._no_sigma, -1.0, np.nan))

    def _remove(self, rows: np.ndarray) -> None:
        shown = np.sort(self._pos[rows][self._pos[rows] >= 0])
        for a, b in reversed(runs(shown)):
            self.beginRemoveRows(QModelIndex(), a, b)
            self._set_order_raw(np.delete(self._order, np.s_[a:b + 1]))
            self.endRemoveRows()

    def _renumber_after_delete(self, rows: np.ndarray, old_n: int) -> None:
        keep = np.ones(old_n, dtype=bool)
        keep[rows] = False
        new_of_old = np.cumsum(keep) - 1
        self._set_order_raw(new_of_old[self._order].astype(np.intp))
        self._pos = positions(self._order, self._n)

    def _insert(self, new_rows: np.ndarray, old_n: int) -> None:
        inserted = np.zeros(self._n, dtype=bool)
        inserted[new_rows] = True
        self._set_order_raw(np.flatnonzero(~inserted)[self._order].astype(np.intp))
        self._pos = positions(self._order, self._n)
        for a, b in runs(new_rows):
            at = 0 if a == 0 else int(self._pos[a - 1]) + 1 if self._pos[a - 1] >= 0 \
                else len(self._order)
            self.beginInsertRows(QModelIndex(), at, at + b - a)
            self._set_order_raw(np.insert(self._order, at, np.arange(a, b + 1)))
            self._pos = positions(self._order, self._n)
            self.endInsertRows()


def _same(new: Any, old: Any) -> bool:
    old = old.item() if isinstance(old, np.generic) else old
    both_nan = isinstance(new, float) and isinstance(old, float) and math.isnan(new) \
        and math.isnan(old)
    return bool(both_nan or new == old)


def _untouched_inputs(change: Change) -> frozenset[str]:
    """Input columns an edit cannot have changed (so the diff can skip them)."""
    from planner.schema import INPUT_KEYS

    return frozenset(INPUT_KEYS) - _touched(change.edit)


def _touched(edit: Any) -> frozenset[str]:
    from planner import edits
    from planner.schema import INPUT_KEYS

    if isinstance(edit, edits.SetCells):
        return frozenset(edit.keys)
    if isinstance(edit, edits.Batch):
        return frozenset().union(*(_touched(e) for e in edit.edits))
    if isinstance(edit, (edits.InsertRows, edits.DeleteRows)):
        return frozenset(INPUT_KEYS)
    return frozenset()
