"""Column schema of the journal (closed trades): the ``Journal`` sheet and the journal CSV.

Same :class:`~planner.schema.Column` type as the plan; inputs are what was planned and what
happened, outputs are derived (SPEC §7). Times are ISO-8601 with an explicit offset (stored UTC).

Every journal number has a sane bound (below), and every time falls between
:data:`EARLIEST_TIME` and one day from now: whatever is outside is refused on every way into the
journal (CSV, mapped export, workbook sheet, closing a trade, the store itself), so the P&L, the
statistics and the charts stay finite and drawable.
"""

from __future__ import annotations

import datetime as _dt

from planner.model import DEFAULT_BUCKETS, SIDES
from planner.schema import BY_KEY, MAX_PRICE, MAX_USD, Column

#: No trade closes before 2009-01-01 (the first bitcoin block was mined on 3 January 2009).
EARLIEST_TIME = _dt.datetime(2009, 1, 1, tzinfo=_dt.UTC)
#: How far past the computer's clock a time may be (clock skew, a venue's timezone slip).
FUTURE_SLACK = _dt.timedelta(days=1)
# Prices (``0 < price ≤ MAX_PRICE``) and USD amounts (fees, funding and reported P&L within
# ``±MAX_USD``, 1R in ``(0, MAX_USD]``) share the plan's bounds (planner.schema).
#: How a trade ended (``exit_kind``); ``funding`` marks a funding payment outside any trade.
EXIT_KINDS = ("close", "stop", "liquidation", "funding")
#: Largest quantity, base units (``0 < quantity ≤ MAX_QUANTITY``).
MAX_QUANTITY = 1e12
#: Largest leverage and σ at plan time: the plan's own bounds.
MAX_LEVERAGE = BY_KEY["leverage"].maximum
MAX_VOL_PCT = BY_KEY["volatility_pct"].maximum


def time_range(now: _dt.datetime | None = None) -> tuple[_dt.datetime, _dt.datetime]:
    """The times a journal row may carry: ``EARLIEST_TIME`` to ``now`` (UTC) + ``FUTURE_SLACK``."""
    now = now or _dt.datetime.now(_dt.UTC)
    return EARLIEST_TIME, now + FUTURE_SLACK


def _in(key: str, header: str, dtype: str, fmt: str, tip: str, **kw: object) -> Column:
    return Column(key, header, "input", dtype, "journal", fmt=fmt, tooltip=tip,  # type: ignore[arg-type]
                  **kw)  # type: ignore[arg-type]


JOURNAL_INPUTS: tuple[Column, ...] = (
    _in("opened_at", "opened_at", "datetime", "datetime", "When the trade was opened (ISO-8601)."),
    _in("closed_at", "closed_at", "datetime", "datetime",
        "When the trade was closed (ISO-8601). Required.", required=True),
    _in("symbol", "symbol", "text", "text", "Contract symbol. Required.", required=True),
    _in("bucket", "bucket", "choice", "text", "Strategy bucket.", default="directional",
        choices=DEFAULT_BUCKETS),
    _in("side", "side", "choice", "text", "long or short.", default="long", choices=SIDES),
    _in("venue", "venue", "text", "text", "Venue profile name."),
    _in("entry_price", "entry_price", "float", "price", "Average entry price.", minimum=0.0,
        min_open=True, maximum=MAX_PRICE, unit="quote"),
    _in("exit_price", "exit_price", "float", "price", "Average exit price.", minimum=0.0,
        min_open=True, maximum=MAX_PRICE, unit="quote"),
    _in("quantity", "quantity", "float", "qty", "Quantity closed, base units.", minimum=0.0,
        min_open=True, maximum=MAX_QUANTITY),
    _in("leverage", "leverage", "float", "lev", "Leverage planned.", minimum=1.0,
        maximum=MAX_LEVERAGE, unit="x"),
    _in("fees_usd", "fees_usd", "float", "usd2", "Fees paid, USD (positive = cost).",
        default=0.0, minimum=-MAX_USD, maximum=MAX_USD, unit="USD"),
    _in("funding_usd", "funding_usd", "float", "usd2",
        "Funding over the trade, USD, signed as received (negative = paid).", default=0.0,
        minimum=-MAX_USD, maximum=MAX_USD, unit="USD"),
    _in("planned_risk_usd", "planned_risk_usd", "float", "usd",
        "Planned risk (1R), USD.", minimum=0.0, min_open=True, maximum=MAX_USD,
        unit="USD"),
    _in("planned_stop_price", "planned_stop_price", "float", "price", "Planned stop price.",
        minimum=0.0, min_open=True, maximum=MAX_PRICE, unit="quote"),
    _in("planned_vol_pct", "planned_vol_pct", "float", "pct", "σ at plan time, % daily.",
        minimum=0.0, min_open=True, maximum=MAX_VOL_PCT, unit="%"),
    _in("notes", "notes", "text", "text", "Free text."),
    _in("exit_kind", "exit_kind", "choice", "text",
        "How the trade ended: close, stop, liquidation (or funding: a funding payment outside "
        "any trade).", default="close", choices=EXIT_KINDS),
    _in("tags", "tags", "text", "text", "Tags, comma-separated (e.g. breakout, news)."),
)

JOURNAL_OUTPUTS: tuple[Column, ...] = (
    Column("realized_pnl_usd", "realized_pnl_usd", "output", "float", "journal", unit="USD",
           fmt="usd2", tooltip="s·(exit − entry)·Q − fees + funding, USD."),
    Column("r_multiple", "r_multiple", "output", "float", "journal", fmt="ratio",
           tooltip="realized P&L / planned risk (1R)."),
)

JOURNAL_COLUMNS = JOURNAL_INPUTS + JOURNAL_OUTPUTS
JOURNAL_INPUT_KEYS = tuple(c.key for c in JOURNAL_INPUTS)

#: The plan-vs-outcome columns (derived, ``planner.journal.derive``), shown in the Journal tab.
REVIEW_COLUMNS: tuple[Column, ...] = (
    Column("move_pct", "move %", "output", "float", "review", unit="%", fmt="pct",
           tooltip="Realized move |exit/entry − 1|, %."),
    Column("move_sigma", "move σ", "output", "float", "review", unit="σ", fmt="ratio",
           tooltip="Realized move in the σ planned: |exit/entry − 1| / σ."),
    Column("band", "band", "output", "text", "review",
           tooltip="Scenario band of the realized move: normal, stressed, tail or beyond tail "
                   "(scenario moves max(k·σ, floor), as planned)."),
    Column("stop_hit", "stop hit", "output", "bool", "review", fmt="bool",
           tooltip="The exit was at or beyond the planned stop price."),
)

_BY_KEY = {c.key: c for c in JOURNAL_COLUMNS + REVIEW_COLUMNS}
#: Column order of the Journal tab's trade table (plan vs outcome first, then the rest).
VIEW_KEYS: tuple[str, ...] = (
    "closed_at", "symbol", "bucket", "side", "venue", "realized_pnl_usd", "r_multiple",
    "planned_risk_usd", "move_pct", "planned_vol_pct", "move_sigma", "band", "stop_hit",
    "entry_price", "exit_price", "planned_stop_price", "quantity", "leverage", "fees_usd",
    "funding_usd", "opened_at", "exit_kind", "tags", "notes")
VIEW_COLUMNS: tuple[Column, ...] = tuple(_BY_KEY[k] for k in VIEW_KEYS)


def _stat(key: str, header: str, fmt: str, tip: str, unit: str = "") -> Column:
    return Column(key, header, "output", "text" if fmt == "text" else "float", "stats",
                  unit=unit, fmt=fmt, tooltip=tip)  # type: ignore[arg-type]


#: The §7 summary statistics (``planner.journal.stats.summary``), in display order.
SUMMARY_COLUMNS: tuple[Column, ...] = (
    _stat("count", "Trades", "ratio", "Closed trades the filter keeps."),
    _stat("wins", "Wins", "ratio", "Trades with P&L > 0."),
    _stat("losses", "Losses", "ratio", "Trades with P&L < 0."),
    _stat("breakeven", "Break-even", "ratio", "Trades with P&L = 0 (counted, not wins)."),
    _stat("win_rate", "Win rate", "prob", "wins / count (break-even trades count)."),
    _stat("avg_win_usd", "Average win", "usd2", "Mean P&L of the wins, USD.", "USD"),
    _stat("avg_loss_usd", "Average loss", "usd2", "Mean P&L of the losses, USD.", "USD"),
    _stat("payoff", "Payoff", "ratio", "average win / |average loss|."),
    _stat("expectancy_usd", "Expectancy $", "usd2", "Mean P&L per trade, USD.", "USD"),
    _stat("expectancy_r", "Expectancy R", "ratio", "Mean R multiple (trades with a 1R)."),
    _stat("profit_factor", "Profit factor", "ratio",
          "Σ wins / |Σ losses|; ∞ when there is no loss."),
    _stat("total_pnl_usd", "Total P&L", "usd2", "Σ P&L, USD.", "USD"),
    _stat("max_drawdown_usd", "Max drawdown $", "usd2",
          "Largest peak-to-trough fall of the equity curve, USD.", "USD"),
    _stat("max_drawdown_pct", "Max drawdown %", "pct",
          "Largest fall relative to its own peak, % (may be another episode).", "%"),
    _stat("stops", "Stops", "ratio", "Trades that ended at a stop (exit_kind stop)."),
    _stat("liquidations", "Liquidations", "ratio",
          "Trades that ended in a liquidation (exit_kind liquidation)."),
)

#: Per-bucket attribution (``planner.journal.stats.bucket_table``), in display order.
BUCKET_COLUMNS: tuple[Column, ...] = (
    _stat("bucket", "Bucket", "text", "Strategy bucket."),
    _stat("verdict", "Edge or noise", "text",
          "edge: the 95 % interval on mean R lies above 0; negative edge: below 0; noise: it "
          "contains 0; too few trades: fewer than 2 with R."),
    _stat("count", "Trades", "ratio", "Closed trades in the bucket."),
    _stat("pnl_usd", "P&L $", "usd2", "Σ P&L of the bucket, USD.", "USD"),
    _stat("share_pct", "Share %", "pct", "Bucket P&L / total P&L × 100 (signed).", "%"),
    _stat("expectancy_r", "Mean R", "ratio", "Mean R multiple of trades with a 1R."),
    _stat("mean_r_low", "Mean R low", "ratio", "Lower end of the 95 % interval on mean R."),
    _stat("mean_r_high", "Mean R high", "ratio", "Upper end of the 95 % interval on mean R."),
    _stat("win_rate", "Win rate", "prob", "wins / trades."),
    _stat("wins", "Wins", "ratio", "Trades with P&L > 0."),
    _stat("losses", "Losses", "ratio", "Trades with P&L < 0."),
    _stat("expectancy_usd", "Expectancy $", "usd2", "Mean P&L per trade, USD.", "USD"),
    _stat("r_count", "Trades with R", "ratio", "Trades with a planned risk (1R)."),
)
