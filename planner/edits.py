"""Edits of a plan as plain data, with a pure ``apply(plan, edit) -> (new_plan, inverse)``.

Every change the desktop app makes to a plan — typing in a cell, a paste, a fill-down, inserting,
duplicating or deleting rows, changing a setting, a scenario or a venue profile — is one of the
frozen dataclasses below. :func:`apply` never mutates its arguments: it returns a new plan and the
edit that undoes the change, so an undo stack only has to keep that inverse (Orange3 style).

Values in edits are already typed (``float`` for number columns, ``str`` for text and choice
columns, NaN for a blank number); :mod:`planner.parse` turns what a user typed into edits.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from planner.model import Plan, Scenario, Settings, VenueProfile
from planner.schema import BY_KEY, INPUT_KEYS


@dataclass(frozen=True)
class SetCells:
    """Set trade cells; one edit however many cells (a paste or a fill-down is one step).

    Attributes:
        rows: Plan row index of each cell (0-based position in ``plan.trades``).
        keys: Schema input key of each cell.
        values: Typed value of each cell (``float``, NaN for blank, or ``str``).
    """

    rows: tuple[int, ...]
    keys: tuple[str, ...]
    values: tuple[Any, ...]


@dataclass(frozen=True)
class InsertRows:
    """Insert whole trade rows.

    Attributes:
        positions: Row index of each new row in the resulting plan, ascending.
        rows: Input values of each new row, in :data:`planner.schema.INPUT_KEYS` order.
        extra: Values of the plan's extra (non-schema) columns for each new row, or ``()``
            (blank extra cells).
    """

    positions: tuple[int, ...]
    rows: tuple[tuple[Any, ...], ...]
    extra: tuple[tuple[Any, ...], ...] = ()


@dataclass(frozen=True)
class DeleteRows:
    """Delete trade rows.

    Attributes:
        rows: Plan row indices to delete, ascending and unique.
    """

    rows: tuple[int, ...]


@dataclass(frozen=True)
class SetSettings:
    """Replace the plan settings (capital, horizon, bands, alert thresholds, heat cap …)."""

    settings: Settings


@dataclass(frozen=True)
class SetScenarios:
    """Replace the three scenarios (normal, stressed, tail)."""

    scenarios: tuple[Scenario, ...]


@dataclass(frozen=True)
class SetVenues:
    """Replace the venue profiles (with their tier tables), in display order."""

    venues: tuple[VenueProfile, ...]


@dataclass(frozen=True)
class Batch:
    """Several edits applied in order as one undo step."""

    edits: tuple[Edit, ...]


Edit = SetCells | InsertRows | DeleteRows | SetSettings | SetScenarios | SetVenues | Batch


def apply(plan: Plan, edit: Edit) -> tuple[Plan, Edit]:
    """Apply ``edit`` to ``plan``.

    Args:
        plan: The plan before the edit (left untouched).
        edit: What to change.

    Returns:
        ``(new_plan, inverse)``: applying ``inverse`` to ``new_plan`` gives back a plan equal
        to ``plan``.

    Raises:
        ValueError: The edit does not fit the plan (row out of range, unknown column).
    """
    if isinstance(edit, SetCells):
        return _set_cells(plan, edit)
    if isinstance(edit, InsertRows):
        return _insert(plan, edit)
    if isinstance(edit, DeleteRows):
        return _delete(plan, edit)
    if isinstance(edit, SetSettings):
        return plan.with_changes(settings=edit.settings), SetSettings(plan.settings)
    if isinstance(edit, SetScenarios):
        return plan.with_changes(scenarios=tuple(edit.scenarios)), SetScenarios(plan.scenarios)
    if isinstance(edit, SetVenues):
        new = {v.name: v for v in edit.venues}
        return plan.with_changes(venues=new), SetVenues(tuple(plan.venues.values()))
    if isinstance(edit, Batch):
        return _batch(plan, edit)
    raise TypeError(f"not an edit: {edit!r}")


def _batch(plan: Plan, edit: Batch) -> tuple[Plan, Edit]:
    inverses = []
    for e in edit.edits:
        plan, inv = apply(plan, e)
        inverses.append(inv)
    return plan, Batch(tuple(reversed(inverses)))


def _check_rows(rows: Iterable[int], n: int) -> None:
    bad = [r for r in rows if not 0 <= r < n]
    if bad:
        raise ValueError(f"row {bad[0]} is outside the plan (0..{n - 1})")


def _set_cells(plan: Plan, edit: SetCells) -> tuple[Plan, Edit]:
    trades = plan.trades
    _check_rows(edit.rows, len(trades))
    by_key: dict[str, tuple[list[int], list[Any]]] = {}
    for r, k, v in zip(edit.rows, edit.keys, edit.values, strict=True):
        if k not in BY_KEY or not BY_KEY[k].is_input:
            raise ValueError(f"{k!r} is not an input column")
        rows, values = by_key.setdefault(k, ([], []))
        rows.append(r)
        values.append(v)
    old = {k: trades[k].to_numpy() for k in by_key}
    changes = {k: pd.Series(_with_values(old[k], rows, values), index=trades.index)
               for k, (rows, values) in by_key.items()}
    new_trades = trades.assign(**changes)
    inverse = SetCells(edit.rows, edit.keys,
                       tuple(_plain(old[k][r]) for r, k in zip(edit.rows, edit.keys, strict=True)))
    return plan.with_changes(trades=new_trades), _reverse_cells(inverse)


def _reverse_cells(edit: SetCells) -> SetCells:
    """Reverse the cell order so that, for repeated cells, undo restores the first old value."""
    return SetCells(edit.rows[::-1], edit.keys[::-1], edit.values[::-1])


def _with_values(column: np.ndarray, rows: Sequence[int], values: Sequence[Any]) -> np.ndarray:
    number = column.dtype.kind == "f"
    out = column.copy() if number else column.astype(object)
    for r, v in zip(rows, values, strict=True):
        out[r] = _typed(v, number)
    return out


def _typed(v: Any, number: bool) -> Any:
    """Check an edit value's type: a number (NaN = blank) or a string."""
    if number:
        if v is None:
            return np.nan
        if isinstance(v, bool) or not isinstance(v, (int, float, np.integer, np.floating)):
            raise ValueError(f"expected a number, got {v!r}")
        return float(v)
    if not isinstance(v, str):
        raise ValueError(f"expected text, got {v!r}")
    return v


def _plain(v: Any) -> Any:
    """A numpy scalar as the plain Python value an edit holds."""
    return v.item() if isinstance(v, np.generic) else v


def _insert(plan: Plan, edit: InsertRows) -> tuple[Plan, Edit]:
    n, k = len(plan.trades), len(edit.positions)
    pos = np.asarray(edit.positions, dtype=np.intp)
    if len(edit.rows) != k or (k and (np.any(np.diff(pos) <= 0) or pos[0] < 0
                                       or pos[-1] >= n + k)):
        raise ValueError("insert positions must be ascending, unique and inside the new plan")
    mask = np.zeros(n + k, dtype=bool)
    mask[pos] = True
    columns = {key: _spliced(plan.trades[key].to_numpy(),
                             [_typed(r[j], BY_KEY[key].dtype == "float") for r in edit.rows], mask)
               for j, key in enumerate(INPUT_KEYS)}
    trades = pd.DataFrame(columns)
    extra = _insert_extra(plan.extra, edit, mask)
    return (plan.with_changes(trades=trades, extra=extra, sheet_rows=None),
            DeleteRows(tuple(edit.positions)))


def _spliced(old: np.ndarray, new: Sequence[Any], mask: np.ndarray) -> pd.Series:
    """``old`` with ``new`` inserted where ``mask`` is set, keeping the dtype when it fits."""
    dtype = old.dtype if old.dtype.kind in "fiub" else np.dtype(object)
    try:
        ins = np.asarray(list(new), dtype=dtype)
    except (TypeError, ValueError):
        dtype = np.dtype(object)
        ins = np.asarray(list(new) + [None], dtype=object)[:-1]
    out = np.empty(len(mask), dtype=dtype)
    out[~mask] = old
    out[mask] = ins
    return pd.Series(out, dtype=dtype)


def _insert_extra(extra: pd.DataFrame | None, edit: InsertRows,
                  mask: np.ndarray) -> pd.DataFrame | None:
    if extra is None:
        return None
    rows = edit.extra or tuple((None,) * len(extra.columns) for _ in edit.positions)
    return pd.DataFrame({name: _spliced(extra[name].to_numpy(),
                                        [r[j] for r in rows], mask)
                         for j, name in enumerate(extra.columns)})


def _delete(plan: Plan, edit: DeleteRows) -> tuple[Plan, Edit]:
    n = len(plan.trades)
    rows = np.asarray(edit.rows, dtype=np.intp)
    _check_rows(edit.rows, n)
    if len(rows) and np.any(np.diff(rows) <= 0):
        raise ValueError("rows to delete must be ascending and unique")
    keep = np.ones(n, dtype=bool)
    keep[rows] = False
    old = plan.trades[list(INPUT_KEYS)].to_numpy(dtype=object)[rows]
    inverse = InsertRows(
        tuple(int(r) for r in rows), tuple(tuple(_plain(v) for v in r) for r in old),
        tuple(tuple(r) for r in plan.extra.to_numpy(dtype=object)[rows])
        if plan.extra is not None else ())
    trades = plan.trades[keep].reset_index(drop=True)
    extra = plan.extra[keep].reset_index(drop=True) if plan.extra is not None else None
    return plan.with_changes(trades=trades, extra=extra, sheet_rows=None), inverse


def structure(edit: Edit) -> list[tuple[str, tuple[int, ...]]]:
    """The row insertions and deletions ``edit`` makes, in the order it makes them.

    Returns:
        ``[("insert", positions) | ("delete", rows), …]`` — empty for edits that keep every row.
    """
    if isinstance(edit, InsertRows):
        return [("insert", edit.positions)]
    if isinstance(edit, DeleteRows):
        return [("delete", edit.rows)]
    if isinstance(edit, Batch):
        return [step for e in edit.edits for step in structure(e)]
    return []
