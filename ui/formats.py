"""How every kind of number is shown: one formatter per schema ``Column.fmt``.

The grid, the selected-trade panel, the status bar and the settings tables all format through
:func:`formatter`; nothing else in ``ui/`` formats numbers. Blank (NaN / ``None``) is ``""``.

* ``price`` — enough decimals for about six significant digits, at least two, trailing zeros
  beyond two dropped: ``65,000.00``, ``14.25``, ``0.1612``;
* ``usd`` — whole dollars with thousands separators; ``usd2`` — cents;
* ``qty`` — up to eight decimals, trailing zeros dropped;
* ``pct`` — percent units as stored (``3.00`` for 3 %); up to four decimals below 1;
* ``frac`` and ``prob`` — fractions shown as percentages (``0.0370`` → ``3.70%``);
* ``ratio`` — up to two decimals (``5``, ``2.5``, ``1.33``); ``lev`` — ``5x``, ``7.1x``;
* ``bool`` — ``yes`` or blank.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

Formatter = Callable[[Any], str]


def _blank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v))


def _trim(text: str, keep: int) -> str:
    """Drop trailing zeros after the decimal point, keeping at least ``keep`` decimals."""
    if "." not in text:
        return text
    head, tail = text.split(".")
    tail = tail.rstrip("0")
    tail = tail + "0" * (keep - len(tail)) if len(tail) < keep else tail
    return f"{head}.{tail}" if tail else head


def _decimals(x: float, significant: int, lo: int, hi: int) -> int:
    if x == 0 or not math.isfinite(x):
        return lo
    return max(lo, min(hi, significant - 1 - math.floor(math.log10(abs(x)))))


def fmt_price(v: Any) -> str:
    """A price with about six significant digits and at least two decimals."""
    if _blank(v):
        return ""
    x = float(v)
    return _trim(f"{x:,.{_decimals(x, 6, 2, 10)}f}", 2)


def fmt_usd(v: Any) -> str:
    """Whole US dollars with thousands separators."""
    return "" if _blank(v) else f"{float(v):,.0f}"


def fmt_usd2(v: Any) -> str:
    """US dollars and cents with thousands separators."""
    return "" if _blank(v) else f"{float(v):,.2f}"


def fmt_qty(v: Any) -> str:
    """A quantity: up to eight decimals, trailing zeros dropped."""
    if _blank(v):
        return ""
    x = float(v)
    return _trim(f"{x:,.{_decimals(x, 6, 0, 8)}f}", 0)


def fmt_pct(v: Any) -> str:
    """A value already in percent units: two decimals, up to four below 1 (``0.012``)."""
    if _blank(v):
        return ""
    x = float(v)
    return _trim(f"{x:,.4f}", 2) if abs(x) < 1 else f"{x:,.2f}"


def fmt_frac(v: Any) -> str:
    """A fraction shown as a percentage with two decimals (more when tiny)."""
    if _blank(v):
        return ""
    x = float(v) * 100.0
    return f"{x:,.{_decimals(x, 2, 2, 4)}f}%"


def fmt_prob(v: Any) -> str:
    """A probability in [0, 1] as a percentage; tiny non-zero values as ``<0.01%``."""
    if _blank(v):
        return ""
    x = float(v) * 100.0
    return "<0.01%" if 0 < x < 0.005 else f"{x:.2f}%"


def fmt_ratio(v: Any) -> str:
    """A plain number with up to two decimals."""
    return "" if _blank(v) else _trim(f"{float(v):,.2f}", 0)


def fmt_lev(v: Any) -> str:
    """A leverage, ``5x`` or ``7.1x``."""
    return "" if _blank(v) else _trim(f"{float(v):,.1f}", 0) + "x"


def fmt_bool(v: Any) -> str:
    """``yes`` for true, blank otherwise."""
    return "yes" if not _blank(v) and bool(v) else ""


def fmt_text(v: Any) -> str:
    """Text as is."""
    return "" if _blank(v) else str(v)


FORMATTERS: dict[str, Formatter] = {
    "text": fmt_text, "usd": fmt_usd, "usd2": fmt_usd2, "price": fmt_price, "qty": fmt_qty,
    "pct": fmt_pct, "frac": fmt_frac, "prob": fmt_prob, "ratio": fmt_ratio, "lev": fmt_lev,
    "bool": fmt_bool, "datetime": fmt_text,
}

#: Display kinds shown right-aligned (numbers); the rest are left-aligned or centred.
NUMERIC = frozenset({"usd", "usd2", "price", "qty", "pct", "frac", "prob", "ratio", "lev"})


def formatter(fmt: str) -> Formatter:
    """The formatter for a schema display kind (``Column.fmt``)."""
    return FORMATTERS.get(fmt, fmt_text)


def edit_text(v: Any) -> str:
    """A raw value as an editor shows it: plain digits, no separators, blank for NaN."""
    v = v.item() if hasattr(v, "item") else v
    if _blank(v):
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return f"{float(v):.12g}"
    return str(v)
