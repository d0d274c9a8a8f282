"""What the grid needs to know about each schema column, computed once from the schema.

Nothing here lists columns by hand except :data:`HIDDEN_BY_DEFAULT`, a view preference (which
columns a first start hides to keep the grid readable; the user shows them from View →
Columns). New schema columns are shown by default.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from PySide6.QtCore import Qt

from planner.model import SCENARIO_NAMES
from planner.schema import ALERTS, BY_KEY, COLUMNS, GROUPS, Column
from ui.formats import NUMERIC, Formatter, formatter

_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTER = Qt.AlignmentFlag.AlignCenter

#: Columns hidden on first start (a view preference, not a schema fact).
HIDDEN_BY_DEFAULT = frozenset({
    "slippage_bps", "gas_usd", "extra_margin_usd", "sizing", "fee_mode", "oracle_delay_s",
    "stop_pct_used", "stop_beyond_liq", "loss_frac", "quantity", "safe_leverage", "stop_price",
    "funding_usd", "tier_max_leverage",
    "mmr_pct", "maintenance_amount_usd", "maintenance_usd", "bankruptcy_price",
    "liq_distance_sigma",
    "trim_price", "review_price", "funding_frac", "delay_frac", "costs_usd", "basis_pct",
    "reward_risk", *(f"price_{n}" for n in SCENARIO_NAMES),
    *(f"recovery_{n}_pct" for n in SCENARIO_NAMES), "liquidated_normal", "liquidated_stressed",
    *(f"p_{w}_{n}" for w in ("liq", "stop") for n in SCENARIO_NAMES if n != "stressed"),
    "p_stop_stressed", *(k for k in ALERTS if k.startswith("alert_")),
    # Provenance: the Vol cell itself shows a history σ (blue, source in its tooltip), and
    # these four would push Notional, Margin and Liq. price off a laptop screen.
    "coin", "vol_used_pct", "vol_source", "tail_used",
})


@dataclass(frozen=True)
class GridColumn:
    """One grid column.

    Attributes:
        col: The schema column.
        fmt: Display formatter.
        align: Text alignment.
        editable: True for input columns.
        alerts: ``(flag column index, reason)`` of each alert that colours this column.
        loss_red: Negative values shown in the loss colour.
    """

    col: Column
    fmt: Formatter
    align: Qt.AlignmentFlag
    editable: bool
    alerts: tuple[tuple[int, str], ...]
    loss_red: bool


def _alert_sources(c: Column) -> tuple[tuple[int, str], ...]:
    index = {k: i for i, k in enumerate(BY_KEY)}
    out = [(index[flag], reason) for flag, (target, reason) in ALERTS.items() if target == c.key]
    if c.key in ALERTS:
        out.append((index[c.key], ALERTS[c.key][1]))
    if c.key.startswith("liquidated_"):
        out.append((index[c.key], f"liquidated in the {c.key.split('_', 1)[1]} scenario"))
    if c.key == "alert_count":
        out.append((index[c.key], "alerts on this row"))
    return tuple(out)


def _grid_column(c: Column) -> GridColumn:
    align = _RIGHT if c.fmt in NUMERIC else _CENTER if c.fmt == "bool" else _LEFT
    return GridColumn(c, formatter(c.fmt), align, c.is_input, _alert_sources(c),
                      not c.is_input and c.fmt in ("usd", "usd2"))


GRID_COLUMNS: tuple[GridColumn, ...] = tuple(_grid_column(c) for c in COLUMNS)
KEYS: tuple[str, ...] = tuple(c.key for c in COLUMNS)
INDEX: dict[str, int] = {k: i for i, k in enumerate(KEYS)}


def header_lines(header: str, width: int = 9) -> str:
    """Header text on two lines when it is long (narrower columns, same words)."""
    words = header.split(" ")
    if len(header) <= width or len(words) < 2:
        return header
    cut = min(range(1, len(words)), key=lambda i: abs(len(" ".join(words[:i])) - len(header) / 2))
    return " ".join(words[:cut]) + "\n" + " ".join(words[cut:])


def header_tooltip(c: Column) -> str:
    """Rich-text header tooltip: meaning, unit, formula or rule, and whether it is typed."""
    kind = "input — type here" if c.is_input else "computed — read-only"
    lines = [f"<b>{html.escape(c.header)}</b>"
             + (f" <span style='color:#555'>[{html.escape(c.unit)}]</span>" if c.unit else ""),
             html.escape(c.tooltip)]
    rule = c.bounds_text()
    if c.is_input and (rule or c.required or c.default is not None):
        extra = [f"allowed: {rule}"] if rule else []
        extra += ["required"] if c.required else []
        extra += [f"blank = {c.default}"] if c.default is not None else []
        lines.append("<i>" + html.escape("; ".join(extra)) + "</i>")
    lines.append(f"<span style='color:#555'>{kind}; group: {c.group}</span>")
    return "<br>".join(lines)


def group_columns(group: str) -> list[int]:
    """Indices of the columns in a column group."""
    return [i for i, c in enumerate(COLUMNS) if c.group == group]


__all__ = ["GRID_COLUMNS", "GROUPS", "HIDDEN_BY_DEFAULT", "INDEX", "KEYS", "GridColumn",
           "group_columns", "header_tooltip"]
