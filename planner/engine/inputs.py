"""Turn a typed trades frame into the numpy arrays the formulas use (fractions, signs, tiers)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.engine.markets import Markets, TierTable
from planner.model import FORMULAS, Settings, VenueProfile
from planner.schema import INPUTS

F64 = NDArray[np.float64]
#: Prefix of the extra columns (``hist_funding_stressed`` …) that carry history funding, %.
HIST_FUNDING = "hist_funding_"
#: The extra column that carries each row's empirical tail table index (NaN: none).
TAIL_CODE = "tail_code"


@dataclass(frozen=True)
class RowArrays:
    """Per-row inputs as arrays, in engine units (fractions, +1/−1 sides).

    Attributes:
        s: +1 long, −1 short.
        entry: Entry price E.
        leverage: Leverage L.
        sigma: Daily σ, fraction.
        risk_pct: Risk budget, % of capital.
        stop: Stop distance given by the user, fraction (NaN = use the σ band).
        target: Target distance, fraction (NaN = none).
        f: Funding per interval, fraction (signed, positive = longs pay).
        index: Index price (NaN = none).
        slip: Slippage per fill, fraction.
        gas: Gas per transaction, USD.
        extra: Extra isolated margin, USD.
        by_margin: True where sizing = margin.
        maker_entry: True where fee_mode = maker (the entry pays the maker fee).
        delay_s: Oracle delay, seconds.
        venue_code: Index into the venue list per row (−1 = unknown venue).
        market_code: Index of the row's market (its venue's instrument for the row's symbol,
            else the venue's default table; see :mod:`planner.engine.markets`), −1 = unknown.
        coin: The row's base coin (:func:`planner.model.base_symbol`).
        hist_funding: Scenario name -> the funding rate from history a stress pays per row,
            signed fraction per 8 h (NaN: none); empty unless ``funding_from_history``
            (:mod:`planner.engine.history`).
        tail_code: Per row the index of its empirical tail table in ``tails`` (NaN: none);
            ``None`` unless ``tail_model = empirical``.
        tails: The empirical tail tables, ``(down, up)`` sorted excursions in trailing σ.
    """

    s: F64
    entry: F64
    leverage: F64
    sigma: F64
    risk_pct: F64
    stop: F64
    target: F64
    f: F64
    funding_pct: F64
    index: F64
    slip: F64
    gas: F64
    extra: F64
    by_margin: NDArray[np.bool_]
    maker_entry: NDArray[np.bool_]
    delay_s: F64
    venue_code: NDArray[np.intp]
    market_code: NDArray[np.intp]
    coin: NDArray[np.object_]
    hist_funding: Mapping[str, F64] = field(default_factory=dict)
    tail_code: F64 | None = None
    tails: Sequence[tuple[F64, F64]] = ()


Columns = Mapping[str, NDArray[Any]]


def input_columns(trades: pd.DataFrame) -> dict[str, NDArray[Any]]:
    """The trades' input columns as numpy arrays.

    Float columns come as float64 (NaN = blank), the others as object arrays; views where the
    frame's storage allows. Slice them to evaluate a chunk of rows.
    """
    return {c.key: trades[c.key].to_numpy(dtype=float, na_value=np.nan) if c.dtype == "float"
            else trades[c.key].to_numpy(dtype=object) for c in INPUTS}


def _num(cols: Columns, key: str, default: float) -> F64:
    col = cols[key]
    if np.isnan(default):
        return col
    blank = np.isnan(col)
    return np.where(blank, default, col) if blank.any() else col


def venue_codes(cols: Columns, settings: Settings, names: list[str]) -> NDArray[np.intp]:
    """Index of each row's venue in ``names`` (blank = default venue); −1 when unknown.

    Factorises the column once, then maps the few distinct names: no per-row string work.
    """
    codes, uniques = pd.factorize(cols["venue"])
    position = {n: i for i, n in enumerate(names)}
    blank = position.get(settings.default_venue, -1)  # code −1: a missing value
    lookup = np.array([position.get(str(u).strip() or settings.default_venue, -1)
                       for u in uniques] + [blank], dtype=np.intp)
    return lookup[codes]


def row_arrays(cols: Columns, settings: Settings, markets: Markets,
               tails: Sequence[tuple[F64, F64]] = ()) -> RowArrays:
    """The engine's arrays from the trades' input columns (see :func:`input_columns`).

    Works on all of the rows or a slice of them. Blank inputs take their defaults.

    Args:
        cols: Input columns, with the extra columns of :mod:`planner.engine.history`.
        settings: The plan settings.
        markets: The plan's markets.
        tails: The empirical tail tables the ``tail_code`` column points into.
    """
    nan = float("nan")
    venue_code = venue_codes(cols, settings, list(markets.venue_names))
    side = cols["side"]
    funding_pct = _num(cols, "funding_pct", 0.0)
    market_code, coin = markets.codes_and_coins(venue_code, cols["symbol"])
    return RowArrays(
        s=1.0 - 2.0 * (side == "short"),
        entry=_num(cols, "entry_price", nan),
        leverage=_num(cols, "leverage", 5.0),
        sigma=_num(cols, "volatility_pct", nan) / 100.0,
        risk_pct=_num(cols, "risk_pct", 1.0),
        stop=_num(cols, "stop_pct", nan) / 100.0,
        target=_num(cols, "target_pct", nan) / 100.0,
        f=funding_pct / 100.0,
        funding_pct=funding_pct,
        index=_num(cols, "index_price", nan),
        slip=_num(cols, "slippage_bps", 5.0) / 10_000.0,
        gas=_num(cols, "gas_usd", 0.0),
        extra=_num(cols, "extra_margin_usd", 0.0),
        by_margin=cols["sizing"] == "margin",
        maker_entry=cols["fee_mode"] == "maker",
        delay_s=_num(cols, "oracle_delay_s", 0.0),
        venue_code=venue_code,
        market_code=market_code,
        coin=coin,
        hist_funding={k[len(HIST_FUNDING):]: cols[k] / 100.0 for k in cols
                      if k.startswith(HIST_FUNDING)},
        tail_code=cols.get(TAIL_CODE),
        tails=tails,
    )


@dataclass(frozen=True)
class VenueArrays:
    """Per-row venue parameters.

    Attributes:
        fee: Taker fee, fraction.
        maker: Maker fee, fraction (may be negative: a rebate).
        interval_h: Funding interval, hours.
        family: Formula family code per row: the index in :data:`planner.model.FORMULAS`
            (0 binance, 1 bybit, 2 okx).
        tick: Price increment of the row's instrument (0 = none).
        lot: Quantity increment of the row's instrument, base units (0 = none).
        min_notional: Smallest order value of the row's instrument, USD (0 = none).
        instrument: The row's instrument symbol (``""`` = the venue's default table).
    """

    fee: F64
    maker: F64
    interval_h: F64
    family: NDArray[np.int8]
    tick: F64
    lot: F64
    min_notional: F64
    instrument: NDArray[np.object_]


def venue_arrays(codes: NDArray[np.intp], markets: Markets) -> VenueArrays:
    """Broadcast market-level parameters to rows by market code (unknown codes rejected before)."""
    venues = markets.profiles
    fee = np.array([v.taker_fee_pct / 100.0 for v in venues] + [np.nan])
    maker = np.array([v.maker_fee_pct / 100.0 for v in venues] + [np.nan])
    interval = np.array([v.funding_interval_hours for v in venues] + [np.nan])
    family = np.array([FORMULAS.index(v.formula) for v in venues] + [0], dtype=np.int8)
    return VenueArrays(fee=fee[codes], maker=maker[codes], interval_h=interval[codes],
                       family=family[codes], tick=markets.tick[codes], lot=markets.lot[codes],
                       min_notional=markets.min_notional[codes],
                       instrument=np.array([*markets.symbols, ""], dtype=object)[codes])


@dataclass(frozen=True)
class TierArrays:
    """Per-row tier chosen by notional at entry.

    Attributes:
        mmr: Maintenance margin rate, fraction.
        cum: Maintenance amount, USD.
        max_leverage: Tier's max leverage.
        overflow: True where the notional is above the venue's largest tier.
    """

    mmr: F64
    cum: F64
    max_leverage: F64
    overflow: NDArray[np.bool_]


def tier_arrays(codes: NDArray[np.intp], notional: F64,
                venues: Sequence[VenueProfile] | TierTable) -> TierArrays:
    """Pick each row's tier: the first whose ``max_notional_usd`` ≥ the row's notional.

    All markets' tiers sit in one flat table (:class:`TierTable`, given or built from one
    profile per market); each row's position in it is its market's first tier plus the number
    of the market's bounds below the notional (the last tier takes the rest, NaN included).
    One binary search over complex keys ``market + 1j·bound`` finds both at once, for every
    row: no loop over markets or rows.
    """
    table = venues if isinstance(venues, TierTable) else TierTable.of(venues)
    key = np.empty(len(codes), dtype=np.complex128)
    key.real = codes
    key.imag = notional
    np.copyto(key.imag, np.inf, where=np.isnan(notional))  # NaN: the market's last tier
    local = np.searchsorted(table.keys, key, side="left") - table.first_key[codes]
    flat = table.first_tier[codes] + local
    return TierArrays(
        mmr=table.mmr[flat],
        cum=table.cum[flat],
        max_leverage=table.max_leverage[flat],
        overflow=notional > table.bound[flat],
    )
