"""Each row's market: its venue's instrument for the row's symbol, else the venue's default.

A *market* is one tier table with its order rules (tick, lot step, minimum notional): a venue's
default table or one of its instruments (SPEC §10). The engine keeps working on arrays: every
row gets a market code, and the venue-level and tier arrays are looked up by that code, so no
formula downstream knows instruments exist.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from planner.model import VenueProfile, base_symbol

F64 = NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class TierTable:
    """Every market's tiers in flat arrays, for picking each row's tier by notional.

    Attributes:
        keys: ``market + 1j·bound`` for each market's tier bounds except its last tier's, in
            market order then bound order: complex numbers compare by real part, then
            imaginary part, so one binary search finds a row's market and then its tier.
        first_key: Position of each market's first bound in ``keys``.
        first_tier: Position of each market's first tier in the flat arrays.
        bound: ``max_notional_usd`` per tier.
        mmr: Maintenance margin rate per tier, fraction.
        cum: Maintenance amount per tier, USD.
        max_leverage: Maximum leverage per tier.
    """

    keys: NDArray[np.complex128]
    first_key: NDArray[np.intp]
    first_tier: NDArray[np.intp]
    bound: F64
    mmr: F64
    cum: F64
    max_leverage: F64

    @classmethod
    def of(cls, venues: Sequence[VenueProfile]) -> TierTable:
        """The table of the markets ``venues`` (one profile per market)."""
        tiers = [t for v in venues for t in v.tiers]
        keys = [code + 1j * t.max_notional_usd
                for code, v in enumerate(venues) for t in v.tiers[:-1]]
        return cls(np.array(keys, dtype=np.complex128),
                   np.cumsum([0] + [len(v.tiers) - 1 for v in venues])[:-1].astype(np.intp),
                   np.cumsum([0] + [len(v.tiers) for v in venues])[:-1].astype(np.intp),
                   np.array([t.max_notional_usd for t in tiers]),
                   np.array([t.mmr_pct / 100.0 for t in tiers]),
                   np.array([t.maintenance_amount_usd for t in tiers]),
                   np.array([t.max_leverage for t in tiers]))


@dataclass(frozen=True, eq=False)
class Markets:
    """The markets of a plan's venues, in venue order (each venue's default first).

    Attributes:
        profiles: One profile per market: the venue with the market's tiers and funding
            interval (the tier and venue arrays are looked up in this list).
        symbols: The instrument symbol of each market (``""`` = the venue's default).
        venue_names: The plan's venue names, in order (a row's venue code indexes this).
        tick: Price increment per market, with a trailing NaN for unknown rows.
        lot: Quantity increment per market (0 = none), trailing NaN.
        min_notional: Minimum order value per market, USD, trailing NaN.
        defaults: Market index of each venue's default table.
        lookup: Market index by ``(venue index, instrument symbol)``.
        tiers: The markets' tiers (see :class:`TierTable`).
    """

    profiles: tuple[VenueProfile, ...]
    symbols: tuple[str, ...]
    venue_names: tuple[str, ...]
    tick: F64
    lot: F64
    min_notional: F64
    defaults: NDArray[np.intp]
    lookup: dict[tuple[int, str], int]
    tiers: TierTable

    def codes(self, venue_code: NDArray[np.intp], symbol: NDArray[np.object_]) -> NDArray[np.intp]:
        """Market index per row (−1 where the venue is unknown)."""
        return self.codes_and_coins(venue_code, symbol)[0]

    def codes_and_coins(self, venue_code: NDArray[np.intp], symbol: NDArray[np.object_]
                        ) -> tuple[NDArray[np.intp], NDArray[np.object_]]:
        """Market index per row (−1 where the venue is unknown) and the row's base coin.

        Factorises the symbols, then resolves each (venue, symbol) pair present once through a
        small dense table indexed by the pair: no per-row string work.
        """
        sym_code, uniques = pd.factorize(symbol)  # −1 = missing: the venue's default
        bases = ["", *(_base(u) for u in uniques)]  # by code + 1
        coins = np.array(bases, dtype=object)[sym_code + 1]
        return self._codes(venue_code, sym_code, bases), coins

    def _codes(self, venue_code: NDArray[np.intp], sym_code: NDArray[np.intp],
               bases: list[str]) -> NDArray[np.intp]:
        width = len(bases)
        # venue −1 (unknown) → row 0 of the table; a pair's slot: (venue + 1) · width + symbol
        pair = (venue_code.astype(np.intp) + 1) * width + (sym_code + 1)
        size = (len(self.venue_names) + 1) * width
        if size > 4 * len(pair) + 4096:  # many venues × many symbols: factorise the pairs
            pair_code, slots = pd.factorize(pair)
            return np.array([self._resolve(int(s) // width - 1, bases[int(s) % width])
                             for s in slots], dtype=np.intp)[pair_code]
        table = np.full(size, -1, dtype=np.intp)
        for slot in np.flatnonzero(np.bincount(pair, minlength=size)):
            table[slot] = self._resolve(int(slot) // width - 1, bases[int(slot) % width])
        return table[pair]

    def _resolve(self, venue: int, base: str) -> int:
        if venue < 0:
            return -1
        return self.lookup.get((venue, base), int(self.defaults[venue]))


@lru_cache(maxsize=4096)
def _base(symbol: object) -> str:
    """:func:`planner.model.base_symbol`, remembered for the symbols seen lately."""
    return base_symbol(symbol)


#: The last few venue sets by the identity of their profiles, with the profiles themselves
#: (held, so that their ids stay theirs).
_by_identity: dict[tuple[int, ...], tuple[tuple[VenueProfile, ...], Markets]] = {}
_IDENTITY_SLOTS = 8


def markets_of(venues: Sequence[VenueProfile]) -> Markets:
    """The :class:`Markets` of venue profiles (cached for the last few venue sets).

    The same profile objects hit a cache keyed by identity. Equal profiles that are other
    objects (a plan read from a workbook after the sample plan, say) fall through to a cache
    keyed by value, which compares every tier of every instrument: done once per venue set,
    not on every compute.
    """
    profiles = tuple(venues)
    key = tuple(map(id, profiles))
    hit = _by_identity.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], profiles, strict=True)):
        return hit[1]
    markets = _markets(profiles)
    if len(_by_identity) >= _IDENTITY_SLOTS:
        _by_identity.pop(next(iter(_by_identity)), None)
    _by_identity[key] = (profiles, markets)
    return markets


@lru_cache(maxsize=8)
def _markets(venues: tuple[VenueProfile, ...]) -> Markets:
    profiles: list[VenueProfile] = []
    symbols: list[str] = []
    defaults: list[int] = []
    lookup: dict[tuple[int, str], int] = {}
    ticks: list[float] = []
    lots: list[float] = []
    mins: list[float] = []
    for vi, v in enumerate(venues):
        defaults.append(len(profiles))
        for m in v.markets():
            if m.symbol:
                lookup[(vi, m.symbol)] = len(profiles)
            profiles.append(replace(v, tiers=m.tiers, instruments=(),
                                    funding_interval_hours=m.funding_interval_hours))
            symbols.append(m.symbol)
            ticks.append(m.tick_size)
            lots.append(m.lot_step)
            mins.append(m.min_notional_usd)
    nan = [np.nan]
    return Markets(tuple(profiles), tuple(symbols), tuple(v.name for v in venues),
                   np.array(ticks + nan), np.array(lots + nan), np.array(mins + nan),
                   np.array(defaults, dtype=np.intp), lookup, TierTable.of(profiles))


__all__ = ["Markets", "TierTable", "markets_of"]
