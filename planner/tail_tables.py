"""The workbook's ``Tails`` sheet: the empirical tail tables of SPEC §9, a column per side.

Row 1 holds ``BTC down``, ``BTC up``, … (a coin of the ``History`` sheet, then the side); below,
that side's sorted adverse excursions of the historical windows, in units of each window's
trailing daily σ. The Plan formulas of ``tail_model = empirical`` count the share of a column
at or above ``|b| / σ``; the engine does the same with the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from planner.errors import CellIssue, PlanError
from planner.model import TAIL_TABLE_SIZE, SymbolFacts, base_symbol

SIDES = ("down", "up")
#: Largest excursion a table may hold, in trailing σ (a typo, not a market: 1,000σ).
MAX_EXCURSION = 1000.0


def tail_columns(facts: Sequence[SymbolFacts]) -> list[tuple[str, tuple[float, ...]]]:
    """``(header, values)`` per column of the Tails sheet, for the coins that carry a table."""
    out = []
    for f in facts:
        if f.has_tails:
            out += [(f"{f.symbol} down", f.tail_down), (f"{f.symbol} up", f.tail_up)]
    return out


def with_tail_columns(facts: Sequence[SymbolFacts],
                      columns: Sequence[tuple[str, str, Sequence[tuple[int, Any]]]],
                      sheet: str = "Tails") -> tuple[SymbolFacts, ...]:
    """Attach the Tails sheet's tables to the History sheet's facts.

    Args:
        facts: The coins of the History sheet.
        columns: Per column ``(letter, header, [(sheet_row, value), …])``.
        sheet: The sheet's name, for messages.

    Returns:
        ``facts`` with their tables (a coin without a label gets ``<series> history``).

    Raises:
        PlanError: A header that is not ``<coin> down|up``, a coin the History sheet lacks or
            listed twice, a coin with one side only, or a value that is not a number from 0 to
            1,000, out of ascending order, after a blank cell, or beyond the table size (sheet,
            row and column named).
    """
    by_coin = {f.symbol: f for f in facts}
    tables: dict[str, dict[str, tuple[float, ...]]] = {}
    issues: list[CellIssue] = []
    for letter, header, cells in columns:
        try:
            coin, side = _header(header, letter, sheet, by_coin)
            if side in tables.setdefault(coin, {}):
                raise PlanError(CellIssue(sheet, 1, letter, f"{header!r} is listed twice"))
            tables[coin][side] = _values(cells, header, sheet)
        except PlanError as exc:
            issues += exc.issues
    for coin, sides in tables.items():
        if len(sides) == 1 and not issues:
            missing = next(s for s in SIDES if s not in sides)
            issues.append(CellIssue(sheet, 1, None, f"{coin} has no '{coin} {missing}' "
                                                    "column: a table needs both sides"))
    if issues:
        raise PlanError(issues)
    return tuple(_attached(f, tables.get(f.symbol)) for f in facts)


def _attached(f: SymbolFacts, sides: dict[str, tuple[float, ...]] | None) -> SymbolFacts:
    if not sides:
        return replace(f, tail_source="", tail_down=(), tail_up=())
    label = f.tail_source or f"{f.series or f.symbol} history"
    return replace(f, tail_source=label, tail_down=sides["down"], tail_up=sides["up"])


def _header(header: Any, letter: str, sheet: str,
            by_coin: dict[str, SymbolFacts]) -> tuple[str, str]:
    words = str(header or "").strip().rsplit(None, 1)
    if len(words) != 2 or words[1].lower() not in SIDES:
        raise PlanError(CellIssue(sheet, 1, letter, f"header {header!r} must be a coin and a "
                                                    "side, e.g. 'BTC down' or 'BTC up'"))
    coin = base_symbol(words[0])
    if coin not in by_coin:
        raise PlanError(CellIssue(sheet, 1, letter, f"{coin} has a tail table but no row in "
                                                    "the History sheet"))
    return coin, words[1].lower()


def _values(cells: Sequence[tuple[int, Any]], header: str, sheet: str) -> tuple[float, ...]:
    out: list[float] = []
    blank_at: int | None = None
    last = 1                                     # the header row
    for row, v in cells:
        if v is None or (isinstance(v, str) and not v.strip()):
            blank_at = blank_at or row
            continue
        if row > last + 1:                       # rows without any value lie between
            blank_at = blank_at or last + 1
        last = row
        where = CellIssue(sheet, row, header, "")
        if blank_at is not None:
            raise PlanError(replace(where, message=f"a value after the blank cell of row "
                                                   f"{blank_at}: a table has no gaps"))
        x = _number(v, where)
        if out and x < out[-1]:
            raise PlanError(replace(where, message=f"{x:g} is below the value above it: a "
                                                   "table is sorted ascending"))
        out.append(x)
    if len(out) > TAIL_TABLE_SIZE:
        raise PlanError(CellIssue(sheet, None, header, f"{len(out):,} values (at most "
                                                       f"{TAIL_TABLE_SIZE:,})"))
    if not out:
        raise PlanError(CellIssue(sheet, None, header, "the column is empty"))
    return tuple(out)


def _number(v: Any, where: CellIssue) -> float:
    try:
        x = float(v) if not isinstance(v, bool) else math.nan
    except (TypeError, ValueError):
        x = math.nan
    if not (math.isfinite(x) and 0.0 <= x <= MAX_EXCURSION):
        raise PlanError(replace(where, message=f"expected an excursion from 0 to "
                                               f"{MAX_EXCURSION:g} σ, got {v!r}"))
    return x
