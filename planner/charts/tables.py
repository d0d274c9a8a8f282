"""The bucket and isolated-vs-cross tables as display text, and the formatting they share.

Columns come from the engine's :data:`~planner.engine.portfolio.BUCKET_KEYS` and
:data:`~planner.engine.cross.CROSS_KEYS`; headers and tooltips from the plan schema where it has
the key, else from this module. The Qt models and the report pages show these same strings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from planner.engine.core import Results
from planner.engine.cross import CROSS_KEYS
from planner.engine.portfolio import BUCKET_KEYS
from planner.model import SCENARIO_NAMES
from planner.schema import BY_KEY

TOTAL_LABEL = "Plan total"
#: Cross columns not shown as columns: the account flag colours the row, maintenance is a tooltip.
CROSS_HIDDEN = ("cross_account_liquidated", "cross_maintenance_usd")


@dataclass(frozen=True)
class TableColumn:
    """One column of a display table.

    Attributes:
        key: The engine key (a :data:`BUCKET_KEYS` or :data:`CROSS_KEYS` entry).
        header: Short header text.
        fmt: ``text``, ``usd`` (whole dollars), ``pct`` (2 decimals), ``int`` or ``bool``.
        tooltip: Meaning and unit.
    """

    key: str
    header: str
    fmt: str
    tooltip: str


@dataclass(frozen=True)
class Table:
    """A formatted table: what the Qt models and the report pages show.

    Attributes:
        columns: The columns, in order.
        text: Row-major display strings.
        values: Row-major raw values (numbers, text, bools) for sorting and copying.
        row_keys: Bucket name per row ("" = the plan total row) or ``scenario/direction``.
        tone: Row-major: −1 bad (a loss, a liquidation), +1 good, 0 neutral.
        row_tone: Per row: −1 for a row to highlight as bad (a liquidated cross account).
        row_notes: Per row: a sentence for the row's tooltip.
    """

    columns: tuple[TableColumn, ...]
    text: tuple[tuple[str, ...], ...]
    values: tuple[tuple[object, ...], ...]
    row_keys: tuple[str, ...]
    tone: tuple[tuple[int, ...], ...]
    row_tone: tuple[int, ...]
    row_notes: tuple[str, ...]


_S = SCENARIO_NAMES
_META: dict[str, tuple[str, str, str]] = {
    "count": ("Trades", "int", "Number of trades."),
    "heat_pct": ("Heat %", "pct", "Σ risk $ / capital × 100: what the stops may lose, % of "
                                  "capital."),
    "margin_use_pct": ("Margin use %", "pct", "Σ isolated margin / capital × 100."),
    **{f"liquidations_{n}": (f"Liq. {n}", "int", f"Rows liquidated in the {n} move.")
       for n in _S},
    **{f"recovery_{n}_pct": (f"Recovery {n} %", "pct", f"Gain the rest of capital needs to make "
                             f"the summed {n} loss back: loss / (C − loss) × 100.") for n in _S},
    "scenario": ("Scenario", "text", "normal / stressed / tail move of every row."),
    "direction": ("Market", "text", "down: every price falls by its row's move; up: every price "
                                    "rises. Hedges gain when the directional book loses."),
    "isolated_pnl_usd": ("Isolated P&L $", "usd", "Σ P&L, each losing row capped at its own "
                                                  "margin, USD."),
    "isolated_liquidated": ("Isolated liq.", "int", "Rows liquidated under isolated margin "
                                                    "(each loses only its own margin)."),
    "isolated_capital_left_usd": ("Isolated left $", "usd", "Capital + isolated P&L, USD."),
    "cross_pnl_usd": ("Cross P&L $", "usd", "Σ P&L uncapped in one wallet, USD; −capital when "
                                            "the account is liquidated."),
    "cross_liquidated": ("Cross liq.", "int", "Positions closed by the account's liquidation "
                                              "(all of them when the wallet is wiped)."),
    "cross_account_liquidated": ("Account liquidated", "bool", "Capital + Σ P&L fell below Σ "
                                 "maintenance at the shocked prices."),
    "cross_green_force_closed": ("Green closed", "int", "Positions in profit force-closed with "
                                                        "the cross account."),
    "cross_capital_left_usd": ("Cross left $", "usd", "Capital left under cross margin, USD."),
    "cross_maintenance_usd": ("Cross maint. $", "usd", "Σ maintenance margin at the shocked "
                                                       "prices, USD."),
    "difference_usd": ("Cross − isolated $", "usd", "Capital left under cross minus under "
                                                    "isolated, USD: positive = cross keeps more."),
    "verdict": ("Verdict", "text", "Cross vs isolated in one line."),
}


def table_column(key: str) -> TableColumn:
    """The display column of a bucket or cross key (schema header where the schema has one)."""
    if key in _META:
        return TableColumn(key, *_META[key])
    col = BY_KEY[key]
    fmt = {"usd": "usd", "usd2": "usd", "pct": "pct", "bool": "bool"}.get(col.fmt, "text")
    return TableColumn(key, col.header, fmt, col.tooltip)


BUCKET_COLUMNS: tuple[TableColumn, ...] = tuple(table_column(k) for k in BUCKET_KEYS)
CROSS_COLUMNS: tuple[TableColumn, ...] = tuple(
    table_column(k) for k in CROSS_KEYS if k not in CROSS_HIDDEN)


def format_value(value: Any, fmt: str) -> str:
    """Display text of one value: ``usd`` ``-1,234``; ``pct`` ``5.75``; blank for NaN / None."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if fmt == "usd":
        x = float(value)
        return f"{0.0 if abs(x) < 0.5 else x:,.0f}"
    if fmt == "pct":
        return f"{float(value):.2f}"
    if fmt == "int":
        return f"{int(value):d}"
    if fmt == "bool":
        return "yes" if value else "no"
    return str(value)


def price_text(price: float) -> str:
    """A price with five significant digits and thousands separators (``65,000``, ``0.15261``)."""
    if not math.isfinite(price) or price == 0:
        return "" if not math.isfinite(price) else "0"
    digits = max(0, min(8, 4 - math.floor(math.log10(abs(price)))))
    return f"{price:,.{digits}f}"


def _tone(key: str, value: Any, row: dict[str, Any]) -> int:
    if key.startswith("pnl_") or key in ("isolated_pnl_usd", "cross_pnl_usd", "difference_usd"):
        v = float(value)
        return -1 if v < -0.5 else (1 if v > 0.5 else 0)
    if key.startswith(("liquidations_", "isolated_liq", "cross_liq", "cross_green")):
        return -1 if int(value) > 0 else 0
    if key == "heat_pct":
        return -1 if row.get("heat_over_cap") else 0
    if key in ("cross_capital_left_usd", "verdict"):
        return -1 if row.get("cross_account_liquidated") else _tone("difference_usd",
                                                                   row["difference_usd"], row)
    return 0


def _table(records: list[dict[str, Any]], columns: tuple[TableColumn, ...], keys: list[str],
           row_tone: list[int], notes: list[str]) -> Table:
    text = tuple(tuple(format_value(r[c.key], c.fmt) for c in columns) for r in records)
    values = tuple(tuple(r[c.key] for c in columns) for r in records)
    tone = tuple(tuple(_tone(c.key, r[c.key], r) for c in columns) for r in records)
    return Table(columns, text, values, tuple(keys), tone, tuple(row_tone), tuple(notes))


def _records(frame: Any) -> list[dict[str, Any]]:
    return list(frame.to_dict("records"))


def bucket_view(results: Results) -> Table:
    """The bucket table with a last row for the plan total (row key "")."""
    rows = _records(results.buckets)
    total = {k: results.totals[k] for k in BUCKET_KEYS if k != "bucket"}
    total.update(bucket=TOTAL_LABEL, heat_over_cap=results.totals["heat_over_cap"])
    keys = [str(r["bucket"]) for r in rows] + [""]
    notes = [f"Select to show only the {k} trades in the grid." for k in keys[:-1]]
    return _table([*rows, total], BUCKET_COLUMNS, keys, [0] * len(keys),
                  [*notes, "Select to show every trade in the grid."])


def cross_view(results: Results) -> Table:
    """The isolated-vs-cross table, one row per scenario and direction, verdict last."""
    rows = _records(results.cross)
    notes = [f"{r['verdict']}\nCross wallet after the move: {r['cross_capital_left_usd']:,.0f} "
             f"USD against {r['cross_maintenance_usd']:,.0f} USD of maintenance margin at the "
             "shocked prices." for r in rows]
    return _table(rows, CROSS_COLUMNS, [f"{r['scenario']}/{r['direction']}" for r in rows],
                  [-1 if r["cross_account_liquidated"] else 0 for r in rows], notes)


def heat_level(heat_pct: float, cap_pct: float) -> int:
    """0 below 80 % of the cap, 1 from 80 % of the cap, 2 above the cap."""
    return 2 if heat_pct > cap_pct else (1 if heat_pct * 1.25 >= cap_pct else 0)


def totals_line(results: Results) -> str:
    """One line of plan totals for the tab's header and the report's first page."""
    t = results.totals
    return (f"{t['count']} trades · notional {t['notional_usd']:,.0f} USD · margin "
            f"{t['margin_usd']:,.0f} USD ({t['margin_use_pct']:.1f} % of capital "
            f"{t['capital_usd']:,.0f}) · heat {t['heat_pct']:.2f} % of the "
            f"{t['heat_cap_pct']:g} % cap · {t['rows_with_alerts']} row(s) with alerts")


def key_figures(results: Results) -> list[str]:
    """The plan in a few sentences: capital, heat, scenario P&L, liquidations, cross, alerts."""
    t, st = results.totals, results.settings
    pnl = " · ".join(f"{n} {t[f'pnl_{n}_usd']:,.0f}" for n in SCENARIO_NAMES)
    liq = " · ".join(f"{n} {t[f'liquidations_{n}']}" for n in SCENARIO_NAMES)
    worst = results.cross.loc[results.cross["difference_usd"].idxmin()] \
        if len(results.cross) else None
    words = ("within", "near", "above")[heat_level(t["heat_pct"], t["heat_cap_pct"])]
    lines = [
        f"Capital {t['capital_usd']:,.0f} USD · horizon {st.horizon_hours:g} h · stops at "
        f"{st.stop_sigma:g} σ unless set · default venue {st.default_venue}",
        f"Heat {t['heat_pct']:.2f} % of capital, {words} the {t['heat_cap_pct']:g} % cap · "
        f"margin posted {t['margin_use_pct']:.1f} % of capital",
        f"Scenario P&L (USD): {pnl} · the tail loss needs "
        f"{format_value(t['recovery_tail_pct'], 'pct') or '∞'} % to recover",
        f"Rows liquidated: {liq} · {t['rows_with_alerts']} row(s) with alerts",
    ]
    if worst is not None:
        lines.append(f"Worst case for cross margin ({worst['scenario']} move, market "
                     f"{worst['direction']}): {worst['verdict']}")
    return lines
