"""Reading the cells of an export through its preset: numbers with units, sides, kinds, times.

Each reader is vectorised over a column and records a problem per bad cell (line, header,
why) instead of stopping, so every bad row of a file is listed at once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from planner.errors import CellIssue
from planner.journal.formats.load import Loaded
from planner.journal.formats.preset import SIDE_WORDS
from planner.journal.formats.timeread import read_times

_NUMBER_UNIT = (r"^\s*([-+]?(?:\d[\d,]*)?\.?\d*(?:[eE][-+]?\d+)?)\s*"
                r"([A-Za-z][A-Za-z0-9]{0,11})?\s*$")
_THOUSANDS = r"(?<=\d),(?=\d{3}(?:\D|$))"


class Cells:
    """The cells of one loaded export, read field by field.

    Args:
        loaded: The export.
        tz: Timezone of naive times when the file names no offset (``--timezone``).
        dayfirst: Day/month order of slashed dates, or ``None``.

    Attributes:
        problems: Line -> [(header, why)] for every bad cell found so far.
    """

    def __init__(self, loaded: Loaded, tz: str | None, dayfirst: bool | None) -> None:
        self.loaded = loaded
        self.preset = loaded.preset
        self.index = loaded.table.index
        self.tz = tz or ("UTC" if self.preset.utc else None)
        self.dayfirst = dayfirst
        self.problems: dict[int, list[tuple[str, str]]] = {}
        self._memo: dict[str, pd.Series] = {}

    def header(self, fieldname: str) -> str | None:
        """The file's header for a field, or ``None`` when the file has no such column."""
        return self.preset.header_for(fieldname, self.loaded.headers)

    def raw(self, fieldname: str) -> pd.Series:
        """The field's cells as stripped text ("" when the column is missing)."""
        key = "raw:" + fieldname
        if key not in self._memo:
            h = self.header(fieldname)
            self._memo[key] = pd.Series("", index=self.index, dtype=object) if h is None \
                else self.loaded.table[h].astype(str).str.strip()
        return self._memo[key]

    def flag(self, mask: np.ndarray | pd.Series, fieldname: str, why: str | pd.Series) -> None:
        """Record ``why`` for the rows of ``mask`` (``why`` may be per row)."""
        header = self.header(fieldname) or fieldname
        rows = self.index[np.asarray(mask, dtype=bool)]
        for r in rows:
            text = why if isinstance(why, str) else str(why[r])
            self.problems.setdefault(int(r), []).append((header, text))

    def issues(self) -> list[CellIssue]:
        """Every problem, in line order."""
        return [CellIssue(self.loaded.name, r, h, w)
                for r in sorted(self.problems) for h, w in self.problems[r]]

    def number(self, fieldname: str, *, required: bool = False,
               rows: pd.Series | None = None) -> tuple[np.ndarray, pd.Series]:
        """A numeric field and the unit written after each number (``0.0368USDT``)."""
        text = self.raw(fieldname)
        arr, unit = _numbers_with_units(text)
        wanted = np.ones(len(text), bool) if rows is None else rows.to_numpy(dtype=bool)
        bad = (text != "").to_numpy() & ~np.isfinite(arr) & wanted
        self.flag(bad, fieldname, "expected a finite number, got " + text.map(repr).astype(str))
        if required:
            self.flag((text == "").to_numpy() & wanted, fieldname,
                      f"{self.header(fieldname) or fieldname} is required")
        arr[~np.isfinite(arr)] = np.nan
        return arr, unit

    def positive(self, fieldname: str, rows: pd.Series | None = None) -> np.ndarray:
        """A required field that must be > 0 (prices, quantities)."""
        arr, _ = self.number(fieldname, required=True, rows=rows)
        wanted = np.ones(len(arr), bool) if rows is None else rows.to_numpy(dtype=bool)
        with np.errstate(invalid="ignore"):
            shown = pd.Series(arr, index=self.index).map("{:g}".format).astype(str)
            self.flag(wanted & (arr <= 0), fieldname, "must be > 0, got " + shown)
        return arr

    def times(self, fieldname: str, *, required: bool = True) -> pd.Series:
        """A time field as UTC (NaT where bad or blank); read once."""
        if fieldname not in self._memo:
            self._memo[fieldname] = self._times(fieldname, required)
        return self._memo[fieldname]

    def _times(self, fieldname: str, required: bool) -> pd.Series:
        header = self.header(fieldname) or fieldname
        times, why = read_times(self.raw(fieldname), self.loaded.offset, self.tz, self.dayfirst,
                                self.loaded.name, header)
        self.flag(why.notna().to_numpy(), fieldname, why.fillna(""))
        if required:
            blank = times.isna().to_numpy() & why.isna().to_numpy()
            self.flag(blank, fieldname, f"{header} is required")
        from planner.journal.times import outside_range, range_text

        self.flag(outside_range(times), fieldname, f"outside the supported range ({range_text()})")
        return times

    def symbols(self) -> pd.Series:
        """The symbol field, upper case; blank ones flagged (once)."""
        if "symbol" not in self._memo:
            sym = self.raw("symbol").str.upper()
            self.flag((sym == "").to_numpy(), "symbol", "a symbol is required")
            self._memo["symbol"] = sym
        return self._memo["symbol"]

    def sides(self, rows: pd.Series | None = None, *, books: bool = False) -> pd.DataFrame:
        """Order side (buy/sell), position side ("" / long / short) and opens? per row.

        The position side is kept only for hedge-mode words, or when ``books`` asks for it
        (one-row-per-trade exports name the position's side).
        """
        low = self.raw("side").str.lower().str.replace(r"\s+", " ", regex=True)
        words = _side_words(self.preset.side)
        known = low.map(words)
        wanted = np.ones(len(low), bool) if rows is None else rows.to_numpy(dtype=bool)
        self.flag(known.isna().to_numpy() & wanted, "side",
                  "unknown side " + self.raw("side").map(repr).astype(str)
                  + f" for {self.preset.name}")
        filled = known.map(lambda v: v if isinstance(v, tuple) else ("", "", None))
        out = pd.DataFrame(filled.tolist(), index=self.index, columns=["side", "book", "opens"])
        if not (self.preset.hedge_words or books):
            out["book"] = ""
        return out


def _numbers_with_units(text: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """Numbers of a text column and the unit after each; plain numbers take the fast path."""
    arr = pd.to_numeric(text.where(text != ""), errors="coerce").to_numpy(
        dtype=float, na_value=np.nan, copy=True)
    unit = pd.Series("", index=text.index, dtype=object)
    odd = np.isnan(arr) & (text != "").to_numpy()
    if odd.any():
        cells = text[odd]
        if cells.str.contains(",", regex=False).any():
            cells = cells.str.replace(_THOUSANDS, "", regex=True)
        parts = cells.str.extract(_NUMBER_UNIT)
        values = pd.to_numeric(parts[0].where(parts[0].str.strip() != ""), errors="coerce")
        arr[odd] = values.to_numpy(dtype=float, na_value=np.nan)
        unit[odd] = parts[1].fillna("").str.upper().to_numpy()
    return arr, unit


def _side_words(reader: str) -> Mapping[str, tuple[str, str, bool | None]]:
    """Side words a reader accepts (``position`` and ``closing`` give the position side)."""
    if reader == "order":
        return {w: v for w, v in SIDE_WORDS.items() if v[1] == ""}
    if reader == "position":
        return {"long": ("buy", "long", None), "short": ("sell", "short", None),
                "buy": ("buy", "long", None), "sell": ("sell", "short", None)}
    if reader == "closing":
        return {"sell": ("buy", "long", None), "close long": ("buy", "long", None),
                "long": ("buy", "long", None), "buy": ("sell", "short", None),
                "close short": ("sell", "short", None), "short": ("sell", "short", None)}
    return SIDE_WORDS


def row_kinds(text: pd.Series) -> pd.Series:
    """``funding``, ``liquidation``, ``trade`` or the venue's own word (ledger rows)."""
    low = text.str.lower()
    out = pd.Series("trade", index=text.index, dtype=object)
    out[low.str.contains("fund", regex=False)] = "funding"
    liq = low.str.contains("liquidat|bust|insurance_clear", regex=True)
    out[liq] = "liquidation"
    other = ~low.isin(["", "trade", "fill", "trades"]) & (out == "trade")
    return out.where(~other, "other:" + text)
