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
    """

    profiles: tuple[VenueProfile, ...]
    symbols: tuple[str, ...]
    venue_names: tuple[str, ...]
    tick: F64
    lot: F64
    min_notional: F64
    defaults: NDArray[np.intp]
    lookup: dict[tuple[int, str], int]

    def codes(self, venue_code: NDArray[np.intp], symbol: NDArray[np.object_]) -> NDArray[np.intp]:
        """Market index per row (−1 where the venue is unknown).

        Factorises the symbols and the (venue, symbol) pairs, then resolves each distinct pair
        once: no per-row string work.
        """
        sym_code, uniques = pd.factorize(symbol, use_na_sentinel=False)
        bases = [base_symbol(u) for u in uniques]
        pair = venue_code.astype(np.int64) * max(len(uniques), 1) + sym_code
        pair_code, pairs = pd.factorize(pair)
        width = max(len(uniques), 1)
        resolved = np.array([self._resolve(int(p) // width, bases[int(p) % width])
                             for p in pairs], dtype=np.intp)
        return resolved[pair_code] if len(pair_code) else np.zeros(0, dtype=np.intp)

    def _resolve(self, venue: int, base: str) -> int:
        if venue < 0:
            return -1
        return self.lookup.get((venue, base), int(self.defaults[venue]))


def markets_of(venues: Sequence[VenueProfile]) -> Markets:
    """The :class:`Markets` of venue profiles (cached for the last few venue sets)."""
    return _markets(tuple(venues))


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
                   np.array(defaults, dtype=np.intp), lookup)


__all__ = ["Markets", "markets_of"]
