"""Column schema of the journal (closed trades): the ``Journal`` sheet and the journal CSV.

Same :class:`~planner.schema.Column` type as the plan; inputs are what was planned and what
happened, outputs are derived (SPEC §7). Times are ISO-8601 with an explicit offset (stored UTC).
"""

from __future__ import annotations

from planner.model import DEFAULT_BUCKETS, SIDES
from planner.schema import Column


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
        min_open=True, unit="quote"),
    _in("exit_price", "exit_price", "float", "price", "Average exit price.", minimum=0.0,
        min_open=True, unit="quote"),
    _in("quantity", "quantity", "float", "qty", "Quantity closed, base units.", minimum=0.0,
        min_open=True),
    _in("leverage", "leverage", "float", "lev", "Leverage planned.", minimum=1.0, unit="x"),
    _in("fees_usd", "fees_usd", "float", "usd2", "Fees paid, USD (positive = cost).",
        default=0.0, unit="USD"),
    _in("funding_usd", "funding_usd", "float", "usd2",
        "Funding over the trade, USD, signed as received (negative = paid).", default=0.0,
        unit="USD"),
    _in("planned_risk_usd", "planned_risk_usd", "float", "usd",
        "Planned risk (1R), USD.", minimum=0.0, min_open=True, unit="USD"),
    _in("planned_stop_price", "planned_stop_price", "float", "price", "Planned stop price.",
        minimum=0.0, min_open=True, unit="quote"),
    _in("planned_vol_pct", "planned_vol_pct", "float", "pct", "σ at plan time, % daily.",
        minimum=0.0, min_open=True, unit="%"),
    _in("notes", "notes", "text", "text", "Free text."),
)

JOURNAL_OUTPUTS: tuple[Column, ...] = (
    Column("realized_pnl_usd", "realized_pnl_usd", "output", "float", "journal", unit="USD",
           fmt="usd2", tooltip="s·(exit − entry)·Q − fees + funding, USD."),
    Column("r_multiple", "r_multiple", "output", "float", "journal", fmt="ratio",
           tooltip="realized P&L / planned risk (1R)."),
)

JOURNAL_COLUMNS = JOURNAL_INPUTS + JOURNAL_OUTPUTS
JOURNAL_INPUT_KEYS = tuple(c.key for c in JOURNAL_INPUTS)
