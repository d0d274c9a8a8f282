"""Column mappings: read any exchange or broker export into the journal.

A :class:`ColumnMapping` says which column of the export is the time, the symbol, the side, the
price, the quantity, the fee, the realized P&L…, which timezone its times are in, and how its
side and fee columns read. Mappings are saved by name in the journal file (as JSON) and reused
for the next export of the same shape.

One row of the export becomes one journal row. A fill export (one row per execution, with the
exchange's realized P&L per fill) imports each closing fill as a trade whose P&L is the
exchange's figure; opening fills carry no realized P&L and can be skipped with
``skip_zero_pnl``. Exports of round trips (entry and exit price) get their P&L from the prices.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import pandas as pd

from planner.errors import CellIssue, FileRefused
from planner.journal.csvio import read_table, repeated_headers
from planner.journal.frame import FLOAT_KEYS, Parsed, parse_journal
from planner.journal.times import check_timezone

#: Journal fields a mapping can fill, with the label shown in the mapping dialog.
TARGETS: dict[str, str] = {
    "closed_at": "Time (close / fill)",
    "symbol": "Symbol",
    "side": "Side",
    "exit_price": "Price (exit / fill)",
    "quantity": "Quantity",
    "fees_usd": "Fee",
    "reported_pnl_usd": "Realized P&L",
    "entry_price": "Entry price",
    "opened_at": "Open time",
    "funding_usd": "Funding",
    "execution_id": "Trade / execution id",
    "leverage": "Leverage",
    "bucket": "Bucket",
    "venue": "Venue",
    "notes": "Notes",
}
REQUIRED = ("closed_at", "symbol")
LONG_WORDS = ("long", "buy", "b", "bid", "l", "open long", "close long")
SHORT_WORDS = ("short", "sell", "s", "ask", "open short", "close short")
_ORDER_WORDS = {"buy": "long", "b": "long", "bid": "long",
                "sell": "short", "s": "short", "ask": "short"}
_UNIT_SUFFIX = r"^\s*([-+]?[$€£]?[\d.,]+(?:[eE][-+]?\d+)?)\s*[A-Za-z]{2,6}\s*$"


@dataclass(frozen=True)
class ColumnMapping:
    """How to read one shape of export.

    Attributes:
        name: Name the mapping is saved under.
        columns: Journal field (:data:`TARGETS`) -> the export's column header.
        timezone: IANA timezone of times without an offset (e.g. ``UTC``, ``Asia/Singapore``).
        time_format: ``strftime`` pattern of the times ("" = ISO-8601 or a common layout).
        dayfirst: Read ``03/04/2024`` as 3 April (only when ``time_format`` is "").
        closing_side: The side column is the order side of the *closing* fill (a ``SELL``
            closes a long), as in fill exports; ``long``/``short`` words are never inverted.
        fees_negative: Fees are written as negative numbers (a cost is ``-0.5``).
        funding_paid_positive: Funding is written as paid (positive = paid); the journal keeps
            it as received.
        skip_zero_pnl: Leave out rows whose realized P&L is exactly 0 and that have no prices
            to compute one (opening fills of a fill export).
        pnl_before_costs: The export's realized P&L excludes fees and funding; the journal
            subtracts the fee and adds the funding received.
        bucket: Bucket for rows when no column is mapped to it.
        venue: Venue for rows when no column is mapped to it.
    """

    name: str = ""
    columns: Mapping[str, str] = field(default_factory=dict)
    timezone: str = "UTC"
    time_format: str = ""
    dayfirst: bool = False
    closing_side: bool = False
    fees_negative: bool = False
    funding_paid_positive: bool = False
    skip_zero_pnl: bool = False
    pnl_before_costs: bool = False
    bucket: str = "directional"
    venue: str = ""

    def problems(self, headers: list[str] | None = None) -> list[str]:
        """What makes the mapping unusable (on a file with ``headers``), in plain words."""
        out = [f"map a column to {TARGETS[k]!r}" for k in REQUIRED if not self.columns.get(k)]
        out += [f"unknown journal field {k!r}" for k in self.columns if k not in TARGETS]
        priced = all(self.columns.get(k) for k in ("entry_price", "exit_price", "quantity"))
        if not priced and not self.columns.get("reported_pnl_usd"):
            out.append("map a column to 'Realized P&L', or to 'Entry price', 'Price (exit / "
                       "fill)' and 'Quantity'")
        if priced and not self.columns.get("side"):
            out.append("map a column to 'Side' (needed to compute P&L from prices)")
        try:
            check_timezone(self.timezone)
        except ValueError as exc:
            out.append(str(exc))
        if headers is not None:
            out += [f"the file has no column {h!r} (mapped to {TARGETS.get(k, k)!r})"
                    for k, h in self.columns.items() if h and h not in headers]
            out += repeated_headers(headers, [h for h in self.columns.values() if h])
        return out

    def to_json(self) -> str:
        """The mapping as JSON text (what is saved)."""
        data = asdict(self)
        data["columns"] = dict(self.columns)
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ColumnMapping:
        """Read a mapping saved by :meth:`to_json` (unknown keys are ignored)."""
        data: dict[str, Any] = json.loads(text)
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        known["columns"] = {str(k): str(v) for k, v in dict(known.get("columns", {})).items()}
        return cls(**known)

    def apply(self, table: pd.DataFrame, *, sheet: str = "file") -> Parsed:
        """Read an export table (all text, index = row numbers) into journal rows.

        Raises:
            FileRefused: The mapping does not fit the table (names what is missing).
        """
        problems = self.problems(list(table.columns))
        if problems:
            raise FileRefused([CellIssue(sheet, None, None, p) for p in problems])
        raw = pd.DataFrame({k: table[h] for k, h in self.columns.items() if h}, index=table.index)
        raw = self._normalise(raw)
        if self.skip_zero_pnl and "reported_pnl_usd" in raw:
            raw = raw[~_zero_unpriced(raw)]
        headers = {k: h for k, h in self.columns.items() if h}
        parsed = parse_journal(raw, sheet=sheet, tz=self.timezone, headers=headers,
                               fmt=self.time_format or None, dayfirst=self.dayfirst,
                               source=sheet)
        return replace(parsed, frame=self._signs(parsed.frame))

    def _signs(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Bring fee and funding to the journal's signs; net the reported P&L if asked."""
        frame = frame.copy()
        if self.fees_negative:
            frame["fees_usd"] = -frame["fees_usd"]
        if self.funding_paid_positive:
            frame["funding_usd"] = -frame["funding_usd"]
        if self.pnl_before_costs:
            frame["reported_pnl_usd"] += frame["funding_usd"] - frame["fees_usd"]
        return frame

    def _normalise(self, raw: pd.DataFrame) -> pd.DataFrame:
        for key in raw.columns:
            if key in FLOAT_KEYS:
                raw[key] = raw[key].astype(str).str.replace(_UNIT_SUFFIX, r"\1", regex=True)
        if "side" in raw:
            raw["side"] = self._sides(raw["side"])
        if "bucket" not in raw:
            raw["bucket"] = self.bucket
        if "venue" not in raw:
            raw["venue"] = self.venue
        return raw

    def _sides(self, side: pd.Series) -> pd.Series:
        low = side.astype(str).str.strip().str.lower()
        words = {**{w: "long" for w in LONG_WORDS}, **{w: "short" for w in SHORT_WORDS}}
        out = low.map(words)
        if self.closing_side:
            flip = low.isin(list(_ORDER_WORDS))
            out = out.where(~flip, out.map({"long": "short", "short": "long"}))
        return out.where(out.notna(), side)


def _zero_unpriced(raw: pd.DataFrame) -> pd.Series:
    pnl = pd.to_numeric(raw["reported_pnl_usd"], errors="coerce")
    priced = pd.Series(True, index=raw.index)
    for k in ("entry_price", "exit_price", "quantity"):
        priced &= raw[k].astype(str).str.strip().ne("") if k in raw else False
    return (pnl == 0) & ~priced


def read_mapped(path: str | Path, mapping: ColumnMapping) -> Parsed:
    """Read an export file (CSV) through ``mapping``.

    Raises:
        FileRefused: Unreadable file, or the mapping does not fit it.
    """
    path = Path(path)
    return mapping.apply(read_table(path), sheet=path.name)


#: Header words that suggest a journal field (checked in order; first match wins).
_GUESSES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("execution_id", ("trade id", "tradeid", "execution id", "exec id", "fill id", "order id")),
    ("opened_at", ("open time", "open date", "opened", "entry time", "entry date")),
    ("closed_at", ("close time", "close date", "closed", "exit time", "date(utc)", "time(utc)",
                   "date", "time", "timestamp")),
    ("reported_pnl_usd", ("realized profit", "realized pnl", "realized p&l", "closed pnl",
                          "closed p&l", "realised", "realized", "pnl", "p&l", "profit")),
    ("entry_price", ("open price", "entry price", "avg entry", "entry")),
    ("exit_price", ("close price", "exit price", "avg exit", "fill price", "exec price",
                    "price")),
    ("quantity", ("quantity", "qty", "size", "units", "amount", "volume", "filled")),
    ("fees_usd", ("commission", "fee", "fees", "trading fee")),
    ("funding_usd", ("funding", "swap", "financing")),
    ("symbol", ("symbol", "instrument", "pair", "contract", "market", "ticker")),
    ("side", ("side", "direction", "type", "buy/sell")),
    ("leverage", ("leverage",)),
    ("notes", ("comment", "notes", "note")),
)


def guess_mapping(headers: list[str]) -> ColumnMapping:
    """A first guess of the mapping from an export's headers (the user checks it)."""
    columns: dict[str, str] = {}
    free = list(headers)
    for h in headers:   # the journal's own keys map to themselves
        key = "reported_pnl_usd" if h.strip() == "realized_pnl_usd" else h.strip()
        if key in TARGETS and key not in columns:
            columns[key] = h
            free.remove(h)
    for key, words in _GUESSES:
        if key in columns:
            continue
        for word in words:
            hit = next((h for h in free if h.strip().lower() == word), None) or next(
                (h for h in free if word in h.strip().lower()), None)
            if hit is not None:
                columns[key] = hit
                free.remove(hit)
                break
    return ColumnMapping(columns=columns)
