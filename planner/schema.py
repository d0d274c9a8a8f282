"""The one column schema of the Plan table.

Every consumer — the engine's validation, the Qt grid, the Excel reader and writer, the JSON and
CSV output — reads the columns from here. A column is added in this file and nowhere else.

Units: ``%`` columns hold percent units (``2`` means 2 %); ``frac`` columns hold fractions and are
shown as percentages; ``prob`` columns are probabilities in [0, 1].
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from planner.model import DEFAULT_BUCKETS, SCENARIO_NAMES, SIDES

#: Excel's limit on the characters of one cell: a longer text could never be saved, so it is
#: refused wherever it comes in (a workbook cell, a grid edit, a paste).
MAX_TEXT = 32_767

#: Sane bounds of the numeric inputs. Finite but absurd values (a gas fee of 1e308, an entry of
#: 1e-308) would overflow to infinities in the totals; within these the engine stays finite.
#: Prices, quote currency: from ``MIN_PRICE`` to ``MAX_PRICE`` (entry and index).
MIN_PRICE, MAX_PRICE = 1e-12, 1e12
#: Smallest σ, risk and stop, %: anything smaller is a typo, and sizes by ``risk / stop``.
MIN_PCT = 1e-6
#: Largest take-profit distance, % of entry (a 100-fold move).
MAX_TARGET_PCT = 10_000.0
#: Largest gas fee per on-chain transaction, USD.
MAX_GAS_USD = 1e6
#: Largest USD amount typed into a row (extra margin).
MAX_USD = 1e12

Kind = Literal["input", "output"]
DType = Literal["text", "choice", "float", "bool", "datetime"]
#: Display kinds: how a value is shown (grid) and formatted (Excel number format).
Fmt = Literal["text", "usd", "usd2", "price", "qty", "pct", "frac", "prob", "ratio", "lev", "bool",
              "datetime"]

EXCEL_FORMATS: dict[str, str] = {
    "text": "@",
    "usd": "#,##0",
    "usd2": "#,##0.00",
    "price": "#,##0.00######",
    "qty": "#,##0.########",
    "pct": "0.00##",
    "frac": "0.00%",
    "prob": "0.00%",
    "ratio": "0.00",
    "lev": '0.0#"x"',
    "bool": "General",
    "datetime": "yyyy-mm-dd hh:mm:ss",
}


@dataclass(frozen=True)
class Column:
    """One column of the Plan table.

    Attributes:
        key: Stable machine key (JSON, CSV, code).
        header: Header shown in the grid and written to the workbook.
        kind: ``input`` (typed by the user) or ``output`` (computed).
        dtype: Storage type: ``text``, ``choice`` (text from a list), ``float`` or ``bool``.
        group: Column group for show/hide (inputs, sizing, liquidation, bands, costs,
            scenarios, probabilities, alerts).
        unit: Unit shown to the user (``USD``, ``%``, ``x``, ``σ``, ``bps``, ``s`` …).
        fmt: Display kind, see :data:`EXCEL_FORMATS`.
        tooltip: Meaning, unit and formula, for header tooltips and workbook notes.
        default: Value used when an input cell is blank (``None`` = stays blank).
        required: Input that must be given.
        minimum: Lower bound, or ``None``.
        min_open: True when the lower bound is exclusive (``> minimum``).
        maximum: Upper bound, or ``None``.
        max_open: True when the upper bound is exclusive.
        choices: Allowed values for ``choice`` columns (buckets also accept new names).
    """

    key: str
    header: str
    kind: Kind
    dtype: DType
    group: str
    unit: str = ""
    fmt: Fmt = "text"
    tooltip: str = ""
    default: Any = None
    required: bool = False
    minimum: float | None = None
    min_open: bool = False
    maximum: float | None = None
    max_open: bool = False
    choices: tuple[str, ...] = ()

    @property
    def is_input(self) -> bool:
        """True for a column the user types."""
        return self.kind == "input"

    @property
    def excel_format(self) -> str:
        """The Excel number format for this column."""
        return EXCEL_FORMATS[self.fmt]

    def bounds_text(self) -> str:
        """Describe the allowed range in words, e.g. ``> 0 and ≤ 100``, ``≥ 1e-12 and ≤ 1e12``."""
        parts = []
        if self.minimum is not None:
            parts.append(f"{'>' if self.min_open else '≥'} {bound_text(self.minimum)}")
        if self.maximum is not None:
            parts.append(f"{'<' if self.max_open else '≤'} {bound_text(self.maximum)}")
        return " and ".join(parts)


def bound_text(x: float) -> str:
    """A bound as people read it: ``100``, ``86,400``, ``1e-06`` -> ``1e-6``, ``1e12``."""
    x = float(x)
    if x.is_integer() and abs(x) < 1e7:
        return f"{int(x):,}"
    mantissa, _, exponent = f"{x:.6g}".partition("e")
    return f"{mantissa}e{int(exponent)}" if exponent else mantissa


def _in(key: str, header: str, dtype: DType, fmt: Fmt, tip: str, **kw: Any) -> Column:
    return Column(key, header, "input", dtype, "inputs", fmt=fmt, tooltip=tip, **kw)


def _out(key: str, header: str, group: str, fmt: Fmt, tip: str, dtype: DType = "float",
         unit: str = "") -> Column:
    return Column(key, header, "output", dtype, group, unit=unit, fmt=fmt, tooltip=tip)


INPUTS: tuple[Column, ...] = (
    _in("symbol", "Symbol", "text", "text", "Contract symbol, e.g. BTCUSDT. Required.",
        required=True),
    _in("bucket", "Bucket", "choice", "text",
        "Strategy bucket: market-making, directional, hedging, or a name you add.",
        default="directional", choices=DEFAULT_BUCKETS),
    _in("side", "Side", "choice", "text", "long or short.", default="long", choices=SIDES),
    _in("venue", "Venue", "choice", "text",
        "Venue profile (Venues sheet); blank uses the plan's default venue."),
    _in("entry_price", "Entry", "float", "price", "Planned entry price E, quote currency. > 0.",
        required=True, minimum=MIN_PRICE, maximum=MAX_PRICE, unit="quote"),
    _in("leverage", "Leverage", "float", "lev",
        "Leverage L, ≥ 1 and ≤ the tier's max leverage. Initial margin = notional / L.",
        default=5.0, minimum=1.0, maximum=1000.0, unit="x"),
    _in("volatility_pct", "Vol % (daily)", "float", "pct",
        "σ: standard deviation of daily returns, %. > 0. Blank: σ from the symbol's price "
        "history (History sheet) when it has one, else the row is a draft.", minimum=MIN_PCT,
        maximum=1000.0, unit="%"),
    _in("risk_pct", "Risk %", "float", "pct",
        "Drawdown budget for the row, % of capital. > 0, ≤ 100.", default=1.0, minimum=MIN_PCT,
        maximum=100.0, unit="%"),
    _in("stop_pct", "Stop %", "float", "pct",
        "Stop distance from entry, %. Blank = stop_sigma × σ.", minimum=MIN_PCT,
        maximum=100.0, max_open=True, unit="%"),
    _in("target_pct", "Target %", "float", "pct", "Take-profit distance from entry, %. Optional.",
        minimum=0.0, min_open=True, maximum=MAX_TARGET_PCT, unit="%"),
    _in("funding_pct", "Funding % / 8h", "float", "pct",
        "Funding rate per 8 hours, %, signed: positive means longs pay.", default=0.01,
        minimum=-100.0, maximum=100.0, unit="%/8h"),
    _in("index_price", "Index", "float", "price",
        "Spot / index price for the basis, quote currency. Optional, > 0.", minimum=MIN_PRICE,
        maximum=MAX_PRICE, unit="quote"),
    _in("slippage_bps", "Slippage bps", "float", "ratio", "Slippage per fill, basis points. ≥ 0.",
        default=5.0, minimum=0.0, maximum=10_000.0, unit="bps"),
    _in("gas_usd", "Gas $", "float", "usd2", "Gas per on-chain transaction, USD. ≥ 0.",
        default=0.0, minimum=0.0, maximum=MAX_GAS_USD, unit="USD"),
    _in("extra_margin_usd", "Extra margin $", "float", "usd",
        "Isolated margin added beyond the initial margin, USD. ≥ 0.", default=0.0, minimum=0.0,
        maximum=MAX_USD, unit="USD"),
    _in("sizing", "Sizing", "choice", "text",
        "risk: size so the loss at the stop equals the budget; margin: post the budget as "
        "isolated collateral and size = collateral × leverage.", default="risk",
        choices=("risk", "margin")),
    _in("fee_mode", "Fee mode", "choice", "text",
        "taker: entry and exit pay the venue's taker fee; maker: the entry rests as a limit "
        "order (maker fee), the exit (stop) pays taker. Blank = taker.", default="taker",
        choices=("taker", "maker")),
    _in("oracle_delay_s", "Oracle delay s", "float", "ratio",
        "Seconds between the market reaching a level and the venue acting on it. ≥ 0.",
        default=0.0, minimum=0.0, maximum=86_400.0, unit="s"),
    _in("notes", "Notes", "text", "text", "Free text."),
)


def _scenario_outputs() -> tuple[Column, ...]:
    cols: list[Column] = []
    for n in SCENARIO_NAMES:
        cols += [
            _out(f"price_{n}", f"Price {n}", "scenarios", "price",
                 f"Price after the {n} adverse move: E·(1 − s·move).", unit="quote"),
            _out(f"pnl_{n}_usd", f"P&L {n} $", "scenarios", "usd",
                 f"P&L in the {n} move with slippage, funding spike and gas; capped at the "
                 "margin when liquidated.", unit="USD"),
            _out(f"liquidated_{n}", f"Liq. {n}", "scenarios", "bool",
                 f"True when the {n} move reaches the liquidation price before the stop fills.",
                 dtype="bool"),
            _out(f"recovery_{n}_pct", f"Recovery {n} %", "scenarios", "pct",
                 f"Gain the rest of capital needs to make the {n} loss back: loss/(C − loss).",
                 unit="%"),
        ]
    for n in SCENARIO_NAMES:
        cols += [
            _out(f"p_liq_{n}", f"P(liq) {n}", "probabilities", "prob",
                 f"Probability the price touches the liquidation price within the horizon, "
                 f"σ × the {n} vol multiplier (first passage, zero drift)."),
            _out(f"p_stop_{n}", f"P(stop) {n}", "probabilities", "prob",
                 f"Probability the price touches the stop within the horizon ({n} vol)."),
        ]
    return tuple(cols)


OUTPUTS: tuple[Column, ...] = (
    _out("risk_usd", "Risk $", "sizing", "usd", "C × risk % / 100: the row's budget (1R).",
         unit="USD"),
    _out("risk_used_usd", "Risk used $", "sizing", "usd2",
         "Loss at the stop after the quantity is rounded down to the lot step: "
         "N × loss at stop + 2·gas, USD (at most Risk $ when sizing by risk).", unit="USD"),
    _out("coin", "Coin", "sizing", "text",
         "The row's base coin (BTCUSDT, BTC-PERP, BTC/USDC:USDC → BTC): how the row finds its "
         "instrument and its price history.", dtype="text"),
    _out("instrument", "Instrument", "sizing", "text",
         "The venue instrument whose tiers, tick, lot step and minimum order the row uses "
         "(its symbol without the quote suffix: BTCUSDT → BTC); blank = the venue's default "
         "table.", dtype="text"),
    _out("vol_used_pct", "Vol % used", "sizing", "pct",
         "σ the row is computed with: the typed Vol %, else the symbol's history σ "
         "(History sheet), daily %.", unit="%"),
    _out("vol_source", "Vol source", "sizing", "text",
         "Where σ came from: typed, or the history it was estimated on "
         "(BTCUSDT 1h 30d yang-zhang); blank = none (a draft row).", dtype="text"),
    _out("tail_used", "Tail law", "sizing", "text",
         "The law of this row's touch probabilities (P(liq), P(stop)): normal, student-t, or "
         "empirical with the history it was measured on; under tail_model = empirical a coin "
         "with too little history falls back to Student-t and says so.", dtype="text"),
    _out("stop_pct_used", "Stop % used", "sizing", "pct",
         "Stop distance used: Stop % or stop_sigma × σ.", unit="%"),
    _out("loss_frac", "Loss at stop", "sizing", "frac",
         "stop + 2·fee + 2·slippage + oracle-delay slip + funding paid, fraction of notional."),
    _out("notional_usd", "Notional $", "sizing", "usd",
         "Position size N = Q × E: budget / loss at stop (risk sizing) or budget × leverage "
         "(margin), after rounding Q to the lot step.",
         unit="USD"),
    _out("quantity", "Quantity", "sizing", "qty",
         "Q: the budget's size / E rounded down to the instrument's lot step, base units."),
    _out("margin_usd", "Margin $", "sizing", "usd",
         "Isolated margin M = N / L + extra margin.", unit="USD"),
    _out("safe_leverage", "Safe leverage", "sizing", "lev",
         "Highest leverage whose liquidation lies beyond the stressed move.", unit="x"),
    _out("tier_max_leverage", "Tier max lev.", "liquidation", "lev",
         "Max leverage of the venue tier chosen by notional.", unit="x"),
    _out("mmr_pct", "MMR %", "liquidation", "pct", "Maintenance margin rate of the tier, %.",
         unit="%"),
    _out("maintenance_amount_usd", "Maint. amount $", "liquidation", "usd2",
         "Tier maintenance amount (Binance cum, Bybit MM deduction), USD.", unit="USD"),
    _out("maintenance_usd", "Maintenance $", "liquidation", "usd2",
         "N × mmr − maintenance amount, USD.", unit="USD"),
    _out("liquidation_price", "Liq. price", "liquidation", "price",
         "Liquidation price by the venue's formula and tier, on the tick away from the "
         "position; blank = none.", unit="quote"),
    _out("bankruptcy_price", "Bankruptcy", "liquidation", "price",
         "E − s·M/Q: where the margin is gone; blank = none.", unit="quote"),
    _out("liq_distance_pct", "Liq. dist %", "liquidation", "pct",
         "|LP − E| / E × 100; blank = no liquidation price.", unit="%"),
    _out("liq_distance_sigma", "Liq. dist σ", "liquidation", "ratio",
         "Liquidation distance in daily σ.", unit="σ"),
    _out("stop_beyond_liq", "Stop beyond liq.", "liquidation", "bool",
         "True when the stop can never fill before liquidation.", dtype="bool"),
    _out("stop_price", "Stop price", "bands", "price",
         "E·(1 − s·stop), on the tick away from the position.", unit="quote"),
    _out("trim_price", "Trim price", "bands", "price",
         "E·(1 − s·trim_sigma·σ), on the tick away from the position.", unit="quote"),
    _out("review_price", "Review price", "bands", "price",
         "E·(1 − s·review_sigma·σ), on the tick away from the position.", unit="quote"),
    _out("funding_frac", "Funding (horizon)", "costs", "frac",
         "s·f·H/8 over the horizon (f per 8 h on every venue); positive = this position "
         "pays."),
    _out("delay_frac", "Delay slip", "costs", "frac",
         "σ·√(oracle delay / 86,400): a one-σ move over the oracle delay."),
    _out("funding_usd", "Funding $", "costs", "usd2",
         "−N × funding over the horizon, USD (negative = cost).", unit="USD"),
    _out("costs_usd", "Costs $", "costs", "usd2",
         "N·(2·fee + 2·slippage) + 2·gas, USD.", unit="USD"),
    _out("basis_pct", "Basis %", "costs", "pct", "(E − index) / index × 100.", unit="%"),
    _out("reward_risk", "Reward:risk", "costs", "ratio", "Target % / stop %."),
    *_scenario_outputs(),
    _out("alert_funding", "Funding alert", "alerts", "bool",
         "|funding per 8 h| ≥ the funding alert threshold.", dtype="bool"),
    _out("alert_basis", "Basis alert", "alerts", "bool",
         "|basis| ≥ the basis alert threshold.", dtype="bool"),
    _out("alert_leverage_tier", "Lev. above tier", "alerts", "bool",
         "Leverage above the tier's maximum at this notional.", dtype="bool"),
    _out("alert_leverage_safe", "Lev. above safe", "alerts", "bool",
         "Leverage above the safe leverage: a stressed move would liquidate.", dtype="bool"),
    _out("alert_liquidated_at_entry", "Liq. at entry", "alerts", "bool",
         "Liquidated at entry: the tier's maintenance margin at the entry notional (N·mmr − cum) "
         "is at least the margin posted; the liquidation price is the entry.", dtype="bool"),
    _out("alert_below_min_order", "Below min order", "alerts", "bool",
         "The rounded order is zero or below the instrument's minimum notional: the venue would "
         "refuse it.", dtype="bool"),
    _out("alert_heat", "Heat above cap", "alerts", "bool",
         "The plan's heat (Σ risk %) is above the heat cap.", dtype="bool"),
    _out("alert_ruin", "Loss ≥ capital", "alerts", "bool",
         "A scenario loss of this row reaches the whole capital.", dtype="bool"),
    _out("alert_count", "Alerts", "alerts", "ratio", "Number of active alerts on the row."),
)

COLUMNS: tuple[Column, ...] = INPUTS + OUTPUTS
BY_KEY: dict[str, Column] = {c.key: c for c in COLUMNS}
INPUT_KEYS: tuple[str, ...] = tuple(c.key for c in INPUTS)
OUTPUT_KEYS: tuple[str, ...] = tuple(c.key for c in OUTPUTS)
GROUPS: tuple[str, ...] = tuple(dict.fromkeys(c.group for c in COLUMNS))

#: Alert flags, with the input or output column each one colours and a short reason.
ALERTS: dict[str, tuple[str, str]] = {
    "alert_funding": ("funding_pct", "funding rate at or above the alert threshold"),
    "alert_basis": ("index_price", "entry-vs-index basis at or above the alert threshold"),
    "stop_beyond_liq": ("stop_pct", "stop lies beyond the liquidation price: it can never fill"),
    "alert_leverage_tier": ("leverage", "leverage above the tier's maximum for this notional"),
    "alert_leverage_safe": ("leverage", "leverage above the safe leverage: a stressed move "
                                        "would liquidate"),
    "alert_liquidated_at_entry": ("leverage", "liquidated at entry: the tier's maintenance "
                                              "margin (N·mmr − cum, see Mmr % and Maint. amount) "
                                              "is at least the margin; check the tier's mmr "
                                              "(25 means 25 %, not 0.25 %)"),
    "alert_below_min_order": ("risk_pct", "the order rounded to the lot step is zero or below "
                                          "the venue's minimum notional: the venue would "
                                          "refuse it"),
    "alert_heat": ("risk_pct", "plan heat above the heat cap"),
    "alert_ruin": ("risk_pct", "a scenario loss reaches the whole capital"),
}


def column(key: str) -> Column:
    """Return the column with ``key``.

    Raises:
        KeyError: No such column.
    """
    return BY_KEY[key]


def normalise_header(text: object) -> str:
    """Normalise a header for matching: case-, space- and unit-insensitive.

    ``" Vol %  (daily) "`` and ``"vol%(DAILY)"`` both give ``"vol%(daily)"``; a trailing unit in
    square brackets (``"Entry [USD]"``) is dropped.
    """
    s = str(text).strip().lower()
    if s.endswith("]") and "[" in s:
        s = s[: s.rindex("[")]
    return "".join(s.split())


HEADER_LOOKUP: dict[str, str] = {
    **{normalise_header(c.key): c.key for c in COLUMNS},
    **{normalise_header(c.header): c.key for c in COLUMNS},
}
