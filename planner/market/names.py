"""Symbols and candle intervals: how market data is named.

Intervals are Binance's names (``1s``, ``1m``, ``3m``, ``5m``, ``15m``, ``30m``, ``1h``, ``2h``,
``4h``, ``6h``, ``8h``, ``12h``, ``1d``, ``3d``, ``1w``); the monthly ``1M`` (``1mo``) has no fixed
length and is refused.

Symbol matching (one rule for the plan, the instruments, the journal, the CLI and the replay):
a symbol's *base* is :func:`planner.model.base_symbol` (upper case, cut at the first separator
``/ : - _`` or space, one quote suffix such as ``USDT``/``USDC``/``FDUSD``/``PERP`` dropped:
``BTC/USDC:USDC``, ``BTC-PERP`` and ``btcusdt`` are all ``BTC``). A plan row's symbol
finds the stored series with the same base; when several share it, the preferred is the one
spelled exactly like the row, then ``<base>USDT``, then ``<base>USDC``, then the rest in
alphabetical order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from planner.model import base_symbol

US_PER_SECOND = 1_000_000
US_PER_DAY = 86_400 * US_PER_SECOND
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 7 * 86_400}
INTERVALS = ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d",
             "3d", "1w")
_SYMBOL = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:-]{0,39}$")


def interval_us(interval: str) -> int:
    """Length of one candle of ``interval`` in microseconds.

    Raises:
        ValueError: Not one of :data:`INTERVALS` (names the ones that are).
    """
    if interval not in INTERVALS:
        if interval in ("1M", "1mo"):
            raise ValueError("monthly candles (1M) have no fixed length; use 1d or shorter")
        raise ValueError(f"unknown interval {interval!r} (use one of {', '.join(INTERVALS)})")
    return int(interval[:-1]) * _UNITS[interval[-1]] * US_PER_SECOND


def candles_per_day(interval: str) -> float:
    """How many candles of ``interval`` make a day (``1h`` -> 24; ``1w`` -> 1/7)."""
    return US_PER_DAY / interval_us(interval)


def check_symbol(symbol: str) -> str:
    """Return ``symbol`` upper-cased if it can name a series.

    Raises:
        ValueError: Blank, too long, or with characters a symbol does not have.
    """
    text = symbol.strip()
    if not _SYMBOL.match(text):
        raise ValueError(f"not a symbol: {symbol!r} (letters, digits and . _ / : - only, "
                         "at most 40)")
    return text.upper()


def match_series(symbol: str, stored: Iterable[str]) -> str | None:
    """The stored series a row's ``symbol`` reads (rule in the module docstring), or ``None``."""
    base = base_symbol(symbol)
    same = sorted(s for s in stored if base_symbol(s) == base)
    if not same:
        return None
    order = [symbol.strip().upper(), base + "USDT", base + "USDC"]
    for want in order:
        if want in same:
            return want
    return same[0]
