"""Value objects of a plan: settings, scenarios, venue profiles and the plan itself.

Percent fields hold percent units (``2`` means 2 %); the engine converts to fractions.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: Liquidation formula families (SPEC §2, §10); the position in this tuple is the engine's code.
FORMULAS = ("binance", "bybit", "okx")
TAIL_MODELS = ("student-t", "normal", "empirical")
#: Volatility estimators of price history (SPEC §11; :mod:`planner.market.estimators`).
VOL_ESTIMATORS = ("close-to-close", "parkinson", "garman-klass", "yang-zhang", "ewma", "atr")
SCENARIO_NAMES = ("normal", "stressed", "tail")
DEFAULT_BUCKETS = ("market-making", "directional", "hedging")
SIDES = ("long", "short")


@dataclass(frozen=True)
class Settings:
    """Plan-wide settings (sheet ``Settings``).

    Attributes:
        capital_usd: Portfolio capital C, USD.
        horizon_hours: Holding horizon H for funding and touch probabilities, hours.
        trim_sigma: Trim band distance, in daily σ.
        stop_sigma: Exit band (the default stop), in daily σ.
        review_sigma: Review band (systemic factors), in daily σ.
        trim_fraction_pct: Share of the position cut at the trim band, %.
        heat_cap_pct: Cap on the sum of all rows' risk %, % of capital.
        funding_alert_pct: Alert when |funding per 8 h| reaches this, %.
        basis_alert_pct: Alert when |entry vs index basis| reaches this, %.
        default_venue: Venue profile for rows that name none.
        tail_model: Law of returns for the touch probabilities: ``student-t`` (fat tails,
            the default), ``normal`` (the Gaussian first-passage formula) or ``empirical``
            (the coin's own history where it has enough, else Student-t). SPEC §9.
        tail_dof: Degrees of freedom ν of the Student-t law, a whole number 3–30.
        vol_estimator: Estimator of the σ a row with a blank Vol cell takes from price history
            (SPEC §11): one of :data:`VOL_ESTIMATORS`.
        vol_window_days: Window of that σ and of the funding percentiles, days.
        funding_from_history: True: the stressed and tail scenarios pay the 95th / 99th
            percentile of the symbol's funding history instead of ``funding_mult`` × the rate.
    """

    capital_usd: float = 100_000.0
    horizon_hours: float = 24.0
    trim_sigma: float = 1.0
    stop_sigma: float = 2.0
    review_sigma: float = 3.0
    trim_fraction_pct: float = 50.0
    heat_cap_pct: float = 6.0
    funding_alert_pct: float = 0.05
    basis_alert_pct: float = 1.0
    default_venue: str = "Generic"
    tail_model: str = "student-t"
    tail_dof: float = 3.0
    vol_estimator: str = "yang-zhang"
    vol_window_days: float = 30.0
    funding_from_history: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the settings as a plain ``{key: value}`` dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def with_changes(self, **changes: Any) -> Settings:
        """Return a copy with some fields replaced."""
        return replace(self, **changes)


@dataclass(frozen=True)
class Scenario:
    """One adverse-move scenario (a row of sheet ``Scenarios``).

    Attributes:
        name: ``normal``, ``stressed`` or ``tail``.
        sigma_move: Adverse move in daily σ.
        min_move_pct: Floor on the adverse move, % of entry.
        vol_mult: Multiplier on σ for touch probabilities and oracle-delay slip.
        funding_mult: Multiplier on |funding| (a spike always costs more).
        slippage_mult: Multiplier on slippage per fill.
        gas_mult: Multiplier on gas per transaction.
        gap: True when the move jumps through the stop (fill at the scenario price).
    """

    name: str
    sigma_move: float
    min_move_pct: float = 0.0
    vol_mult: float = 1.0
    funding_mult: float = 1.0
    slippage_mult: float = 1.0
    gas_mult: float = 1.0
    gap: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the scenario as a plain dict."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_SCENARIOS: tuple[Scenario, ...] = (
    Scenario("normal", 1.0, 0.0, 1.0, 1.0, 1.0, 1.0, False),
    Scenario("stressed", 2.5, 10.0, 2.0, 3.0, 3.0, 5.0, False),
    Scenario("tail", 5.0, 20.0, 3.0, 10.0, 10.0, 20.0, True),
)


@dataclass(frozen=True)
class Tier:
    """One row of a venue's margin tier table.

    Attributes:
        max_notional_usd: Inclusive upper bound of position notional for this tier, USD.
        max_leverage: Highest leverage allowed in this tier.
        mmr_pct: Maintenance margin rate, %.
        maintenance_amount_usd: Binance "cum" / Bybit "MM deduction", USD (0 where none).
    """

    max_notional_usd: float
    max_leverage: float
    mmr_pct: float
    maintenance_amount_usd: float = 0.0


#: Quote-currency and contract suffixes dropped from a row's symbol to find its instrument
#: (``BTCUSDT``, ``BTC-PERP``, ``BTC/USDC:USDC``, ``BTC-USDT-SWAP`` all name ``BTC``), longest
#: first.
QUOTE_SUFFIXES = ("FDUSD", "USDT", "USDC", "BUSD", "PERP", "USD")
#: Characters that end the base of a symbol (``BTC-PERP``, ``BTC/USDC:USDC``, ``BTC_USDT``).
SYMBOL_SEPARATORS = ("/", ":", "-", "_", " ")


def base_symbol(symbol: object) -> str:
    """The base coin a row's symbol names, upper case (SPEC §10).

    The text is cut at the first separator (``/ : - _`` or a space), then one quote suffix
    (:data:`QUOTE_SUFFIXES`) is dropped from its end unless nothing would remain:
    ``"btcusdt"`` → ``BTC``, ``"SOL-PERP"`` → ``SOL``, ``"ETH/USDC:USDC"`` → ``ETH``,
    ``"1000PEPEUSDT"`` → ``1000PEPE``, ``"USDT"`` → ``USDT``. The workbook's live formula for
    the ``Instrument`` column applies the same rule.
    """
    text = str(symbol or "").strip().upper()
    cut = min((i for i in (text.find(c) for c in SYMBOL_SEPARATORS) if i >= 0), default=len(text))
    head = text[:cut]
    for suffix in QUOTE_SUFFIXES:
        if len(head) > len(suffix) and head.endswith(suffix):
            return head[: -len(suffix)]
    return head


@dataclass(frozen=True)
class Instrument:
    """One symbol's contract rules on a venue (SPEC §10).

    Attributes:
        symbol: Base coin, upper case (``BTC``, ``SOL``); rows match it through
            :func:`base_symbol`.
        tiers: The symbol's own margin tier table (a copy of the venue's default table where
            the venue publishes none), sorted by ``max_notional_usd``.
        tick_size: Price increment, quote currency (0 = prices are not rounded).
        lot_step: Quantity increment, base units (0 = quantities are not rounded). Contract
            venues fold the face value in (OKX: ``ctVal × lotSz``).
        min_notional_usd: Smallest order value the venue accepts, USD (0 = none beyond one lot).
        funding_interval_hours: Hours between funding payments on this symbol.
        as_of: Date (ISO) the numbers are from.
        source: Where the numbers come from (document titles, no link), and what is unconfirmed.
    """

    symbol: str
    tiers: tuple[Tier, ...]
    tick_size: float = 0.0
    lot_step: float = 0.0
    min_notional_usd: float = 0.0
    funding_interval_hours: float = 8.0
    as_of: str = ""
    source: str = ""


@dataclass(frozen=True)
class VenueProfile:
    """A venue's margin rules as used by the engine.

    Attributes:
        name: Profile name used in the plan's Venue column.
        formula: Liquidation formula family, ``binance`` or ``bybit``.
        taker_fee_pct: Taker fee per fill, %.
        maker_fee_pct: Maker fee per fill, %.
        funding_interval_hours: Hours between funding payments.
        tiers: Default tier table (symbols without an instrument of their own), sorted by
            ``max_notional_usd``.
        as_of: Date (ISO) the tier numbers were taken from; never a claim they are current.
        source: Where the numbers come from (a document title, no link).
        tick_size: Default price increment (0 = none), for symbols without an instrument.
        lot_step: Default quantity increment (0 = none).
        min_notional_usd: Default minimum order value, USD (0 = none).
        instruments: Per-symbol rules, each with its own tiers (SPEC §10).
    """

    name: str
    formula: str = "binance"
    taker_fee_pct: float = 0.05
    maker_fee_pct: float = 0.02
    funding_interval_hours: float = 8.0
    tiers: tuple[Tier, ...] = (Tier(float("inf"), 100.0, 0.5, 0.0),)
    as_of: str = ""
    source: str = ""
    tick_size: float = 0.0
    lot_step: float = 0.0
    min_notional_usd: float = 0.0
    instruments: tuple[Instrument, ...] = ()

    @property
    def max_leverage(self) -> float:
        """Highest leverage the venue allows at any size (the first tier's)."""
        return max(t.max_leverage for t in self.tiers)

    def instrument(self, symbol: object) -> Instrument | None:
        """The instrument a row's symbol names on this venue, or ``None`` (the default)."""
        base = base_symbol(symbol)
        return next((i for i in self.instruments if i.symbol == base), None)

    def default_instrument(self) -> Instrument:
        """The venue's defaults as an instrument with a blank symbol."""
        return Instrument("", self.tiers, self.tick_size, self.lot_step, self.min_notional_usd,
                          self.funding_interval_hours, self.as_of, self.source)

    def markets(self) -> tuple[Instrument, ...]:
        """The default (blank symbol) followed by the venue's instruments."""
        return (self.default_instrument(), *self.instruments)


GENERIC_VENUE = VenueProfile(
    name="Generic",
    formula="binance",
    taker_fee_pct=0.05,
    maker_fee_pct=0.02,
    funding_interval_hours=8.0,
    tiers=(Tier(float("inf"), 100.0, 0.5, 0.0),),
    as_of="",
    source="Spec default: one tier, 100x, mmr 0.5 %",
)


#: Largest empirical tail table kept per coin and side (quantiles of the windows' excursions).
TAIL_TABLE_SIZE = 1000


@dataclass(frozen=True)
class SymbolFacts:
    """What the trader's price and funding history says about one base coin (SPEC §11).

    A snapshot taken from the market file (:func:`planner.market.history.plan_history`) and
    saved in the workbook's ``History`` sheet, so a plan computes the same without the file.

    Attributes:
        symbol: Base coin, upper case (``BTC``); rows match it through :func:`base_symbol`.
        series: The stored series the numbers come from (``BTCUSDT``).
        sigma_pct: Daily σ by the plan's estimator and window, % (NaN: none).
        source: The ``vol_source`` label of a row that takes this σ
            (``BTCUSDT 1h 30d yang-zhang``).
        funding_p95_pct: 95th percentile of the funding rate, % per 8 h (NaN: no history).
        funding_p99_pct: 99th percentile, % per 8 h.
        funding_p05_pct: 5th percentile (what a short pays in a stress), % per 8 h.
        funding_p01_pct: 1st percentile, % per 8 h.
        tail_source: What the empirical tails were measured on (``BTCUSDT 1h, 412 windows of
            24 h``); "" when there is no table (too little history, or not asked for).
        tail_down: Adverse excursions down of the historical windows of the plan's horizon,
            in units of each window's trailing daily σ, sorted ascending (SPEC §9; at most
            :data:`TAIL_TABLE_SIZE` values, quantiles of the full set).
        tail_up: The same for excursions up.
    """

    symbol: str
    series: str = ""
    sigma_pct: float = float("nan")
    source: str = ""
    funding_p95_pct: float = float("nan")
    funding_p99_pct: float = float("nan")
    funding_p05_pct: float = float("nan")
    funding_p01_pct: float = float("nan")
    tail_source: str = ""
    tail_down: tuple[float, ...] = ()
    tail_up: tuple[float, ...] = ()

    @property
    def has_tails(self) -> bool:
        """True when the facts carry an empirical tail table on both sides."""
        return bool(self.tail_down) and bool(self.tail_up)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SymbolFacts):
            return NotImplemented
        return all(_same(getattr(self, f.name), getattr(other, f.name)) for f in fields(self))

    def __hash__(self) -> int:
        return hash((self.symbol, self.series, self.source))


def _same(a: Any, b: Any) -> bool:
    """Equal, with NaN equal to NaN."""
    return a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)


@dataclass(frozen=True, eq=False)
class Plan:
    """A whole plan: settings, scenarios, venue profiles and the trades table.

    Attributes:
        trades: One row per planned trade, columns = the schema's input keys (typed).
        settings: Plan settings.
        scenarios: The three scenarios, in the order normal, stressed, tail.
        venues: Venue profiles by name.
        extra: Columns of the Plan sheet that are not in the schema, kept verbatim
            (same index as ``trades``).
        journal: Closed trades carried by the workbook (``Journal`` sheet), or ``None``.
        sheet_rows: Spreadsheet row number of each trade as read from a workbook (used to name
            rows in messages), or ``None`` (then row ``i`` is sheet row ``i + 2``). Kept here, not
            in ``trades.attrs``: pandas deep-copies ``attrs`` on every column access and
            ``assign``, so a per-row list there made every computation on a loaded plan slow.
        history: Price and funding facts per base coin (SPEC §11), sorted by symbol; rows
            with a blank Vol cell take their σ from here. Empty: no history.
    """

    trades: pd.DataFrame
    settings: Settings = field(default_factory=Settings)
    scenarios: tuple[Scenario, ...] = DEFAULT_SCENARIOS
    venues: dict[str, VenueProfile] = field(default_factory=dict)
    extra: pd.DataFrame | None = None
    journal: pd.DataFrame | None = None
    sheet_rows: tuple[int, ...] | None = None
    history: tuple[SymbolFacts, ...] = ()

    def __post_init__(self) -> None:
        ordered = tuple(sorted(self.history, key=lambda f: f.symbol))
        if ordered != self.history:  # one order, so equal snapshots compare equal
            object.__setattr__(self, "history", ordered)

    def scenario(self, name: str) -> Scenario:
        """Return the scenario called ``name``."""
        for s in self.scenarios:
            if s.name == name:
                return s
        raise KeyError(name)

    def with_changes(self, **changes: Any) -> Plan:
        """Return a copy with some fields replaced."""
        return replace(self, **changes)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Plan):
            return NotImplemented
        return (
            self.settings == other.settings
            and self.scenarios == other.scenarios
            and self.venues == other.venues
            and self.history == other.history
            and _frames_equal(self.trades, other.trades)
            and _frames_equal(self.extra, other.extra)
            and _frames_equal(self.journal, other.journal)
        )

    __hash__ = None  # type: ignore[assignment]


def _frames_equal(a: pd.DataFrame | None, b: pd.DataFrame | None) -> bool:
    """Compare two optional frames by values and column order (index ignored)."""
    if a is None or b is None:
        return (a is None or a.empty and len(a.columns) == 0) and (
            b is None or b.empty and len(b.columns) == 0
        )
    if list(a.columns) != list(b.columns) or len(a) != len(b):
        return False
    return bool(_text_as_object(a).equals(_text_as_object(b)))


def _text_as_object(frame: pd.DataFrame) -> pd.DataFrame:
    """Same values with pandas' string dtype turned into plain object.

    ``str`` vs ``object`` storage is a detail, not a difference the user can see.
    """
    import pandas as pd

    out = frame.reset_index(drop=True)
    text = [c for c in out.columns if isinstance(out[c].dtype, pd.StringDtype)]
    return out.astype({c: object for c in text}) if text else out
