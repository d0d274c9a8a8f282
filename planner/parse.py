"""Build :mod:`planner.edits` from what a user typed, pasted or picked — validated.

Cells are parsed and checked by :func:`planner.validate.type_trades` (numbers accept ``2``,
``2%`` and ``1,234.5``; choices are matched case-insensitively); settings, scenarios and venue
profiles by the sheet rules of :mod:`planner.tables`. A bad value raises
:class:`~planner.errors.PlanError` naming every bad place, and nothing is built: a paste with
some bad cells applies none of them.

Row numbers in messages are 1-based plan rows (the grid's row numbers); the header is not
counted.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from planner.edits import (
    Batch,
    DeleteRows,
    Edit,
    InsertRows,
    SetCells,
    SetScenarios,
    SetSettings,
    SetVenues,
    apply,
)
from planner.errors import CellIssue, PlanError
from planner.model import GENERIC_VENUE, Plan, base_symbol
from planner.schema import BY_KEY, INPUT_KEYS, INPUTS
from planner.tables import (
    GROUP_FIELDS,
    SCENARIO_HEADER,
    SETTINGS_META,
    VENUE_FIELDS,
    VENUE_HEADER,
    scenario_rows,
    scenarios_from_rows,
    settings_from_rows,
    venue_rows,
    venues_from_rows,
)
from planner.validate import check_value, empty_trades, parse_number, type_trades

#: Stand-in values for required columns a partial check does not look at.
_PLACEHOLDER = {c.key: ("x" if c.dtype == "text" else 1.0) for c in INPUTS if c.required}

Cell = tuple[int, str, Any]
#: Venues-table fields that belong to the whole profile.
PROFILE_FIELDS = ("name", *VENUE_FIELDS)
#: Venues-table fields that belong to one tier table (an instrument, or the venue's default).
TABLE_FIELDS = ("instrument", *GROUP_FIELDS)


def typed_cells(plan: Plan, cells: Sequence[Cell]) -> SetCells:
    """Parse raw values for trade cells into one :class:`~planner.edits.SetCells`.

    Args:
        plan: The plan (its venue profiles decide which venue names are known).
        cells: ``(plan_row, input_key, raw)`` where ``raw`` is text as typed or pasted, a number,
            or ``None`` / ``""`` for a blank cell. Rows may lie past the plan's end (a paste that
            adds rows); callers insert those rows first.

    Returns:
        The edit, values typed as the trades frame stores them.

    Raises:
        PlanError: One or more cells do not parse or break their column's rule; every issue
            names the row and the column. Output (computed) columns are refused.
    """
    by_key: dict[str, list[int]] = {}
    for i, (_, key, _) in enumerate(cells):
        if key not in BY_KEY or not BY_KEY[key].is_input:
            name = BY_KEY[key].header if key in BY_KEY else key
            raise PlanError(CellIssue("Plan", cells[i][0] + 1, name,
                                      "computed column: it cannot be typed in"))
        by_key.setdefault(key, []).append(i)
    values: list[Any] = [None] * len(cells)
    issues: list[CellIssue] = []
    for key, idx in by_key.items():
        rows, raws = [cells[i][0] for i in idx], [cells[i][2] for i in idx]
        try:
            if BY_KEY[key].dtype == "float":
                typed = _numbers(key, rows, raws)
            else:
                typed = _type_column(plan, key, rows, raws)
        except PlanError as exc:
            issues += exc.issues
            continue
        for i, v in zip(idx, typed, strict=True):
            values[i] = v
    if issues:
        raise PlanError(issues)
    return SetCells(tuple(c[0] for c in cells), tuple(c[1] for c in cells), tuple(values))


def _numbers(key: str, rows: list[int], raws: list[Any]) -> list[float]:
    """Parse number cells with the rules :func:`type_trades` applies to each cell.

    Blank takes the column's default; :func:`parse_number` and :func:`check_value` judge
    the rest.
    """
    col = BY_KEY[key]
    out, issues = [], []
    for row, raw in zip(rows, raws, strict=True):
        try:
            x = parse_number(raw, col)
        except ValueError as exc:
            issues.append(CellIssue("Plan", row + 1, col.header, str(exc)))
            continue
        if math.isnan(x) and col.default is not None:
            x = float(col.default)
        why = check_value(col, x)
        if why:
            issues.append(CellIssue("Plan", row + 1, col.header, why))
        out.append(x)
    if issues:
        raise PlanError(issues)
    return out


def _type_column(plan: Plan, key: str, rows: list[int], raws: list[Any]) -> list[Any]:
    """Type one column's cells through :func:`type_trades` (messages name plan rows).

    The other columns are given as blanks (required ones as stand-in values) so that only
    ``key`` is judged and the frame is complete (no defaults to fill in).
    """
    index = pd.Index([r + 1 for r in rows])
    blank = [None] * len(rows)
    raw = pd.DataFrame({k: pd.Series(raws if k == key else
                                     [_PLACEHOLDER[k]] * len(rows) if k in _PLACEHOLDER else
                                     blank, index=index, dtype=object) for k in INPUT_KEYS})
    typed = type_trades(raw, plan.venues)[key].to_numpy()
    return [v.item() if isinstance(v, np.generic) else v for v in typed]


def clear_cells(plan: Plan, cells: Sequence[tuple[int, str]]) -> tuple[SetCells | None, list[str]]:
    """Blank the given cells (Delete key): optional inputs go blank or back to their default.

    Required inputs and computed columns are left alone.

    Returns:
        ``(edit or None when nothing is left to clear, headers of required columns kept)``.
    """
    keys = {k for _, k in cells}
    kept = [c.header for c in INPUTS if c.required and c.key in keys]
    todo = [(r, k, None) for r, k in cells
            if k in BY_KEY and BY_KEY[k].is_input and not BY_KEY[k].required]
    return (typed_cells(plan, todo) if todo else None), kept


def fill_down(plan: Plan, source_row: int, target_rows: Sequence[int],
              keys: Sequence[str]) -> SetCells | None:
    """Copy ``source_row``'s input values in ``keys`` to every row of ``target_rows``.

    Computed columns in ``keys`` are skipped. Returns ``None`` when there is nothing to fill.
    """
    keys = [k for k in keys if k in BY_KEY and BY_KEY[k].is_input]
    cells = [(r, k, _plain(plan.trades[k].iat[source_row])) for r in target_rows
             if r != source_row for k in keys]
    if not cells:
        return None
    rows, ks, vals = zip(*cells, strict=True)
    return SetCells(tuple(rows), tuple(ks), tuple(vals))


def _plain(v: Any) -> Any:
    return v.item() if isinstance(v, np.generic) else v


def blank_rows(plan: Plan, at: int, count: int = 1) -> InsertRows:
    """Insert ``count`` rows holding the schema defaults, the first at plan row ``at``."""
    frame = empty_trades(count)[list(INPUT_KEYS)]
    rows = tuple(tuple(_plain(v) for v in r) for r in frame.to_numpy(dtype=object))
    return InsertRows(tuple(range(at, at + count)), rows)


def duplicate_rows(plan: Plan, rows: Sequence[int]) -> InsertRows:
    """Insert a copy of each row right below it."""
    rows = sorted(set(rows))
    values = plan.trades[list(INPUT_KEYS)].to_numpy(dtype=object)[rows]
    extra = (tuple(tuple(r) for r in plan.extra.to_numpy(dtype=object)[rows])
             if plan.extra is not None else ())
    return InsertRows(tuple(r + i + 1 for i, r in enumerate(rows)),
                      tuple(tuple(_plain(v) for v in r) for r in values), extra)


def delete_rows(rows: Sequence[int]) -> DeleteRows:
    """Delete the given plan rows (any order, duplicates ignored)."""
    return DeleteRows(tuple(sorted(set(int(r) for r in rows))))


def paste_cells(plan: Plan, cells: Sequence[Cell]) -> Edit:
    """One edit for a paste: rows past the end are added first, then every cell is set.

    Raises:
        PlanError: Some pasted cells are bad (nothing is applied).
    """
    n = len(plan.trades)
    extra_rows = max((r for r, _, _ in cells), default=-1) + 1 - n
    if extra_rows <= 0:
        return typed_cells(plan, cells)
    insert = blank_rows(plan, n, extra_rows)
    return Batch((insert, typed_cells(plan, cells)))


def incomplete_rows(trades: pd.DataFrame) -> np.ndarray:
    """Mask of rows that lack a required input (e.g. a freshly inserted blank row)."""
    mask = np.zeros(len(trades), dtype=bool)
    for c in INPUTS:
        if not c.required:
            continue
        col = trades[c.key].to_numpy(dtype=object if c.dtype != "float" else float)
        mask |= np.isnan(col) if c.dtype == "float" else (col == "") | pd.isna(col)
    return mask


def no_sigma_rows(plan: Plan) -> np.ndarray:
    """Mask of rows whose Vol cell is blank and whose coin has no σ in the plan's history.

    Such a row is a draft (SPEC §11): nothing is computed for it until the trader types σ or
    imports price history for its coin.
    """
    from planner.engine.history import resolved

    return np.asarray(resolved(plan).source == "", dtype=bool)


def missing_cells(plan: Plan) -> list[CellIssue]:
    """One issue per blank required cell, and per blank σ without history (what stops a save).

    A blank Vol cell is fine when the plan's history has a σ for the row's coin; otherwise the
    row would be exported as a draft whose formulas cannot compute.
    """
    issues = []
    vol = BY_KEY["volatility_pct"].header
    no_sigma = no_sigma_rows(plan)
    for r in np.flatnonzero(incomplete_rows(plan.trades) | no_sigma):
        for c in INPUTS:
            v = plan.trades[c.key].iat[r]
            if c.required and (v is None or v == "" or (isinstance(v, float) and math.isnan(v))):
                issues.append(CellIssue("Plan", int(r) + 1, c.header, f"{c.header} is required"))
        coin = base_symbol(plan.trades["symbol"].iat[r])
        if no_sigma[r] and coin:  # (a blank symbol is reported above)
            issues.append(CellIssue("Plan", int(r) + 1, vol, f"{vol} is blank and there is no "
                                    f"price history for {coin}: type a daily σ or import "
                                    "candles (Market data)"))
    return issues


def settings_edit(plan: Plan, key: str, raw: Any) -> SetSettings:
    """Change one setting, checked by the Settings sheet rules (bounds, bands in order).

    Raises:
        PlanError: Unknown key, bad value or bands out of order (sheet ``Settings``).
    """
    if key not in SETTINGS_META:
        raise PlanError(CellIssue("Settings", None, key, f"unknown setting {key!r}"))
    current = plan.settings.to_dict()
    rows = [(i + 2, k, _strip_pct(raw, SETTINGS_META[k][0]) if k == key else v)
            for i, (k, v) in enumerate(current.items())]
    new = settings_from_rows(rows, plan.venues)
    return SetSettings(new)


def _strip_pct(raw: Any, unit: str) -> Any:
    if isinstance(raw, str) and raw.strip().endswith("%") and unit.startswith("%"):
        return raw.strip()[:-1]
    return raw


def venue_references(plan: Plan, names: Mapping[str, Any]) -> list[CellIssue]:
    """Rows and settings that name a venue profile missing from ``names``."""
    known = {n.lower() for n in names}
    issues = []
    venues = plan.trades["venue"].to_numpy(dtype=object)
    for r in np.flatnonzero([bool(v) and str(v).lower() not in known for v in venues])[:20]:
        issues.append(CellIssue("Plan", int(r) + 1, BY_KEY["venue"].header,
                                f"uses venue profile {venues[r]!r}"))
    if plan.settings.default_venue.lower() not in known:
        issues.append(CellIssue("Settings", None, "default_venue",
                                f"uses venue profile {plan.settings.default_venue!r}"))
    return issues


def scenario_edit(plan: Plan, name: str, field: str, raw: Any) -> SetScenarios:
    """Change one field of one scenario, checked by the Scenarios sheet rules.

    Raises:
        PlanError: A bad value (sheet ``Scenarios``, the scenario's sheet row, the field).
    """
    rows = []
    for i, sc in enumerate(plan.scenarios):
        cells: dict[str, Any] = dict(zip(SCENARIO_HEADER, scenario_rows([sc])[0], strict=True))
        if sc.name == name:
            if field not in SCENARIO_HEADER[1:]:
                raise PlanError(CellIssue("Scenarios", i + 2, field, "not an editable field"))
            cells[field] = raw
        rows.append((i + 2, cells))
    return SetScenarios(scenarios_from_rows(rows))


def venue_table(plan: Plan) -> list[dict[str, Any]]:
    """The venue profiles as Venues-sheet rows (one per tier, keys :data:`VENUE_HEADER`)."""
    return [dict(zip(VENUE_HEADER, r, strict=True)) for r in venue_rows(list(plan.venues.values()))]


def _venues_edit(plan: Plan, rows: list[dict[str, Any]],
                 renamed: tuple[str, str] | None = None) -> Edit:
    """Parse edited Venues rows; follow a rename in rows and settings; check references."""
    venues = venues_from_rows([(i + 2, r) for i, r in enumerate(rows)])
    edit: Edit = SetVenues(tuple(venues))
    if renamed:
        edit = Batch((edit, *_follow_rename(plan, *renamed)))
    new_plan, _ = apply(plan, edit)
    issues = venue_references(new_plan, {v.name: v for v in venues})
    if issues:
        raise PlanError([CellIssue(i.sheet, i.row, i.column, f"{i.message}, which would no "
                                   "longer exist") for i in issues])
    return edit


def _follow_rename(plan: Plan, old: str, new: str) -> list[Edit]:
    venue = plan.trades["venue"].to_numpy(dtype=object)
    rows = [int(r) for r in np.flatnonzero(venue == old)]
    out: list[Edit] = []
    if rows:
        out.append(SetCells(tuple(rows), ("venue",) * len(rows), (new,) * len(rows)))
    if plan.settings.default_venue == old:
        out.append(SetSettings(plan.settings.with_changes(default_venue=new)))
    return out


def _table_of(rows: list[dict[str, Any]], row: int) -> list[dict[str, Any]]:
    """The rows of the tier table that row ``row`` belongs to (same venue and instrument)."""
    name, symbol = rows[row]["name"], base_symbol(rows[row]["instrument"])
    return [r for r in rows if r["name"] == name and base_symbol(r["instrument"]) == symbol]


def venue_cell_edit(plan: Plan, row: int, field: str, raw: Any) -> Edit:
    """Change one cell of the Venues table (row = tier row, 0-based).

    Profile fields (name, formula, fees) change for the whole profile; table fields
    (instrument, funding interval, tick, lot step, minimum order, as_of, source) for every tier
    of that instrument (or of the venue's default table); the rest for one tier. A new name
    follows into the plan rows and the default venue that used the old one.

    Raises:
        PlanError: A bad value, a duplicate or blank name, or an instrument symbol the venue
            already has (sheet ``Venues``).
    """
    rows = venue_table(plan)
    name = rows[row]["name"]
    if field == "name":
        new = str(raw or "").strip()
        clash = [v for v in plan.venues if v.lower() == new.lower() and v != name]
        if not new or clash:
            why = "a venue needs a name" if not new else f"a venue called {clash[0]!r} exists"
            raise PlanError(CellIssue("Venues", row + 2, "name", why))
    if field == "instrument":
        _refuse_instrument_clash(rows, row, base_symbol(raw))
    targets = ([r for r in rows if r["name"] == name] if field in PROFILE_FIELDS else
               _table_of(rows, row) if field in TABLE_FIELDS else [rows[row]])
    for r in targets:
        r[field] = new if field == "name" else raw
    return _venues_edit(plan, rows, (name, new) if field == "name" and new != name else None)


def _refuse_instrument_clash(rows: list[dict[str, Any]], row: int, symbol: str) -> None:
    name, old = rows[row]["name"], base_symbol(rows[row]["instrument"])
    if not old:
        raise PlanError(CellIssue("Venues", row + 2, "instrument", f"these are {name}'s default "
                                  "tiers (blank instrument); add an instrument instead"))
    if symbol != old and any(r["name"] == name and base_symbol(r["instrument"]) == symbol
                             for r in rows):
        what = f"an instrument {symbol!r}" if symbol else "default tiers"
        raise PlanError(CellIssue("Venues", row + 2, "instrument",
                                  f"{name} already has {what}"))


def add_venue(plan: Plan, name: str) -> Edit:
    """Add a profile called ``name``, a copy of ``Generic`` (one tier, 100x, mmr 0.5 %)."""
    name = name.strip()
    if not name or any(v.lower() == name.lower() for v in plan.venues):
        raise PlanError(CellIssue("Venues", None, "name", f"a venue called {name!r} exists"
                                  if name else "a venue needs a name"))
    generic = dict(zip(VENUE_HEADER, venue_rows([GENERIC_VENUE])[0], strict=True))
    new_row = {**generic, "name": name, "as_of": "", "source": "added in the planner"}
    return _venues_edit(plan, [*venue_table(plan), new_row])


def delete_venue(plan: Plan, name: str) -> Edit:
    """Remove a profile; refused while plan rows or the default venue use it."""
    return _venues_edit(plan, [r for r in venue_table(plan) if r["name"] != name])


def add_instrument(plan: Plan, name: str, symbol: str) -> Edit:
    """Give venue ``name`` an instrument: a copy of its default tiers and order rules.

    Edit its tiers, tick, lot step and minimum order afterwards.

    Raises:
        PlanError: No such venue, a blank symbol, or one the venue already has.
    """
    rows = venue_table(plan)
    base = base_symbol(symbol)
    default = [r for r in rows if r["name"] == name and not r["instrument"]]
    if not default or not base:
        raise PlanError(CellIssue("Venues", None, "instrument", f"no venue called {name!r}"
                                  if not default else "an instrument needs a symbol"))
    if any(r["name"] == name and r["instrument"] == base for r in rows):
        raise PlanError(CellIssue("Venues", None, "instrument",
                                  f"{name} already has an instrument {base!r}"))
    last = max(i for i, r in enumerate(rows) if r["name"] == name)
    added = [{**r, "instrument": base, "as_of": "", "source": "added in the planner"}
             for r in default]
    return _venues_edit(plan, rows[:last + 1] + added + rows[last + 1:])


def delete_instrument(plan: Plan, row: int) -> Edit:
    """Remove the instrument whose tier row is ``row`` (its symbol then uses the default).

    Raises:
        PlanError: The row holds the venue's default tiers (delete the venue instead).
    """
    rows = venue_table(plan)
    if not rows[row]["instrument"]:
        raise PlanError(CellIssue("Venues", row + 2, "instrument", f"these are "
                                  f"{rows[row]['name']}'s default tiers: delete the venue "
                                  "instead"))
    table = _table_of(rows, row)
    return _venues_edit(plan, [r for r in rows if not any(r is t for t in table)])


def add_tier(plan: Plan, row: int) -> Edit:
    """Split tier row ``row`` in two (a copy below it; edit its figures afterwards).

    Two tiers of one table may not share a bound (SPEC §10), so the copy gets its own: between
    the tier's bound ``B`` and the next tier's (``2·B`` below an unbounded tier). Splitting the
    unbounded last tier bounds the original at twice the bound before it (1,000,000 USD when
    it is the only tier) and keeps the copy unbounded.
    """
    rows = venue_table(plan)
    tier = dict(rows[row])
    table = _table_of(rows, row)
    bound = tier["max_notional_usd"]
    above = [r["max_notional_usd"] for r in table
             if r["max_notional_usd"] is not None and (bound is None or
                                                       r["max_notional_usd"] > bound)]
    if bound is None:
        below = [b for r in table if (b := r["max_notional_usd"]) is not None]
        rows[row] = {**rows[row], "max_notional_usd": 2.0 * max(below) if below else 1e6}
    else:
        tier["max_notional_usd"] = (bound + min(above)) / 2 if above else 2.0 * bound
    rows.insert(row + 1, tier)
    return _venues_edit(plan, rows)


def delete_tier(plan: Plan, row: int) -> Edit:
    """Remove tier row ``row``; refused when it is its table's only tier."""
    rows = venue_table(plan)
    if len(_table_of(rows, row)) == 1:
        what = rows[row]["name"] + (f" {rows[row]['instrument']}" if rows[row]["instrument"]
                                    else "")
        raise PlanError(CellIssue("Venues", row + 2, "max_notional_usd",
                                  f"{what} needs at least one tier"))
    del rows[row]
    return _venues_edit(plan, rows)
